/** The shared cache (memory or Redis) and what is built on it: a cluster-wide lock and single flight. */
export type { SharedCache } from './shared-cache.js';
export { CacheUnavailableError } from './cache-unavailable-error.js';
export { createMemoryCache } from './memory-cache.js';
export { createRedisCache, type RedisCache, type RedisCacheOptions } from './redis-cache.js';
export { openCache, type OpenCacheOptions, type OpenedCache } from './open-cache.js';
export type { Sealer } from './sealer.js';
export { createSharedLock, type SharedLock, type SharedLockOptions, type SharedLockRunOptions } from './shared-lock.js';
export { createSharedFlight, type SharedFlightOptions } from './shared-flight.js';
export { createSingleFlight, type SingleFlight } from './single-flight.js';
