import { beforeEach, describe, expect, it } from 'vitest';
import { createOAuthCodeExchanger } from '../../../src/wechat/api/oauth-code-exchange.js';
import { exchangeOAuthCode, getOAuthUserInfo } from '../../../src/wechat/api/oauth.js';
import { dropConnection, sendJson, useFakeUpstream, noSleepHttp } from '../../helpers/fake-upstream.js';
import { expectNoSecrets } from '../../helpers/no-secrets.js';
import { rejection } from '../../helpers/expect-error.js';

const up = useFakeUpstream();
const http = noSleepHttp(up);
const creds = { appid: 'wxoa0000000000001', secret: 'oauth-app-secret-0123456789' };
const AT = 'OAUTH-ACCESS-TOKEN-ACCESS_TOKEN_abc';
const RT = 'OAUTH-REFRESH-TOKEN-REFRESH_abc';
const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

// wechatpy fixture sns_oauth2_access_token.json, plus unionid.
const tokenAnswer = { access_token: AT, expires_in: 7200, refresh_token: RT, openid: 'OPENID', scope: 'snsapi_userinfo', unionid: 'UNIONID' };

describe('exchangeOAuthCode()', () => {
  it('sends appid, secret, code and grant_type and maps the token', async () => {
    up().on('GET', '/sns/oauth2/access_token', (_q, r) => sendJson(r, tokenAnswer));
    expect(await exchangeOAuthCode(http(), { ...creds, code: 'CODE-1' })).toEqual({
      accessToken: AT,
      expiresIn: 7200,
      refreshToken: RT,
      openid: 'OPENID',
      scope: 'snsapi_userinfo',
      unionid: 'UNIONID',
      isSnapshotUser: false,
    });
    expect(up().calls[0]!.query).toEqual({ ...creds, code: 'CODE-1', grant_type: 'authorization_code' });
  });

  it('maps is_snapshotuser: 1, and leaves an absent or empty unionid out', async () => {
    up().on('GET', '/sns/oauth2/access_token', (_q, r) => sendJson(r, { ...tokenAnswer, unionid: '', scope: 'snsapi_base', is_snapshotuser: 1 }));
    const t = await exchangeOAuthCode(http(), { ...creds, code: 'c' });
    expect(t.isSnapshotUser).toBe(true);
    expect(t).not.toHaveProperty('unionid');
    up().on('GET', '/sns/oauth2/access_token', (_q, r) => sendJson(r, { ...tokenAnswer, unionid: undefined, is_snapshotuser: 0 }));
    expect(await exchangeOAuthCode(http(), { ...creds, code: 'c' })).toMatchObject({ isSnapshotUser: false });
  });

  it('maps 40029 / 40163 / 40125 and keeps the secret and code out of the error', async () => {
    const cases: [number, string][] = [
      [40029, 'ERR_WECHAT_CODE_INVALID'],
      [40163, 'ERR_WECHAT_CODE_USED'],
      [40125, 'ERR_WECHAT_CREDENTIALS'],
    ];
    for (const [errcode, code] of cases) {
      up().on('GET', '/sns/oauth2/access_token', (_q, r) => sendJson(r, { errcode, errmsg: `bad ${creds.secret} CODE-SECRETISH, rid: 1` }));
      const e = await rejection(exchangeOAuthCode(http(), { ...creds, code: 'CODE-SECRETISH' }));
      expect(e).toMatchObject({ code, wechat: { errcode } });
      expectNoSecrets(e, [creds.secret, 'CODE-SECRETISH']);
    }
  });

  it('never retries a transport failure (the code may already be spent), but retries -1', async () => {
    up().on('GET', '/sns/oauth2/access_token', (q, r) => dropConnection(q, r));
    const e = await rejection(exchangeOAuthCode(http(), { ...creds, code: 'CODE-2' }));
    expect(e.code).toBe('ERR_WECHAT_UNREACHABLE');
    expectNoSecrets(e, [creds.secret, 'CODE-2']);
    expect(up().calls).toHaveLength(1);
    let n = 0;
    up().on('GET', '/sns/oauth2/access_token', (_q, r) => sendJson(r, n++ === 0 ? { errcode: -1, errmsg: 'system error' } : tokenAnswer));
    expect((await exchangeOAuthCode(http(), { ...creds, code: 'CODE-3' })).openid).toBe('OPENID');
  });

  it('keeps the tokens out of a schema-mismatch error', async () => {
    up().on('GET', '/sns/oauth2/access_token', (_q, r) => sendJson(r, { ...tokenAnswer, openid: 5 }));
    const e = await rejection(exchangeOAuthCode(http(), { ...creds, code: 'c' }));
    expect(e.code).toBe('ERR_WECHAT_BAD_RESPONSE');
    expectNoSecrets(e, [AT, RT]);
  });
});

