/**
 * Findings #6, #7 and #11 of the outside attack, on the scan-to-follow login, over HTTP:
 * - #7: the QR id (in URLs) is not a credential by itself — the login code goes only to the browser that created it;
 * - #11: the store holds neither the QR id nor a login code in clear;
 * - #6: creation is rate-limited per IP, waiting requests are capped, and a waiter is woken by the change itself, not
 *   by re-reading the store every 250 ms.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/schema.js';
import { createCookieJar } from '../helpers/cookie-jar.js';
import { settlesWithin } from '../helpers/hang-guard.js';
import { eventXml, type Harness, OA, startHarness } from '../helpers/oa-harness.js';

let h: Harness;
afterEach(async () => {
  await h?.close();
});
const now = () => Math.floor(h.clock.now() / 1000);

async function created(browser = createCookieJar()) {
  const res = await browser.fetch(`${await h.listen()}/v1/oa/${OA}/qr-login`, { method: 'POST' });
  return { res, body: (await res.json()) as { id: string; ticket: string }, browser };
}

/** The person scans and the job resolves them: the login is done. */
async function finish(openid = 'o-person-1') {
  const scene = h.qrCalls.at(-1)!.scene;
  await h.push(eventXml('SCAN', { createTime: now(), eventKey: scene, from: openid }));
  await h.deps.jobs.runDue();
}

describe('#7: the login code goes only to the browser that created the QR login', () => {
  it('a poll that knows the id but has no cookie sees the status, is refused the code, and spoils nothing', async () => {
    h = await startHarness();
    const { res, body, browser } = await created();
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('weunion_qr_'));
    expect(cookie).toMatch(/; Path=\/v1\/qr-login\/; Max-Age=300; HttpOnly; SameSite=Lax$/);
    expect(cookie).not.toContain(body.id);
    await finish();

    const stranger = await fetch(`${await h.listen()}/v1/qr-login/${body.id}`);
    expect(stranger.status).toBe(403);
    expect(((await stranger.json()) as { error: { code: string } }).error.code).toBe('ERR_QR_LOGIN_BROWSER_MISMATCH');
    const otherBrowser = await created();
    const wrong = await fetch(`${await h.listen()}/v1/qr-login/${body.id}`, { headers: { cookie: otherBrowser.browser.header() } });
    expect(wrong.status).toBe(403);
    const stream = await fetch(`${await h.listen()}/v1/qr-login/${body.id}`, { headers: { accept: 'text/event-stream' } });
    expect(await stream.text()).toContain('ERR_QR_LOGIN_BROWSER_MISMATCH');

    const mine = (await (await browser.fetch(`${await h.listen()}/v1/qr-login/${body.id}`)).json()) as { status: string; loginCode: string };
    expect(mine).toMatchObject({ status: 'done', loginCode: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/) });
    expect(await h.deps.flows.loginCodes.redeem(mine.loginCode)).toMatchObject({ appid: OA, openid: 'o-person-1' });
  });
});

describe('#11: the store keeps no QR id and no login code in clear', () => {
  it('no flow row holds the QR id, the binding, or the login code it handed out', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'weunion-qr11-'));
    const file = path.join(dir, 'w.db');
    h = await startHarness((c) => ({ ...c, storage: `sqlite:${file}` }));
    try {
      const { res, body, browser } = await created();
      const binding = res.headers.getSetCookie()[0]!.split(';')[0]!.split('=')[1]!;
      await finish();
      // What a reader of the database (a backup, a replica, a leaked dump) sees.
      const dump = () => {
        const db = new Database(file, { readonly: true });
        try {
          return JSON.stringify(db.prepare('select * from flows').all());
        } finally {
          db.close();
        }
      };
      const before = dump();
      expect(before).toContain('qr_login');
      for (const secret of [body.id, binding]) expect(before).not.toContain(secret);
      const { loginCode } = (await (await browser.fetch(`${await h.listen()}/v1/qr-login/${body.id}`)).json()) as { loginCode: string };
      const after = dump();
      for (const secret of [body.id, binding, loginCode]) expect(after).not.toContain(secret);
    } finally {
      await h.close();
      h = undefined as unknown as Harness;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('#6: creation, waiting and waking', () => {
  const small = (c: Config): Config => ({
    ...c,
    rateLimit: { perIpPerMinute: 3, perAppPerMinute: 1000 },
    flows: { ...c.flows, qrLoginMaxWaitersPerIp: 2, qrLoginRecheckMs: 60_000 },
  });

  it('the 4th creation of a minute from one IP is 429 ERR_RATE_LIMITED, and WeChat is not asked for its QR code', async () => {
    h = await startHarness(small);
    for (let i = 0; i < 3; i++) expect((await created()).res.status).toBe(200);
    const fourth = await created();
    expect(fourth.res.status).toBe(429);
    expect(fourth.res.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(h.qrCalls).toHaveLength(3);
  });

  it('a client holds at most qrLoginMaxWaitersPerIp waiting requests; the next is 429 at once, and a freed slot serves again', async () => {
    h = await startHarness(small);
    const { body, browser } = await created();
    const controllers = [new AbortController(), new AbortController()];
    const base = await h.listen();
    const waits = controllers.map((c) => browser.fetch(`${base}/v1/qr-login/${body.id}?wait=30`, { signal: c.signal }).catch(() => undefined));
    await new Promise((r) => setTimeout(r, 300)); // both are waiting
    const third = await settlesWithin(browser.fetch(`${await h.listen()}/v1/qr-login/${body.id}?wait=30`), 10_000, 'the third waiter');
    expect(third.status).toBe(429);
    expect(((await third.json()) as { error: { code: string } }).error.code).toBe('ERR_RATE_LIMITED');
    const stream = await browser.fetch(`${await h.listen()}/v1/qr-login/${body.id}`, { headers: { accept: 'text/event-stream' } });
    expect(stream.status).toBe(429);
    controllers[0]!.abort();
    await waits[0];
    await new Promise((r) => setTimeout(r, 100)); // the server saw the client go
    const again = browser.fetch(`${await h.listen()}/v1/qr-login/${body.id}?wait=30`);
    await finish();
    expect((await settlesWithin(again, 10_000, 'a waiter in the freed slot')).status).toBe(200);
    controllers[1]!.abort();
  });

  it('a long poll is woken by the scan itself (re-reads are a minute apart), and an event stream by the job', async () => {
    h = await startHarness(small);
    const { body, browser } = await created();
    const waiting = browser.fetch(`${await h.listen()}/v1/qr-login/${body.id}?wait=30`).then((r) => r.json() as Promise<{ status: string }>);
    await new Promise((r) => setTimeout(r, 300));
    await h.push(eventXml('SCAN', { createTime: now(), eventKey: h.qrCalls[0]!.scene }));
    // Without the wake-up the poll would answer only when its 30 s wait ends.
    expect(await settlesWithin(waiting, 10_000, 'the long poll after the scan')).toMatchObject({ status: 'scanned' });

    const stream = browser.fetch(`${await h.listen()}/v1/qr-login/${body.id}`, { headers: { accept: 'text/event-stream' } }).then((r) => r.text());
    await new Promise((r) => setTimeout(r, 300));
    await h.deps.jobs.runDue();
    const text = await settlesWithin(stream, 10_000, 'the event stream after the job');
    expect([...text.matchAll(/"status":"(\w+)"/g)].map((m) => m[1])).toEqual(['scanned', 'done']);
  });
});
