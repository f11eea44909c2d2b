/** The in-process `SharedCache`: one instance (the embedded default) and tests. Time is the injected clock. */
import type { Clock } from '../clock.js';
import { requireKey, requireValue, type SharedCache, ttlOf } from './shared-cache.js';

interface Entry {
  value: string;
  expiresAt: number;
}

/** Expired entries are dropped when read, and swept every this many writes so unread ones do not pile up. */
const SWEEP_EVERY = 1000;

/**
 * A Map-backed SharedCache; entries expire by `clock` (so a ManualClock moves them too).
 * @example
 *   const cache = createMemoryCache({ clock: systemClock });
 *   await cache.setIfAbsent('lock', owner, 10_000); // true: ours
 */
export function createMemoryCache(deps: { clock: Clock }): SharedCache {
  const clock = deps?.clock;
  if (typeof clock?.now !== 'function') throw new TypeError('createMemoryCache: deps.clock is required');
  const entries = new Map<string, Entry>();
  let writes = 0;

  const live = (key: string): Entry | undefined => {
    const e = entries.get(key);
    if (e && e.expiresAt <= clock.now()) {
      entries.delete(key);
      return undefined;
    }
    return e;
  };
  const write = (key: string, value: string, ttlMs: number): void => {
    entries.set(key, { value, expiresAt: clock.now() + ttlMs });
    if (++writes % SWEEP_EVERY === 0) {
      const now = clock.now();
      for (const [k, e] of entries) if (e.expiresAt <= now) entries.delete(k);
    }
  };

  return Object.freeze({
    async get(key: string) {
      requireKey('MemoryCache.get', key);
      return live(key)?.value;
    },
    async set(key: string, value: string, ttlMs: number) {
      requireKey('MemoryCache.set', key);
      requireValue('MemoryCache.set', value);
      write(key, value, ttlOf('MemoryCache.set', ttlMs));
    },
    async setIfAbsent(key: string, value: string, ttlMs: number) {
      requireKey('MemoryCache.setIfAbsent', key);
      requireValue('MemoryCache.setIfAbsent', value);
      const ttl = ttlOf('MemoryCache.setIfAbsent', ttlMs);
      if (live(key)) return false;
      write(key, value, ttl);
      return true;
    },
    async compareAndDelete(key: string, expected: string) {
      requireKey('MemoryCache.compareAndDelete', key);
      requireValue('MemoryCache.compareAndDelete', expected);
      if (live(key)?.value !== expected) return false;
      entries.delete(key);
      return true;
    },
    async delete(key: string) {
      requireKey('MemoryCache.delete', key);
      entries.delete(key);
    },
    async ping() {},
    async close() {
      entries.clear();
    },
  });
}
