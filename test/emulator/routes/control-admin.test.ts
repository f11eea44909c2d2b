import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ALL_APPS, MINI, T0, startEmulator, type Harness } from '../helpers.js';

describe('control API: stats, apps, clock, reset', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startEmulator();
  });
  afterEach(() => h.close());

  it('stats count every WeChat call per path, faulted ones included, and reset on DELETE', async () => {
    await h.post('/__emulator/faults', { path: '/cgi-bin/token', errcode: -1, count: 1 });
    await h.get('/cgi-bin/token');
    await h.get('/cgi-bin/token', { appid: 'x' });
    await h.exchange(MINI, 'nocode');
    await h.get('/__emulator/apps');
    expect((await h.get('/__emulator/stats')).json).toEqual({ calls: { '/cgi-bin/token': 2, '/sns/jscode2session': 1 } });
    await h.send('DELETE', '/__emulator/stats');
    expect((await h.get('/__emulator/stats')).json).toEqual({ calls: {} });
  });

  it('GET /apps lists the apps without their secrets', async () => {
    const r = await h.get('/__emulator/apps');
    expect(r.json).toEqual(ALL_APPS.map(({ appid, kind, openAppid }) => ({ appid, kind, openAppid })));
    for (const app of ALL_APPS) expect(r.text).not.toContain(app.secret);
  });

  it('the clock reads and advances virtual time, and refuses to go backwards', async () => {
    expect((await h.get('/__emulator/clock')).json).toEqual({ now: T0 });
    expect((await h.post('/__emulator/clock', { advanceSeconds: 90 })).json).toEqual({ now: T0 + 90_000 });
    expect(h.emu.clock.now()).toBe(T0 + 90_000);
    const back = await h.post('/__emulator/clock', { advanceSeconds: -1 });
    expect(back.status).toBe(400);
    expect(back.json.error.code).toBe('ERR_EMULATOR_BAD_REQUEST');
  });

  it('reset forgets persons, codes, tokens, faults and stats, but keeps apps and the clock', async () => {
    const p = await h.person();
    const code = await h.login(MINI.appid, p);
    const token = await h.token(MINI);
    const oldOpenid = h.emu.state.openid(p, MINI.appid);
    await h.post('/__emulator/faults', { path: '/sns/jscode2session', errcode: -1 });
    await h.advance(10);
    expect((await h.post('/__emulator/reset')).status).toBe(200);
    expect((await h.get(`/__emulator/persons/${p}`)).json.error.code).toBe('ERR_EMULATOR_NOT_FOUND');
    expect((await h.get('/__emulator/faults')).json).toEqual([]);
    expect((await h.get('/__emulator/stats')).json).toEqual({ calls: {} });
    expect((await h.get('/__emulator/clock')).json.now).toBe(T0 + 10_000);
    expect((await h.exchange(MINI, code)).json.errcode).toBe(40029);
    const probe = await h.get('/wxa/checksession', { access_token: token, openid: 'x', signature: 'x', sig_method: 'hmac_sha256' });
    expect(probe.json.errcode).toBe(40001);
    expect(await h.person()).toBe('p_1');
    expect(h.emu.state.openid('p_1', MINI.appid)).not.toBe(oldOpenid);
    expect(h.emu.state.counts()).toEqual({ persons: 1, codes: 0, tokens: 0 });
  });

  it('unknown control routes answer ERR_NOT_FOUND, unknown WeChat paths a WeChat-style 404, bad JSON ERR_EMULATOR_BAD_REQUEST', async () => {
    const c = await h.get('/__emulator/nope');
    expect(c.status).toBe(404);
    expect(c.json.error.code).toBe('ERR_NOT_FOUND');
    const w = await h.get('/cgi-bin/nope');
    expect(w.status).toBe(404);
    expect(w.json.errcode).toBe(-1);
    const bad = await fetch(`${h.base}/__emulator/persons`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('ERR_EMULATOR_BAD_REQUEST');
  });
});
