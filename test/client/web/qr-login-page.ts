/**
 * The scan-to-follow QR login as the browser tests drive it on the test page (test-page.ts): click "scan to log in",
 * let the person scan the QR code the page shows through the emulator's control API, wait for the user id.
 */
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import type { Stack } from '../../helpers/stack.js';

/** Logs `person` in on `page`; returns the user id the page shows. `shots` = a path prefix for two screenshots. */
export async function qrLoginOnPage(stack: Stack, page: Page, person: string, shots?: string): Promise<string> {
  await page.click('#qr');
  const ticket = await page.locator('#qrimg[data-ticket]').getAttribute('data-ticket');
  await expect.poll(() => page.locator('#status').textContent()).toBe('pending');
  if (shots) await page.screenshot({ path: `${shots}-1-qr.png` });
  const scan = await stack.control<{ pushId: string }>(`/__emulator/persons/${person}/scan`, { appid: stack.apps.oa, ticket });
  await stack.control(`/__emulator/pushes/${scan.pushId}?wait=5`, undefined, 'GET');
  await expect.poll(() => page.locator('#status').textContent()).toBe('scanned');
  await stack.settle(); // the lookup job resolves the person: the login is done
  await expect.poll(() => page.locator('#user').textContent(), { timeout: 10_000 }).not.toBe('');
  if (shots) await page.screenshot({ path: `${shots}-2-logged-in.png` });
  return (await page.locator('#user').textContent())!;
}
