/**
 * The narrow port to the cache every instance shares (Redis in a cluster, a Map for one instance): string values
 * with a time to live, plus the two atomic steps a lock needs (set-if-absent, compare-and-delete). Access tokens,
 * refresh locks and one-shot code exchanges are built on it (shared-lock.ts, shared-flight.ts,
 * wechat/tokens/shared-token-cache.ts). Keys are plain strings; an implementation may prefix them.
 */

/** A key-value cache shared by all instances. Values are opaque strings; TTLs are milliseconds (> 0). */
export interface SharedCache {
  /** The value, or undefined when absent or expired. */
  get(key: string): Promise<string | undefined>;
  /** Stores `value`, replacing any value; it disappears by itself after `ttlMs`. */
  set(key: string, value: string, ttlMs: number): Promise<void>;
  /** Stores `value` only if `key` holds nothing (Redis `SET NX PX`); true when it did. */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  /** Deletes `key` only if it still holds exactly `expected`, atomically; true when it did. */
  compareAndDelete(key: string, expected: string): Promise<boolean>;
  delete(key: string): Promise<void>;
  /** Resolves when the cache answers (for readiness checks); rejects otherwise. */
  ping(): Promise<void>;
  /** Releases the connection this cache opened (an injected client is left open). Idempotent. */
  close(): Promise<void>;
}

/** Throws a TypeError unless `key` is a non-empty string. @internal */
export function requireKey(where: string, key: unknown): asserts key is string {
  if (typeof key !== 'string' || key === '') throw new TypeError(`${where}: key must be a non-empty string`);
}

/** Throws a TypeError unless `value` is a string. @internal */
export function requireValue(where: string, value: unknown): asserts value is string {
  if (typeof value !== 'string') throw new TypeError(`${where}: value must be a string`);
}

/** The TTL as whole milliseconds (rounded up); a TypeError unless it is a finite number > 0. @internal */
export function ttlOf(where: string, ttlMs: unknown): number {
  if (typeof ttlMs !== 'number' || !Number.isFinite(ttlMs) || ttlMs <= 0) throw new TypeError(`${where}: ttlMs must be a finite number > 0`);
  return Math.ceil(ttlMs);
}
