/**
 * The web SDK in a real Chromium (Debian's, driven by playwright-core) against weunion and the emulator on
 * loopback: a page of a test website (page-server.ts: the page, the bundled SDK, weunion behind it on the same
 * origin) logs a person in by the scan-to-follow QR code — over server-sent events, and by long poll when the page
 * has no EventSource — and by the official account's OAuth, the person acting through the emulator's control API and
 * its consent page. Screenshots go to test-artifacts/web-sdk/ (git-ignored).
 */
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { launchTestChromium, type TestChromium } from '../../helpers/chromium.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { personView } from '../../helpers/login-flows.js';
import { type Stack, startStack } from '../../helpers/stack.js';
import { type PageServer, startPageServer } from './page-server.js';
import { qrLoginOnPage } from './qr-login-page.js';
import { bundleWebSdk, testPage } from './test-page.js';

const ARTIFACTS = 'test-artifacts/web-sdk';

let stack: Stack;
let site: PageServer;
let chromium: TestChromium;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  // Pushes stamped by the stack's clock, which the refresh tests move past token lifetimes (the server checks the stamp).
  stack = await startStack({ unionidRule: 'legacy', emulatorOptions: { pushTimes: 'virtual' } });
  const html = (t: 'sse' | 'poll') => ({ type: 'text/html; charset=utf-8', body: testPage(stack.apps.oa, t) });
  site = await startPageServer(stack.serverUrl, {
    '/': html('sse'),
    '/poll': html('poll'),
    '/weunion-web.js': { type: 'text/javascript; charset=utf-8', body: await bundleWebSdk() },
  });
  // WeChat sends the OAuth browser only to the account's registered domain: here, the site's.
  stack.emulator.configureApp(stack.apps.oa, { oauthDomain: new URL(site.url).host });
  chromium = await launchTestChromium();
  browser = chromium.browser;
}, 600_000);

afterAll(async () => {
  await chromium?.close();
  await site?.close();
  await stack?.close();
});

/** The user the official account's openid of `person` belongs to, from the store. */
async function oaUserOf(person: string): Promise<string | undefined> {
  const openid = (await personView(stack, person)).openids[stack.apps.oa]!;
  return (await stack.deps.store.identity.findAppIdentity(stack.apps.oa, openid))?.userId;
}

/** Clicks "scan to log in", lets `person` scan the QR code the page shows, and waits for the user id. */
const qrLogin = (page: Page, person: string, shot: string): Promise<string> => qrLoginOnPage(stack, page, person, `${ARTIFACTS}/${shot}`);

describe('web SDK in Chromium', () => {
  it('scan-to-follow QR login over server-sent events: the page shows the user id, and keeps the session', async () => {
    const person = await stack.createPerson();
    const page = await browser.newPage();
    await page.goto(`${site.url}/`);
    const userId = await qrLogin(page, person, 'qr-sse');
    expect(userId).toBe(await oaUserOf(person));
    expect(await page.evaluate(() => (globalThis as any).statuses)).toEqual(['pending', 'scanned', 'done']);
    expect(await page.evaluate(() => [(globalThis as any).streams, (globalThis as any).polls])).toEqual([1, 0]);
    const kept = await page.evaluate(() => JSON.parse((globalThis as any).localStorage.getItem('weunion:web-session') ?? 'null'));
    expect(kept).toMatchObject({ userId, token: expect.any(String), openid: (await personView(stack, person)).openids[stack.apps.oa] });
    expect((await stack.api('/v1/me', undefined, { token: kept.token })).body).toMatchObject({ userId });
    await page.close();
  });

  it('without EventSource the page follows the login by long poll', async () => {
    const person = await stack.createPerson();
    const page = await browser.newPage();
    await page.goto(`${site.url}/poll`);
    const userId = await qrLogin(page, person, 'qr-poll');
    expect(userId).toBe(await oaUserOf(person));
    const [streams, polls] = await page.evaluate(() => [(globalThis as any).streams, (globalThis as any).polls]);
    expect(streams).toBe(0);
    expect(polls).toBeGreaterThanOrEqual(2);
    await page.close();
  });

  it('an expired QR login ends with ERR_QR_LOGIN_EXPIRED on the page, whether streamed or polled', async () => {
    for (const path of ['/', '/poll']) {
      const page = await browser.newPage();
      await page.goto(site.url + path);
      await page.click('#qr');
      await expect.poll(() => page.locator('#status').textContent()).toBe('pending');
      // The stream (or the long poll) re-reads on its recheck; past the TTL the read is 410 ERR_QR_LOGIN_EXPIRED.
      stack.clock.advance(stack.config.flows.qrLoginTtlSeconds + 1);
      await expect.poll(() => page.locator('#error').textContent(), { timeout: 40_000 }).toBe('ERR_QR_LOGIN_EXPIRED');
      expect(await page.locator('#user').textContent()).toBe('');
      await page.close();
    }
  }, 90_000);

  it('official-account OAuth: weunion → the emulator consent page → back with a code the page exchanges', async () => {
    const person = await stack.createPerson({ name: 'Oauth Person' });
    const page = await browser.newPage();
    await page.goto(`${site.url}/`);
    await page.click('#oauth');
    const consent = page.locator('form', { hasText: person }).locator('button[value="consent"]');
    await consent.waitFor();
    expect(new URL(page.url()).pathname).toBe('/connect/oauth2/authorize');
    await page.screenshot({ path: `${ARTIFACTS}/oauth-1-consent.png` });
    await consent.click();
    await expect.poll(() => page.locator('#user').textContent(), { timeout: 10_000 }).not.toBe('');
    await page.screenshot({ path: `${ARTIFACTS}/oauth-2-logged-in.png` });
    expect(await page.locator('#user').textContent()).toBe(await oaUserOf(person));
    expect(page.url()).toBe(`${site.url}/`); // the one-time code is gone from the address bar
    await page.close();
  });
});

