import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAtRestCipher } from '../../../src/secrets/at-rest-cipher.js';
import { createSharedTokenCache } from '../../../src/wechat/tokens/shared-token-cache.js';
import { type CacheBackend, cacheBackends, cleanRedis } from '../../cache/cache-backends.js';
import { rawRedis } from '../../helpers/redis.js';

const backends = await cacheBackends();
const seal = createAtRestCipher(randomBytes(32));

describe.each(backends)('createSharedTokenCache() on %s', (_name, make) => {
  let b: CacheBackend;
  beforeEach(() => {
    b = make();
  });
  afterEach(async () => {
    await b.close();
  });
  afterAll(cleanRedis);
  const entry = (token: string, lifeMs = 10_000) => ({ token, expiresAt: b.clock.now() + lifeMs, refreshAt: b.clock.now() + lifeMs / 2 });

  for (const sealed of [false, true]) {
    it(`get() returns what set() stored (on another instance too) until expiresAt by the clock${sealed ? ', sealed' : ''}`, async () => {
      const a = createSharedTokenCache(b.cache, { clock: b.clock, ...(sealed ? { seal } : {}) });
      const other = createSharedTokenCache(b.peer(), { clock: b.clock, ...(sealed ? { seal } : {}) });
      const e = entry('T1');
      await a.set('tok', e);
      expect(await other.get('tok')).toEqual(e);
      b.clock.advance(9.999);
      expect((await other.get('tok'))?.token).toBe('T1');
      b.clock.advance(0.001);
      // Past expiresAt by the (virtual) clock: gone, even though Redis would keep the key a while longer.
      expect(await other.get('tok')).toBeUndefined();
      expect(await a.get('never')).toBeUndefined();
    });
  }

  it('compareAndDelete() deletes only the entry that still holds the failed token, on any instance', async () => {
    const a = createSharedTokenCache(b.cache, { clock: b.clock, seal });
    const other = createSharedTokenCache(b.peer(), { clock: b.clock, seal });
    await a.set('tok', entry('T2'));
    expect(await other.compareAndDelete('tok', 'T1')).toBe(false);
    expect((await a.get('tok'))?.token).toBe('T2');
    expect(await other.compareAndDelete('tok', 'T2')).toBe(true);
    expect(await a.get('tok')).toBeUndefined();
    expect(await a.compareAndDelete('tok', 'T2')).toBe(false);
  });

  it('compareAndDelete() by 40 concurrent callers on two instances: exactly one deletes', async () => {
    const a = createSharedTokenCache(b.cache, { clock: b.clock, seal });
    const other = createSharedTokenCache(b.peer(), { clock: b.clock, seal });
    await a.set('tok', entry('T1'));
    const done = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? other : a).compareAndDelete('tok', 'T1')));
    expect(done.filter(Boolean)).toHaveLength(1);
  });

  it('compareAndDelete() still deletes when the same token was stored again meanwhile with other times', async () => {
    const a = createSharedTokenCache(b.cache, { clock: b.clock });
    await a.set('tok', entry('T1'));
    // A stable_token refresh may hand back the same token: the stored value changes, the token does not.
    let raced = false;
    const racing = {
      ...b.cache,
      compareAndDelete: async (k: string, v: string) => {
        if (!raced) {
          raced = true;
          await a.set('tok', entry('T1', 20_000));
        }
        return b.cache.compareAndDelete(k, v);
      },
    };
    expect(await createSharedTokenCache(racing, { clock: b.clock }).compareAndDelete('tok', 'T1')).toBe(true);
    expect(await a.get('tok')).toBeUndefined();
  });

  it('refuses an entry sealed under another key with ERR_INTERNAL', async () => {
    await createSharedTokenCache(b.cache, { clock: b.clock, seal }).set('tok', entry('T1'));
    const other = createSharedTokenCache(b.peer(), { clock: b.clock, seal: createAtRestCipher(randomBytes(32)) });
    await expect(other.get('tok')).rejects.toMatchObject({ code: 'ERR_INTERNAL' });
  });

  it('throws TypeError without a SharedCache or a clock, or with a bad seal', () => {
    expect(() => createSharedTokenCache({} as never, { clock: b.clock })).toThrow(TypeError);
    expect(() => createSharedTokenCache(b.cache, {} as never)).toThrow(TypeError);
    expect(() => createSharedTokenCache(b.cache, { clock: b.clock, seal: {} as never })).toThrow(TypeError);
  });
});

const redis = backends.find(([name]) => name === 'redis');

// Needs Redis: skipped only off CI where it is unreachable; under CI=true redisAvailable() throws instead.
describe.runIf(redis)('createSharedTokenCache() on Redis', () => {
  afterAll(cleanRedis);

  it('stores the entry sealed (no access_token in clear) with a Redis TTL to its expiry', async () => {
    const b = redis![1]();
    const raw = rawRedis();
    try {
      const cache = createSharedTokenCache(b.cache, { clock: b.clock, seal });
      const token = 'ACCESS-TOKEN-0123456789-abcdef';
      await cache.set('wechat:access_token:stable:wx1', { token, expiresAt: b.clock.now() + 7_200_000, refreshAt: b.clock.now() + 6_900_000 });
      const value = (await raw.get(`${b.prefix}wechat:access_token:stable:wx1`))!;
      expect(value).toMatch(/^v1\./);
      expect(value).not.toContain(token);
      const ttl = await raw.pttl(`${b.prefix}wechat:access_token:stable:wx1`);
      expect(ttl).toBeGreaterThan(7_100_000);
      expect(ttl).toBeLessThanOrEqual(7_200_000);
    } finally {
      raw.disconnect();
      await b.close();
    }
  });
});
