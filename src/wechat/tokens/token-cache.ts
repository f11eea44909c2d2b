/**
 * The narrow storage port for access tokens shared by every instance. In memory now
 * (memory-token-cache.ts); a Redis implementation will follow (GET / SET PXAT / a compare-and-delete script).
 */

/** A cached token. `refreshAt` ≤ `expiresAt`: when callers should start fetching a new one. Epoch ms. */
export interface CachedToken {
  token: string;
  expiresAt: number;
  refreshAt: number;
}

export interface TokenCache {
  /** The entry, or undefined when absent or past `expiresAt`. */
  get(key: string): Promise<CachedToken | undefined>;
  /** Stores the entry; it disappears by itself at `entry.expiresAt`. */
  set(key: string, entry: CachedToken): Promise<void>;
  /** Deletes the entry only if it still holds `token`; true when it did. */
  compareAndDelete(key: string, token: string): Promise<boolean>;
}
