/**
 * #15b: an allow-listed redirect path must not hide a traversal the browser leaves encoded but the page's server may
 * decode: `https://shop.example/login/..%2fadmin` passed the prefix `https://shop.example/login` and reached `/admin`
 * behind it. Through HTTP: the website app's authorize route answers 400 ERR_OAUTH_REDIRECT_NOT_ALLOWED and stores
 * no OAuth state, for every variant, while ordinary paths under the prefix still go to WeChat's consent page.
 */
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OpsApp, startOpsApp } from '../helpers/ops-app.js';

const WEB = 'wxsec0000000web01';
let app: OpsApp;

beforeAll(async () => {
  app = await startOpsApp({
    unions: [],
    apps: [{ appid: WEB, secret: 'sec-secret-web', kind: 'website', union: null, redirectAllowList: ['https://shop.example/login'] }],
  });
});
afterAll(async () => {
  await app.close();
});

async function authorize(redirect: string): Promise<{ status: number; body: any; location: string | null }> {
  const res = await fetch(`${app.url}/v1/web/${WEB}/authorize?redirect=${encodeURIComponent(redirect)}`, { redirect: 'manual' });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, location: res.headers.get('location') };
}

/** OAuth states stored so far (the SQLite file, read directly). */
function flowCount(): number {
  const db = new Database(app.config.storage.replace(/^sqlite:/, ''), { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM flows').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

describe('redirect allow-list: encoded traversal in the path', () => {
  it.each([
    'https://shop.example/login/..%2fadmin',
    'https://shop.example/login/..%2Fadmin',
    'https://shop.example/login/%2e%2e%2fadmin',
    'https://shop.example/login/%2E%2E%2Fadmin',
    'https://shop.example/login/%2e%2e/admin',
    'https://shop.example/login/.%2e/admin',
    'https://shop.example/login/..%5cadmin',
    'https://shop.example/login/%5c%5cevil.example',
    'https://shop.example/login/x/%2e%2e%5c%2e%2e%5cadmin',
    'https://shop.example/login/%252e%252e%252fadmin',
    'https://shop.example/login/%25252e%25252e%25252fadmin',
    'https://shop.example/login/%252e%252e/admin',
    'https://shop.example/login/%c0%ae%c0%ae/admin',
    'https://shop.example/login%2f..%2fadmin',
  ])('refuses %s', async (redirect) => {
    const before = flowCount();
    const r = await authorize(redirect);
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('ERR_OAUTH_REDIRECT_NOT_ALLOWED');
    expect(r.location).toBeNull();
    expect(flowCount()).toBe(before);
  });

  it.each([
    'https://shop.example/login',
    'https://shop.example/login/done?next=%2Fadmin',
    'https://shop.example/login/a.b/..c/file%2ejson',
    'https://shop.example/login/%E4%B8%AD%E6%96%87',
    'https://shop.example/login/done#..%2f',
    'https://shop.example/login/%2e', // resolved by URL parsing itself, to /login/: the browser goes where we looked
  ])('still admits %s', async (redirect) => {
    const r = await authorize(redirect);
    expect(r.status, JSON.stringify(r.body)).toBe(302);
    expect(new URL(r.location!).searchParams.get('appid')).toBe(WEB);
    expect(flowCount()).toBeGreaterThan(0);
  });
});
