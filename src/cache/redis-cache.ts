/**
 * The `SharedCache` on Redis (ioredis): one connection, opened on the first command. Every key gets `keyPrefix`
 * (applied here, not through ioredis's own option, so an injected client is used as is). TTLs are Redis's own
 * (`PX`), i.e. real time; compare-and-delete is one Lua script, so it is atomic across instances.
 *
 * While Redis is away (the client is reconnecting) every call fails at once with `CacheUnavailableError`
 * instead of queueing: callers fall back rather than wait (see cache-unavailable-error.ts).
 */
import { setTimeout as delay } from 'node:timers/promises';
import { Redis, type RedisOptions } from 'ioredis';
import { CacheUnavailableError } from './cache-unavailable-error.js';
import { requireKey, requireValue, type SharedCache, ttlOf } from './shared-cache.js';

/** GET + DEL as one step: only the holder of the exact value deletes it (https://redis.io/docs/latest/commands/set/). */
const COMPARE_AND_DELETE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;

export interface RedisCacheOptions {
  /** `redis://…` or `rediss://…`; or pass `client`. */
  url?: string;
  /** An ioredis client to use instead of opening one; `close()` leaves it open (its owner closes it). */
  client?: Redis;
  /** Put before every key, e.g. `weunion:`. Default ''. */
  keyPrefix?: string;
  /** Extra ioredis options when opening from `url` (defaults: lazyConnect, maxRetriesPerRequest 1, connectTimeout 5000). */
  redisOptions?: RedisOptions;
  /** Connection errors of the client opened from `url` (e.g. the server's logger); default: ioredis prints them. */
  onError?: (error: Error) => void;
}

/** A SharedCache on Redis that also hands out its ioredis client (e.g. for @fastify/rate-limit's Redis store). */
export interface RedisCache extends SharedCache {
  readonly client: Redis;
  readonly keyPrefix: string;
}

/**
 * @example
 *   const cache = createRedisCache({ url: 'redis://127.0.0.1:6379', keyPrefix: 'weunion:' });
 *   await cache.set('k', 'v', 60_000);
 *   await cache.close();
 */
export function createRedisCache(options: RedisCacheOptions): RedisCache {
  const keyPrefix = options?.keyPrefix ?? '';
  if (typeof keyPrefix !== 'string') throw new TypeError('createRedisCache: keyPrefix must be a string');
  if ((options?.url === undefined) === (options?.client === undefined)) throw new TypeError('createRedisCache: give exactly one of url and client');
  if (options.onError !== undefined && typeof options.onError !== 'function') throw new TypeError('createRedisCache: onError must be a function');
  let client: Redis;
  const owned = options.client === undefined;
  if (options.client !== undefined) {
    if (typeof options.client?.eval !== 'function') throw new TypeError('createRedisCache: client must be an ioredis client');
    client = options.client;
  } else {
    if (typeof options.url !== 'string' || !/^rediss?:\/\/./.test(options.url)) throw new TypeError('createRedisCache: url must be redis://… or rediss://…');
    // A command sent while connecting fails if that attempt fails, instead of waiting through reconnections.
    client = new Redis(options.url, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 5000, ...options.redisOptions });
    if (options.onError) client.on('error', options.onError);
  }
  const k = (where: string, key: string): string => {
    requireKey(where, key);
    return keyPrefix + key;
  };
  let closed: Promise<void> | undefined;
  /** Runs one command; any failure of the client (not of our arguments) is a CacheUnavailableError. */
  const send = async <T>(command: () => Promise<T>): Promise<T> => {
    const status = client.status;
    if (status === 'reconnecting' || status === 'close' || status === 'end') throw new CacheUnavailableError(`Redis is unreachable (${status})`);
    try {
      return await command();
    } catch (e) {
      throw new CacheUnavailableError(`Redis command failed: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
  };

  return Object.freeze({
    client,
    keyPrefix,
    async get(key: string) {
      const full = k('RedisCache.get', key);
      return (await send(() => client.get(full))) ?? undefined;
    },
    async set(key: string, value: string, ttlMs: number) {
      const full = k('RedisCache.set', key);
      requireValue('RedisCache.set', value);
      const ttl = ttlOf('RedisCache.set', ttlMs);
      await send(() => client.set(full, value, 'PX', ttl));
    },
    async setIfAbsent(key: string, value: string, ttlMs: number) {
      const full = k('RedisCache.setIfAbsent', key);
      requireValue('RedisCache.setIfAbsent', value);
      const ttl = ttlOf('RedisCache.setIfAbsent', ttlMs);
      return (await send(() => client.set(full, value, 'PX', ttl, 'NX'))) === 'OK';
    },
    async compareAndDelete(key: string, expected: string) {
      const full = k('RedisCache.compareAndDelete', key);
      requireValue('RedisCache.compareAndDelete', expected);
      return Number(await send(() => client.eval(COMPARE_AND_DELETE, 1, full, expected))) === 1;
    },
    async delete(key: string) {
      const full = k('RedisCache.delete', key);
      await send(() => client.del(full));
    },
    async ping() {
      await send(() => client.ping());
    },
    close() {
      if (!owned) return Promise.resolve();
      closed ??= (async () => {
        const status = client.status;
        if (status === 'end') return;
        const ended = new Promise<void>((resolve) => client.once('end', () => resolve()));
        // QUIT only on a live connection (it lets pending replies arrive); one that is away is dropped at once.
        if (status === 'ready')
          await client.quit().then(
            () => undefined,
            () => client.disconnect(),
          );
        else client.disconnect();
        // Between reconnections there is no socket left to close, so no 'end' comes: nothing to wait for.
        if (status === 'reconnecting' || status === 'close') return;
        await Promise.race([ended, delay(2000, undefined, { ref: false })]);
      })();
      return closed;
    },
  });
}
