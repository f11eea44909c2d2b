import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WeChatHttp } from '../../../src/wechat/api/request.js';
import { batchGetUserInfo, followerPages, getFollowers, getUserInfo, type FollowerPage } from '../../../src/wechat/api/user-info.js';
import { type FakeUpstream, sendJson, startFakeUpstream } from '../fake-upstream.js';
import { expectNoSecrets, failure } from '../no-secrets.js';

let up: FakeUpstream;
let http: WeChatHttp;
const TOKEN = 'ACCESS-TOKEN-user-info-1234567890';

beforeAll(async () => {
  up = await startFakeUpstream();
  http = new WeChatHttp({ baseUrl: up.baseUrl, sleep: async () => undefined });
});
afterAll(async () => {
  await up.close();
});
beforeEach(() => up.reset());

// wechatpy fixture user_info.json, trimmed (nickname etc. are empty since 2021-12).
const follower = {
  subscribe: 1,
  openid: 'o6_bmjrPTlm6_2sgVt7hMZOPfL2M',
  nickname: '',
  sex: 0,
  language: 'zh_CN',
  city: '',
  headimgurl: '',
  subscribe_time: 1382694957,
  unionid: 'o6_bmasdasdsad6_2sgVt7hMZOPfL',
  remark: '',
  groupid: 0,
  tagid_list: [128, 2],
  subscribe_scene: 'ADD_SCENE_QR_CODE',
  qr_scene: 98765,
  qr_scene_str: '',
};

describe('getUserInfo()', () => {
  it('sends the token, openid and lang, and maps a follower', async () => {
    up.on('GET', '/cgi-bin/user/info', (_q, r) => sendJson(r, follower));
    expect(await getUserInfo(http, { accessToken: TOKEN, openid: follower.openid })).toEqual({
      subscribe: true,
      openid: follower.openid,
      unionid: follower.unionid,
      language: 'zh_CN',
      subscribeTime: 1382694957,
      remark: '',
      tagidList: [128, 2],
      subscribeScene: 'ADD_SCENE_QR_CODE',
      qrScene: 98765,
    });
    expect(up.calls[0]!.query).toEqual({ access_token: TOKEN, openid: follower.openid, lang: 'zh_CN' });
  });

  it('maps a former follower’s reduced object, with or without a unionid', async () => {
    up.on('GET', '/cgi-bin/user/info', (_q, r) => sendJson(r, { subscribe: 0, openid: 'o-x', unionid: 'u-x' }));
    expect(await getUserInfo(http, { accessToken: TOKEN, openid: 'o-x', lang: 'en' })).toEqual({ subscribe: false, openid: 'o-x', unionid: 'u-x' });
    expect(up.calls[0]!.query.lang).toBe('en');
    up.on('GET', '/cgi-bin/user/info', (_q, r) => sendJson(r, { subscribe: 0, openid: 'o-x', unionid: '' }));
    expect(await getUserInfo(http, { accessToken: TOKEN, openid: 'o-x' })).toEqual({ subscribe: false, openid: 'o-x' });
  });

  it('keeps the errcode of a failure (40003, 45009) and never the token', async () => {
    up.on('GET', '/cgi-bin/user/info', (_q, r) => sendJson(r, { errcode: 40003, errmsg: `invalid openid ${TOKEN}, rid: 1` }));
    const e = await failure(getUserInfo(http, { accessToken: TOKEN, openid: 'o-x' }));
    expect(e).toMatchObject({ code: 'ERR_WECHAT_API', wechat: { errcode: 40003 } });
    expectNoSecrets(e, [TOKEN]);
    up.on('GET', '/cgi-bin/user/info', (_q, r) => sendJson(r, { errcode: 45009, errmsg: 'reach max api daily quota limit' }));
    const q = await failure(getUserInfo(http, { accessToken: TOKEN, openid: 'o-x' }));
    expect(q.code).toBe('ERR_WECHAT_QUOTA');
    expect(q.message).toMatch(/reset/i);
  });

  it('rejects a body without subscribe as ERR_WECHAT_BAD_RESPONSE; misuse is a TypeError', async () => {
    up.on('GET', '/cgi-bin/user/info', (_q, r) => sendJson(r, { openid: 'o-x' }));
    expect((await failure(getUserInfo(http, { accessToken: TOKEN, openid: 'o-x' }))).code).toBe('ERR_WECHAT_BAD_RESPONSE');
    await expect(getUserInfo(http, { accessToken: '', openid: 'o' })).rejects.toThrow(TypeError);
    await expect(getUserInfo(http, { accessToken: TOKEN, openid: undefined as never })).rejects.toThrow(TypeError);
  });
});

