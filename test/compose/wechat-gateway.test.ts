/**
 * createWeChatGateway() (src/compose/wechat-gateway.ts) against a small stateful fake of WeChat on 127.0.0.1:
 * tokens that can be killed, single-use codes, and per-endpoint errcode injection.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import type { AppConfig } from '../../src/config/schema.js';
import { createWeChatGateway } from '../../src/compose/wechat-gateway.js';
import { sessionKeySignature } from '../../src/wechat/crypto/session-signature.js';
import { sendJson, useFakeUpstream } from '../helpers/fake-upstream.js';
import { expectNoSecrets } from '../helpers/no-secrets.js';
import { rejection } from '../helpers/expect-error.js';

const SECRETS = { mp: 'mp-secret-0123456789abcdef', oa: 'oa-secret-0123456789abcdef', web: 'web-secret-0123456789abcdef', ext: 'ext-secret-0123456789' };
const app = (appid: string, kind: AppConfig['kind'], secret: string, extra: Partial<AppConfig> = {}): AppConfig => ({
  appid,
  secret,
  kind,
  union: 'acme',
  redirectAllowList: [],
  trustDecryptedUnionid: false,
  ...extra,
});
const mp = app('wxmp00000000000001', 'miniprogram', SECRETS.mp);
const oa = app('wxoa00000000000001', 'officialAccount', SECRETS.oa);
const web = app('wxweb0000000000001', 'website', SECRETS.web);
const SESSION_KEY = 'tiihtNczf5v6AKRyjwEUhQ==';
const PHONE_CODE = 'phone-code-0123456789abcdef';
const OAUTH_AT = 'OAUTH-USER-TOKEN-0123456789';
const OAUTH_RT = 'OAUTH-REFRESH-TOKEN-0123456789';
const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

const up = useFakeUpstream();
let clock: ManualClock;
let issued: string[];
let valid: Set<string>;
/** errcode to answer `times` times per path instead of the normal answer; times -1 = always, quoting the request. */
let inject: Map<string, { errcode: number; errmsg: string; times: number }>;
let usedCodes: Set<string>;
let ext: AppConfig;

const calls = (path: string) => up().callsTo(path).length;
const tokenCalls = () => calls('/cgi-bin/stable_token') + calls('/cgi-bin/token');

function gateway(apps: AppConfig[] = [mp, oa, web]) {
  return createWeChatGateway({
    baseUrl: up().baseUrl,
    mpBaseUrl: 'https://mp.example.test',
    timeoutMs: 2000,
    tokenMode: 'stable',
    apps,
    clock,
    sleep: async () => undefined,
  });
}

/** The fake's common prologue: injected errcodes first, then the token check of token-taking endpoints. */
function guard(path: string, query: Record<string, string>, body: Record<string, unknown>, needsToken: boolean): object | undefined {
  const e = inject.get(path);
  if (e && e.times > 0) {
    e.times--;
    return { errcode: e.errcode, errmsg: e.errmsg };
  }
  if (e?.times === -1) {
    // Like an errmsg that quotes the request back: every value we sent (secret, codes, tokens) in every encoding.
    const sent = [...Object.values(query), ...Object.values(body ?? {}).map(String)];
    return { errcode: e.errcode, errmsg: `nope ${sent.join(' ')} ${sent.map(encodeURIComponent).join(' ')}, rid: 1` };
  }
  if (!needsToken) return undefined;
  if (!query.access_token) return { errcode: 41001, errmsg: 'access_token missing' };
  if (!valid.has(query.access_token)) return { errcode: 40001, errmsg: `invalid credential, access_token is invalid or not latest ${query.access_token}` };
  return undefined;
}

function route(method: 'GET' | 'POST', path: string, needsToken: boolean, answer: (query: Record<string, string>, body: Record<string, unknown>) => unknown) {
  up().on(method, path, async (q, r) => {
    const query = q.query as Record<string, string>;
    const body = (q.body ?? {}) as Record<string, unknown>;
    return sendJson(r, guard(path, query, body, needsToken) ?? (await answer(query, body)));
  });
}