describe('createOAuthCodeExchanger().exchange()', () => {
  beforeEach(() => {
    const used = new Set<string>();
    up().on('GET', '/sns/oauth2/access_token', async (q, r) => {
      const code = (q.query as Record<string, string>).code!;
      await delay(30);
      if (used.has(code)) return sendJson(r, { errcode: 40163, errmsg: 'code been used' });
      used.add(code);
      return sendJson(r, { ...tokenAnswer, openid: `o-${code}` });
    });
  });

  it('makes one upstream call for 10 concurrent exchanges of one code, all getting the same frozen answer', async () => {
    const ex = createOAuthCodeExchanger(http());
    const results = await Promise.all(Array.from({ length: 10 }, () => ex.exchange({ ...creds, code: 'c1' })));
    expect(up().calls).toHaveLength(1);
    for (const r of results) expect(r).toBe(results[0]);
    expect(results[0]!.openid).toBe('o-c1');
    expect(Object.isFrozen(results[0])).toBe(true);
  });

  it('keeps codes of different apps apart, and forgets a settled code (a reuse then gets 40163)', async () => {
    const ex = createOAuthCodeExchanger(http());
    await Promise.all([ex.exchange({ ...creds, code: 'c1' }), ex.exchange({ ...creds, appid: 'wxweb', code: 'c2' })]);
    expect(up().calls).toHaveLength(2);
    await expect(ex.exchange({ ...creds, code: 'c1' })).rejects.toMatchObject({ code: 'ERR_WECHAT_CODE_USED' });
  });
});

describe('getOAuthUserInfo()', () => {
  it('maps the profile leniently (sex as a string, missing privilege)', async () => {
    up().on('GET', '/sns/userinfo', (_q, r) =>
      sendJson(r, {
        openid: 'OPENID',
        nickname: 'NICKNAME',
        sex: '1',
        province: '',
        city: '',
        country: '',
        headimgurl: 'http://thirdwx.qlogo.cn/x/0',
        unionid: 'U',
      }),
    );
    expect(await getOAuthUserInfo(http(), { accessToken: AT, openid: 'OPENID' })).toEqual({
      openid: 'OPENID',
      nickname: 'NICKNAME',
      headimgurl: 'http://thirdwx.qlogo.cn/x/0',
      sex: 1,
      privilege: [],
      unionid: 'U',
    });
    expect(up().calls[0]!.query).toEqual({ access_token: AT, openid: 'OPENID', lang: 'zh_CN' });
  });

  it('keeps 48001 (a snsapi_base token) and never the OAuth token', async () => {
    up().on('GET', '/sns/userinfo', (_q, r) => sendJson(r, { errcode: 48001, errmsg: 'api unauthorized' }));
    const e = await rejection(getOAuthUserInfo(http(), { accessToken: AT, openid: 'OPENID' }));
    expect(e).toMatchObject({ code: 'ERR_WECHAT_API', wechat: { errcode: 48001 } });
    expectNoSecrets(e, [AT]);
  });
});
