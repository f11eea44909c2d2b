/**
 * The admin console (/admin) in a real Chromium (Debian's, driven by playwright-core) against the real route app on
 * loopback: sign in with an admin key → the dashboard's figures → search an openid → the person's identity graph →
 * unlink one identity through the confirmation dialog (a reason asked for) → the graph loses the node and the admin
 * API says the same; merge it back and erase a person the same way; a wrong key and a read-only key get a clear
 * error and change nothing; the page is Chinese for a zh browser. Every control's accessible name is read from
 * Chromium's accessibility tree; the page must log no error. Screenshots go to test-artifacts/admin-console/.
 */
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import Fastify from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { launchTestChromium, type TestChromium } from '../helpers/chromium.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import weunion from '../../src/fastify.js';
import { CONSOLE_CSP } from '../../src/server/routes/admin-console.js';
import { MP, startEmbedWorld } from '../helpers/embed-world.js';
import type { RouteApp } from '../helpers/route-app.js';
import { startRouteApp } from '../helpers/route-app.js';
import { APPS, UNION } from '../helpers/test-apps.js';
import { KEYS, withAdmin } from './admin-app.js';

const ARTIFACTS = 'test-artifacts/admin-console';

let api: RouteApp;
let url: string;
let chromium: TestChromium;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  api = await startRouteApp({ configure: (c) => withAdmin(c) });
  url = await api.listen();
  chromium = await launchTestChromium();
  browser = chromium.browser;
}, 600_000);

afterAll(async () => {
  await chromium?.close();
  await api?.close();
}, 120_000);

/**
 * One person seen in three apps: the mini program's openid came first without a unionid (a user of its own), then
 * the official account with the unionid, then the mini program again with it (the two joined), then the app.
 */
async function threeAppPerson(tag: string): Promise<{ userId: string; mergedId: string }> {
  const resolve = api.deps.identity.resolve;
  const a = await resolve({ unionKey: UNION, appid: APPS.mp, openid: `o-mp-${tag}` });
  const b = await resolve({ unionKey: UNION, appid: APPS.oa, openid: `o-oa-${tag}`, unionid: `un-${tag}` });
  expect((await resolve({ unionKey: UNION, appid: APPS.mp, openid: `o-mp-${tag}`, unionid: `un-${tag}` })).mergedUserIds).toEqual([a.userId]);
  await resolve({ unionKey: UNION, appid: APPS.mobile, openid: `o-app-${tag}`, unionid: `un-${tag}` });
  return { userId: b.userId, mergedId: a.userId };
}

const adminGet = async (path: string) => (await api.call('GET', path, { token: KEYS.read })).body;

/** Every console message of type error and every uncaught exception of the page. */
function pageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  return errors;
}

/** Controls (and images) in Chromium's accessibility tree that have no accessible name; and how many were seen. */
async function unnamedControls(page: Page): Promise<{ seen: number; unnamed: string[] }> {
  const cdp = await page.context().newCDPSession(page);
  const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as {
    nodes: Array<{ ignored: boolean; role?: { value: string }; name?: { value: string } }>;
  };
  await cdp.detach();
  const roles = new Set(['button', 'textbox', 'searchbox', 'combobox', 'checkbox', 'link', 'listbox', 'radio', 'spinbutton', 'img', 'dialog', 'table']);
  const controls = nodes.filter((n) => !n.ignored && roles.has(n.role?.value ?? ''));
  return { seen: controls.length, unnamed: controls.filter((n) => !String(n.name?.value ?? '').trim()).map((n) => n.role!.value) };
}

