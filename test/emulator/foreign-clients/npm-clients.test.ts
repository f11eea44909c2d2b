/**
 * Other people's unchanged WeChat clients against the emulator, pointed at it only through what each exposes:
 * - `wechat-api` (callbacks): its public `endpoint` property (`setEndpoint(domain)` forces `https://`; this suite
 *   stays on the emulator's plain HTTP origin, the HTTPS listener with its local CA is covered by local-ca.test.ts),
 *   plus `mpPrefix` for showqrcode;
 * - `co-wechat-api` (async): its public `prefix` / `mpPrefix` properties;
 * - `wechat-oauth`: its `request(url, opts, cb)` wrapper of urllib ("urllib的封装"), overridden on the instance to
 *   swap the hard-coded `https://api.weixin.qq.com` for the emulator's origin.
 */
import { createRequire } from 'node:module';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MINI, OA, startEmulator, type Harness } from '../helpers.js';

const require = createRequire(import.meta.url);
const WechatAPI = require('wechat-api');
const CoWechatAPI = require('co-wechat-api');
const OAuth = require('wechat-oauth');

const OPEN = 'wxopen000000001';

let h: Harness;
let ann: string;
let bob: string;
beforeAll(async () => {
  h = await startEmulator({ userGetPageSize: 1 });
  ann = await h.person({ name: 'Ann' });
  bob = await h.person({ name: 'Bob' });
  await h.post(`/__emulator/persons/${ann}/follow`, { appid: OA.appid });
  await h.post(`/__emulator/persons/${bob}/follow`, { appid: OA.appid });
});
afterAll(() => h.close());

describe('wechat-api (endpoint property)', () => {
  const api = () => {
    const a = new WechatAPI(OA.appid, OA.secret);
    a.endpoint = h.base;
    a.mpPrefix = `${h.base}/cgi-bin/`;
    return a;
  };

  it('getLatestToken, getUser, batchGetUsers, getFollowers paging', async () => {
    const a = api();
    const token = await promisify(a.getLatestToken.bind(a))();
    expect(token.accessToken).toMatch(/^80_/);
    const openid = h.emu.state.openid(ann, OA.appid);
    const user = await promisify(a.getUser.bind(a))(openid);
    expect(user).toMatchObject({ subscribe: 1, openid, unionid: h.emu.state.unionid(ann, OPEN) });
    const batch = await promisify(a.batchGetUsers.bind(a))([openid, h.emu.state.openid(bob, OA.appid)]);
    expect(batch.user_info_list.map((u: { openid: string }) => u.openid)).toEqual([openid, h.emu.state.openid(bob, OA.appid)]);
    const first = await promisify(a.getFollowers.bind(a))();
    expect([first.total, first.count]).toEqual([2, 1]);
    const second = await promisify(a.getFollowers.bind(a))(first.next_openid);
    expect(second.data.openid).not.toEqual(first.data.openid);
  });

  it('createTmpQRCode + showQRCodeURL (ticket unencoded) fetch a JPEG', async () => {
    const a = api();
    const qr = await promisify(a.createTmpQRCode.bind(a))(42, 120);
    expect(qr.expire_seconds).toBe(120);
    const img = await fetch(a.showQRCodeURL(qr.ticket));
    expect([img.status, img.headers.get('content-type')]).toEqual([200, 'image/jpg']);
  });
});

describe('co-wechat-api (prefix properties)', () => {
  const api = () => {
    const a = new CoWechatAPI(OA.appid, OA.secret);
    a.prefix = `${h.base}/cgi-bin/`;
    a.mpPrefix = `${h.base}/cgi-bin/`;
    return a;
  };

  it('getUser, batchGetUsers, getFollowers, createTmpQRCode + showQRCodeURL', async () => {
    const a = api();
    const openid = h.emu.state.openid(bob, OA.appid);
    expect(await a.getUser(openid)).toMatchObject({ subscribe: 1, openid });
    expect((await a.batchGetUsers([openid])).user_info_list).toHaveLength(1);
    const page = await a.getFollowers();
    expect(page.count).toBe(1);
    const qr = await a.createTmpQRCode(7, 60);
    const img = await fetch(a.showQRCodeURL(qr.ticket));
    expect(img.status).toBe(200);
  });

  it('a superseded token makes the library refetch (its 40001 handling) and the call still succeeds', async () => {
    const a = api();
    const openid = h.emu.state.openid(ann, OA.appid);
    await a.getUser(openid);
    await h.token(OA); // someone else fetched a token: ours lives 300 s more
    await h.advance(301);
    expect(await a.getUser(openid)).toMatchObject({ openid });
  });
});

describe('wechat-oauth (request hook)', () => {
  const client = (appid: string, secret: string, mini = false) => {
    const c = new OAuth(appid, secret, undefined, undefined, mini);
    const request = c.request.bind(c);
    c.request = (url: string, opts: unknown, cb: unknown) => request(url.replace('https://api.weixin.qq.com', h.base), opts, cb);
    return c;
  };

  it('code → getAccessToken → getUser → refreshAccessToken', async () => {
    const c = client(OA.appid, OA.secret);
    const decided = await h.post('/__emulator/oauth/authorize', {
      appid: OA.appid,
      person: ann,
      scope: 'snsapi_userinfo',
      redirectUri: 'https://app.example.com/cb',
      state: 's',
      decision: 'consent',
    });
    const code = new URL(decided.json.location).searchParams.get('code');
    const token = await promisify(c.getAccessToken.bind(c))(code);
    expect(token.data).toMatchObject({ openid: h.emu.state.openid(ann, OA.appid), unionid: h.emu.state.unionid(ann, OPEN), scope: 'snsapi_userinfo' });
    const user = await promisify(c.getUser.bind(c))(token.data.openid);
    expect(user).toMatchObject({ openid: token.data.openid, unionid: token.data.unionid });
    const refreshed = await promisify(c.refreshAccessToken.bind(c))(token.data.refresh_token);
    expect(refreshed.data).toMatchObject({ openid: token.data.openid, refresh_token: token.data.refresh_token, expires_in: 7200 });
  });

  it('getSessionKey (jscode2session) for a mini program', async () => {
    const c = client(MINI.appid, MINI.secret, true);
    const session = await promisify(c.getSessionKey.bind(c))(await h.login(MINI.appid, bob));
    expect(session.data).toMatchObject({ openid: h.emu.state.openid(bob, MINI.appid), unionid: h.emu.state.unionid(bob, OPEN) });
  });
});
