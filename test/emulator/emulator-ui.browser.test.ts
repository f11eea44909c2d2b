/**
 * The emulator's state page (/__emulator/ui) in a real Chromium (Debian's, driven by playwright-core) against a real
 * emulator on loopback: its apps and a person created through the control API appear, every table and heading has an
 * accessible name, the strict CSP is sent and the page logs no error. A name that looks like markup stays text.
 * A follow pushed to a callback and a few API calls fill the push and call tables.
 * Screenshots go to test-artifacts/emulator-ui/.
 */
import { mkdirSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { launchTestChromium, type TestChromium } from '../helpers/chromium.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from '../../src/emulator/index.js';
import { EMULATOR_UI_CSP } from '../../src/emulator/routes/control-ui.js';
import { ALL_APPS, MINI, OA_PUSH } from './helpers.js';
import { startReceiver } from './push-receiver.js';

const ARTIFACTS = 'test-artifacts/emulator-ui';

let emu: Emulator;
let url: string;
let chromium: TestChromium;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  emu = createEmulator({ apps: ALL_APPS, logger: false });
  url = await emu.listen({ port: 0, host: '127.0.0.1' });
  chromium = await launchTestChromium();
  browser = chromium.browser;
}, 600_000);

afterAll(async () => {
  await chromium?.close();
  await emu?.app.close();
});

describe('emulator state page in Chromium', () => {
  it('serves the page, script and stylesheet under the strict CSP, nothing inline, no innerHTML', async () => {
    for (const [path, type] of [
      ['/__emulator/ui', 'text/html'],
      ['/__emulator/ui.js', 'text/javascript'],
      ['/__emulator/ui.css', 'text/css'],
    ] as const) {
      const res = await fetch(url + path);
      expect([res.status, res.headers.get('content-type')?.split(';')[0]]).toEqual([200, type]);
      expect(res.headers.get('content-security-policy')).toBe(EMULATOR_UI_CSP);
    }
    expect(await (await fetch(`${url}/__emulator/ui`)).text()).not.toMatch(/<script>|<style|\sstyle=|\son[a-z]+=/i);
    expect(await (await fetch(`${url}/__emulator/ui.js`)).text()).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(/);
  });

  it('shows the apps and a person made through the control API; named tables; no console error', async () => {
    const created = await fetch(`${url}/__emulator/persons`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: '<b>Mei</b>' }),
    });
    const { id } = (await created.json()) as { id: string };
    const page = await browser.newPage({ locale: 'en-US', viewport: { width: 1200, height: 900 } });
    const errors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(e.message));
    const res = await page.goto(`${url}/__emulator/ui`);
    expect(res?.status()).toBe(200);
    expect(res?.headers()['content-security-policy']).toBe(EMULATOR_UI_CSP);

    const apps = page.getByRole('table', { name: 'Apps' });
    await expect.poll(() => apps.locator('tbody tr').count()).toBe(ALL_APPS.length);
    for (const app of ALL_APPS) expect(await apps.getByRole('cell', { name: app.appid, exact: true }).count()).toBe(1);
    const persons = page.getByRole('table', { name: 'Persons' });
    const row = persons.locator('tbody tr').first();
    expect(await row.locator('td').first().textContent()).toBe(id);
    expect(await row.locator('td').nth(1).textContent()).toBe('<b>Mei</b>'); // text, not markup
    expect(await persons.locator('b').count()).toBe(0);
    expect(await row.textContent()).toContain(`${MINI.appid}: `);
    for (const name of ['Apps', 'Persons', 'Recent pushes', 'WeChat API calls']) {
      expect(await page.getByRole('heading', { name }).count()).toBe(1);
      expect(await page.getByRole('table', { name }).count()).toBe(1);
    }
    expect(await page.locator('#error').textContent()).toBe('');
    await page.screenshot({ path: `${ARTIFACTS}/1-state.png`, fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });
  it('lists a push the emulator sent and the WeChat API calls it answered', async () => {
    const rx = await startReceiver();
    try {
      const patched = await fetch(`${url}/__emulator/apps/${OA_PUSH.appid}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ callbackUrl: rx.url }),
      });
      expect(patched.status).toBe(200);
      const created = await fetch(`${url}/__emulator/persons`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Lin' }),
      });
      const { id } = (await created.json()) as { id: string };
      const followed = await fetch(`${url}/__emulator/persons/${id}/follow`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ appid: OA_PUSH.appid }),
      });
      expect(followed.status).toBe(200);
      await expect.poll(() => rx.received.length, { timeout: 10_000 }).toBeGreaterThan(0);
      for (let i = 0; i < 3; i++) await fetch(`${url}/cgi-bin/token?grant_type=client_credential&appid=${OA_PUSH.appid}&secret=${OA_PUSH.secret}`);

      const page = await browser.newPage({ locale: 'en-US', viewport: { width: 1200, height: 900 } });
      await page.goto(`${url}/__emulator/ui`);
      const pushes = page.getByRole('table', { name: 'Recent pushes' });
      const push = pushes.locator('tbody tr').filter({ hasText: id });
      await expect.poll(() => push.count()).toBe(1);
      const cells = await push.locator('td').allTextContents();
      expect(cells).toContain(OA_PUSH.appid);
      expect(cells).toContain(rx.url);
      expect(cells.join(' ')).toMatch(/answered|in flight/);
      const calls = page.getByRole('table', { name: 'WeChat API calls' });
      const token = calls.locator('tbody tr').filter({ hasText: '/cgi-bin/token' });
      await expect.poll(() => token.count()).toBe(1);
      expect(Number(await token.locator('td').nth(1).textContent())).toBeGreaterThanOrEqual(3);
      await page.screenshot({ path: `${ARTIFACTS}/2-pushes-calls.png`, fullPage: true });
      await page.close();
    } finally {
      await rx.close();
    }
  });
});
