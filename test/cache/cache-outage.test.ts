/**
 * Redis away (nothing listens on the port): the cache fails fast with CacheUnavailableError, and what is built on
 * it goes on without it — logins and token calls keep working, only the cluster-wide guarantees are gone.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CacheUnavailableError } from '../../src/cache/cache-unavailable-error.js';
import { createRedisCache, type RedisCache } from '../../src/cache/redis-cache.js';
import { createSharedFlight } from '../../src/cache/shared-flight.js';
import { createSharedLock } from '../../src/cache/shared-lock.js';
import { ManualClock } from '../../src/clock.js';
import { createAtRestCipher } from '../../src/secrets/at-rest-cipher.js';
import { createWeChatGateway } from '../../src/compose/wechat-gateway.js';
import { checkSessionKey } from '../../src/wechat/api/mini-program.js';
import { WeChatHttp } from '../../src/wechat/api/request.js';
import { createAccessTokenManager } from '../../src/wechat/tokens/access-token.js';
import { createSharedTokenCache } from '../../src/wechat/tokens/shared-token-cache.js';
import { sendJson, useFakeUpstream } from '../helpers/fake-upstream.js';
import { settlesWithin } from '../helpers/hang-guard.js';

const DOWN = 'redis://127.0.0.1:1';
const seal = createAtRestCipher(randomBytes(32));
const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

const up = useFakeUpstream();
let cache: RedisCache;
let valid: Set<string>;
let issued = 0;

beforeEach(() => {
  valid = new Set();
  issued = 0;
  // After a first quick retry (the first command waits for it, by design), reconnections a minute apart: a later
  // call that waited for one instead of failing at once would hang the test.
  cache = createRedisCache({ url: DOWN, onError: () => undefined, redisOptions: { retryStrategy: (times: number) => (times === 1 ? 10 : 60_000) } });
  up().on('POST', '/cgi-bin/stable_token', (_q, r) => {
    const token = `T${++issued}`;
    valid.add(token);
    return sendJson(r, { access_token: token, expires_in: 7200 });
  });
  up().on('GET', '/wxa/checksession', (q, r) =>
    sendJson(r, valid.has((q.query as Record<string, string>).access_token!) ? { errcode: 0, errmsg: 'ok' } : { errcode: 40001, errmsg: 'invalid credential' }),
  );
  up().on('GET', '/sns/jscode2session', async (q, r) => {
    await delay(20);
    return sendJson(r, { openid: `o-${(q.query as Record<string, string>).js_code}`, session_key: 'tiihtNczf5v6AKRyjwEUhQ==' });
  });
});
afterEach(async () => {
  await settlesWithin(cache.close(), 10_000, 'close() of a cache whose Redis is away');
});

describe('a Redis cache that cannot be reached', () => {
  it('rejects every call with CacheUnavailableError, at once after the first failed connection', async () => {
    await expect(cache.get('k')).rejects.toBeInstanceOf(CacheUnavailableError);
    for (const call of [
      () => cache.get('k'),
      () => cache.set('k', 'v', 1000),
      () => cache.setIfAbsent('k', 'v', 1000),
      () => cache.compareAndDelete('k', 'v'),
      () => cache.ping(),
    ]) {
      await expect(settlesWithin<unknown>(call(), 10_000, 'a cache call while Redis is away')).rejects.toBeInstanceOf(CacheUnavailableError);
    }
  });

  it('a SharedLock runs the work without the lock', async () => {
    expect(await createSharedLock(cache).run('L', async () => 'done')).toBe('done');
  });

  it('a SharedFlight still runs the call once per instance for concurrent callers', async () => {
    const flight = createSharedFlight(cache, { seal });
    let runs = 0;
    const results = await Promise.all(Array.from({ length: 10 }, () => flight.run('k', async () => (await delay(20), ++runs))));
    expect(results).toEqual(Array(10).fill(1));
  });

  it('access tokens fall back to this instance’s memory: cached, refreshed, dropped on 40001', async () => {
    const clock = new ManualClock({ now: () => Date.UTC(2025, 0, 1) });
    const http = new WeChatHttp({ baseUrl: up().baseUrl, sleep: async () => undefined });
    const tokens = createAccessTokenManager({
      http,
      clock,
      apps: (appid) => ({ appid, secret: 's' }),
      cache: createSharedTokenCache(cache, { clock, seal }),
      lock: createSharedLock(cache),
    });
    expect(await tokens.get('wxa')).toBe('T1');
    expect(await tokens.get('wxa')).toBe('T1');
    expect(up().callsTo('/cgi-bin/stable_token')).toHaveLength(1);
    valid.delete('T1');
    const seen: string[] = [];
    await tokens.withToken('wxa', (t) => (seen.push(t), checkSessionKey(http, { accessToken: t, openid: 'o', sessionKey: 'k' })));
    expect(seen).toEqual(['T1', 'T2']);
    clock.advance(7201);
    expect(await tokens.get('wxa')).toBe('T3');
  });

  it('a gateway given it still logs people in', async () => {
    const g = createWeChatGateway({
      baseUrl: up().baseUrl,
      timeoutMs: 2000,
      tokenMode: 'stable',
      apps: [],
      clock: new ManualClock(),
      sharedCache: cache,
      seal,
    });
    const app = { appid: 'wxmp', secret: 's', kind: 'miniprogram' as const, union: 'acme', redirectAllowList: [], trustDecryptedUnionid: false };
    const [a, b] = await Promise.all([g.code2Session(app, 'c1'), g.code2Session(app, 'c1')]);
    expect(a).toEqual({ openid: 'o-c1', sessionKey: 'tiihtNczf5v6AKRyjwEUhQ==' });
    expect(b).toEqual(a);
    expect(up().callsTo('/sns/jscode2session')).toHaveLength(1);
  });
});