beforeEach(() => {
  clock = new ManualClock({ now: () => Date.UTC(2025, 0, 1) });
  issued = [];
  valid = new Set();
  inject = new Map();
  usedCodes = new Set();
  ext = app('wxext0000000000001', 'officialAccount', SECRETS.ext, { accessTokenUrl: `${up().baseUrl}/outside/token?app=wxext0000000000001` });
  const secretOf = new Map([mp, oa, web, ext].map((a) => [a.appid, a.secret]));
  const issue = (prefix: string, life = 7200) => {
    const token = `${prefix}-TOKEN-${issued.length + 1}-abcdefghijklmnop`;
    issued.push(token);
    valid.add(token);
    return { access_token: token, expires_in: life };
  };
  route('POST', '/cgi-bin/stable_token', false, (_q, b) =>
    secretOf.get(String(b.appid)) === b.secret ? issue(String(b.appid)) : { errcode: 40125, errmsg: `invalid appsecret ${String(b.secret)}` },
  );
  route('GET', '/outside/token', false, () => issue('OUTSIDE', 3600));
  const oneShot = (code: string) => {
    if (usedCodes.has(code)) return { errcode: 40163, errmsg: `code been used ${code}` };
    usedCodes.add(code);
    return undefined;
  };
  route('GET', '/sns/jscode2session', false, async (q) => {
    await delay(20);
    return oneShot(q.js_code!) ?? { openid: `o-mp-${q.js_code}`, session_key: SESSION_KEY, unionid: 'U-1' };
  });
  route('GET', '/wxa/checksession', true, (q) =>
    q.signature === sessionKeySignature(SESSION_KEY, '') ? { errcode: 0, errmsg: 'ok' } : { errcode: 87009, errmsg: 'invalid signature' },
  );
  route('POST', '/wxa/business/getuserphonenumber', true, async (_q, b) => {
    await delay(20);
    return (
      oneShot(String(b.code)) ?? {
        errcode: 0,
        errmsg: 'ok',
        phone_info: { phoneNumber: '+8613800000000', purePhoneNumber: '13800000000', countryCode: 86, watermark: { timestamp: 1, appid: mp.appid } },
      }
    );
  });
  route('GET', '/wxa/getpaidunionid', true, (q) =>
    q.transaction_id === 'T-1' || q.out_trade_no === 'O-1' ? { unionid: 'U-PAID', errcode: 0, errmsg: 'ok' } : { errcode: 89300, errmsg: 'invalid trade' },
  );
  route('GET', '/cgi-bin/user/info', true, (q) => ({ subscribe: 1, openid: q.openid, unionid: 'U-1', subscribe_time: 1700000000, nickname: '' }));
  route('POST', '/cgi-bin/qrcode/create', true, (_q, b) => ({
    ticket: `TICKET+/${JSON.stringify(b.action_info).length}`,
    expire_seconds: b.expire_seconds,
    url: 'http://weixin.qq.com/q/abc',
  }));
  route('GET', '/sns/oauth2/access_token', false, async (q) => {
    await delay(20);
    if (secretOf.get(q.appid!) !== q.secret) return { errcode: 40125, errmsg: `invalid appsecret ${q.secret}` };
    const used = oneShot(q.code!);
    if (used) return used;
    const snapshot = q.code!.startsWith('snap');
    return {
      access_token: OAUTH_AT,
      expires_in: 7200,
      refresh_token: OAUTH_RT,
      openid: `o-${q.appid}`,
      scope: 'snsapi_userinfo',
      unionid: 'U-1',
      ...(snapshot ? { is_snapshotuser: 1 } : {}),
    };
  });
  route('GET', '/sns/userinfo', false, (q) =>
    q.access_token === OAUTH_AT
      ? { openid: q.openid, nickname: 'Nick', sex: 0, headimgurl: 'http://x/0', privilege: [], unionid: 'U-1' }
      : { errcode: 40001, errmsg: 'invalid credential' },
  );
});

