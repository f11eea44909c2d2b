import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createEmulatorWx, createMiniProgramClient, WeUnionClientError, type LoginStrategy, type UserInfoApi, type WxLike } from '../../src/client/index.js';
import { startFakeWeUnion, type FakeWeUnion } from './fake-weunion.js';
import { rejection } from '../helpers/expect-error.js';

const APPID = 'wxmp1';
let fake: FakeWeUnion;

beforeAll(async () => {
  fake = await startFakeWeUnion();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  Object.assign(fake.knobs, { unionidOnLogin: false, bound: true, forceStale: 0, rotateOnLogin: false, allTokensExpired: false });
  fake.log.length = 0;
});

function setup(opts: { declinesUserInfo?: boolean; strategy?: LoginStrategy; userInfoApi?: UserInfoApi } = {}) {
  const person = fake.createPerson({ declinesUserInfo: opts.declinesUserInfo ?? false });
  const wx = createEmulatorWx({ emulatorUrl: fake.url, appid: APPID, person });
  const client = createMiniProgramClient({
    baseUrl: fake.url,
    appid: APPID,
    wx,
    ...(opts.strategy ? { strategy: opts.strategy } : {}),
    ...(opts.userInfoApi ? { userInfoApi: opts.userInfoApi } : {}),
  });
  return { person, wx, client };
}

const count = (line: string) => fake.log.filter((l) => l === line).length;
const apiCalls = () => fake.log.filter((l) => l.startsWith('POST /v1/') || l.startsWith('GET /v1/'));

describe('login() with the client-decides strategy', () => {
  it('login() makes one request and asks no user data when code2session has the unionid', async () => {
    fake.knobs.unionidOnLogin = true;
    const { person, client } = setup();
    const r = await client.login();
    expect(r).toMatchObject({ unionid: fake.unionidOf(person), openid: fake.openidOf(APPID, person), isNewUser: true });
    expect(r.unionidDeclined).toBe(false);
    expect(apiCalls()).toEqual([`POST /v1/mp/${APPID}/login`]);
    expect(count('POST /__emulator/wx.getUserInfo')).toBe(0);
  });

  it('login() takes the decrypt road to /unionid with the bearer when the unionid is missing', async () => {
    const { person, client } = setup();
    const r = await client.login();
    expect(apiCalls()).toEqual([`POST /v1/mp/${APPID}/login`, `POST /v1/mp/${APPID}/unionid`]);
    expect(r.unionid).toBe(fake.unionidOf(person));
    expect(r.isNewUser).toBe(true);
    expect(client.session()).toMatchObject({ token: r.token, userId: r.userId, unionid: r.unionid });
  });

  it('login() resolves to the unionid owner and isNewUser false when /unionid merges the user', async () => {
    const { person, client } = setup();
    const owner = fake.seedUnionUser(person);
    const r = await client.login();
    expect(r.userId).toBe(owner);
    expect(r.isNewUser).toBe(false);
    expect(client.session()?.userId).toBe(owner);
  });

  it('login() keeps the openid login with unionidDeclined when the user refuses', async () => {
    const { person, client } = setup({ declinesUserInfo: true });
    const r = await client.login();
    expect(r).toMatchObject({ unionid: null, unionidDeclined: true, unionidUnavailable: false, isNewUser: true });
    expect(r.openid).toBe(fake.openidOf(APPID, person));
    expect(apiCalls()).toEqual([`POST /v1/mp/${APPID}/login`]);
    expect(client.session()).toMatchObject({ token: r.token, unionid: null });
  });

  it('login() keeps the openid login with unionidUnavailable on ERR_UNIONID_UNAVAILABLE', async () => {
    fake.knobs.bound = false;
    const { client } = setup();
    const r = await client.login();
    expect(r).toMatchObject({ unionid: null, unionidUnavailable: true, unionidDeclined: false });
    expect(client.session()?.token).toBe(r.token);
  });

  it('login() logs in again once and retries when the session_key is stale', async () => {
    fake.knobs.forceStale = 1;
    const { person, client } = setup();
    const r = await client.login();
    expect(r.unionid).toBe(fake.unionidOf(person));
    expect(count('POST /__emulator/wx.login')).toBe(2);
    expect(apiCalls()).toEqual([`POST /v1/mp/${APPID}/login`, `POST /v1/mp/${APPID}/unionid`, `POST /v1/mp/${APPID}/login`, `POST /v1/mp/${APPID}/unionid`]);
  });

  it('login() surfaces ERR_SESSION_KEY_STALE after one retry and keeps the openid session', async () => {
    fake.knobs.forceStale = 5;
    const { client } = setup();
    const e = await rejection(client.login(), WeUnionClientError);
    expect(e.code).toBe('ERR_SESSION_KEY_STALE');
    expect(e.status).toBe(409);
    expect(count(`POST /v1/mp/${APPID}/unionid`)).toBe(2);
    expect(count('POST /__emulator/wx.login')).toBe(2);
    expect(client.session()).toMatchObject({ unionid: null });
  });

  it('login() works when every wx.login rotates the session_key', async () => {
    fake.knobs.rotateOnLogin = true;
    const { person, client } = setup();
    expect((await client.login()).unionid).toBe(fake.unionidOf(person));
  });

  it('login() shares one flight between concurrent callers', async () => {
    const { client } = setup();
    const [a, b] = await Promise.all([client.login(), client.login()]);
    expect(a).toBe(b);
    expect(count('POST /__emulator/wx.login')).toBe(1);
  });
});

