/**
 * Access tokens across instances: 4 independent managers (each its own in-process flight and its own connection)
 * over one shared cache and one fake WeChat that counts token calls. Runs on memory and on Redis.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSharedLock } from '../../../src/cache/shared-lock.js';
import { createAtRestCipher } from '../../../src/secrets/at-rest-cipher.js';
import { checkSessionKey } from '../../../src/wechat/api/mini-program.js';
import { type AccessTokenManager, createAccessTokenManager } from '../../../src/wechat/tokens/access-token.js';
import { createSharedTokenCache } from '../../../src/wechat/tokens/shared-token-cache.js';
import { type CacheBackend, cacheBackends, cleanRedis } from '../../cache/cache-backends.js';
import { sendJson, useFakeUpstream, noSleepHttp } from '../../helpers/fake-upstream.js';
import { settlesWithin } from '../../helpers/hang-guard.js';

const SECRETS: Record<string, string> = { wxa: 'secret-a', wxb: 'secret-b' };
const apps = (appid: string) => (SECRETS[appid] ? { appid, secret: SECRETS[appid] } : undefined);
const seal = createAtRestCipher(randomBytes(32));
const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));
const INSTANCES = 4;
const LOCK_KEY = 'wechat:access_token:stable:wxa:lock';

const up = useFakeUpstream();
const http = noSleepHttp(up);
let issued: string[];
let valid: Set<string>;
let tokenDelayMs: number;
/** When set, the token endpoint waits for it (after tokenDelayMs): a refresh held open for as long as a test needs. */
let tokenGate: Promise<void> | null;

beforeEach(() => {
  issued = [];
  valid = new Set();
  tokenDelayMs = 50;
  tokenGate = null;
  up().on('POST', '/cgi-bin/stable_token', async (q, r) => {
    const b = q.body as { appid: string; secret: string };
    await delay(tokenDelayMs); // long enough for every instance's callers to pile up behind the refresh
    await tokenGate;
    if (SECRETS[b.appid] !== b.secret) return sendJson(r, { errcode: 40125, errmsg: 'invalid appsecret' });
    const token = `${b.appid}-T${issued.length + 1}`;
    issued.push(token);
    valid.add(token);
    return sendJson(r, { access_token: token, expires_in: 7200 });
  });
  up().on('GET', '/wxa/checksession', (q, r) => {
    const token = (q.query as { access_token: string }).access_token;
    return sendJson(r, valid.has(token) ? { errcode: 0, errmsg: 'ok' } : { errcode: 40001, errmsg: 'invalid credential' });
  });
});

const tokenCalls = () => up().callsTo('/cgi-bin/stable_token').length;
const check = (token: string) => checkSessionKey(http(), { accessToken: token, openid: 'o', sessionKey: 'k' });

