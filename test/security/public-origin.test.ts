/**
 * #4/#12: the OAuth `redirect_uri` (where WeChat sends the person's code) is never built from X-Forwarded-Host, even
 * behind a trusted proxy, and without `publicUrl` only from the Host header as sent; and `weunion start` refuses, under
 * NODE_ENV=production, to run an official account or website app without `publicUrl`.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_APPS } from '../../src/config/demo-config.js';
import { runCli } from '../helpers/cli-process.js';
import { type OpsApp, startOpsApp } from '../helpers/ops-app.js';

let app: OpsApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

/** Starts a login the way a browser behind the proxy would; returns the consent page's `redirect_uri`. */
async function consentRedirectUri(url: string, route: string, headers: Record<string, string>): Promise<string> {
  const res = await fetch(`${url}${route}`, { redirect: 'manual', headers });
  expect(res.status, await res.text()).toBe(302);
  const consent = new URL(res.headers.get('location')!);
  return consent.searchParams.get('redirect_uri')!;
}

const redirect = encodeURIComponent('http://127.0.0.1/done');

describe('the OAuth redirect_uri behind a trusted proxy, without publicUrl', () => {
  it.each([
    ['a hop count', 1],
    ['the proxy address', '127.0.0.1'],
  ] as const)('with %s, a forged X-Forwarded-Host does not reach the consent URL; the Host header as sent does', async (_name, trustProxy) => {
    app = await startOpsApp({ server: { port: 0, trustProxy } });
    const host = new URL(app.url).host;
    for (const route of [`/v1/oa/${DEMO_APPS.oa}/authorize?scope=base&redirect=${redirect}`, `/v1/web/${DEMO_APPS.web}/authorize?redirect=${redirect}`]) {
      const uri = await consentRedirectUri(app.url, route, { 'x-forwarded-host': 'evil.example', 'x-forwarded-for': '203.0.113.7' });
      expect(uri).not.toContain('evil.example');
      expect(new URL(uri).host).toBe(host);
      expect(new URL(uri).pathname).toMatch(/^\/v1\/(oa|web)\/[^/]+\/oauth\/callback$/);
    }
    // The proxy may still say the browser used https (its last X-Forwarded-Proto entry); the host stays the Host header.
    const uri = await consentRedirectUri(app.url, `/v1/web/${DEMO_APPS.web}/authorize?redirect=${redirect}`, {
      'x-forwarded-host': 'evil.example, evil2.example',
      'x-forwarded-proto': 'https',
    });
    expect(new URL(uri).origin).toBe(`https://${host}`);
  });

  it('with publicUrl, neither header matters', async () => {
    app = await startOpsApp({ server: { port: 0, trustProxy: 1 }, publicUrl: 'https://id.acme.example/' });
    const uri = await consentRedirectUri(app.url, `/v1/web/${DEMO_APPS.web}/authorize?redirect=${redirect}`, { 'x-forwarded-host': 'evil.example' });
    expect(uri).toBe(`https://id.acme.example/v1/web/${DEMO_APPS.web}/oauth/callback`);
  });
});

describe('weunion start under NODE_ENV=production', () => {
  const config = (extra: Record<string, unknown>) => ({
    server: { port: 0 },
    storage: 'sqlite:./w.db',
    apps: [
      { appid: 'wx1111111111111111', secret: 's', kind: 'miniprogram' },
      { appid: 'wx2222222222222222', secret: 's', kind: 'officialAccount', token: 'tok123' },
      { appid: 'wx3333333333333333', secret: 's', kind: 'website' },
    ],
    ...extra,
  });

  it('refuses an official account or website app without publicUrl, saying why, and starts with it', async () => {
    const cwd = mkdtempSync(path.join(tmpdir(), 'weunion-sec-'));
    writeFileSync(path.join(cwd, 'weunion.config.json'), JSON.stringify(config({})));
    // `until`: should it start after all, the test fails at once rather than waiting for an exit that never comes.
    const refused = await runCli(['start'], { cwd, env: { NODE_ENV: 'production' }, until: /weunion listening on/ });
    if (refused.code === null) {
      refused.child.kill('SIGTERM');
      await refused.exited;
    }
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/no publicUrl, with official-account or website apps configured \(wx2222222222222222, wx3333333333333333\)/);
    expect(refused.err).toMatch(/redirect_uri would be built from the Host header .* set publicUrl/);

    writeFileSync(path.join(cwd, 'weunion.config.json'), JSON.stringify(config({ publicUrl: 'https://id.acme.example' })));
    const started = await runCli(['start'], { cwd, env: { NODE_ENV: 'production', WEUNION_ALLOW_GENERATED_KEYS: '1' }, until: /weunion listening on/ });
    expect(started.code, started.err).toBeNull();
    started.child.kill('SIGTERM');
    expect(await started.exited).toBe(0);
  });

  it('lets a mini-program-only deployment start without publicUrl', async () => {
    const cwd = mkdtempSync(path.join(tmpdir(), 'weunion-sec-'));
    writeFileSync(path.join(cwd, 'weunion.config.json'), JSON.stringify({ ...config({}), apps: config({}).apps.slice(0, 1) }));
    const started = await runCli(['start'], { cwd, env: { NODE_ENV: 'production', WEUNION_ALLOW_GENERATED_KEYS: '1' }, until: /weunion listening on/ });
    expect(started.code, started.err).toBeNull();
    started.child.kill('SIGTERM');
    expect(await started.exited).toBe(0);
  });
});
