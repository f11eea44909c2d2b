import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MINI, MINI2, startEmulator, type Harness } from '../helpers.js';

/** Written independently of the emulator: hex HMAC-SHA256 keyed with the session_key text, over ''. */
const sign = (sessionKey: string): string => createHmac('sha256', sessionKey).update('').digest('hex');

describe('GET /wxa/checksession and /wxa/resetusersessionkey', () => {
  let h: Harness;
  let token: string;
  beforeEach(async () => {
    h = await startEmulator();
    token = await h.token(MINI);
  });
  afterEach(() => h.close());

  const check = (q: Record<string, string | undefined>) => h.get('/wxa/checksession', { access_token: token, sig_method: 'hmac_sha256', ...q });

  it('the signature helper matches the published vector (key o0q0otL8aEzpcZL/FT9WsQ==, empty message)', () => {
    expect(sign('o0q0otL8aEzpcZL/FT9WsQ==')).toBe('46e043c5525c2d817c44be603d30837a808a1d930d038f6fdc3e62a201fed128');
  });

  it('checksession() answers ok for the current key and 87009 for a stale one', async () => {
    const p = await h.person();
    const s = (await h.exchange(MINI, await h.login(MINI.appid, p))).json;
    const ok = await check({ openid: s.openid, signature: sign(s.session_key) });
    expect(ok.json).toEqual({ errcode: 0, errmsg: 'ok' });
    await h.post(`/__emulator/persons/${p}/rotate-session-key`, { appid: MINI.appid });
    const stale = await check({ openid: s.openid, signature: sign(s.session_key) });
    expect(stale.json.errcode).toBe(87009);
    expect(stale.json.errmsg).toMatch(/^invalid signature, rid: /);
  });

  it('checksession() answers 87008 for another sig_method, 40003 for an openid of another app, 41009 without openid', async () => {
    const p = await h.person();
    const s = (await h.exchange(MINI, await h.login(MINI.appid, p))).json;
    expect((await check({ openid: s.openid, signature: sign(s.session_key), sig_method: 'md5' })).json.errcode).toBe(87008);
    const other = (await h.exchange(MINI2, await h.login(MINI2.appid, p))).json;
    expect((await check({ openid: other.openid, signature: sign(other.session_key) })).json.errcode).toBe(40003);
    expect((await check({ signature: 'x' })).json.errcode).toBe(41009);
    expect((await check({ openid: s.openid, signature: sign(s.session_key), access_token: undefined })).json.errcode).toBe(41001);
  });

  it('resetusersessionkey() returns a new key that checksession then accepts, and the old one dies', async () => {
    const p = await h.person();
    const s = (await h.exchange(MINI, await h.login(MINI.appid, p))).json;
    const r = await h.get('/wxa/resetusersessionkey', {
      access_token: token,
      openid: s.openid,
      signature: sign(s.session_key),
      sig_method: 'hmac_sha256',
    });
    expect(r.json).toMatchObject({ errcode: 0, errmsg: 'ok', openid: s.openid });
    expect(r.json.session_key).not.toBe(s.session_key);
    expect(Buffer.from(r.json.session_key, 'base64')).toHaveLength(16);
    expect((await check({ openid: s.openid, signature: sign(r.json.session_key) })).json.errcode).toBe(0);
    expect((await check({ openid: s.openid, signature: sign(s.session_key) })).json.errcode).toBe(87009);
  });
});
