/** The shared cache of a deployment as the composition root opens and closes it (Redis with its outage logging). */
import type { FastifyBaseLogger } from 'fastify';
import { openCache, type OpenedCache } from '../cache/index.js';
import type { Clock } from '../clock.js';

/**
 * The cache every instance shares for `cache: redis://…` (its ioredis client also backs the rate limiter), or null
 * for `memory`: one instance keeps tokens, locks and flights in process, as before. Redis outages are logged once
 * per outage; commands fail fast meanwhile (the rate limiter lets requests through, /readyz reports it).
 */
export function openSharedCache(url: string, clock: Clock, logger: FastifyBaseLogger | false): OpenedCache | null {
  if (url === 'memory') return null;
  const cache = openCache(url, { clock });
  let down = false;
  cache.redis?.on('error', (err: Error & { code?: string }) => {
    if (down) return;
    down = true;
    if (logger) logger.warn({ code: err.code ?? err.name }, 'Redis (shared cache) is unreachable; retrying');
  });
  cache.redis?.on('ready', () => void (down = false));
  return cache;
}

/** Closes the shared cache; a Redis that is away is dropped at once (QUIT would wait for a reconnection). */
export async function closeSharedCache(cache: OpenedCache | null): Promise<void> {
  if (!cache) return;
  if (cache.redis && cache.redis.status !== 'ready' && cache.redis.status !== 'wait') cache.redis.disconnect();
  await cache.close();
}
