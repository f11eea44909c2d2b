/**
 * The SharedCache backends the cache tests run on: memory always, Redis when reachable (FAILS under CI=true, see
 * test/helpers/redis.ts). Each `make()` is a fresh, empty key space; `peer()` is another instance on the same one
 * (its own Redis connection; for memory, the same object: one process).
 */
import { ManualClock } from '../../src/clock.js';
import { createMemoryCache } from '../../src/cache/memory-cache.js';
import { createRedisCache } from '../../src/cache/redis-cache.js';
import type { SharedCache } from '../../src/cache/shared-cache.js';
import { redisAvailable, TEST_REDIS_URL, testKeyPrefix } from '../helpers/redis.js';

export interface CacheBackend {
  name: 'memory' | 'redis';
  cache: SharedCache;
  /** Another instance on the same key space. */
  peer(): SharedCache;
  /** The key prefix in Redis ('' for memory). */
  prefix: string;
  /** A clock that moves only when told (`advance`, or clock.advance()); the memory cache expires by it, Redis by real time. */
  clock: ManualClock;
  /** Lets `ms` pass for TTLs: moves the memory clock, sleeps for Redis. */
  advance(ms: number): Promise<void>;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const file = testKeyPrefix();
let n = 0;

const frozenClock = () => {
  const t0 = Date.now();
  return new ManualClock({ now: () => t0 });
};

function memoryBackend(): CacheBackend {
  const clock = frozenClock();
  const cache = createMemoryCache({ clock });
  return {
    name: 'memory',
    cache,
    peer: () => cache,
    prefix: '',
    clock,
    advance: async (ms) => clock.advance(ms / 1000),
    close: () => cache.close(),
  };
}

function redisBackend(): CacheBackend {
  const prefix = `${file.prefix}${++n}:`;
  const opened: SharedCache[] = [];
  const open = () => {
    const c = createRedisCache({ url: TEST_REDIS_URL, keyPrefix: prefix });
    opened.push(c);
    return c;
  };
  return {
    name: 'redis',
    cache: open(),
    peer: open,
    prefix,
    clock: frozenClock(),
    advance: (ms) => sleep(ms + 20),
    close: async () => {
      await Promise.all(opened.map((c) => c.close()));
    },
  };
}

/** `[name, make]` pairs for `describe.each`. */
export async function cacheBackends(): Promise<Array<[string, () => CacheBackend]>> {
  const list: Array<[string, () => CacheBackend]> = [['memory', memoryBackend]];
  if (await redisAvailable()) list.push(['redis', redisBackend]);
  return list;
}

/** Deletes every Redis key this test file made (afterAll). */
export const cleanRedis = () => file.clean();
