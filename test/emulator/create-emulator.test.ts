import { Writable } from 'node:stream';
import { createHmac } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { createEmulator, DEFAULT_EMULATOR_HOST, isLoopbackAddress } from '../../src/emulator/index.js';
import { ALL_APPS, MINI, RID, T0 } from './helpers.js';

describe('createEmulator()', () => {
  it('createEmulator() builds an app that answers inject() without listening', async () => {
    const emu = createEmulator({ apps: ALL_APPS, clock: new ManualClock({ now: () => T0 }) });
    const r = await emu.app.inject({ method: 'GET', url: '/sns/jscode2session?appid=wxnope&secret=x&js_code=c&grant_type=authorization_code' });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toBe('application/json; encoding=utf-8');
    const body = r.json() as { errcode: number; errmsg: string };
    expect(body.errcode).toBe(40013);
    expect(body.errmsg).toMatch(/^invalid appid, rid: /);
    expect(body.errmsg).toMatch(RID);
    expect(body.errmsg.split('rid: ')[1]?.slice(0, 8)).toBe((T0 / 1000).toString(16)); // rid starts with virtual unix seconds
    await emu.close();
  });

  it('listen() binds loopback (127.0.0.1) unless told otherwise, and address() says what was bound', async () => {
    const emu = createEmulator({ apps: ALL_APPS });
    try {
      expect(emu.address()).toBeUndefined();
      const url = await emu.listen();
      const bound = emu.address()!;
      expect(bound).toMatchObject({ host: DEFAULT_EMULATOR_HOST, address: '127.0.0.1', loopback: true, url });
      expect(DEFAULT_EMULATOR_HOST).toBe('127.0.0.1');
      expect(new URL(url).hostname).toBe('127.0.0.1');
      expect(bound.port).toBe(Number(new URL(url).port));
      expect((emu.app.server.address() as AddressInfo).address).toBe('127.0.0.1');
    } finally {
      await emu.close();
    }
    const open = createEmulator({ apps: ALL_APPS });
    try {
      await open.listen({ host: '0.0.0.0' });
      expect(open.address()).toMatchObject({ host: '0.0.0.0', address: '0.0.0.0', loopback: false });
    } finally {
      await open.close();
    }
    expect(['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1'].every(isLoopbackAddress)).toBe(true);
    expect(['0.0.0.0', '::', '10.0.0.1', '::ffff:10.0.0.1', '128.0.0.1'].some(isLoopbackAddress)).toBe(false);
  });

  it('createEmulator() throws TypeError for invalid options', () => {
    expect(() => createEmulator({ apps: [{ ...MINI, secret: '' }] })).toThrow(TypeError);
  });

  it('createEmulator() never logs secrets, session keys, codes or tokens', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, cb) {
        lines.push(String(chunk));
        cb();
      },
    });
    const emu = createEmulator({ apps: ALL_APPS, logger: pino({ level: 'trace' }, sink) });
    const base = await emu.listen();
    const post = (path: string, body: unknown) =>
      fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then(
        (r) => r.json() as Promise<Record<string, string>>,
      );
    const { id } = await post('/__emulator/persons', {});
    const { code } = await post('/__emulator/wx.login', { appid: MINI.appid, person: id });
    const s = (await (
      await fetch(`${base}/sns/jscode2session?appid=${MINI.appid}&secret=${MINI.secret}&js_code=${code}&grant_type=authorization_code`)
    ).json()) as Record<string, string>;
    const t = (await (await fetch(`${base}/cgi-bin/token?grant_type=client_credential&appid=${MINI.appid}&secret=${MINI.secret}`)).json()) as Record<
      string,
      string
    >;
    const sig = createHmac('sha256', s.session_key as string)
      .update('')
      .digest('hex');
    await fetch(`${base}/wxa/checksession?access_token=${t.access_token}&openid=${s.openid}&signature=${sig}&sig_method=hmac_sha256`);
    await post('/__emulator/wx.getUserInfo', { appid: MINI.appid, person: id });
    await post('/cgi-bin/stable_token', { grant_type: 'client_credential', appid: MINI.appid, secret: MINI.secret });
    await fetch(`${base}/cgi-bin/token?grant_type=client_credential&appid=${MINI.appid}&secret=${MINI.secret}&x=%ZZ`); // odd query
    await emu.close();
    const log = lines.join('');
    expect(log).toContain('/sns/jscode2session');
    for (const secret of [MINI.secret, s.session_key, code, t.access_token, sig]) expect(log).not.toContain(secret as string);
  });
});
