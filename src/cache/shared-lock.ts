/**
 * A lock held by one caller cluster-wide: `SET key owner NX PX ttl` to take it, compare-and-delete of the same
 * owner token to give it back (never someone else's after ours expired). A holder that dies frees it by expiry.
 * Waiters poll; between polls they may `peek` at what the holder is producing and stop waiting once it is there.
 * A cache that cannot be reached (CacheUnavailableError) does not stop the work: `fn` then runs without the lock.
 */
import { randomBytes } from 'node:crypto';
import { AppError } from '../errors.js';
import { CacheUnavailableError } from './cache-unavailable-error.js';
import { requireKey, type SharedCache } from './shared-cache.js';

export interface SharedLockOptions {
  /** How long a holder keeps the lock at most; longer than the work under it (e.g. 3 × the WeChat timeout). Default 20 s. */
  ttlMs?: number;
  /** Wait between tries of a waiter. Default 20 ms. */
  pollMs?: number;
  /** A waiter gives up (ERR_WECHAT_TIMEOUT) after about this long. Default ttlMs + 5 s: past a dead holder's expiry. */
  waitMs?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: (bytes: number) => Buffer;
}

export interface SharedLockRunOptions<T> {
  /** Asked after every failed try to take the lock: a value ends the wait with it (e.g. the token the holder stored). */
  peek?: () => Promise<T | undefined> | T | undefined;
}

export interface SharedLock {
  /** Runs `fn` holding `key`; while another caller (any instance) holds it, waits, peeking. */
  run<T>(key: string, fn: () => Promise<T>, options?: SharedLockRunOptions<T>): Promise<T>;
}

const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * @example
 *   const lock = createSharedLock(cache, { ttlMs: 20_000 });
 *   const token = await lock.run('token:wx1:lock', refresh, { peek: readFreshToken });
 */
export function createSharedLock(cache: SharedCache, options: SharedLockOptions = {}): SharedLock {
  if (typeof cache?.setIfAbsent !== 'function' || typeof cache.compareAndDelete !== 'function') {
    throw new TypeError('createSharedLock: cache must be a SharedCache');
  }
  const ttlMs = positive('ttlMs', options.ttlMs ?? 20_000);
  const pollMs = positive('pollMs', options.pollMs ?? 20);
  const waitMs = positive('waitMs', options.waitMs ?? ttlMs + 5_000);
  const sleep = options.sleep ?? realSleep;
  const random = options.random ?? randomBytes;
  // Polls rather than wall time, so an injected sleep (virtual time) bounds the wait too.
  const maxPolls = Math.ceil(waitMs / pollMs);

  return Object.freeze({
    async run<T>(key: string, fn: () => Promise<T>, runOptions: SharedLockRunOptions<T> = {}): Promise<T> {
      requireKey('SharedLock.run', key);
      if (typeof fn !== 'function') throw new TypeError('SharedLock.run: fn must be a function');
      const owner = random(16).toString('base64url');
      for (let polls = 0; ; polls++) {
        let taken: boolean;
        try {
          taken = await cache.setIfAbsent(key, owner, ttlMs);
        } catch (e) {
          // Availability first: during a cache outage each instance does the work itself (only in-process dedup).
          if (e instanceof CacheUnavailableError) return fn();
          throw e;
        }
        if (taken) {
          try {
            return await fn();
          } finally {
            // If this fails the lock still ends at its expiry; the outcome of fn matters more.
            await cache.compareAndDelete(key, owner).catch(() => false);
          }
        }
        if (runOptions.peek) {
          const seen = await runOptions.peek();
          if (seen !== undefined) return seen;
        }
        if (polls >= maxPolls) {
          throw new AppError('ERR_WECHAT_TIMEOUT', {
            message: 'Another instance is still calling WeChat for this; gave up waiting.',
            details: { waitedMs: polls * pollMs },
          });
        }
        await sleep(pollMs);
      }
    },
  });
}

function positive(name: string, v: number): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new TypeError(`createSharedLock: ${name} must be a finite number > 0`);
  return v;
}
