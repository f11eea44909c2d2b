import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MINI, MINI2, MINI_UNBOUND, OA, RID, startEmulator, type Harness } from '../helpers.js';

describe('GET /sns/jscode2session', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startEmulator();
  });
  afterEach(() => h.close());

  it('jscode2session() returns openid and session_key as WeChat does when the code is fresh', async () => {
    const p = await h.person();
    const r = await h.exchange(MINI, await h.login(MINI.appid, p));
    expect(r.status).toBe(200);
    expect(r.contentType).toBe('application/json; encoding=utf-8');
    expect(r.json.openid).toMatch(/^o[A-Za-z0-9_-]{27}$/);
    expect(r.json.session_key).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(Buffer.from(r.json.session_key, 'base64')).toHaveLength(16);
    expect(r.json).not.toHaveProperty('errcode');
    expect(r.json).not.toHaveProperty('expires_in');
    expect(r.json.openid).toBe(h.emu.state.openid(p, MINI.appid));
  });

  it('jscode2session() answers 40163 when a code is used twice', async () => {
    const code = await h.login(MINI.appid, await h.person());
    expect((await h.exchange(MINI, code)).json.openid).toBeDefined();
    const again = await h.exchange(MINI, code);
    expect(again.status).toBe(200);
    expect(again.json.errcode).toBe(40163);
    expect(again.json.errmsg).toMatch(/^code been used/);
    expect(again.json.errmsg).toMatch(RID);
  });

  it('jscode2session() answers 40029 once the code is 300 s old, and accepts it just before', async () => {
    const p = await h.person();
    const early = await h.login(MINI.appid, p);
    await h.advance(299);
    expect((await h.exchange(MINI, early)).json.openid).toBeDefined();
    const late = await h.login(MINI.appid, p);
    await h.advance(300);
    const r = await h.exchange(MINI, late);
    expect(r.json.errcode).toBe(40029);
    expect(r.json.errmsg).toMatch(/^invalid code, rid: /);
  });

  it('jscode2session() answers 40029 after expiry even for a used code (used codes are forgotten then)', async () => {
    const code = await h.login(MINI.appid, await h.person());
    await h.exchange(MINI, code);
    await h.advance(301);
    expect((await h.exchange(MINI, code)).json.errcode).toBe(40029);
  });

  it('jscode2session() answers 40029 for a code minted for another app, and the code still works for its own app', async () => {
    const code = await h.login(MINI.appid, await h.person());
    expect((await h.exchange(MINI2, code)).json.errcode).toBe(40029);
    expect((await h.exchange(MINI, code)).json.openid).toBeDefined();
  });

  it('jscode2session() answers 40029 for an unknown code', async () => {
    expect((await h.exchange(MINI, 'nonexistentcode0000000000000000')).json.errcode).toBe(40029);
  });

  it('jscode2session() answers 40125 when the secret is wrong and 40013 when the appid is unknown', async () => {
    const code = await h.login(MINI.appid, await h.person());
    const bad = await h.exchange(MINI, code, 'wrong');
    expect(bad.json.errcode).toBe(40125);
    expect(bad.json.errmsg).toMatch(/^invalid appsecret, rid: /);
    const unknown = await h.get('/sns/jscode2session', { appid: 'wxnope', secret: 'x', js_code: code, grant_type: 'authorization_code' });
    expect(unknown.json.errcode).toBe(40013);
    expect((await h.exchange(MINI, code)).json.openid).toBeDefined(); // failed calls did not spend the code
  });

  it('jscode2session() answers 41002/41004/41008/40002 when a parameter is missing or wrong', async () => {
    const full = { appid: MINI.appid, secret: MINI.secret, js_code: 'c', grant_type: 'authorization_code' };
    expect((await h.get('/sns/jscode2session', { ...full, appid: undefined })).json.errcode).toBe(41002);
    expect((await h.get('/sns/jscode2session', { ...full, secret: undefined })).json.errcode).toBe(41004);
    expect((await h.get('/sns/jscode2session', { ...full, js_code: undefined })).json.errcode).toBe(41008);
    expect((await h.get('/sns/jscode2session', { ...full, grant_type: 'client_credential' })).json.errcode).toBe(40002);
    expect((await h.get('/sns/jscode2session', { ...full, grant_type: undefined })).json.errcode).toBe(40002);
  });

  it('jscode2session() answers 40226 for a risk-blocked person, and succeeds once the flag is cleared', async () => {
    const p = await h.person({ riskBlocked: true });
    const code = await h.login(MINI.appid, p);
    const r = await h.exchange(MINI, code);
    expect(r.json).toMatchObject({ errcode: 40226 });
    expect(r.json.errmsg).toMatch(/^code blocked, rid: /);
    expect((await h.send('PATCH', `/__emulator/persons/${p}`, { riskBlocked: false })).json.riskBlocked).toBe(false);
    expect((await h.exchange(MINI, code)).json.openid).toBeDefined();
  });

  it('jscode2session() answers 45011 at the 101st exchange within a minute, and again OK 60 s later', async () => {
    const p = await h.person();
    for (let i = 0; i < 100; i++) expect((await h.exchange(MINI, await h.login(MINI.appid, p))).json.openid).toBeDefined();
    const limited = await h.exchange(MINI, await h.login(MINI.appid, p));
    expect(limited.json.errcode).toBe(45011);
    expect(limited.json.errmsg).toMatch(/^api minute-quota reach limit/);
    // Another person and another app have their own quota.
    expect((await h.exchange(MINI, await h.login(MINI.appid, await h.person()))).json.openid).toBeDefined();
    expect((await h.exchange(MINI2, await h.login(MINI2.appid, p))).json.openid).toBeDefined();
    await h.advance(60);
    expect((await h.exchange(MINI, await h.login(MINI.appid, p))).json.openid).toBeDefined();
  });

  it('jscode2session() gives the same openid on every login and different openids per app', async () => {
    const p = await h.person();
    const a = (await h.exchange(MINI, await h.login(MINI.appid, p))).json;
    const b = (await h.exchange(MINI, await h.login(MINI.appid, p))).json;
    const c = (await h.exchange(MINI2, await h.login(MINI2.appid, p))).json;
    expect(b.openid).toBe(a.openid);
    expect(c.openid).not.toBe(a.openid);
    const q = (await h.exchange(MINI, await h.login(MINI.appid, await h.person()))).json;
    expect(q.openid).not.toBe(a.openid);
  });

  it('wx.login refuses an app that is not a mini program', async () => {
    const p = await h.person();
    const r = await h.post('/__emulator/wx.login', { appid: OA.appid, person: p });
    expect(r.status).toBe(400);
    expect(r.json.error.code).toBe('ERR_EMULATOR_BAD_REQUEST');
    expect((await h.post('/__emulator/wx.login', { appid: MINI_UNBOUND.appid, person: 'p_999' })).json.error.code).toBe('ERR_EMULATOR_NOT_FOUND');
  });
});
