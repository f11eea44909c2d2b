import { afterEach, describe, expect, it } from 'vitest';
import { MINI, RID, startEmulator, type Harness } from '../helpers.js';

/** A seeded byte source (xorshift32), so a run's random choices repeat. */
function seeded(seed: number): (n: number) => Buffer {
  let x = seed >>> 0 || 1;
  return (n) => {
    const b = Buffer.alloc(n);
    for (let i = 0; i < n; i++) {
      x ^= x << 13;
      x >>>= 0;
      x ^= x >>> 17;
      x ^= x << 5;
      x >>>= 0;
      b[i] = x & 0xff;
    }
    return b;
  };
}

describe('fault injection', () => {
  let h: Harness;
  afterEach(() => h.close());

  const tokenCall = () => h.get('/cgi-bin/token', { grant_type: 'client_credential', appid: MINI.appid, secret: MINI.secret });

  it('a fault with errcode answers that errcode with the table errmsg and a rid, or the given errmsg verbatim', async () => {
    h = await startEmulator();
    expect((await h.post('/__emulator/faults', { path: '/cgi-bin/token', errcode: -1, count: 1 })).status).toBe(201);
    const r = await tokenCall();
    expect(r.status).toBe(200);
    expect(r.json.errcode).toBe(-1);
    expect(r.json.errmsg).toMatch(/^system error/);
    expect(r.json.errmsg).toMatch(RID);
    await h.post('/__emulator/faults', { path: '/cgi-bin/token', errcode: 40001, errmsg: 'invalid credential, hints: [ req_id: x ]' });
    expect((await tokenCall()).json).toEqual({ errcode: 40001, errmsg: 'invalid credential, hints: [ req_id: x ]' });
  });

  it('a fault with status 500 alone answers an HTML 500; with errcode, JSON at that status', async () => {
    h = await startEmulator();
    await h.post('/__emulator/faults', { path: '/cgi-bin/token', status: 500, count: 1 });
    const r = await tokenCall();
    expect(r.status).toBe(500);
    expect(r.contentType).toMatch(/^text\/html/);
    await h.post('/__emulator/faults', { path: '/cgi-bin/token', status: 503, errcode: -1, count: 1 });
    const j = await tokenCall();
    expect(j.status).toBe(503);
    expect(j.json.errcode).toBe(-1);
  });

  it('a fault with a raw body answers it verbatim (invalid JSON) with the WeChat content type', async () => {
    h = await startEmulator();
    await h.post('/__emulator/faults', { path: '/cgi-bin/token', body: '{"access_token":"abc', count: 1 });
    const r = await tokenCall();
    expect(r.status).toBe(200);
    expect(r.contentType).toBe('application/json; encoding=utf-8');
    expect(r.text).toBe('{"access_token":"abc');
    expect(r.json).toBeUndefined();
  });

  it('a fault with delayMs only delays and then answers normally', async () => {
    h = await startEmulator();
    await h.post('/__emulator/faults', { path: '/cgi-bin/token', delayMs: 200, count: 1 });
    const t0 = performance.now();
    const r = await tokenCall();
    expect(performance.now() - t0).toBeGreaterThanOrEqual(190);
    expect(r.json.access_token).toBeDefined();
  });

  it('a drop fault destroys the connection without an answer', async () => {
    h = await startEmulator();
    await h.post('/__emulator/faults', { path: '/cgi-bin/token', drop: true, count: 1 });
    await expect(tokenCall()).rejects.toThrow(TypeError);
    expect((await tokenCall()).json.access_token).toBeDefined();
  });

  it('a fault with count applies to the next n matching calls only, then disappears; other paths are untouched', async () => {
    h = await startEmulator();
    await h.post('/__emulator/faults', { path: '/cgi-bin/token', errcode: 45009, count: 2 });
    const code = await h.login(MINI.appid, await h.person());
    expect((await h.exchange(MINI, code)).json.openid).toBeDefined();
    expect((await tokenCall()).json.errcode).toBe(45009);
    expect((await h.get('/__emulator/faults')).json).toHaveLength(1);
    expect((await tokenCall()).json.errcode).toBe(45009);
    expect((await tokenCall()).json.access_token).toBeDefined();
    expect((await h.get('/__emulator/faults')).json).toEqual([]);
  });

  it('a fault with rate applies to a random share chosen by the injected random (same seed, same calls)', async () => {
    const pattern = async (): Promise<boolean[]> => {
      h = await startEmulator({ random: seeded(42) });
      await h.post('/__emulator/faults', { path: '/cgi-bin/token', errcode: -1, rate: 0.5 });
      const out: boolean[] = [];
      for (let i = 0; i < 60; i++) out.push((await tokenCall()).json.errcode === -1);
      await h.close();
      return out;
    };
    const a = await pattern();
    const b = await pattern();
    expect(a).toEqual(b);
    const hits = a.filter(Boolean).length;
    expect(hits).toBeGreaterThan(10);
    expect(hits).toBeLessThan(50);
    h = await startEmulator();
    await h.post('/__emulator/faults', { path: '/cgi-bin/token', errcode: -1, rate: 0 });
    for (let i = 0; i < 10; i++) expect((await tokenCall()).json.access_token).toBeDefined();
  });

  it('DELETE removes one fault or all; unknown ids answer ERR_EMULATOR_NOT_FOUND', async () => {
    h = await startEmulator();
    const a = (await h.post('/__emulator/faults', { path: '/cgi-bin/token', errcode: -1 })).json.id;
    await h.post('/__emulator/faults', { path: '/sns/jscode2session', errcode: -1 });
    expect((await h.get('/__emulator/faults')).json.map((f: { path: string }) => f.path)).toEqual(['/cgi-bin/token', '/sns/jscode2session']);
    expect((await h.send('DELETE', `/__emulator/faults/${a}`)).status).toBe(200);
    expect((await tokenCall()).json.access_token).toBeDefined();
    expect((await h.send('DELETE', `/__emulator/faults/${a}`)).json.error.code).toBe('ERR_EMULATOR_NOT_FOUND');
    await h.send('DELETE', '/__emulator/faults');
    expect((await h.get('/__emulator/faults')).json).toEqual([]);
  });

  it('POST /faults rejects malformed specs with ERR_EMULATOR_BAD_REQUEST', async () => {
    h = await startEmulator();
    for (const bad of [
      { path: '/cgi-bin/token' },
      { path: 'cgi-bin/token', errcode: 1 },
      { path: '/__emulator/persons', errcode: 1 },
      { path: '/cgi-bin/token', drop: true, errcode: 1 },
      { path: '/cgi-bin/token', body: 'x', errcode: 1 },
      { path: '/cgi-bin/token', errcode: 1, rate: 2 },
      { path: '/cgi-bin/token', errcode: 1, extra: true },
    ]) {
      const r = await h.post('/__emulator/faults', bad);
      expect(r.status, JSON.stringify(bad)).toBe(400);
      expect(r.json.error.code).toBe('ERR_EMULATOR_BAD_REQUEST');
    }
  });
});
