import { describe, expect, it } from 'vitest';
import { getUserInfo } from '../../../src/wechat/api/user-info.js';
import { sendJson, useFakeUpstream, noSleepHttp } from '../../helpers/fake-upstream.js';
import { expectNoSecrets } from '../../helpers/no-secrets.js';
import { rejection } from '../../helpers/expect-error.js';

const up = useFakeUpstream();
const http = noSleepHttp(up);
const TOKEN = 'ACCESS-TOKEN-user-info-1234567890';

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
    up().on('GET', '/cgi-bin/user/info', (_q, r) => sendJson(r, follower));
    expect(await getUserInfo(http(), { accessToken: TOKEN, openid: follower.openid })).toEqual({
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
    expect(up().calls[0]!.query).toEqual({ access_token: TOKEN, openid: follower.openid, lang: 'zh_CN' });
  });

  it('maps a former follower’s reduced object, with or without a unionid', async () => {
    up().on('GET', '/cgi-bin/user/info', (_q, r) => sendJson(r, { subscribe: 0, openid: 'o-x', unionid: 'u-x' }));
    expect(await getUserInfo(http(), { accessToken: TOKEN, openid: 'o-x', lang: 'en' })).toEqual({ subscribe: false, openid: 'o-x', unionid: 'u-x' });
    expect(up().calls[0]!.query.lang).toBe('en');
    up().on('GET', '/cgi-bin/user/info', (_q, r) => sendJson(r, { subscribe: 0, openid: 'o-x', unionid: '' }));
    expect(await getUserInfo(http(), { accessToken: TOKEN, openid: 'o-x' })).toEqual({ subscribe: false, openid: 'o-x' });
  });

  it('keeps the errcode of a failure (40003, 45009) and never the token', async () => {
    up().on('GET', '/cgi-bin/user/info', (_q, r) => sendJson(r, { errcode: 40003, errmsg: `invalid openid ${TOKEN}, rid: 1` }));
    const e = await rejection(getUserInfo(http(), { accessToken: TOKEN, openid: 'o-x' }));
    expect(e).toMatchObject({ code: 'ERR_WECHAT_API', wechat: { errcode: 40003 } });
    expectNoSecrets(e, [TOKEN]);
    up().on('GET', '/cgi-bin/user/info', (_q, r) => sendJson(r, { errcode: 45009, errmsg: 'reach max api daily quota limit' }));
    const q = await rejection(getUserInfo(http(), { accessToken: TOKEN, openid: 'o-x' }));
    expect(q.code).toBe('ERR_WECHAT_QUOTA');
    expect(q.message).toMatch(/reset/i);
  });

  it('rejects a body without subscribe as ERR_WECHAT_BAD_RESPONSE; misuse is a TypeError', async () => {
    up().on('GET', '/cgi-bin/user/info', (_q, r) => sendJson(r, { openid: 'o-x' }));
    expect((await rejection(getUserInfo(http(), { accessToken: TOKEN, openid: 'o-x' }))).code).toBe('ERR_WECHAT_BAD_RESPONSE');
    await expect(getUserInfo(http(), { accessToken: '', openid: 'o' })).rejects.toThrow(TypeError);
    await expect(getUserInfo(http(), { accessToken: TOKEN, openid: undefined as never })).rejects.toThrow(TypeError);
  });
});
