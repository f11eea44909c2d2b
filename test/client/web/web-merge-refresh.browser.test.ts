/**
 * The web SDK's refresh after a merge, in a real Chromium (Debian's, driven by playwright-core) against weunion and
 * the emulator on loopback: the bundled SDK on the test website's page (page-server.ts, test-page.ts) holds the
 * session of a user that is then merged into another at the server; the page's `client.refresh()` yields the
 * survivor's user id, keeps it in localStorage, and the page's next request is the survivor's. Two roads to the merge:
 * the server's own (a mini program split user joined to its unionid's owner, as web-refresh.test.ts does in Node),
 * and an operator's admin merge of the user the page logged in by the QR code.
 */
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulatorWx, createMiniProgramClient } from '../../../src/client/index.js';
import type { Config } from '../../../src/config/schema.js';
import { launchTestChromium, type TestChromium } from '../../helpers/chromium.js';
import { type Stack, startStack, trustDecryptedUnionids } from '../../helpers/stack.js';
import { type PageServer, startPageServer } from './page-server.js';
import { qrLoginOnPage } from './qr-login-page.js';
import { bundleWebSdk, testPage } from './test-page.js';

const ARTIFACTS = 'test-artifacts/web-sdk';
const KEY = 'weunion:web-session';
const ADMIN_KEY = 'wua_test_merge_ops_0123456789ab';

const withAdminKey = (c: Config): Config => ({
  ...c,
  admin: { ...c.admin, keys: [{ name: 'ops', sha256: createHash('sha256').update(ADMIN_KEY).digest('hex'), scopes: ['read', 'write'] }] },
});

let stack: Stack;
let site: PageServer;
let chromium: TestChromium;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  stack = await startStack({ unionidRule: 'legacy', configure: (c) => withAdminKey(trustDecryptedUnionids(c)) });
  site = await startPageServer(stack.serverUrl, {
    '/': { type: 'text/html; charset=utf-8', body: testPage(stack.apps.oa, 'sse') },
    '/weunion-web.js': { type: 'text/javascript; charset=utf-8', body: await bundleWebSdk() },
  });
  chromium = await launchTestChromium();
  browser = chromium.browser;
}, 600_000);

afterAll(async () => {
  await chromium?.close();
  await site?.close();
  await stack?.close();
});

const mpClient = (person: string, app: 'mp1' | 'mp2') =>
  createMiniProgramClient({
    baseUrl: stack.serverUrl,
    appid: stack.apps[app],
    wx: createEmulatorWx({ emulatorUrl: stack.emulatorUrl, appid: stack.apps[app], person }),
  });

const keptOn = (page: Page) => page.evaluate((key) => JSON.parse((globalThis as any).localStorage.getItem(key) ?? 'null'), KEY);
/** The page's `client.refresh()`: what it resolved with, or the error's code. */
const refreshOn = (page: Page) =>
  page.evaluate(() =>
    (globalThis as any).client.refresh().then(
      (s: any) => ({ userId: s.userId, openid: s.openid, refreshToken: s.refreshToken }),
      (e: any) => ({ code: e.code, cause: e.cause?.code }),
    ),
  );
/** GET /v1/me through the page's `client.request()`. */
const meOn = (page: Page) =>
  page.evaluate(() =>
    (globalThis as any).client.request({ url: '/v1/me' }).then(
      (r: any) => ({ status: r.status, userId: r.data.userId }),
      (e: any) => ({ code: e.code }),
    ),
  );

describe('web SDK in Chromium: refresh after a merge', () => {
  it('a split user merged into its unionid’s owner by the server: the page’s refresh() yields the survivor', async () => {
    const person = await stack.createPerson({ declinesUserInfo: true });
    const split = await mpClient(person, 'mp1').login(); // openid only
    await stack.control(`/__emulator/persons/${person}`, { declinesUserInfo: false }, 'PATCH');
    const owner = await mpClient(person, 'mp2').login();
    expect(owner.userId).not.toBe(split.userId);

    const page = await browser.newPage();
    await page.goto(`${site.url}/`);
    // The split session, kept in the page's storage as the SDK keeps its own; the page loads it anew.
    await page.evaluate(
      ([key, value]) => (globalThis as any).localStorage.setItem(key, value),
      [KEY, JSON.stringify({ ...split, expiresAt: Date.now() + split.expiresIn * 1000 })],
    );
    await page.reload();
    expect(await page.evaluate(() => (globalThis as any).client.session()?.userId)).toBe(split.userId);

    await mpClient(person, 'mp1').login(); // the same mini program elsewhere: decrypts, merges the split user into the owner
    const renewed = await refreshOn(page);
    expect(renewed).toMatchObject({ userId: owner.userId, openid: split.openid, refreshToken: expect.any(String) });
    expect(renewed.refreshToken).not.toBe(split.refreshToken);
    expect(await keptOn(page)).toMatchObject({ userId: owner.userId, refreshToken: renewed.refreshToken });
    expect(await meOn(page)).toEqual({ status: 200, userId: owner.userId });
    expect(await page.evaluate(() => (globalThis as any).refreshes)).toBe(1);
    await page.close();
  }, 60_000);

  it('the user the page logged in by QR code, merged away by an operator: the page’s refresh() yields the survivor', async () => {
    const person = await stack.createPerson({ declinesUserInfo: true });
    const survivor = await mpClient(person, 'mp1').login(); // openid only: WeChat does not tell the two users apart
    const page = await browser.newPage();
    await page.goto(`${site.url}/`);
    const loser = await qrLoginOnPage(stack, page, person, `${ARTIFACTS}/merge-refresh`);
    expect(loser).not.toBe(survivor.userId);
    const kept = await keptOn(page);
    expect(kept).toMatchObject({ userId: loser, refreshToken: expect.any(String) });

    const merged = await stack.api(
      '/v1/admin/users/merge',
      { survivorId: survivor.userId, loserId: loser, reason: 'one person, two accounts' },
      { token: ADMIN_KEY },
    );
    expect(merged).toMatchObject({ status: 200, body: { userId: survivor.userId, mergedUserId: loser } });
    expect(await page.evaluate(() => (globalThis as any).client.session()?.userId)).toBe(loser); // not renewed yet

    const renewed = await refreshOn(page);
    expect(renewed).toMatchObject({ userId: survivor.userId, refreshToken: expect.any(String) });
    expect(renewed.refreshToken).not.toBe(kept.refreshToken);
    expect(await keptOn(page)).toMatchObject({ userId: survivor.userId, refreshToken: renewed.refreshToken });
    expect(await meOn(page)).toEqual({ status: 200, userId: survivor.userId });
    await page.close();
  }, 60_000);
});
