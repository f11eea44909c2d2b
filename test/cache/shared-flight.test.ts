import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSharedFlight, type SharedFlightOptions } from '../../src/cache/shared-flight.js';
import { AppError } from '../../src/errors.js';
import { createAtRestCipher } from '../../src/secrets/at-rest-cipher.js';
import { rawRedis } from '../helpers/redis.js';
import { type CacheBackend, cacheBackends, cleanRedis } from './cache-backends.js';

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));
const SECRET = 'SESSION-KEY-SECRET-0123456789';

const backends = await cacheBackends();

describe.each(backends)('createSharedFlight() on %s', (_name, make) => {
  let b: CacheBackend;
  const seal = createAtRestCipher(randomBytes(32));
  /** Two instances: each its own flight (and in-process flight) over its own connection. */
  const two = (o: Partial<SharedFlightOptions> = {}) => [
    createSharedFlight(b.cache, { seal, pollMs: 5, ...o }),
    createSharedFlight(b.peer(), { seal, pollMs: 5, ...o }),
  ];
  beforeEach(() => {
    b = make();
  });
  afterEach(async () => {
    await b.close();
  });
  afterAll(cleanRedis);

  it('runs fn once for one key presented to two instances × 20 callers; everyone gets an equal result', async () => {
    const [a, c] = two();
    let runs = 0;
    const fn = async () => {
      runs++;
      await delay(30);
      return { openid: 'o-1', sessionKey: SECRET, n: runs };
    };
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? c! : a!).run('code:c1', fn)));
    expect(runs).toBe(1);
    for (const r of results) expect(r).toEqual({ openid: 'o-1', sessionKey: SECRET, n: 1 });
  });

  it('shares the error too: the other instance gets an AppError with the same code, message and errcode', async () => {
    const [a, c] = two();
    let runs = 0;
    const fn = async () => {
      runs++;
      await delay(30);
      throw new AppError('ERR_WECHAT_CODE_INVALID', {
        wechat: { errcode: 40029, errmsg: 'invalid code, rid: 1' },
        details: { endpoint: 'GET /sns/jscode2session' },
      });
    };
    const settled = await Promise.allSettled([a!.run('code:bad', fn), c!.run('code:bad', fn)]);
    expect(runs).toBe(1);
    for (const s of settled) {
      expect(s.status).toBe('rejected');
      const e = (s as PromiseRejectedResult).reason as AppError;
      expect(e).toBeInstanceOf(AppError);
      expect(e).toMatchObject({ code: 'ERR_WECHAT_CODE_INVALID', status: 400, wechat: { errcode: 40029, errmsg: 'invalid code, rid: 1' } });
      expect(e.details).toEqual({ endpoint: 'GET /sns/jscode2session' });
    }
  });

  it('does not answer a later presentation from the stored outcome: a caller arriving after the run finished runs fn itself (#10)', async () => {
    const [a, c] = two();
    let runs = 0;
    // Like WeChat: the first exchange answers, every later one is 40163.
    const fn = async () => {
      if (++runs > 1) throw new AppError('ERR_WECHAT_CODE_USED', { wechat: { errcode: 40163, errmsg: 'code been used' } });
      return { openid: 'o-1', sessionKey: SECRET };
    };
    expect(await a!.run('code:c2', fn)).toEqual({ openid: 'o-1', sessionKey: SECRET });
    // The outcome is still in the cache (kept for the waiters of that run), but this caller was not one of them.
    await expect(c!.run('code:c2', fn)).rejects.toMatchObject({ code: 'ERR_WECHAT_CODE_USED' });
    await expect(a!.run('code:c2', fn)).rejects.toMatchObject({ code: 'ERR_WECHAT_CODE_USED' });
    expect(runs).toBe(3);
  });

  it('shares a failure only with the callers that waited for it: a retry after a 5xx asks again', async () => {
    const [a, c] = two();
    let runs = 0;
    const busy = async () => {
      runs++;
      await delay(30);
      throw new AppError('ERR_WECHAT_BUSY', { wechat: { errcode: -1, errmsg: 'system error' } });
    };
    const settled = await Promise.allSettled([a!.run('code:busy', busy), c!.run('code:busy', busy)]);
    expect(settled.map((s) => s.status === 'rejected' && (s.reason as AppError).code)).toEqual(['ERR_WECHAT_BUSY', 'ERR_WECHAT_BUSY']);
    expect(runs).toBe(1);
    expect(await c!.run('code:busy', async () => (runs++, 'ok'))).toBe('ok');
    expect(runs).toBe(2);
  });

  it('a caller that finds the run in flight waits for it even when it arrives late in the run', async () => {
    const [a, c] = two();
    let runs = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const first = a!.run('code:late', async () => (runs++, await gate, 'answer'));
    await delay(30); // the run is surely under way (its lock taken) before the duplicate arrives
    const second = c!.run('code:late', async () => (runs++, 'second run'));
    await delay(30);
    release();
    expect(await Promise.all([first, second])).toEqual(['answer', 'answer']);
    expect(runs).toBe(1);
  });

  it('keeps keys apart', async () => {
    const [a, c] = two();
    const [x, y] = await Promise.all([a!.run('k1', async () => 'one'), c!.run('k2', async () => 'two')]);
    expect([x, y]).toEqual(['one', 'two']);
  });

  it('does not share an error that is not an AppError (a bug, not WeChat’s answer): the next caller runs fn', async () => {
    const [a, c] = two();
    await expect(a!.run('k', async () => Promise.reject(new TypeError('bug')))).rejects.toThrow(TypeError);
    expect(await c!.run('k', async () => 'fine')).toBe('fine');
  });

  it('lets a waiter run fn itself when the holder died (lock expired, no outcome)', async () => {
    const [a] = two({ ttlMs: 5_000 });
    // Take the flight's lock as a dead instance would: find its key by running a flight and reading what it locks.
    const keys: string[] = [];
    const spy = { ...b.cache, setIfAbsent: (k: string, v: string, t: number) => (keys.push(k), b.cache.setIfAbsent(k, v, t)) };
    await createSharedFlight(spy, { seal }).run('code:dead', async () => 'probe');
    const lockKey = keys[0]!;
    expect(lockKey).toMatch(/^flight:[0-9a-f]{64}:lock$/);
    await b.cache.delete(lockKey.replace(/:lock$/, ':result'));
    expect(await b.cache.setIfAbsent(lockKey, 'dead-owner', 200)).toBe(true);
    let ran = false;
    const p = a!.run('code:dead', async () => ((ran = true), 'recovered'));
    await delay(50);
    expect(ran).toBe(false);
    await b.advance(200);
    expect(await p).toBe('recovered');
  });

  it('refuses an outcome sealed under another key (instances with different at-rest keys) with ERR_INTERNAL', async () => {
    const a = createSharedFlight(b.cache, { seal, pollMs: 5 });
    const other = createSharedFlight(b.peer(), { seal: createAtRestCipher(randomBytes(32)), pollMs: 5 });
    const first = a.run('k', async () => (await delay(40), 'v'));
    await delay(10);
    await expect(other.run('k', async () => 'w')).rejects.toMatchObject({ code: 'ERR_INTERNAL' });
    expect(await first).toBe('v');
  });

  it('throws TypeError without a seal or a cache, or for a bad key', async () => {
    expect(() => createSharedFlight(b.cache, {} as never)).toThrow(TypeError);
    expect(() => createSharedFlight({} as never, { seal })).toThrow(TypeError);
    expect(() => createSharedFlight(b.cache, { seal, resultTtlMs: 0 })).toThrow(TypeError);
    expect(() => createSharedFlight(b.cache, { seal, pollMs: Number.NaN })).toThrow(TypeError);
    await expect(createSharedFlight(b.cache, { seal }).run('', async () => 1)).rejects.toThrow(TypeError);
  });
});