describe('web SDK in Chromium: refresh and logout', () => {
  /** A logged-in page: the QR login, then what the page keeps. */
  async function loggedIn(shot: string): Promise<{ page: Page; userId: string; kept: { token: string; refreshToken: string; expiresAt: number } }> {
    const person = await stack.createPerson();
    const page = await browser.newPage();
    await page.goto(`${site.url}/`);
    const userId = await qrLogin(page, person, shot);
    return { page, userId, kept: await keptOn(page) };
  }
  const keptOn = (page: Page) => page.evaluate(() => JSON.parse((globalThis as any).localStorage.getItem('weunion:web-session') ?? 'null'));
  const outcome = (page: Page, call: 'refresh' | 'logout' | 'request') =>
    page.evaluate(
      (c) =>
        (globalThis as any).client[c](c === 'request' ? { url: '/v1/me' } : undefined).then(
          (r: unknown) => ({ ok: r }),
          (e: any) => ({ code: e.code, cause: e.cause?.code }),
        ),
      call,
    );

  it('the QR login keeps a refresh token; two requests on an expired token share one refresh, then retry', async () => {
    const { page, userId, kept } = await loggedIn('refresh');
    expect(kept.refreshToken).toEqual(expect.any(String));
    stack.clock.advance(stack.config.session.ttlSeconds + 60); // only the server's clock: the page still trusts its token
    const answers = await page.evaluate(() =>
      Promise.all([(globalThis as any).client.request({ url: '/v1/me' }), (globalThis as any).client.request({ url: '/v1/me' })]),
    );
    expect(answers).toEqual([expect.objectContaining({ status: 200, data: expect.objectContaining({ userId }) }), expect.objectContaining({ status: 200 })]);
    expect(await page.evaluate(() => (globalThis as any).refreshes)).toBe(1);
    const renewed = await keptOn(page);
    expect(renewed).toMatchObject({ userId });
    expect(renewed.token).not.toBe(kept.token);
    expect(renewed.refreshToken).not.toBe(kept.refreshToken);
    await page.close();
  }, 60_000);

  it('two tabs of one site renewing at once send the refresh token once (Web Locks), and stay logged in', async () => {
    const context = await browser.newContext();
    const [tab1, tab2] = [await context.newPage(), await context.newPage()];
    await tab1.goto(`${site.url}/`);
    const userId = await qrLogin(tab1, await stack.createPerson(), 'two-tabs');
    await tab2.goto(`${site.url}/`); // the same localStorage: the same session
    expect(await tab2.evaluate(() => [typeof (globalThis as any).navigator.locks, (globalThis as any).isSecureContext])).toEqual(['object', true]);
    stack.clock.advance(stack.config.session.ttlSeconds + 60);
    const me = (tab: Page) =>
      tab.evaluate(() =>
        (globalThis as any).client.request({ url: '/v1/me' }).then(
          (r: any) => r.status,
          (e: any) => e.code,
        ),
      );
    expect(await Promise.all([me(tab1), me(tab2)])).toEqual([200, 200]);
    const refreshes = async (tab: Page) => tab.evaluate(() => (globalThis as any).refreshes as number);
    expect((await refreshes(tab1)) + (await refreshes(tab2))).toBe(1);
    expect(await keptOn(tab2)).toMatchObject({ userId });
    await context.close();
  }, 60_000);

  it('refresh() with a refresh token used elsewhere first clears the session and rejects ERR_CLIENT_SESSION_REVOKED', async () => {
    const { page, kept } = await loggedIn('reuse');
    expect((await stack.api('/v1/session/refresh', { refreshToken: kept.refreshToken })).status).toBe(200);
    expect(await outcome(page, 'refresh')).toEqual({ code: 'ERR_CLIENT_SESSION_REVOKED', cause: 'ERR_REFRESH_REUSED' });
    expect(await keptOn(page)).toBeNull();
    await page.close();
  }, 60_000);

  it('request() past the refresh token lifetime clears the session and rejects ERR_CLIENT_LOGGED_OUT', async () => {
    const { page } = await loggedIn('refresh-expired');
    stack.clock.advance(stack.config.session.refreshTtlSeconds + 60);
    expect(await outcome(page, 'request')).toEqual({ code: 'ERR_CLIENT_LOGGED_OUT', cause: 'ERR_REFRESH_EXPIRED' });
    expect(await keptOn(page)).toBeNull();
    await page.close();
  }, 60_000);

  it('logout() revokes the session at the server, and clears the page’s storage even when the server cannot be reached', async () => {
    const up = await loggedIn('logout');
    expect(await outcome(up.page, 'logout')).toEqual({ ok: { revoked: true } });
    expect(await keptOn(up.page)).toBeNull();
    expect((await stack.api('/v1/me', undefined, { token: up.kept.token })).body).toMatchObject({ error: { code: 'ERR_AUTH_REVOKED' } });
    await up.page.close();

    const down = await loggedIn('logout-offline');
    await down.page.route('**/v1/session/logout', (route) => route.abort('connectionrefused'));
    expect(await outcome(down.page, 'logout')).toEqual({ ok: { revoked: false } });
    expect(await keptOn(down.page)).toBeNull();
    expect((await stack.api('/v1/me', undefined, { token: down.kept.token })).status).toBe(200); // the server never heard
    await down.page.close();
  }, 90_000);
});
