import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventXml, OA, startHarness, type Harness } from '../../helpers/oa-harness.js';
import { type CookieJar, createCookieJar } from '../../helpers/cookie-jar.js';
import { settlesWithin } from '../../helpers/hang-guard.js';

let h: Harness;
/** The browser that creates the logins (their cookies bind the login codes to it). */
let browser: CookieJar;
const now = () => Math.floor(h.clock.now() / 1000);

beforeEach(async () => {
  h = await startHarness();
  browser = createCookieJar();
});
afterEach(async () => {
  await h.close();
});

async function create(): Promise<{ id: string; qrUrl: string; ticket: string; expiresAt: number; expiresIn: number }> {
  const res = await browser.fetch(`${h.url}/v1/oa/${OA}/qr-login`, { method: 'POST' });
  expect(res.status).toBe(200);
  return (await res.json()) as any;
}

async function poll(id: string, query = ''): Promise<{ status: number; body: any; ms: number }> {
  const started = Date.now();
  const res = await browser.fetch(`${h.url}/v1/qr-login/${id}${query}`);
  return { status: res.status, body: await res.json(), ms: Date.now() - started };
}

/** Reads server-sent events until the stream ends. */
async function readEvents(id: string, onOpen: () => Promise<void>): Promise<Array<{ event: string; data: any }>> {
  const res = await browser.fetch(`${h.url}/v1/qr-login/${id}`, { headers: { accept: 'text/event-stream' } });
  expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  const events: Array<{ event: string; data: any }> = [];
  let buffer = '';
  let opened = false;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return events;
    buffer += value;
    let cut: number;
    while ((cut = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (event && data) events.push({ event, data: JSON.parse(data) });
    }
    if (!opened && events.length > 0) {
      opened = true;
      void onOpen();
    }
  }
}

