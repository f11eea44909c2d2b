/**
 * Scan-to-follow website login through the routes: `POST /v1/oa/:appid/qr-login` and `GET /v1/qr-login/:id` (plain
 * reads and long polls through inject(), server-sent events over a socket), with the pushes that move it. Waiting
 * is followed by the store reads it makes, never by the wall clock. The flow's own rules are
 * test/flows/qr-login/qr-login.test.ts; the road through the emulator is test/e2e/qr-login.test.ts.
 */
import { createHash } from 'node:crypto';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { expectError } from '../../helpers/expect-error.js';
import { settlesWithin } from '../../helpers/hang-guard.js';
import { eventXml, type Harness, OA, useHarness } from '../../helpers/oa-harness.js';

const harness = useHarness();
let h: Harness;
/** The binding cookie of the browser that created the logins (the login code goes only to it). */
let cookie = '';
beforeEach(() => {
  h = harness();
  cookie = '';
});
const now = () => h.now();
const asBrowser = (headers: Record<string, string> = {}) => (cookie ? { ...headers, cookie } : headers);

async function create(): Promise<{ id: string; qrUrl: string; ticket: string; expiresAt: number; expiresIn: number }> {
  const res = await h.call('POST', `/v1/oa/${OA}/qr-login`, { headers: asBrowser() });
  expect(res.status).toBe(200);
  const set = ([] as unknown[]).concat(res.headers['set-cookie'] ?? []).map(String);
  const pairs = new Map(cookie ? cookie.split('; ').map((c) => c.split('=') as [string, string]) : []);
  for (const line of set) {
    const [name = '', value = ''] = line.split(';')[0]!.split('=');
    pairs.set(name, value);
  }
  cookie = [...pairs].map(([k, v]) => `${k}=${v}`).join('; ');
  return res.body;
}

const poll = (id: string, query = '') => h.call('GET', `/v1/qr-login/${id}${query}`, { headers: asBrowser() });

/**
 * Counts the store reads of one QR login — a poll reads it once per round, a stream once per step — and waits for
 * the n-th: how a test knows a long poll is waiting before it changes the login.
 */
function watchReads(id: string): { count(): number; reached(n: number): Promise<void> } {
  const flows = h.deps.store.flows;
  const read = flows.findFlow.bind(flows);
  let count = 0;
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  flows.findFlow = async (rowId) => {
    const row = await read(rowId);
    if (rowId === `ql_${createHash('sha256').update(id).digest('base64url')}`) {
      count += 1;
      for (const w of waiters.filter((x) => x.n <= count)) w.resolve();
    }
    return row;
  };
  return { count: () => count, reached: (n) => (count >= n ? Promise.resolve() : new Promise((resolve) => waiters.push({ n, resolve }))) };
}

/** Reads server-sent events (over a socket) until the stream ends; `onEvent` runs after each one, in order. */
async function readEvents(id: string, onEvent: (event: { event: string; data: any }) => Promise<void> = async () => undefined) {
  const res = await fetch(`${await h.listen()}/v1/qr-login/${id}`, { headers: asBrowser({ accept: 'text/event-stream' }) });
  expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
  expect(res.headers.get('cache-control')).toBe('no-cache, no-transform');
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  const events: Array<{ event: string; data: any }> = [];
  let buffer = '';
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
      if (event && data) {
        events.push({ event, data: JSON.parse(data) });
        await onEvent(events.at(-1)!);
      }
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
    expectError(await poll('A'.repeat(22)), 404, 'ERR_QR_LOGIN_NOT_FOUND');
    expectError(await poll('short'), 404, 'ERR_QR_LOGIN_NOT_FOUND');
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
    const reads = watchReads(id);
    const waiting = poll(id, '?wait=30');
    await reads.reached(1); // it has seen `pending` and waits
    await h.push(eventXml('SCAN', { createTime: now(), eventKey: h.qrCalls[0]!.scene }));
    const res = await settlesWithin(waiting, 20_000, 'a 30 s long poll whose login was scanned');
    expect(res.body.status).toBe('scanned');
    expect(reads.count()).toBeGreaterThan(1); // answered on a later read, not its first
    // since=scanned waits for the next change; the job completes it meanwhile.
    const seen = reads.count();
    const next = poll(id, '?wait=30&since=scanned');
    await reads.reached(seen + 1);
    await h.deps.jobs.runDue();
    expect((await settlesWithin(next, 20_000, 'a 30 s long poll since=scanned whose login was completed')).body).toMatchObject({
      status: 'done',
      loginCode: expect.any(String),
    });
  });

  it('a long poll with nothing happening answers the unchanged status after wait seconds', async () => {
    const { id } = await create();
    const reads = watchReads(id);
    // Waiting is real time (a socket held open), so the test moves it: nothing answers before the second is up.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    try {
      let answered = false;
      const waiting = poll(id, '?wait=1').then((r) => ((answered = true), r));
      await reads.reached(1);
      await vi.advanceTimersByTimeAsync(999);
      expect(answered).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect((await waiting).body.status).toBe('pending');
    } finally {
      vi.useRealTimers();
    }
  });

  it('server-sent events: pending → scanned → done, then the stream ends', async () => {
    const { id } = await create();
    const events = await readEvents(id, async ({ data }) => {
      if (data.status === 'pending') await h.push(eventXml('SCAN', { createTime: now(), eventKey: h.qrCalls[0]!.scene }));
      if (data.status === 'scanned') await h.deps.jobs.runDue();
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
    expect(events[0]).toMatchObject({ event: 'status', data: { status: 'pending' } });
    expect(events.at(-1)).toEqual({ event: 'error', data: { error: expect.objectContaining({ code: 'ERR_QR_LOGIN_EXPIRED' }) } });
  });

  it('an unknown id asked for as a stream is a plain JSON 404', async () => {
    const res = await h.call('GET', `/v1/qr-login/${'B'.repeat(22)}`, { headers: { accept: 'text/event-stream' } });
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expectError(res, 404, 'ERR_QR_LOGIN_NOT_FOUND');
  });

  it('the server closes while a stream and a long poll are open', async () => {
    const [streamed, polled] = [await create(), await create()];
    const url = await h.listen();
    const streamReads = watchReads(streamed.id);
    const pollReads = watchReads(polled.id);
    const stream = fetch(`${url}/v1/qr-login/${streamed.id}`, { headers: asBrowser({ accept: 'text/event-stream' }) }).then((r) => r.text());
    await streamReads.reached(2); // the stream's check, then its first step
    const longPoll = fetch(`${url}/v1/qr-login/${polled.id}?wait=30`, { headers: asBrowser() }).then(async (r) => ({
      connection: r.headers.get('connection'),
      body: (await r.json()) as any,
    }));
    await pollReads.reached(1); // the long poll has seen `pending` and waits
    // The long poll would hold close() for its 30 s wait: close ends both at once instead.
    await settlesWithin(h.close(), 20_000, 'close() with a stream and a 30 s long poll open');
    expect(await stream).toContain('pending');
    expect(await longPoll).toEqual({ connection: 'close', body: expect.objectContaining({ status: 'pending' }) });
  });
});
