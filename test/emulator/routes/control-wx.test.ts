import { createDecipheriv, createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { MINI, MINI_UNBOUND, startEmulator, type Harness } from '../helpers.js';

/** Decrypts as a WeChat server SDK would (AES-128-CBC, PKCS#7), written here independently. */
function decrypt(sessionKey: string, iv: string, encryptedData: string): Record<string, unknown> {
  const d = createDecipheriv('aes-128-cbc', Buffer.from(sessionKey, 'base64'), Buffer.from(iv, 'base64'));
  return JSON.parse(Buffer.concat([d.update(Buffer.from(encryptedData, 'base64')), d.final()]).toString('utf8'));
}

describe('session keys and wx.getUserInfo', () => {
  let h: Harness;
  afterEach(() => h.close());

  const sessionOf = async (app: typeof MINI, p: string) => (await h.exchange(app, await h.login(app.appid, p))).json;

  it('wx.login keeps the session_key stable across logins by default', async () => {
    h = await startEmulator();
    const p = await h.person();
    const a = await sessionOf(MINI, p);
    const b = await sessionOf(MINI, p);
    expect(b.session_key).toBe(a.session_key);
    expect(h.emu.state.sessionKey(p, MINI.appid)).toBe(a.session_key);
  });

  it('wx.login rotates the session_key on every login when rotateSessionKeyOnLogin is set', async () => {
    h = await startEmulator({ rotateSessionKeyOnLogin: true });
    const p = await h.person();
    const a = await sessionOf(MINI, p);
    const b = await sessionOf(MINI, p);
    expect(b.session_key).not.toBe(a.session_key);
  });

  it('rotate-session-key replaces the key behind the app’s back, and needs an existing session', async () => {
    h = await startEmulator();
    const p = await h.person();
    const none = await h.post(`/__emulator/persons/${p}/rotate-session-key`, { appid: MINI.appid });
    expect(none.status).toBe(400);
    expect(none.json.error.code).toBe('ERR_EMULATOR_BAD_REQUEST');
    const a = await sessionOf(MINI, p);
    const r = await h.post(`/__emulator/persons/${p}/rotate-session-key`, { appid: MINI.appid });
    expect(r.status).toBe(200);
    expect(r.text).not.toContain(a.session_key);
    expect(h.emu.state.sessionKey(p, MINI.appid)).not.toBe(a.session_key);
    expect((await sessionOf(MINI, p)).session_key).toBe(h.emu.state.sessionKey(p, MINI.appid));
  });

  it('wx.getUserInfo seals data that decrypts to the right openId, unionId and watermark, with a matching rawData signature', async () => {
    h = await startEmulator();
    const p = await h.person({ name: 'Band' });
    const session = await sessionOf(MINI, p);
    const r = await h.post('/__emulator/wx.getUserInfo', { appid: MINI.appid, person: p });
    expect(r.status).toBe(200);
    const { encryptedData, iv, rawData, signature, userInfo } = r.json;
    expect(Buffer.from(iv, 'base64')).toHaveLength(16);
    const data = decrypt(session.session_key, iv, encryptedData);
    expect(data).toMatchObject({
      openId: session.openid,
      unionId: session.unionid,
      nickName: 'Band',
      gender: 0,
      language: 'zh_CN',
      city: '',
      province: '',
      country: '',
      watermark: { appid: MINI.appid, timestamp: Math.floor(h.emu.clock.now() / 1000) },
    });
    expect(Object.keys(data)).toEqual(['openId', 'nickName', 'gender', 'language', 'city', 'province', 'country', 'avatarUrl', 'unionId', 'watermark']);
    expect(
      createHash('sha1')
        .update(rawData + session.session_key)
        .digest('hex'),
    ).toBe(signature);
    expect(JSON.parse(rawData)).toEqual(userInfo);
    expect(userInfo).not.toHaveProperty('openId');
    expect(rawData).not.toContain('watermark');
    // A fresh iv each time.
    const again = await h.post('/__emulator/wx.getUserInfo', { appid: MINI.appid, person: p });
    expect(again.json.iv).not.toBe(iv);
  });

  it('wx.getUserInfo includes the unionId for a bound app even under the legacy rule, and never for an unbound one', async () => {
    h = await startEmulator({ unionidRule: 'legacy' });
    const p = await h.person();
    const bound = await sessionOf(MINI, p);
    expect(bound.unionid).toBeUndefined();
    const r = (await h.post('/__emulator/wx.getUserInfo', { appid: MINI.appid, person: p })).json;
    expect(decrypt(bound.session_key, r.iv, r.encryptedData).unionId).toBe(h.emu.state.unionid(p, 'wxopen000000001'));
    const unbound = await sessionOf(MINI_UNBOUND, p);
    const u = (await h.post('/__emulator/wx.getUserInfo', { appid: MINI_UNBOUND.appid, person: p })).json;
    const data = decrypt(unbound.session_key, u.iv, u.encryptedData);
    expect(data).not.toHaveProperty('unionId');
    expect(data.openId).toBe(unbound.openid);
  });

  it('wx.getUserInfo data sealed before a rotation no longer decrypts with the new key', async () => {
    h = await startEmulator();
    const p = await h.person();
    const old = await sessionOf(MINI, p);
    await h.post(`/__emulator/persons/${p}/rotate-session-key`, { appid: MINI.appid });
    const r = (await h.post('/__emulator/wx.getUserInfo', { appid: MINI.appid, person: p })).json;
    expect(() => {
      const data = decrypt(old.session_key, r.iv, r.encryptedData);
      if (data.openId !== old.openid) throw new Error('garbage');
    }).toThrow();
  });

  it('wx.getUserInfo answers 400 before wx.login and 403 "auth deny" for a person who declines', async () => {
    h = await startEmulator();
    const p = await h.person();
    const early = await h.post('/__emulator/wx.getUserInfo', { appid: MINI.appid, person: p });
    expect(early.status).toBe(400);
    expect(early.json.error.code).toBe('ERR_EMULATOR_BAD_REQUEST');
    expect(early.json.error.message).toMatch(/wx\.login/);
    const d = await h.person({ declinesUserInfo: true });
    await h.login(MINI.appid, d);
    const denied = await h.post('/__emulator/wx.getUserInfo', { appid: MINI.appid, person: d });
    expect(denied.status).toBe(403);
    expect(denied.json).toEqual({ errMsg: 'getUserInfo:fail auth deny' });
  });
});