describe('batchGetUserInfo()', () => {
  beforeEach(() => {
    up.on('POST', '/cgi-bin/user/info/batchget', (q, r) => {
      const list = (q.body as { user_list: { openid: string; lang: string }[] }).user_list;
      return sendJson(r, { user_info_list: list.map((u, i) => ({ subscribe: i % 2, openid: u.openid, unionid: `u-${u.openid}` })) });
    });
  });

  it('sends one call for up to 100 openids, with lang on each', async () => {
    const openids = Array.from({ length: 100 }, (_, i) => `o${i}`);
    const users = await batchGetUserInfo(http, { accessToken: TOKEN, openids, lang: 'zh_TW' });
    expect(users.map((u) => u.openid)).toEqual(openids);
    expect(users[1]).toEqual({ subscribe: true, openid: 'o1', unionid: 'u-o1' });
    expect(up.calls).toHaveLength(1);
    expect(up.calls[0]!.query).toEqual({ access_token: TOKEN });
    expect((up.calls[0]!.body as { user_list: unknown[] }).user_list[0]).toEqual({ openid: 'o0', lang: 'zh_TW' });
  });

  it('chunks 250 openids into 100 + 100 + 50, in order', async () => {
    const openids = Array.from({ length: 250 }, (_, i) => `o${i}`);
    const users = await batchGetUserInfo(http, { accessToken: TOKEN, openids });
    expect(users.map((u) => u.openid)).toEqual(openids);
    expect(up.calls.map((c) => (c.body as { user_list: unknown[] }).user_list.length)).toEqual([100, 100, 50]);
  });

  it('makes no call for no openids; an errcode fails the whole batch', async () => {
    expect(await batchGetUserInfo(http, { accessToken: TOKEN, openids: [] })).toEqual([]);
    expect(up.calls).toHaveLength(0);
    up.on('POST', '/cgi-bin/user/info/batchget', (_q, r) => sendJson(r, { errcode: 40001, errmsg: 'invalid credential' }));
    expect(await failure(batchGetUserInfo(http, { accessToken: TOKEN, openids: ['a'] }))).toMatchObject({ wechat: { errcode: 40001 } });
    await expect(batchGetUserInfo(http, { accessToken: TOKEN, openids: ['a', ''] })).rejects.toThrow(TypeError);
  });
});

describe('getFollowers() / followerPages()', () => {
  /** A follower list of `n` openids served in pages of 10,000 like WeChat, ending with an empty page when full. */
  function serveFollowers(n: number): void {
    const all = Array.from({ length: n }, (_, i) => `f${String(i).padStart(6, '0')}`);
    up.on('GET', '/cgi-bin/user/get', (q, r) => {
      const next = (q.query as { next_openid?: string }).next_openid;
      const start = next ? all.indexOf(next) + 1 : 0;
      const page = all.slice(start, start + 10_000);
      if (page.length === 0) return sendJson(r, { total: n, count: 0, next_openid: '' });
      return sendJson(r, { total: n, count: page.length, data: { openid: page }, next_openid: page.at(-1) });
    });
  }

  it('reads one page and says whether there is another', async () => {
    serveFollowers(3);
    expect(await getFollowers(http, { accessToken: TOKEN })).toEqual({ total: 3, openids: ['f000000', 'f000001', 'f000002'], nextOpenid: null });
    expect(up.calls[0]!.query).toEqual({ access_token: TOKEN });
  });

  it('walks 25,000 followers in 3 pages, passing next_openid back', async () => {
    serveFollowers(25_000);
    const pages: FollowerPage[] = [];
    for await (const p of followerPages((next) => getFollowers(http, { accessToken: TOKEN, nextOpenid: next }))) pages.push(p);
    expect(pages.map((p) => p.openids.length)).toEqual([10_000, 10_000, 5_000]);
    expect(new Set(pages.flatMap((p) => p.openids)).size).toBe(25_000);
    expect(up.calls.map((c) => c.query.next_openid)).toEqual([undefined, 'f009999', 'f019999']);
  });

  it('stops on an empty last page (exactly 20,000 followers) and resumes after a given openid', async () => {
    serveFollowers(20_000);
    const sizes: number[] = [];
    for await (const p of followerPages((next) => getFollowers(http, { accessToken: TOKEN, nextOpenid: next }))) sizes.push(p.openids.length);
    expect(sizes).toEqual([10_000, 10_000, 0]);
    up.calls.length = 0;
    const resumed: number[] = [];
    for await (const p of followerPages((next) => getFollowers(http, { accessToken: TOKEN, nextOpenid: next }), 'f009999')) resumed.push(p.openids.length);
    expect(resumed).toEqual([10_000, 0]);
  });
});