describe.each(await cacheBackends())('access tokens shared by %i instances on %s'.replace('%i', String(INSTANCES)), (_name, make) => {
  let b: CacheBackend;
  let managers: AccessTokenManager[];
  beforeEach(() => {
    b = make();
    managers = Array.from({ length: INSTANCES }, (_, i) => {
      const shared = i === 0 ? b.cache : b.peer();
      return createAccessTokenManager({
        http: http(),
        clock: b.clock,
        apps,
        cache: createSharedTokenCache(shared, { clock: b.clock, seal }),
        lock: createSharedLock(shared, { pollMs: 5, ttlMs: 5_000 }),
      });
    });
  });
  afterEach(async () => {
    await b.close();
  });
  afterAll(cleanRedis);

  const everyone = <T>(perInstance: number, fn: (m: AccessTokenManager) => Promise<T>) =>
    Promise.all(Array.from({ length: INSTANCES * perInstance }, (_, i) => fn(managers[i % INSTANCES]!)));

  it('an expiry seen by 4 instances × 200 concurrent get() costs exactly one upstream token call', async () => {
    expect(await managers[0]!.get('wxa')).toBe('wxa-T1');
    expect(new Set(await everyone(200, (m) => m.get('wxa')))).toEqual(new Set(['wxa-T1']));
    expect(tokenCalls()).toBe(1);

    b.clock.advance(7201);
    const after = await everyone(200, (m) => m.get('wxa'));
    expect(new Set(after)).toEqual(new Set(['wxa-T2']));
    expect(tokenCalls()).toBe(2);
    // Nothing left locked.
    expect(await b.cache.get(LOCK_KEY)).toBeUndefined();
  });

  it('a cold start of 4 instances × 200 get() for two apps costs one call per app', async () => {
    const tokens = await Promise.all([everyone(100, (m) => m.get('wxa')), everyone(100, (m) => m.get('wxb'))]);
    expect(new Set(tokens[0]).size).toBe(1);
    expect(new Set(tokens[1]).size).toBe(1);
    expect(tokenCalls()).toBe(2);
  });

  it('40001 on the shared token seen by every instance → exactly one refetch cluster-wide', async () => {
    const stale = await managers[0]!.get('wxa');
    valid.delete(stale); // killed at WeChat (e.g. a force refresh by another system)
    const seen: string[] = [];
    const results = await everyone(50, (m) => m.withToken('wxa', (t) => (seen.push(t), check(t))));
    expect(results.every((r) => r === true)).toBe(true);
    expect(tokenCalls()).toBe(2);
    expect(new Set(seen)).toEqual(new Set([stale, 'wxa-T2']));
    for (const m of managers) expect(await m.get('wxa')).toBe('wxa-T2');
  });

  it('a late 40001 report about the old token does not drop the new one on any instance', async () => {
    const first = await managers[0]!.get('wxa');
    expect(await managers[1]!.invalidate('wxa', first)).toBe(true);
    expect(await managers[2]!.get('wxa')).toBe('wxa-T2');
    expect(await managers[3]!.invalidate('wxa', first)).toBe(false);
    expect(await managers[0]!.get('wxa')).toBe('wxa-T2');
    expect(tokenCalls()).toBe(2);
  });

  it('a lock holder that died frees the lock by expiry: the waiters then make exactly one call', async () => {
    // An instance took the refresh lock and was killed: the key stays until its TTL.
    expect(await b.cache.setIfAbsent(LOCK_KEY, 'dead-instance', 300)).toBe(true);
    const pending = everyone(50, (m) => m.get('wxa'));
    await delay(100);
    expect(tokenCalls()).toBe(0);
    await b.advance(300);
    expect(new Set(await pending)).toEqual(new Set(['wxa-T1']));
    expect(tokenCalls()).toBe(1);
  });

  it('while one instance refreshes ahead of expiry, the others keep serving the still-valid token without waiting', async () => {
    await managers[0]!.get('wxa');
    b.clock.advance(7200 - 299); // inside the refresh-ahead window, not expired
    let release!: () => void;
    tokenGate = new Promise((r) => (release = r));
    const refreshing = managers[0]!.get('wxa');
    await delay(50);
    // The refresh is held open until released below: callers that waited for it would never answer here.
    const others = Promise.all([managers[1]!.get('wxa'), managers[2]!.get('wxa')]);
    expect(await settlesWithin(others, 10_000, 'the other instances while one refreshes')).toEqual(['wxa-T1', 'wxa-T1']);
    release();
    expect(await refreshing).toBe('wxa-T2');
    expect(await managers[3]!.get('wxa')).toBe('wxa-T2');
    expect(tokenCalls()).toBe(2);
  });

  it('when the winner’s refresh fails, a waiter takes the lock and tries once itself (no cluster-wide stampede)', async () => {
    let fail = true;
    up().on('POST', '/cgi-bin/stable_token', async (_q, r) => {
      await delay(30);
      if (fail) {
        fail = false;
        return sendJson(r, { errcode: 45009, errmsg: 'reach max api daily quota limit' });
      }
      const token = `wxa-T${issued.length + 1}`;
      issued.push(token);
      return sendJson(r, { access_token: token, expires_in: 7200 });
    });
    const settled = await Promise.allSettled(managers.map((m) => m.get('wxa')));
    const ok = settled.filter((s) => s.status === 'fulfilled').map((s) => (s as PromiseFulfilledResult<string>).value);
    const failed = settled.filter((s) => s.status === 'rejected');
    expect(failed).toHaveLength(1);
    expect((failed[0] as PromiseRejectedResult).reason).toMatchObject({ code: 'ERR_WECHAT_QUOTA' });
    expect(new Set(ok)).toEqual(new Set(['wxa-T1']));
    expect(tokenCalls()).toBe(2);
  });
});
