import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { openCache } from '../../src/cache/open-cache.js';
import { createRedisCache } from '../../src/cache/redis-cache.js';
import { rawRedis, TEST_REDIS_URL } from '../helpers/redis.js';
import { cacheBackends, cleanRedis } from './cache-backends.js';
import { sharedCacheContract } from './cache-contract.js';

const redis = (await cacheBackends()).find(([name]) => name === 'redis');

// Needs Redis: skipped only off CI where it is unreachable; under CI=true redisAvailable() throws instead.
describe.runIf(redis)('createRedisCache() (SharedCache contract)', () => {
  afterAll(cleanRedis);
  sharedCacheContract(redis![1]);

  it('puts keyPrefix before every key and sets the TTL in Redis (PX)', async () => {
    const b = redis![1]();
    const raw = rawRedis();
    try {
      await b.cache.set('k', 'v', 60_000);
      expect(await b.cache.setIfAbsent('lock', 'me', 5_000)).toBe(true);
      expect(await raw.get(`${b.prefix}k`)).toBe('v');
      expect(await raw.get('k')).toBeNull();
      const pttl = await raw.pttl(`${b.prefix}lock`);
      expect(pttl).toBeGreaterThan(4_000);
      expect(pttl).toBeLessThanOrEqual(5_000);
      // compare-and-delete sees the prefixed key too
      expect(await b.cache.compareAndDelete('lock', 'me')).toBe(true);
      expect(await raw.exists(`${b.prefix}lock`)).toBe(0);
    } finally {
      raw.disconnect();
      await b.close();
    }
  });

  it('keeps two prefixes apart', async () => {
    const a = redis![1]();
    const c = redis![1]();
    try {
      await a.cache.set('same', 'a', 60_000);
      expect(await c.cache.get('same')).toBeUndefined();
      expect(await c.cache.compareAndDelete('same', 'a')).toBe(false);
      expect(await a.cache.get('same')).toBe('a');
    } finally {
      await a.close();
      await c.close();
    }
  });

  it('connects on the first command, not before, and close() quits the connection it opened', async () => {
    const cache = createRedisCache({ url: TEST_REDIS_URL, keyPrefix: 't:lazy:' });
    expect(cache.client.status).toBe('wait');
    await cache.ping();
    expect(cache.client.status).toBe('ready');
    await cache.close();
    expect(cache.client.status).toBe('end');
    // never connected: close() does not connect just to quit
    const idle = createRedisCache({ url: TEST_REDIS_URL });
    await idle.close();
    expect(idle.client.status).toBe('end');
  });

  it('uses an injected client as is and leaves it open on close()', async () => {
    const client = rawRedis();
    try {
      const cache = createRedisCache({ client, keyPrefix: 't:injected:' });
      await cache.set('k', 'v', 1000);
      await cache.close();
      expect(await client.get('t:injected:k')).toBe('v');
      await client.del('t:injected:k');
    } finally {
      client.disconnect();
    }
  });

  it('rejects (does not hang) when Redis cannot be reached', async () => {
    const errors: Error[] = [];
    const cache = createRedisCache({ url: 'redis://127.0.0.1:1', redisOptions: { retryStrategy: () => null }, onError: (e) => errors.push(e) });
    await expect(cache.ping()).rejects.toThrow();
    await expect(cache.get('k')).rejects.toThrow();
    await cache.close();
    expect(errors.map((e) => e.message).join()).toMatch(/ECONNREFUSED/);
  });

  it('throws TypeError without exactly one of url and client, for a non-redis URL or a bad keyPrefix', () => {
    expect(() => createRedisCache({})).toThrow(TypeError);
    expect(() => createRedisCache({ url: TEST_REDIS_URL, client: rawRedis() })).toThrow(TypeError);
    expect(() => createRedisCache({ url: 'http://127.0.0.1:6379' })).toThrow(TypeError);
    expect(() => createRedisCache({ client: {} as never })).toThrow(TypeError);
    expect(() => createRedisCache({ url: TEST_REDIS_URL, keyPrefix: 5 as never })).toThrow(TypeError);
    expect(() => createRedisCache({ url: TEST_REDIS_URL, onError: 'log' as never })).toThrow(TypeError);
  });

  it("openCache('redis://…') opens a Redis cache under the weunion: prefix and hands out its client", async () => {
    const cache = openCache(TEST_REDIS_URL, { clock: new ManualClock(), keyPrefix: 't:open:' });
    const raw = rawRedis();
    try {
      expect(cache.kind).toBe('redis');
      await cache.set('k', 'v', 1000);
      expect(await raw.get('t:open:k')).toBe('v');
      expect(await cache.redis!.get('t:open:k')).toBe('v');
      await cache.delete('k');
      expect(openCache(TEST_REDIS_URL, { clock: new ManualClock() }).kind).toBe('redis');
    } finally {
      raw.disconnect();
      await cache.close();
    }
  });
});