describe('requestUnionId()', () => {
  it('requestUnionId() recovers from a session_key rotated since login with one fresh wx.login', async () => {
    const { person, client } = setup({ declinesUserInfo: true });
    expect((await client.login()).unionidDeclined).toBe(true);
    fake.setDeclines(person, false); // the user agrees later…
    fake.rotateSessionKey(person); // …after WeChat rotated the session_key the server holds
    fake.log.length = 0;
    const r = await client.requestUnionId();
    expect(r.unionid).toBe(fake.unionidOf(person));
    expect(client.session()?.unionid).toBe(r.unionid);
    expect(count(`POST /v1/mp/${APPID}/unionid`)).toBe(2);
    expect(count('POST /__emulator/wx.login')).toBe(1);
  });

  it('requestUnionId() logs in again once when the server says the token expired', async () => {
    const { person, client } = setup({ declinesUserInfo: true });
    await client.login();
    fake.setDeclines(person, false);
    fake.expireAllTokens();
    fake.log.length = 0;
    const r = await client.requestUnionId();
    expect(r.unionid).toBe(fake.unionidOf(person));
    expect(apiCalls()).toEqual([`POST /v1/mp/${APPID}/unionid`, `POST /v1/mp/${APPID}/login`, `POST /v1/mp/${APPID}/unionid`]);
  });

  it('requestUnionId() makes no request when the stored session has a unionid', async () => {
    fake.knobs.unionidOnLogin = true;
    const { client } = setup();
    const first = await client.login();
    fake.log.length = 0;
    const r = await client.requestUnionId();
    expect(r).toMatchObject({ userId: first.userId, unionid: first.unionid, token: first.token, isNewUser: false });
    expect(fake.log).toEqual([]);
  });

  it('requestUnionId() logs in first when there is no session', async () => {
    const { person, client } = setup();
    const r = await client.requestUnionId();
    expect(r.unionid).toBe(fake.unionidOf(person));
  });
});