describe('scan-to-follow website login', () => {
  it('POST creates a pending login with a temporary QR code for a wl_ scene', async () => {
    const created = await create();
    expect(created.id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(created.expiresIn).toBe(h.deps.config.flows.qrLoginTtlSeconds);
    expect(created).toMatchObject({ ticket: 'gQ+ticket/1==', qrUrl: `https://mp.example/cgi-bin/showqrcode?ticket=${encodeURIComponent('gQ+ticket/1==')}` });
    expect(h.qrCalls).toEqual([{ scene: expect.stringMatching(/^wl_/), ttl: 300 }]);
    expect((await poll(created.id)).body).toMatchObject({ id: created.id, status: 'pending' });
  });

  it('a follower scans (SCAN) → scanned at once → the job resolves the person → done with a one-time login code', async () => {
    h.userInfo.unionids.set('o-person-1', 'u-person-1');
    const { id } = await create();
    const scene = h.qrCalls[0]!.scene;
    expect((await h.push(eventXml('SCAN', { createTime: now(), eventKey: scene }), { mode: 'safe' })).body).toBe('success');
    expect((await poll(id)).body.status).toBe('scanned');
    await h.deps.jobs.runDue();
    const done = await poll(id);
    expect(done.body).toMatchObject({ status: 'done', loginCode: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/) });
    const claims = await h.deps.flows.loginCodes.redeem(done.body.loginCode);
    const identity = await h.deps.store.identity.findAppIdentity(OA, 'o-person-1');
    expect(claims).toEqual({ userId: identity!.userId, appid: OA, openid: 'o-person-1', unionid: 'u-person-1', unionidConfirmed: true, isNewUser: true });
    // The login is over: the ticket cannot be read (or completed) again.
    expect(await poll(id)).toMatchObject({ status: 410, body: { error: { code: 'ERR_QR_LOGIN_USED' } } });
  });

  it('a new follower (subscribe with qrscene_) completes it the same way', async () => {
    const { id } = await create();
    await h.push(eventXml('subscribe', { createTime: now(), eventKey: `qrscene_${h.qrCalls[0]!.scene}` }));
    await h.deps.jobs.runDue();
    expect((await poll(id)).body.status).toBe('done');
  });

  it('an expired login fails with ERR_QR_LOGIN_EXPIRED and a late scan does not complete it', async () => {
    const { id } = await create();
    h.clock.advance(301);
    expect(await poll(id)).toMatchObject({ status: 410, body: { error: { code: 'ERR_QR_LOGIN_EXPIRED' } } });
    await h.push(eventXml('SCAN', { createTime: now(), eventKey: h.qrCalls[0]!.scene }));
    await h.deps.jobs.runDue();
    expect(await poll(id)).toMatchObject({ status: 410, body: { error: { code: 'ERR_QR_LOGIN_EXPIRED' } } });
  });

  it('unknown ids are ERR_QR_LOGIN_NOT_FOUND', async () => {
    expect(await poll('A'.repeat(22))).toMatchObject({ status: 404, body: { error: { code: 'ERR_QR_LOGIN_NOT_FOUND' } } });
    expect(await poll('short')).toMatchObject({ status: 404, body: { error: { code: 'ERR_QR_LOGIN_NOT_FOUND' } } });
  });

  it('the first person to scan wins; a second scanner does not take the login over', async () => {
    const { id } = await create();
    const scene = h.qrCalls[0]!.scene;
    await h.push(eventXml('SCAN', { createTime: now(), eventKey: scene, from: 'o-first' }));
    await h.push(eventXml('SCAN', { createTime: now(), eventKey: scene, from: 'o-second' }));
    await h.deps.jobs.runDue();
    const done = await poll(id);
    expect((await h.deps.flows.loginCodes.redeem(done.body.loginCode)).openid).toBe('o-first');
  });

  it('a long poll (?wait=) answers as soon as the status changes', async () => {
    const { id } = await create();
    const waiting = poll(id, '?wait=10');
    await new Promise((r) => setTimeout(r, 300));
    await h.push(eventXml('SCAN', { createTime: now(), eventKey: h.qrCalls[0]!.scene }));
    const res = await waiting;
    expect(res.body.status).toBe('scanned');
    expect(res.ms).toBeGreaterThanOrEqual(250);
    expect(res.ms).toBeLessThan(5000);
    // since=scanned waits for the next change; the job completes it meanwhile.
    const next = poll(id, '?wait=10&since=scanned');
    await new Promise((r) => setTimeout(r, 300));
    await h.deps.jobs.runDue();
    expect((await next).body).toMatchObject({ status: 'done', loginCode: expect.any(String) });
  });

  it('a long poll with nothing happening answers the unchanged status after wait seconds', async () => {
    const { id } = await create();
    const res = await poll(id, '?wait=1');
    expect(res.body.status).toBe('pending');
    expect(res.ms).toBeGreaterThanOrEqual(900);
  });

  it('server-sent events: pending → scanned → done, then the stream ends', async () => {
    const { id } = await create();
    const events = await readEvents(id, async () => {
      await h.push(eventXml('SCAN', { createTime: now(), eventKey: h.qrCalls[0]!.scene }));
      await new Promise((r) => setTimeout(r, 400));
      await h.deps.jobs.runDue();
    });
    expect(events.map((e) => [e.event, e.data.status])).toEqual([
      ['status', 'pending'],
      ['status', 'scanned'],
      ['status', 'done'],
    ]);
    expect(events[2]!.data.loginCode).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it('server-sent events end with an error event when the login expires', async () => {
    const { id } = await create();
    const events = await readEvents(id, async () => h.clock.advance(301));
    expect(events.at(-1)).toEqual({ event: 'error', data: { error: expect.objectContaining({ code: 'ERR_QR_LOGIN_EXPIRED' }) } });
  });

  it('an unknown id asked for as a stream is a plain JSON 404', async () => {
    const res = await fetch(`${h.url}/v1/qr-login/${'B'.repeat(22)}`, { headers: { accept: 'text/event-stream' } });
    expect(res.status).toBe(404);
    expect(((await res.json()) as any).error.code).toBe('ERR_QR_LOGIN_NOT_FOUND');
  });

  it('the server closes while a stream and a long poll are open', async () => {
    const { id } = await create();
    const stream = browser.fetch(`${h.url}/v1/qr-login/${id}`, { headers: { accept: 'text/event-stream' } }).then((r) => r.text());
    const longPoll = poll(id, '?wait=30');
    await new Promise((r) => setTimeout(r, 200));
    // The long poll would hold close() for its 30 s wait: close ends both at once instead.
    await settlesWithin(h.close(), 20_000, 'close() with a stream and a 30 s long poll open');
    expect(await stream).toContain('pending');
    expect((await longPoll).body.status).toBe('pending');
    h = await startHarness(); // for afterEach
  });
});