async function signIn(page: Page, key: string): Promise<void> {
  await page.getByLabel('Admin key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

async function openUser(page: Page, id: string): Promise<void> {
  await page.getByRole('searchbox', { name: /Any id/ }).fill(id);
  await page.getByRole('button', { name: 'Search' }).click();
  await page.locator('#user:not([hidden])').waitFor();
}

const identityNodes = (page: Page) => page.locator('#graph .node-identity').count();

describe('admin console in Chromium', () => {
  it('serves the page, its script and stylesheet under the strict CSP, holding no data', async () => {
    for (const [path, type] of [
      ['/admin', 'text/html'],
      ['/admin/console.js', 'text/javascript'],
      ['/admin/console.css', 'text/css'],
    ] as const) {
      const res = await fetch(url + path);
      expect([res.status, res.headers.get('content-type')?.split(';')[0]]).toEqual([200, type]);
      expect(res.headers.get('content-security-policy')).toBe(CONSOLE_CSP);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    }
    const html = await (await fetch(`${url}/admin`)).text();
    expect(html).not.toMatch(/<script>|<style|\sstyle=|\son[a-z]+=/i); // nothing inline: the CSP would refuse it
    const script = await (await fetch(`${url}/admin/console.js`)).text();
    expect(script).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(/);
    expect(script).not.toMatch(/localStorage/); // the key is kept for the tab only
  });

  it('sign in → dashboard → search → the graph → unlink through the dialog → the graph and the API agree; merge back', async () => {
    const { userId, mergedId } = await threeAppPerson('flow');
    const stats = await adminGet('/v1/admin/stats');
    const page = await browser.newPage({ locale: 'en-US', viewport: { width: 1100, height: 1000 } });
    const errors = pageErrors(page);
    const res = await page.goto(`${url}/admin`);
    expect(res?.headers()['content-security-policy']).toBe(CONSOLE_CSP);
    await signIn(page, KEYS.write);

    await expect.poll(() => page.locator('#user-counts [data-figure=live] dd').textContent()).toBe(String(stats.users.live));
    expect(await page.locator('#user-counts [data-figure=merged] dd').textContent()).toBe(String(stats.users.merged));
    expect(await page.locator(`#coverage tr[data-appid=${APPS.oa}] td`).last().textContent()).toBe('100.0%');
    expect(await page.getByRole('img', { name: /merges over 14 days/ }).getAttribute('aria-label')).toBe(
      `${stats.mergesPerDay.reduce((n: number, d: { merges: number }) => n + d.merges, 0)} merges over 14 days`,
    );
    expect(await page.evaluate(() => (globalThis as any).sessionStorage.getItem('weunion-admin-key'))).toBe('wua_test_write_0123456789abcdef');
    await page.screenshot({ path: `${ARTIFACTS}/1-dashboard.png`, fullPage: true });

    await openUser(page, 'o-mp-flow');
    expect(await page.getByRole('button', { name: `Show ${userId}` }).count()).toBe(1);
    expect(await page.locator('#user-h').textContent()).toContain(userId);
    expect(await page.locator('#user-facts').textContent()).toContain(mergedId);
    expect(await identityNodes(page)).toBe(3);
    expect(await page.locator('#graph .node-union').count()).toBe(1);
    expect(await page.locator('#graph .edge-unionid').count()).toBe(3);
    expect(await page.locator('#timeline li[data-type="user.merged"]').count()).toBe(1);
    const main = await unnamedControls(page);
    expect(main.seen).toBeGreaterThan(10);
    expect(main.unnamed).toEqual([]);
    await page.screenshot({ path: `${ARTIFACTS}/2-user.png`, fullPage: true });

    await page.getByRole('button', { name: `Unlink ${APPS.mp} / o-mp-flow` }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    expect(await dialog.getByRole('heading').textContent()).toContain('o-mp-flow');
    const inDialog = await unnamedControls(page);
    expect(inDialog.unnamed).toEqual([]);
    await dialog.getByRole('button', { name: 'Confirm' }).click(); // no reason yet: refused on the page
    expect(await dialog.getByRole('alert').textContent()).toBe('A reason is required.');
    expect(await identityNodes(page)).toBe(3);
    await dialog.getByRole('textbox', { name: /Reason/ }).fill('ticket 41: wrong merge');
    await page.screenshot({ path: `${ARTIFACTS}/3-unlink-dialog.png` });
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await expect.poll(() => identityNodes(page)).toBe(2);
    const notice = (await page.locator('#user-notice').textContent())!;
    const split = /new user (u_\w+)/.exec(notice)?.[1];
    expect(split).toBeDefined();
    await page.screenshot({ path: `${ARTIFACTS}/4-after-unlink.png`, fullPage: true });

    const shown = await adminGet(`/v1/admin/users/${userId}`);
    expect(shown.apps.map((a: { appid: string }) => a.appid).sort()).toEqual([APPS.oa, APPS.mobile].sort());
    expect((await adminGet(`/v1/admin/users/${split}`)).apps).toEqual([expect.objectContaining({ appid: APPS.mp })]);
    expect(shown.timeline.at(-1)).toMatchObject({ type: 'identity.unlinked', actor: 'ops', reason: 'ticket 41: wrong merge' });

    await page.getByRole('button', { name: 'Merge another user into this one' }).click();
    await dialog.getByRole('textbox', { name: 'The user id to merge in' }).fill(split!);
    await dialog.getByRole('textbox', { name: /Reason/ }).fill('ticket 41: it was right');
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await expect.poll(() => identityNodes(page)).toBe(3);
    expect((await adminGet(`/v1/admin/users/${split}`)).userId).toBe(userId);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a wrong key is refused with a clear message and kept nowhere; a read-only key sees but cannot act', async () => {
    const { userId } = await threeAppPerson('keys');
    const page = await browser.newPage({ locale: 'en-US' });
    const errors = pageErrors(page);
    await page.goto(`${url}/admin`);
    await signIn(page, 'wua_not_a_configured_key');
    const alert = page.locator('#signin-error');
    await expect.poll(() => alert.textContent()).toContain('This admin key is not accepted');
    expect(await alert.textContent()).toContain('ERR_ADMIN_UNAUTHORIZED');
    expect(await page.locator('#console').isHidden()).toBe(true);
    expect(await page.evaluate(() => (globalThis as any).sessionStorage.getItem('weunion-admin-key'))).toBeNull();
    await page.screenshot({ path: `${ARTIFACTS}/5-wrong-key.png` });

    await signIn(page, KEYS.read);
    await openUser(page, 'o-oa-keys');
    await page.getByRole('button', { name: 'Erase this person' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('textbox', { name: /Reason/ }).fill('not allowed');
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    await expect.poll(() => dialog.getByRole('alert').textContent()).toContain('ERR_ADMIN_FORBIDDEN');
    expect((await adminGet(`/v1/admin/users/${userId}`)).status).toBe('live');
    // The browser's own lines for the refused requests, and nothing else.
    expect(errors.filter((e) => !/status of (401|403)/.test(e))).toEqual([]);
    expect(errors.length).toBe(2);
    await page.close();
  });

  it('erases a person: the page shows the tombstone; a reload keeps the tab signed in; Chinese for a zh browser', async () => {
    const { userId } = await threeAppPerson('erase');
    const page = await browser.newPage({ locale: 'zh-CN' });
    const errors = pageErrors(page);
    await page.goto(`${url}/admin`);
    expect(await page.getByRole('button', { name: '登录' }).count()).toBe(1);
    await page.getByRole('button', { name: 'English' }).click();
    await signIn(page, KEYS.write);
    await openUser(page, 'un-erase');
    await page.getByRole('button', { name: 'Erase this person' }).click();
    await page
      .getByRole('dialog')
      .getByRole('textbox', { name: /Reason/ })
      .fill('PIPL request 9');
    await page.getByRole('dialog').getByRole('button', { name: 'Confirm' }).click();
    await expect.poll(() => page.locator('#user-h .badge').textContent()).toBe('erased');
    expect(await identityNodes(page)).toBe(0);
    expect(await page.getByRole('button', { name: 'Erase this person' }).isDisabled()).toBe(true);
    expect((await adminGet(`/v1/admin/users/${userId}`)).timeline.at(-1)).toMatchObject({ type: 'user.erased', actor: 'ops', reason: 'PIPL request 9' });

    await page.reload();
    await page.locator('#console:not([hidden])').waitFor();
    await page.getByRole('button', { name: '中文' }).click();
    expect(await page.locator('#dashboard-h span').textContent()).toBe('概览');
    expect(await page.evaluate(() => (globalThis as any).document.documentElement.lang)).toBe('zh-CN');
    await page.screenshot({ path: `${ARTIFACTS}/6-zh.png`, fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('works under the prefix a host mounted weunion at (weunion/fastify): /auth/admin talks to /auth/v1/admin/…', async () => {
    const world = await startEmbedWorld();
    const host = Fastify({ logger: false });
    host.get('/v1/admin/stats', async () => ({ host: 'mine' })); // the host's own route of that name: not ours
    const sha256 = createHash('sha256').update(KEYS.write).digest('hex');
    await host.register(weunion, { config: { ...world.config, admin: { keys: [{ name: 'ops', sha256, scopes: ['read', 'write'] }] } }, prefix: '/auth' });
    const hostUrl = await host.listen({ port: 0, host: '127.0.0.1' });
    const page = await browser.newPage({ locale: 'en-US' });
    const errors = pageErrors(page);
    try {
      const res = await page.goto(`${hostUrl}/auth/admin`);
      expect(res?.headers()['content-security-policy']).toBe(CONSOLE_CSP);
      await signIn(page, KEYS.write);
      await page.locator(`#coverage tr[data-appid=${MP}]`).waitFor();
      expect(await page.locator('#user-counts [data-figure=live] dd').textContent()).toBe('0');
      await page.getByRole('searchbox', { name: /Any id/ }).fill('nobody');
      await page.getByRole('button', { name: 'Search' }).click();
      await expect.poll(() => page.locator('#matches').textContent()).toBe('Nobody has this id.');
      expect(errors).toEqual([]);
    } finally {
      await page.close();
      await host.close();
      await world.close();
    }
  });
});
