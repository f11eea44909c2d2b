import { afterEach, describe, expect, it } from 'vitest';
import type { EmulatorApp, EmulatorOptions } from '../../../src/emulator/index.js';
import { MINI, MOBILE, OA, OA_UNBOUND, RID, WEB, startEmulator, type Harness } from '../helpers.js';

const OPEN = 'wxopen000000001';
const REDIRECT = 'https://app.example.com/cb?from=wx';

describe('OAuth: decisions, sns/oauth2/access_token, refresh_token, sns/userinfo, sns/auth', () => {
  let h: Harness;
  afterEach(() => h.close());

  const start = async (o: Partial<EmulatorOptions> = {}) => {
    h = await startEmulator(o);
  };
  const decide = (appid: string, person: string, scope: string, decision = 'consent', state = 'st4te') =>
    h.post('/__emulator/oauth/authorize', { appid, person, scope, redirectUri: REDIRECT, state, decision });
  const codeFrom = (location: string) => new URL(location).searchParams.get('code') as string;
  const consentCode = async (app: EmulatorApp, person: string, scope: string) => codeFrom((await decide(app.appid, person, scope)).json.location);
  const exchange = (app: EmulatorApp, code: string | undefined, secret = app.secret) =>
    h.get('/sns/oauth2/access_token', { appid: app.appid, secret, code, grant_type: 'authorization_code' });

  it('consent redirects to redirect_uri?…&code=…&state=…; the exchange answers the documented fields with the unionid', async () => {
    await start();
    const p = await h.person({ name: 'Ann' });
    const r = await decide(OA.appid, p, 'snsapi_userinfo');
    const loc = new URL(r.json.location);
    expect(`${loc.origin}${loc.pathname}`).toBe('https://app.example.com/cb');
    expect([...loc.searchParams.keys()]).toEqual(['from', 'code', 'state']);
    expect(loc.searchParams.get('state')).toBe('st4te');
    const t = await exchange(OA, loc.searchParams.get('code') as string);
    expect(Object.keys(t.json)).toEqual(['access_token', 'expires_in', 'refresh_token', 'openid', 'scope', 'unionid']);
    expect(t.json).toMatchObject({
      expires_in: 7200,
      openid: h.emu.state.openid(p, OA.appid),
      scope: 'snsapi_userinfo',
      unionid: h.emu.state.unionid(p, OPEN),
    });
    const u = await h.get('/sns/userinfo', { access_token: t.json.access_token, openid: t.json.openid, lang: 'zh_CN' });
    expect(u.json).toEqual({
      openid: t.json.openid,
      nickname: 'Ann',
      sex: 0,
      province: '',
      city: '',
      country: '',
      headimgurl: expect.stringMatching(/^https:\/\/thirdwx\.qlogo\.cn\/.+\/132$/),
      privilege: [],
      unionid: h.emu.state.unionid(p, OPEN),
    });
    expect((await h.get('/sns/auth', { access_token: t.json.access_token, openid: t.json.openid })).json).toEqual({ errcode: 0, errmsg: 'ok' });
  });

  it('codes are single use (40163), per app and expire after 5 min for an official account, 10 min for a website (40029)', async () => {
    await start();
    const p = await h.person();
    const code = await consentCode(OA, p, 'snsapi_base');
    expect((await exchange(OA, code)).json.openid).toBeDefined();
    const reused = await exchange(OA, code);
    expect(reused.json.errcode).toBe(40163);
    expect(reused.json.errmsg).toMatch(RID);
    expect((await exchange(WEB, await consentCode(OA, p, 'snsapi_base'))).json.errcode).toBe(40029);
    expect((await exchange(OA, 'nope')).json.errcode).toBe(40029);
    const oaCode = await consentCode(OA, p, 'snsapi_base');
    const webCode = await consentCode(WEB, p, 'snsapi_login');
    await h.advance(300);
    expect((await exchange(OA, oaCode)).json.errcode).toBe(40029);
    expect((await exchange(WEB, webCode)).json.scope).toBe('snsapi_login');
    const webLate = await consentCode(WEB, p, 'snsapi_login');
    await h.advance(600);
    expect((await exchange(WEB, webLate)).json.errcode).toBe(40029);
  });

  it('the exchange checks its parameters: 41002, 41004, 40002, 40013, 40125, 41008', async () => {
    await start();
    const code = await consentCode(OA, await h.person(), 'snsapi_base');
    const get = (q: Record<string, string | undefined>) => h.get('/sns/oauth2/access_token', q).then((r) => r.json.errcode);
    expect(await get({ secret: OA.secret, code, grant_type: 'authorization_code' })).toBe(41002);
    expect(await get({ appid: OA.appid, code, grant_type: 'authorization_code' })).toBe(41004);
    expect(await get({ appid: OA.appid, secret: OA.secret, code, grant_type: 'client_credential' })).toBe(40002);
    expect(await get({ appid: 'wxnope', secret: OA.secret, code, grant_type: 'authorization_code' })).toBe(40013);
    expect((await exchange(OA, code, 'wrong')).json.errcode).toBe(40125);
    expect((await exchange(OA, undefined)).json.errcode).toBe(41008);
    expect((await exchange(OA, code)).json.openid).toBeDefined(); // none of the above spent it
  });

  it('snsapi_base: openid only (no unionid unless unionidForBaseScope), and sns/userinfo answers 48001', async () => {
    await start();
    const p = await h.person();
    const t = (await exchange(OA, await consentCode(OA, p, 'snsapi_base'))).json;
    expect(t).not.toHaveProperty('unionid');
    expect(t.scope).toBe('snsapi_base');
    expect((await h.get('/sns/userinfo', { access_token: t.access_token, openid: t.openid })).json.errcode).toBe(48001);
    expect((await h.get('/sns/auth', { access_token: t.access_token, openid: t.openid })).json.errcode).toBe(0);
    await h.close();
    await start({ unionidForBaseScope: true });
    const q = await h.person();
    expect((await exchange(OA, await consentCode(OA, q, 'snsapi_base'))).json.unionid).toBe(h.emu.state.unionid(q, OPEN));
  });

  it('an unbound account never gets a unionid', async () => {
    await start();
    const p = await h.person();
    const t = (await exchange(OA_UNBOUND, await consentCode(OA_UNBOUND, p, 'snsapi_userinfo'))).json;
    expect(t.openid).toBe(h.emu.state.openid(p, OA_UNBOUND.appid));
    expect(t).not.toHaveProperty('unionid');
    expect((await h.get('/sns/userinfo', { access_token: t.access_token, openid: t.openid })).json).not.toHaveProperty('unionid');
  });

  it('refusal redirects with state only and records nothing', async () => {
    await start();
    const p = await h.person();
    const loc = new URL((await decide(OA.appid, p, 'snsapi_userinfo', 'refuse')).json.location);
    expect([...loc.searchParams]).toEqual([
      ['from', 'wx'],
      ['state', 'st4te'],
    ]);
    expect(h.emu.state.person(p)?.authorized).toEqual([]);
  });

  it('snapshot: is_snapshotuser 1 with a virtual openid of nobody, no unionid; sns/userinfo answers 48001', async () => {
    await start();
    const p = await h.person();
    const t = (await exchange(OA, codeFrom((await decide(OA.appid, p, 'snsapi_userinfo', 'snapshot')).json.location))).json;
    expect(t).toMatchObject({ is_snapshotuser: 1, scope: 'snsapi_userinfo' });
    expect(t).not.toHaveProperty('unionid');
    expect(t.openid).toMatch(/^o[A-Za-z0-9_-]{27}$/);
    expect(t.openid).not.toBe(h.emu.state.openid(p, OA.appid));
    expect(h.emu.state.personByOpenid(OA.appid, t.openid)).toBeUndefined();
    expect((await h.get('/sns/userinfo', { access_token: t.access_token, openid: t.openid })).json.errcode).toBe(48001);
    expect(h.emu.state.person(p)?.authorized).toEqual([]);
    const web = (await exchange(WEB, codeFrom((await decide(WEB.appid, p, 'snsapi_login', 'snapshot')).json.location))).json;
    expect(web).toMatchObject({ is_snapshotuser: 1, scope: 'snsapi_login' });
    expect(web).not.toHaveProperty('unionid');
  });

  it('decisions are checked: scope per kind of app, state ≤ 128 bytes, a real URL, a known decision', async () => {
    await start();
    const p = await h.person();
    for (const [appid, scope, decision] of [
      [OA.appid, 'snsapi_login', 'consent'],
      [WEB.appid, 'snsapi_userinfo', 'consent'],
      [WEB.appid, 'snsapi_login', 'maybe'],
      [MINI.appid, 'snsapi_base', 'consent'],
      [MOBILE.appid, 'snsapi_userinfo', 'consent'],
    ] as const) {
      const r = await decide(appid, p, scope, decision);
      expect(r.status, `${appid} ${scope} ${decision}`).toBe(400);
      expect(r.json.error.code).toBe('ERR_EMULATOR_BAD_REQUEST');
    }
    expect((await decide(OA.appid, p, 'snsapi_base', 'consent', 'x'.repeat(129))).status).toBe(400);
    expect((await decide(OA.appid, p, 'snsapi_base', 'consent', 'x'.repeat(128))).status).toBe(200);
    expect(
      (await h.post('/__emulator/oauth/authorize', { appid: OA.appid, person: p, scope: 'snsapi_base', redirectUri: '/relative', decision: 'consent' })).status,
    ).toBe(400);
    expect((await decide(OA.appid, 'p_99', 'snsapi_base')).status).toBe(404);
  });

  it('refresh_token extends a live access_token, issues a new one after expiry, 40030 unknown / other app, 42002 after 30 days', async () => {
    await start();
    const p = await h.person();
    const t = (await exchange(WEB, await consentCode(WEB, p, 'snsapi_login'))).json;
    const refresh = (appid: string, token: string | undefined, grant = 'refresh_token') =>
      h.get('/sns/oauth2/refresh_token', { appid, grant_type: grant, refresh_token: token });
    await h.advance(7000);
    const same = (await refresh(WEB.appid, t.refresh_token)).json;
    expect(same).toEqual({ access_token: t.access_token, expires_in: 7200, refresh_token: t.refresh_token, openid: t.openid, scope: 'snsapi_login' });
    await h.advance(7000); // still valid: extended by the refresh
    expect((await h.get('/sns/auth', { access_token: t.access_token, openid: t.openid })).json.errcode).toBe(0);
    await h.advance(200);
    expect((await h.get('/sns/auth', { access_token: t.access_token, openid: t.openid })).json.errcode).toBe(42001);
    const fresh = (await refresh(WEB.appid, t.refresh_token)).json;
    expect(fresh.access_token).not.toBe(t.access_token);
    expect((await h.get('/sns/userinfo', { access_token: fresh.access_token, openid: t.openid })).json.openid).toBe(t.openid);
    expect((await refresh(OA.appid, t.refresh_token)).json.errcode).toBe(40030);
    expect((await refresh(WEB.appid, 'nope')).json.errcode).toBe(40030);
    expect((await refresh(WEB.appid, t.refresh_token, 'authorization_code')).json.errcode).toBe(40002);
    await h.advance(30 * 86_400);
    const old = await refresh(WEB.appid, t.refresh_token);
    expect(old.json.errcode).toBe(42002);
    expect(old.json.errmsg).toMatch(/^refresh_token expired/);
  });

  it('sns/userinfo and sns/auth check the OAuth token and openid: 41001, 40001, 42001, 41009, 40003', async () => {
    await start();
    const p = await h.person();
    const t = (await exchange(OA, await consentCode(OA, p, 'snsapi_userinfo'))).json;
    for (const path of ['/sns/userinfo', '/sns/auth']) {
      const call = (q: Record<string, string | undefined>) => h.get(path, q).then((r) => r.json.errcode);
      expect(await call({ openid: t.openid })).toBe(41001);
      expect(await call({ access_token: await h.token(OA), openid: t.openid })).toBe(40001); // a basic token is not an OAuth token
      expect(await call({ access_token: t.access_token })).toBe(41009);
      expect(await call({ access_token: t.access_token, openid: h.emu.state.openid(p, WEB.appid) })).toBe(40003);
    }
    await h.advance(7200);
    expect((await h.get('/sns/userinfo', { access_token: t.access_token, openid: t.openid })).json.errcode).toBe(42001);
  });

  it('app.login mints a mobile-app code (snsapi_userinfo) that exchanges for openid + unionid, and records the authorisation', async () => {
    await start({ unionidRule: 'legacy' });
    const p = await h.person();
    const before = await h.exchange(MINI, await h.login(MINI.appid, p));
    expect(before.json).not.toHaveProperty('unionid');
    const { code } = (await h.post('/__emulator/app.login', { appid: MOBILE.appid, person: p })).json;
    const t = (await exchange(MOBILE, code)).json;
    expect(t).toMatchObject({ openid: h.emu.state.openid(p, MOBILE.appid), scope: 'snsapi_userinfo', unionid: h.emu.state.unionid(p, OPEN) });
    expect(h.emu.state.person(p)?.authorized).toEqual([MOBILE.appid]);
    expect((await h.exchange(MINI, await h.login(MINI.appid, p))).json.unionid).toBe(h.emu.state.unionid(p, OPEN));
    await h.advance(600);
    const late = (await h.post('/__emulator/app.login', { appid: MOBILE.appid, person: p })).json.code;
    await h.advance(600);
    expect((await exchange(MOBILE, late)).json.errcode).toBe(40029);
    expect((await h.post('/__emulator/app.login', { appid: WEB.appid, person: p })).status).toBe(400);
  });

  it('under the legacy rule, consent to snsapi_userinfo / snsapi_login counts as an authorisation; snsapi_base does not', async () => {
    await start({ unionidRule: 'legacy' });
    const unionOf = async (p: string) => (await h.exchange(MINI, await h.login(MINI.appid, p))).json.unionid;
    const a = await h.person();
    await exchange(OA, await consentCode(OA, a, 'snsapi_base'));
    expect(await unionOf(a)).toBeUndefined();
    await consentCode(OA, a, 'snsapi_userinfo');
    expect(await unionOf(a)).toBe(h.emu.state.unionid(a, OPEN));
    const b = await h.person();
    await consentCode(WEB, b, 'snsapi_login');
    expect(await unionOf(b)).toBe(h.emu.state.unionid(b, OPEN));
  });

  it('oauthCodeTtlSeconds overrides the code lifetimes per kind', async () => {
    await start({ oauthCodeTtlSeconds: { oa: 10 } });
    const p = await h.person();
    const code = await consentCode(OA, p, 'snsapi_base');
    await h.advance(10);
    expect((await exchange(OA, code)).json.errcode).toBe(40029);
  });
});