describe('login() with the server-decides strategy', () => {
  it('login() sends code and user data in one request', async () => {
    const { person, client } = setup({ strategy: 'server-decides' });
    const r = await client.login();
    expect(r).toMatchObject({ unionid: fake.unionidOf(person), isNewUser: true, unionidDeclined: false });
    expect(apiCalls()).toEqual([`POST /v1/mp/${APPID}/login`]);
    expect(count('POST /__emulator/wx.getUserInfo')).toBe(1);
  });

  it('login() sends the code alone and reports unionidDeclined when the user refuses', async () => {
    const { client } = setup({ strategy: 'server-decides', declinesUserInfo: true });
    const r = await client.login();
    expect(r).toMatchObject({ unionid: null, unionidDeclined: true });
    expect(apiCalls()).toEqual([`POST /v1/mp/${APPID}/login`]);
  });

  it('login() reports unionidUnavailable when data was sent and the answer still has no unionid', async () => {
    fake.knobs.bound = false;
    const { client } = setup({ strategy: 'server-decides' });
    const r = await client.login();
    expect(r).toMatchObject({ unionid: null, unionidUnavailable: true, unionidDeclined: false });
  });

  it('login() starts once more from wx.login when the session_key is stale', async () => {
    fake.knobs.forceStale = 1;
    const { person, client } = setup({ strategy: 'server-decides', userInfoApi: 'getUserProfile' });
    const r = await client.login();
    expect(r.unionid).toBe(fake.unionidOf(person));
    expect(count('POST /__emulator/wx.login')).toBe(2);
    expect(count(`POST /v1/mp/${APPID}/login`)).toBe(2);
  });

  it('login() surfaces ERR_SESSION_KEY_STALE when the retry is stale too', async () => {
    fake.knobs.forceStale = 5;
    const { client } = setup({ strategy: 'server-decides' });
    const e = await rejection(client.login(), WeUnionClientError);
    expect(e.code).toBe('ERR_SESSION_KEY_STALE');
    expect(count(`POST /v1/mp/${APPID}/login`)).toBe(2);
    expect(client.session()).toBeNull();
  });
});

describe('request()', () => {
  it('request() sends the stored token as a Bearer', async () => {
    const { client } = setup();
    const r = await client.login();
    fake.log.length = 0;
    const res = await client.request({ url: '/v1/me' });
    expect(res).toEqual({ statusCode: 200, data: { userId: r.userId, identities: {} } });
    expect(fake.log).toEqual(['GET /v1/me']);
  });

  it('request() logs in silently first when there is no session', async () => {
    const { client } = setup();
    const res = await client.request({ url: `${fake.url}/v1/me` });
    expect(res.statusCode).toBe(200);
    expect(count('POST /__emulator/wx.getUserInfo')).toBe(0);
    expect(client.session()).not.toBeNull();
  });

  it('request() logs in again once and retries on 401 ERR_AUTH_EXPIRED', async () => {
    const { client } = setup();
    const first = await client.login();
    fake.expireAllTokens();
    fake.log.length = 0;
    const res = await client.request({ url: '/v1/me' });
    expect(res.statusCode).toBe(200);
    expect(fake.log).toEqual(['GET /v1/me', 'POST /__emulator/wx.login', `POST /v1/mp/${APPID}/login`, 'GET /v1/me']);
    expect(client.session()?.token).not.toBe(first.token);
    expect(client.session()?.userId).toBe(first.userId);
  });

  it('request() returns the second 401 instead of looping when the new token is refused too', async () => {
    const { client } = setup();
    await client.login();
    fake.knobs.allTokensExpired = true;
    fake.log.length = 0;
    const res = await client.request({ url: '/v1/me' });
    expect(res.statusCode).toBe(401);
    expect(count('GET /v1/me')).toBe(2);
    expect(count('POST /__emulator/wx.login')).toBe(1);
  });

  it('request() does not log in again on 401 ERR_AUTH_INVALID', async () => {
    const { client, wx } = setup();
    await client.login();
    wx.storage.set('weunion:session', { ...client.session()!, token: 'forged' });
    fake.log.length = 0;
    const res = await client.request({ url: '/v1/me' });
    expect(res).toMatchObject({ statusCode: 401, data: { error: { code: 'ERR_AUTH_INVALID' } } });
    expect(fake.log).toEqual(['GET /v1/me']);
  });
});

