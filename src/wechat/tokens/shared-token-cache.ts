/**
 * A `TokenCache` on the `SharedCache` (Redis in a cluster): every instance reads and refreshes the same entry.
 * The entry is JSON `{ token, expiresAt, refreshAt }`, sealed when a `seal` is given (so Redis holds no
 * access_token in clear), with a TTL to its expiry. Expiry is also checked against the injected clock, so a
 * virtual clock moved past it (tests, the emulator) sees the token as gone.
 *
 * Every entry is also kept in this instance's memory: while the shared cache cannot be reached
 * (CacheUnavailableError), the instance goes on with what it knows and fetches for itself what it does not.
 */
import type { Clock } from '../../clock.js';
import { CacheUnavailableError } from '../../cache/cache-unavailable-error.js';
import { AppError } from '../../errors.js';
import { requireSealer, type Sealer } from '../../cache/sealer.js';
import type { SharedCache } from '../../cache/shared-cache.js';
import { MemoryTokenCache } from './memory-token-cache.js';
import type { CachedToken, TokenCache } from './token-cache.js';

export interface SharedTokenCacheOptions {
  clock: Clock;
  /** Seals entries (the server passes its at-rest cipher); default: stored as plain JSON. */
  seal?: Sealer;
}

/**
 * @example
 *   const cache = createSharedTokenCache(openCache('redis://127.0.0.1:6379', { clock }), { clock, seal: atRest });
 *   createAccessTokenManager({ http, clock, apps, cache, lock: createSharedLock(shared) });
 */
export function createSharedTokenCache(shared: SharedCache, options: SharedTokenCacheOptions): TokenCache {
  if (typeof shared?.get !== 'function' || typeof shared.compareAndDelete !== 'function')
    throw new TypeError('createSharedTokenCache: shared must be a SharedCache');
  const clock = options?.clock;
  if (typeof clock?.now !== 'function') throw new TypeError('createSharedTokenCache: options.clock is required');
  if (options.seal !== undefined) requireSealer('createSharedTokenCache', options.seal);
  const seal = options.seal;
  const aad = (key: string) => `cache:${key}`;
  const local = new MemoryTokenCache({ clock });
  /** `shared()` unless the shared cache is away, then `fallback()`. */
  const orLocal = async <T>(shared: () => Promise<T>, fallback: () => Promise<T>): Promise<T> => {
    try {
      return await shared();
    } catch (e) {
      if (e instanceof CacheUnavailableError) return fallback();
      throw e;
    }
  };

  const encode = (key: string, e: CachedToken): string => {
    const json = JSON.stringify({ token: e.token, expiresAt: e.expiresAt, refreshAt: e.refreshAt });
    return seal ? seal.seal(json, aad(key)) : json;
  };
  const decode = (key: string, raw: string): CachedToken => {
    const json = seal ? seal.open(raw, aad(key)) : raw;
    if (json === null) throw new AppError('ERR_INTERNAL', { message: 'A shared access_token entry does not open: do all instances use the same at-rest key?' });
    const e = JSON.parse(json) as CachedToken;
    return { token: e.token, expiresAt: e.expiresAt, refreshAt: e.refreshAt };
  };

  return Object.freeze({
    get(key: string): Promise<CachedToken | undefined> {
      return orLocal(
        async () => {
          const raw = await shared.get(key);
          if (raw === undefined) return undefined;
          const entry = decode(key, raw);
          return entry.expiresAt <= clock.now() ? undefined : entry;
        },
        () => local.get(key),
      );
    },
    async set(key: string, entry: CachedToken): Promise<void> {
      await local.set(key, entry);
      await orLocal(
        () => shared.set(key, encode(key, entry), Math.max(1, entry.expiresAt - clock.now())),
        async () => undefined,
      );
    },
    async compareAndDelete(key: string, token: string): Promise<boolean> {
      const locally = await local.compareAndDelete(key, token);
      return orLocal(
        async () => {
          // The stored value is more than the token: delete the exact value we read, and only if it carries `token`.
          // If it changed in between (a refresh stored the same token again), read again; a new token ends it.
          for (let tries = 0; tries < 5; tries++) {
            const raw = await shared.get(key);
            if (raw === undefined || decode(key, raw).token !== token) return false;
            if (await shared.compareAndDelete(key, raw)) return true;
          }
          return false;
        },
        async () => locally,
      );
    },
  });
}