const redis = backends.find(([name]) => name === 'redis');

// Needs Redis: skipped only off CI where it is unreachable; under CI=true redisAvailable() throws instead.
describe.runIf(redis)('createSharedFlight() on Redis', () => {
  let b: CacheBackend;
  const seal = createAtRestCipher(randomBytes(32));
  const two = () => [createSharedFlight(b.cache, { seal, pollMs: 5 }), createSharedFlight(b.peer(), { seal, pollMs: 5 })];
  beforeEach(() => {
    b = redis![1]();
  });
  afterEach(async () => {
    await b.close();
  });
  afterAll(cleanRedis);

  it('stores the outcome only sealed, under a digest key: no secret and no code in Redis', async () => {
    const [a, c] = two();
    const code = 'CODE-0123456789-secret';
    await Promise.all([
      a!.run(JSON.stringify(['code2session', 'wx1', code]), async () => ({ sessionKey: SECRET })),
      c!.run(JSON.stringify(['code2session', 'wx1', code]), async () => ({})),
    ]);
    const raw = rawRedis();
    try {
      // One result per run that went upstream: one when the second caller joined the first's flight, two when it
      // came after the first had ended (a loaded machine) — either way each is sealed under a digest key.
      const keys = await raw.keys(`${b.prefix}*`);
      expect(keys.length).toBeGreaterThanOrEqual(1);
      expect(keys.length).toBeLessThanOrEqual(2);
      for (const key of keys) {
        expect(key).toMatch(/:flight:[0-9a-f]{64}:result:[\w-]{22}$/);
        const value = (await raw.get(key))!;
        expect(value).toMatch(/^v1\./);
        for (const s of [SECRET, code, 'sessionKey', Buffer.from(SECRET).toString('base64')]) {
          expect(value).not.toContain(s);
          expect(key).not.toContain(s);
        }
        const ttl = await raw.pttl(key);
        // Kept only for the callers that waited for this run to pick it up (resultTtlMs, default 5 s).
        expect(ttl).toBeGreaterThan(0);
        expect(ttl).toBeLessThanOrEqual(5_000);
      }
    } finally {
      raw.disconnect();
    }
  });
});