describe('session() and logout()', () => {
  it('session() holds token, userId, openid, unionid and expiresAt; logout() clears it', async () => {
    const { client, wx } = setup();
    const before = Date.now();
    const r = await client.login();
    const s = client.session()!;
    expect(Object.keys(s).sort()).toEqual(['expiresAt', 'openid', 'token', 'unionid', 'userId']);
    expect(s.expiresAt).toBeGreaterThanOrEqual(before + r.expiresIn * 1000);
    expect(wx.storage.get('weunion:session')).toEqual(s);
    client.logout();
    expect(client.session()).toBeNull();
  });
});

describe('errors', () => {
  const base = (over: Partial<WxLike>): WxLike => ({
    login: (o) => o.success?.({ code: 'c' }),
    getUserInfo: (o) => o.fail?.({ errMsg: 'getUserInfo:fail auth deny' }),
    request: (o) => o.fail?.({ errMsg: 'request:fail' }),
    getStorageSync: () => '',
    setStorageSync: () => undefined,
    removeStorageSync: () => undefined,
    ...over,
  });

  it('login() rejects ERR_CLIENT_WX when wx.login fails', async () => {
    const wx = base({ login: (o) => o.fail?.({ errMsg: 'login:fail timeout' }) });
    const e = await rejection(createMiniProgramClient({ baseUrl: fake.url, appid: APPID, wx }).login(), WeUnionClientError);
    expect(e).toMatchObject({ code: 'ERR_CLIENT_WX', status: 0, message: 'login:fail timeout' });
  });

  it('login() rejects ERR_CLIENT_NETWORK when wx.request fails', async () => {
    const e = await rejection(createMiniProgramClient({ baseUrl: fake.url, appid: APPID, wx: base({}) }).login(), WeUnionClientError);
    expect(e.code).toBe('ERR_CLIENT_NETWORK');
  });

  it('login() passes the server code through when the code was already used', async () => {
    const person = fake.createPerson();
    const real = createEmulatorWx({ emulatorUrl: fake.url, appid: APPID, person });
    let code: string | undefined;
    // A broken wx that hands out the same code twice.
    const wx: WxLike = {
      ...real,
      login(o) {
        if (code !== undefined) return o.success?.({ code });
        real.login({
          success(r) {
            code = r.code;
            o.success?.(r);
          },
        });
      },
    };
    const client = createMiniProgramClient({ baseUrl: fake.url, appid: APPID, wx });
    fake.knobs.unionidOnLogin = true;
    await client.login();
    client.logout();
    const e = await rejection(client.login(), WeUnionClientError);
    expect(e).toMatchObject({ code: 'ERR_WECHAT_CODE_USED', status: 400 });
  });

  it('login() rejects ERR_CLIENT_WX when getUserInfo fails for another reason than a refusal', async () => {
    fake.knobs.unionidOnLogin = false;
    const person = fake.createPerson();
    const real = createEmulatorWx({ emulatorUrl: fake.url, appid: APPID, person });
    const wx: WxLike = { ...real, getUserInfo: (o) => o.fail?.({ errMsg: 'getUserInfo:fail internal error' }) };
    const e = await rejection(createMiniProgramClient({ baseUrl: fake.url, appid: APPID, wx }).login(), WeUnionClientError);
    expect(e.code).toBe('ERR_CLIENT_WX');
  });

  it('createMiniProgramClient() throws TypeError on bad options', () => {
    const wx = base({});
    expect(() => createMiniProgramClient({ baseUrl: 'nope', appid: APPID, wx })).toThrow(TypeError);
    expect(() => createMiniProgramClient({ baseUrl: fake.url, appid: '', wx })).toThrow(TypeError);
    expect(() => createMiniProgramClient({ baseUrl: fake.url, appid: APPID, wx, userInfoApi: 'getUserProfile' })).toThrow(TypeError);
    expect(() => createMiniProgramClient({ baseUrl: fake.url, appid: APPID, wx, strategy: 'x' as LoginStrategy })).toThrow(TypeError);
  });
});
