/**
 * createWeChatGateway({ sharedCache, seal }): two gateways (two instances) over one shared cache and one fake
 * WeChat on 127.0.0.1 — one-shot codes exchanged once cluster-wide, one access_token per app, nothing secret in
 * Redis in clear.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppConfig } from '../../src/config/schema.js';
import { AppError } from '../../src/errors.js';
import { createAtRestCipher } from '../../src/secrets/at-rest-cipher.js';
import { createWeChatGateway } from '../../src/compose/wechat-gateway.js';
import { rawRedis } from '../helpers/redis.js';
import { sendJson, useFakeUpstream } from '../helpers/fake-upstream.js';
import { type CacheBackend, cacheBackends, cleanRedis } from '../cache/cache-backends.js';

const app = (appid: string, kind: AppConfig['kind'], secret: string): AppConfig => ({
  appid,
  secret,
  kind,
  union: 'acme',
  redirectAllowList: [],
  trustDecryptedUnionid: false,
});
const mp = app('wxmp00000000000001', 'miniprogram', 'mp-secret-0123456789abcdef');
const oa = app('wxoa00000000000001', 'officialAccount', 'oa-secret-0123456789abcdef');
const SESSION_KEY = 'tiihtNczf5v6AKRyjwEUhQ==';
const OAUTH_AT = 'OAUTH-USER-TOKEN-0123456789';
const OAUTH_RT = 'OAUTH-REFRESH-TOKEN-0123456789';
const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));
const seal = createAtRestCipher(randomBytes(32));

const up = useFakeUpstream();
let used: Set<string>;
let tokens: string[];

beforeEach(() => {
  used = new Set();
  tokens = [];
  // Like WeChat: a code works once; later uses answer 40163. Codes starting with `bad` answer 40029.
  const oneShot = (code: string) => {
    if (code.startsWith('bad')) return { errcode: 40029, errmsg: 'invalid code' };
    if (used.has(code)) return { errcode: 40163, errmsg: 'code been used' };
    used.add(code);
    return undefined;
  };
  up().on('GET', '/sns/jscode2session', async (q, r) => {
    const code = (q.query as Record<string, string>).js_code!;
    await delay(40);
    return sendJson(r, oneShot(code) ?? { openid: `o-${code}`, session_key: SESSION_KEY, unionid: 'U-1' });
  });
  up().on('GET', '/sns/oauth2/access_token', async (q, r) => {
    const code = (q.query as Record<string, string>).code!;
    await delay(40);
    return sendJson(
      r,
      oneShot(code) ?? { access_token: OAUTH_AT, expires_in: 7200, refresh_token: OAUTH_RT, openid: `o-${code}`, scope: 'snsapi_base', unionid: 'U-1' },
    );
  });
  up().on('POST', '/cgi-bin/stable_token', async (_q, r) => {
    await delay(40);
    const token = `ACCESS-TOKEN-${tokens.length + 1}-0123456789abcdef`;
    tokens.push(token);
    return sendJson(r, { access_token: token, expires_in: 7200 });
  });
  up().on('GET', '/cgi-bin/user/info', (q, r) => {
    const { access_token, openid } = q.query as Record<string, string>;
    return sendJson(
      r,
      access_token === tokens.at(-1) ? { subscribe: 1, openid, unionid: 'U-1', subscribe_time: 1700000000 } : { errcode: 40001, errmsg: 'invalid credential' },
    );
  });
});

const calls = (path: string) => up().callsTo(path).length;

const backends = await cacheBackends();

describe.each(backends)('two gateways over one shared cache (%s)', (_name, make) => {
  let b: CacheBackend;
  let gateways: ReturnType<typeof createWeChatGateway>[];
  beforeEach(() => {
    b = make();
    gateways = [b.cache, b.peer()].map((sharedCache) =>
      createWeChatGateway({
        baseUrl: up().baseUrl,
        timeoutMs: 2000,
        tokenMode: 'stable',
        apps: [mp, oa],
        clock: b.clock,
        sleep: async () => undefined,
        sharedCache,
        seal,
      }),
    );
  });
  afterEach(async () => {
    await b.close();
  });
  afterAll(cleanRedis);
  const [g1, g2] = [() => gateways[0]!, () => gateways[1]!];

  it('the same wx.login code sent to both instances at once (×10 each) makes one upstream exchange; all get the same answer', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? g2() : g1()).code2Session(mp, 'code-1')));
    expect(calls('/sns/jscode2session')).toBe(1);
    for (const r of results) expect(r).toEqual({ openid: 'o-code-1', sessionKey: SESSION_KEY, unionid: 'U-1' });
    expect(Object.isFrozen(results[1])).toBe(true);
  });

  it('the error is shared too: one exchange, both instances answer ERR_WECHAT_CODE_INVALID (40029)', async () => {
    const settled = await Promise.allSettled([g1().code2Session(mp, 'bad-1'), g2().code2Session(mp, 'bad-1')]);
    expect(calls('/sns/jscode2session')).toBe(1);
    for (const s of settled) {
      expect(s.status).toBe('rejected');
      expect((s as PromiseRejectedResult).reason).toBeInstanceOf(AppError);
      expect((s as PromiseRejectedResult).reason).toMatchObject({ code: 'ERR_WECHAT_CODE_INVALID', wechat: { errcode: 40029 } });
    }
  });

  it('a used code replayed on the other instance after the first answer was delivered gets WeChat’s 40163, not the session (#10)', async () => {
    await g1().code2Session(mp, 'code-2');
    await delay(20);
    await expect(g2().code2Session(mp, 'code-2')).rejects.toMatchObject({ code: 'ERR_WECHAT_CODE_USED', wechat: { errcode: 40163 } });
    await g1().exchangeOAuthCode(oa, 'oauth-2');
    await expect(g2().exchangeOAuthCode(oa, 'oauth-2')).rejects.toMatchObject({ code: 'ERR_WECHAT_CODE_USED' });
    expect(calls('/sns/jscode2session')).toBe(2);
    expect(calls('/sns/oauth2/access_token')).toBe(2);
  });

  it('different codes and apps are exchanged separately', async () => {
    const [a, c] = await Promise.all([g1().code2Session(mp, 'code-3'), g2().code2Session(mp, 'code-4')]);
    expect([a.openid, c.openid]).toEqual(['o-code-3', 'o-code-4']);
    expect(calls('/sns/jscode2session')).toBe(2);
  });

  it('the same OAuth code on both instances: one exchange, the same tokens and identity', async () => {
    const [a, c] = await Promise.all([g1().exchangeOAuthCode(oa, 'oauth-1'), g2().exchangeOAuthCode(oa, 'oauth-1')]);
    expect(calls('/sns/oauth2/access_token')).toBe(1);
    expect(a).toEqual({
      accessToken: OAUTH_AT,
      expiresIn: 7200,
      refreshToken: OAUTH_RT,
      openid: 'o-oauth-1',
      scope: 'snsapi_base',
      unionid: 'U-1',
      isSnapshotUser: false,
    });
    expect(c).toEqual(a);
  });

  it('one access_token per app for both instances: one token call, and one refetch after a 40001', async () => {
    await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? g2() : g1()).userInfo(oa, `o-${i}`)));
    expect(calls('/cgi-bin/stable_token')).toBe(1);
    // WeChat kills the token (another system force-refreshed it): the next calls get 40001 on both instances.
    tokens.push('KILLED-ELSEWHERE');
    const infos = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? g2() : g1()).userInfo(oa, `o-${i}`)));
    expect(infos.every((u) => u.unionid === 'U-1')).toBe(true);
    expect(calls('/cgi-bin/stable_token')).toBe(2);
  });

  it('throws TypeError for a sharedCache without seal', () => {
    expect(() =>
      createWeChatGateway({ baseUrl: up().baseUrl, timeoutMs: 2000, tokenMode: 'stable', apps: [mp], clock: b.clock, sharedCache: b.cache }),
    ).toThrow(TypeError);
    expect(() =>
      createWeChatGateway({ baseUrl: up().baseUrl, timeoutMs: 2000, tokenMode: 'stable', apps: [mp], clock: b.clock, sharedCache: {} as never, seal }),
    ).toThrow(TypeError);
  });
});

const redis = backends.find(([name]) => name === 'redis');

// Needs Redis: skipped only off CI where it is unreachable; under CI=true redisAvailable() throws instead.
describe.runIf(redis)('two gateways over one Redis: what Redis holds', () => {
  afterAll(cleanRedis);

  it('no session_key, OAuth token, access_token or code in clear in any key or value', async () => {
    const b = redis![1]();
    const raw = rawRedis();
    try {
      const [g1, g2] = [b.cache, b.peer()].map((sharedCache) =>
        createWeChatGateway({ baseUrl: up().baseUrl, timeoutMs: 2000, tokenMode: 'stable', apps: [mp, oa], clock: b.clock, sharedCache, seal }),
      );
      const code = 'CODE-abcdef-0123456789';
      const oauthCode = 'OAUTHCODE-abcdef-0123456789';
      await Promise.all([g1!.code2Session(mp, code), g2!.code2Session(mp, code), g1!.exchangeOAuthCode(oa, oauthCode), g2!.exchangeOAuthCode(oa, oauthCode)]);
      await g2!.userInfo(oa, 'o-1');
      const keys = await raw.keys(`${b.prefix}*`);
      expect(keys.length).toBe(3); // two code outcomes and one access_token; no lock left behind
      const values = await Promise.all(keys.map((k) => raw.get(k)));
      const secrets = [SESSION_KEY, Buffer.from(SESSION_KEY, 'base64').toString('hex'), OAUTH_AT, OAUTH_RT, tokens[0]!, code, oauthCode, mp.secret, oa.secret];
      for (const text of [...keys, ...values.map(String)]) {
        for (const s of secrets) expect(text).not.toContain(s);
      }
      for (const v of values) expect(v).toMatch(/^v1\./);
    } finally {
      raw.disconnect();
      await b.close();
    }
  });
});
