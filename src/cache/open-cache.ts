/** From the `cache` setting (`memory` or `redis://…`) to a SharedCache. */
import type { Clock } from '../clock.js';
import { createMemoryCache } from './memory-cache.js';
import { createRedisCache, type RedisCache } from './redis-cache.js';
import type { SharedCache } from './shared-cache.js';

export interface OpenCacheOptions {
  /** Expiry clock of the memory cache (Redis keeps its own time). */
  clock: Clock;
  /** Redis only: put before every key. Default `weunion:`. */
  keyPrefix?: string;
  /** Redis only: connection errors (e.g. `(e) => logger.warn({ err: e }, 'redis')`); default: ioredis prints them. */
  onError?: (error: Error) => void;
}

/** What openCache returns: `redis` is the ioredis client when the cache is Redis (to share the connection). */
export type OpenedCache = SharedCache & { readonly kind: 'memory' | 'redis'; readonly redis?: RedisCache['client'] };

/**
 * @example
 *   const cache = openCache(config.cache, { clock }); // 'memory' or 'redis://127.0.0.1:6379'
 *   … await cache.close();
 */
export function openCache(url: string, options: OpenCacheOptions): OpenedCache {
  if (typeof options?.clock?.now !== 'function') throw new TypeError('openCache: options.clock is required');
  if (url === 'memory') return Object.freeze({ ...createMemoryCache({ clock: options.clock }), kind: 'memory' as const });
  if (typeof url !== 'string' || !/^rediss?:\/\/./.test(url)) throw new TypeError("openCache: url must be 'memory' or redis://…");
  const redis = createRedisCache({ url, keyPrefix: options.keyPrefix ?? 'weunion:', ...(options.onError ? { onError: options.onError } : {}) });
  return Object.freeze({ ...redis, kind: 'redis' as const, redis: redis.client });
}