describe('createWeChatGateway(): each call succeeds', () => {
  it('code2Session and isSessionKeyCurrent (mini program)', async () => {
    const g = gateway();
    expect(await g.code2Session(mp, 'c1')).toEqual({ openid: 'o-mp-c1', sessionKey: SESSION_KEY, unionid: 'U-1' });
    expect(await g.isSessionKeyCurrent(mp, 'o-mp-c1', SESSION_KEY)).toBe(true);
    expect(await g.isSessionKeyCurrent(mp, 'o-mp-c1', 'o0q0otL8aEzpcZL/FT9WsQ==')).toBe(false);
  });

  it('getPhoneNumber: countryCode as a string, openid passed on', async () => {
    expect(await gateway().getPhoneNumber(mp, PHONE_CODE, 'o-mp-1')).toEqual({
      phoneNumber: '+8613800000000',
      purePhoneNumber: '13800000000',
      countryCode: '86',
    });
    expect(up().callsTo('/wxa/business/getuserphonenumber')[0]!.body).toEqual({ code: PHONE_CODE, openid: 'o-mp-1' });
  });

  it('getPaidUnionid by transaction id and by merchant order', async () => {
    const g = gateway();
    expect(await g.getPaidUnionid(mp, 'o-mp-1', { transactionId: 'T-1' })).toBe('U-PAID');
    expect(await g.getPaidUnionid(mp, 'o-mp-1', { mchId: 'M', outTradeNo: 'O-1' })).toBe('U-PAID');
    expect(tokenCalls()).toBe(1);
  });

  it('userInfo of an official-account follower', async () => {
    expect(await gateway().userInfo(oa, 'o-oa-1')).toMatchObject({ subscribe: true, openid: 'o-oa-1', unionid: 'U-1' });
    expect(up().callsTo('/cgi-bin/stable_token')[0]!.body).toMatchObject({ appid: oa.appid });
  });

  it('createTempQrCode: a QR_STR_SCENE, and url = the showqrcode image on mpBaseUrl', async () => {
    const qr = await gateway().createTempQrCode(oa, 'login_x1', 300);
    expect(qr.ticket).toMatch(/^TICKET\+\//);
    expect(qr.expireSeconds).toBe(300);
    expect(qr.url).toBe(`https://mp.example.test/cgi-bin/showqrcode?ticket=${encodeURIComponent(qr.ticket)}`);
    expect(up().callsTo('/cgi-bin/qrcode/create')[0]!.body).toEqual({
      expire_seconds: 300,
      action_name: 'QR_STR_SCENE',
      action_info: { scene: { scene_str: 'login_x1' } },
    });
  });

  it('exchangeOAuthCode and oauthUserInfo (website app)', async () => {
    const g = gateway();
    const t = await g.exchangeOAuthCode(web, 'oauth-1');
    expect(t).toEqual({
      accessToken: OAUTH_AT,
      expiresIn: 7200,
      refreshToken: OAUTH_RT,
      openid: `o-${web.appid}`,
      scope: 'snsapi_userinfo',
      unionid: 'U-1',
      isSnapshotUser: false,
    });
    expect(await g.oauthUserInfo(web, t.accessToken, t.openid)).toEqual({ openid: t.openid, nickname: 'Nick', headimgurl: 'http://x/0', unionid: 'U-1' });
    // The user's OAuth token is used as is: no basic token is fetched for these.
    expect(tokenCalls()).toBe(0);
  });

  it('exchangeOAuthCode maps is_snapshotuser and drops the virtual unionid', async () => {
    const t = await gateway().exchangeOAuthCode(oa, 'snap-1');
    expect(t.isSnapshotUser).toBe(true);
    expect(t.unionid).toBeUndefined();
  });
});

describe('createWeChatGateway(): errcodes come through', () => {
  const cases: [string, string, (g: ReturnType<typeof gateway>) => Promise<unknown>, number, string][] = [
    ['getPhoneNumber', '/wxa/business/getuserphonenumber', (g) => g.getPhoneNumber(mp, PHONE_CODE), 40029, 'ERR_WECHAT_CODE_INVALID'],
    ['getPaidUnionid', '/wxa/getpaidunionid', (g) => g.getPaidUnionid(mp, 'o', { transactionId: 'T-1' }), 89300, 'ERR_WECHAT_API'],
    ['userInfo', '/cgi-bin/user/info', (g) => g.userInfo(oa, 'o'), 40003, 'ERR_WECHAT_API'],
    ['createTempQrCode', '/cgi-bin/qrcode/create', (g) => g.createTempQrCode(oa, 's', 60), 45009, 'ERR_WECHAT_QUOTA'],
    ['exchangeOAuthCode', '/sns/oauth2/access_token', (g) => g.exchangeOAuthCode(web, 'oauth-x'), 40029, 'ERR_WECHAT_CODE_INVALID'],
    ['oauthUserInfo', '/sns/userinfo', (g) => g.oauthUserInfo(oa, OAUTH_AT, 'o'), 48001, 'ERR_WECHAT_API'],
    ['isSessionKeyCurrent', '/wxa/checksession', (g) => g.isSessionKeyCurrent(mp, 'o', SESSION_KEY), 45011, 'ERR_WECHAT_RATE_LIMITED'],
  ];
  for (const [name, path, call, errcode, code] of cases) {
    it(`${name}: ${errcode} → ${code}, with no secret in the error`, async () => {
      const g = gateway();
      inject.set(path, { errcode, errmsg: '', times: -1 });
      const e = await rejection(call(g));
      expect(e).toMatchObject({ code, wechat: { errcode } });
      expect(e.wechat?.errmsg).toContain('[redacted]');
      expectNoSecrets(e, [...Object.values(SECRETS), ...issued, PHONE_CODE, OAUTH_AT, SESSION_KEY, sessionKeySignature(SESSION_KEY, ''), 'oauth-x']);
    });
  }

  it('a wrong secret (40125) fails the token fetch with ERR_WECHAT_CREDENTIALS and no secret', async () => {
    const wrong = { ...oa, secret: 'the-wrong-secret-value' };
    const e = await rejection(gateway([wrong]).userInfo(wrong, 'o'));
    expect(e.code).toBe('ERR_WECHAT_CREDENTIALS');
    expectNoSecrets(e, ['the-wrong-secret-value']);
    const o = await rejection(gateway([wrong]).exchangeOAuthCode(wrong, 'oauth-y'));
    expect(o.code).toBe('ERR_WECHAT_CREDENTIALS');
    expectNoSecrets(o, ['the-wrong-secret-value', 'oauth-y']);
  });
});

describe('createWeChatGateway(): a token WeChat rejects is refetched once', () => {
  const tokenTaking: [string, string, (g: ReturnType<typeof gateway>) => Promise<unknown>][] = [
    ['userInfo', '/cgi-bin/user/info', (g) => g.userInfo(oa, 'o-1')],
    ['createTempQrCode', '/cgi-bin/qrcode/create', (g) => g.createTempQrCode(oa, 's', 60)],
    ['getPhoneNumber', '/wxa/business/getuserphonenumber', (g) => g.getPhoneNumber(mp, PHONE_CODE)],
    ['getPaidUnionid', '/wxa/getpaidunionid', (g) => g.getPaidUnionid(mp, 'o-1', { transactionId: 'T-1' })],
    ['isSessionKeyCurrent', '/wxa/checksession', (g) => g.isSessionKeyCurrent(mp, 'o-1', SESSION_KEY)],
  ];
  for (const [name, path, call] of tokenTaking) {
    it(`${name}: 40001 on a killed token → one new token, one retry, success`, async () => {
      const g = gateway();
      const appid = path.startsWith('/wxa') ? mp.appid : oa.appid;
      const first = await g.tokens.get(appid);
      valid.delete(first); // killed upstream, e.g. by a force refresh elsewhere
      await expect(call(g)).resolves.toBeTruthy();
      expect(calls(path)).toBe(2);
      expect(
        up()
          .callsTo(path)
          .map((c) => c.query.access_token),
      ).toEqual([first, issued[1]]);
      expect(tokenCalls()).toBe(2);
    });
  }

  it('gives up after the one retry when the new token is rejected too', async () => {
    const g = gateway();
    inject.set('/cgi-bin/user/info', { errcode: 42001, errmsg: 'access_token expired', times: 2 });
    const e = await rejection(g.userInfo(oa, 'o-1'));
    expect(e.wechat?.errcode).toBe(42001);
    expect(calls('/cgi-bin/user/info')).toBe(2);
    expect(tokenCalls()).toBe(2);
  });
});

describe('createWeChatGateway(): one-shot codes', () => {
  it('10 concurrent exchanges of one OAuth code make one upstream call and all succeed', async () => {
    const g = gateway();
    const results = await Promise.all(Array.from({ length: 10 }, () => g.exchangeOAuthCode(oa, 'oauth-same')));
    expect(calls('/sns/oauth2/access_token')).toBe(1);
    for (const r of results) expect(r.openid).toBe(`o-${oa.appid}`);
    // Once settled, the code is spent: a later exchange is WeChat's 40163.
    await expect(g.exchangeOAuthCode(oa, 'oauth-same')).rejects.toMatchObject({ code: 'ERR_WECHAT_CODE_USED' });
  });

  it('concurrent phone-number requests with one code share one call', async () => {
    const g = gateway();
    const results = await Promise.all([g.getPhoneNumber(mp, PHONE_CODE), g.getPhoneNumber(mp, PHONE_CODE)]);
    expect(results[0]).toEqual(results[1]);
    expect(calls('/wxa/business/getuserphonenumber')).toBe(1);
  });
});

describe('createWeChatGateway(): accessTokenUrl', () => {
  it('takes the token of an app with accessTokenUrl from that URL, cached, never from WeChat', async () => {
    const g = gateway([mp, oa, ext]);
    expect(await g.userInfo(ext, 'o-1')).toMatchObject({ openid: 'o-1' });
    expect(await g.userInfo(ext, 'o-2')).toMatchObject({ openid: 'o-2' });
    expect(calls('/outside/token')).toBe(1);
    expect(up().callsTo('/outside/token')[0]!.query).toEqual({ app: ext.appid });
    expect(tokenCalls()).toBe(0);
    expect(
      up()
        .callsTo('/cgi-bin/user/info')
        .map((c) => c.query.access_token),
    ).toEqual([issued[0], issued[0]]);
    // Its life (3600 s) counts: refreshed ahead of expiry, from the URL again.
    clock.advance(3600 - 299);
    await g.userInfo(ext, 'o-3');
    expect(calls('/outside/token')).toBe(2);
    // Other apps still use WeChat's stable_token.
    await g.userInfo(oa, 'o-4');
    expect(tokenCalls()).toBe(1);
  });

  it('an outside token WeChat rejects is dropped and asked for again once', async () => {
    const g = gateway([ext]);
    valid.delete(await g.tokens.get(ext.appid));
    await expect(g.userInfo(ext, 'o-1')).resolves.toMatchObject({ openid: 'o-1' });
    expect(calls('/outside/token')).toBe(2);
  });

  it('an outside token server that fails gives a typed error', async () => {
    const g = gateway([ext]);
    inject.set('/outside/token', { errcode: -1, errmsg: 'system error', times: 99 });
    expect((await rejection(g.userInfo(ext, 'o-1'))).code).toBe('ERR_WECHAT_BUSY');
    expect(calls('/cgi-bin/user/info')).toBe(0);
  });
});
