/**
 * Single flight across instances, for one-shot WeChat codes (wx.login codes, OAuth codes, phone codes): the
 * same key presented to any number of instances runs `fn` once; everyone else gets the same result, or the same
 * error. Within an instance an in-process flight comes first, so one key costs one lock round per instance.
 *
 * The outcome is kept for `resultTtlMs` (the gateway uses 5 s) so a double submit that lands on another instance a moment
 * later is answered too, instead of burning the code (40163). A failure worth retrying (HTTP status 5xx or 429:
 * WeChat busy, unreachable, timed out, rate-limited) is kept only for `transientTtlMs`, long enough for the
 * callers already waiting, so a retry a moment later asks WeChat again. It carries a session_key or OAuth tokens, so it
 * is stored only sealed (AES-256-GCM through `seal`), bound to its key; keys are SHA-256 digests, never a code.
 * While the cache cannot be reached, calls go straight to `fn` (deduplicated in-process only).
 */
import { createHash } from 'node:crypto';
import { AppError, ERROR_CATALOG, type ErrorCode, type WeChatErrorDetail } from '../errors.js';
import { createSingleFlight, type SingleFlight } from './single-flight.js';
import { CacheUnavailableError } from './cache-unavailable-error.js';
import { requireSealer, type Sealer } from './sealer.js';
import type { SharedCache } from './shared-cache.js';
import { createSharedLock, type SharedLockOptions } from './shared-lock.js';

export interface SharedFlightOptions extends SharedLockOptions {
  /** Seals the stored outcome (the server passes its at-rest cipher). Required: outcomes hold secrets. */
  seal: Sealer;
  /** How long an outcome stays readable by other callers. Default 60 s. */
  resultTtlMs?: number;
  /** The same for an AppError with status ≥ 500 or 429 (worth retrying). Default 2 s. */
  transientTtlMs?: number;
  /** Key namespace in the cache. Default `flight`. */
  namespace?: string;
  /** The in-process flight in front. Default a new createSingleFlight(). */
  local?: SingleFlight;
}

/** What is stored: JSON of a value, or of an AppError (code, message, errcode; nothing secret). */
type Outcome =
  | { ok: true; value: unknown }
  | { ok: false; error: { code: string; message: string; wechat?: WeChatErrorDetail; details?: Record<string, unknown> } };
/** The leader keeps its own value or error object; the others get the stored outcome. */
type Settled = { own: true; value?: unknown; error?: unknown; failed: boolean } | { own: false; outcome: Outcome };

/**
 * @example
 *   const flight = createSharedFlight(cache, { seal: atRestCipher, ttlMs: 20_000 });
 *   const exchanger = createCodeExchanger(http, { flight });
 */
export function createSharedFlight(cache: SharedCache, options: SharedFlightOptions): SingleFlight {
  if (typeof cache?.get !== 'function' || typeof cache.setIfAbsent !== 'function') throw new TypeError('createSharedFlight: cache must be a SharedCache');
  requireSealer('createSharedFlight', options?.seal);
  const { seal } = options;
  const resultTtlMs = options.resultTtlMs ?? 60_000;
  const transientTtlMs = options.transientTtlMs ?? 2_000;
  for (const [name, v] of [
    ['resultTtlMs', resultTtlMs],
    ['transientTtlMs', transientTtlMs],
  ] as const) {
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new TypeError(`createSharedFlight: ${name} must be > 0`);
  }
  const namespace = options.namespace ?? 'flight';
  const local = options.local ?? createSingleFlight();
  const lock = createSharedLock(cache, options);

  return Object.freeze({
    run<T>(key: string, fn: () => Promise<T>): Promise<T> {
      if (typeof key !== 'string' || key === '') return Promise.reject(new TypeError('SharedFlight.run: key must be a non-empty string'));
      return local.run(key, async () => {
        const base = `${namespace}:${createHash('sha256').update(key).digest('hex')}`;
        const resultKey = `${base}:result`;
        const aad = `cache:${resultKey}`;
        const read = async (): Promise<Settled | undefined> => {
          const raw = await cache.get(resultKey).catch(unavailableAs(undefined));
          if (raw === undefined) return undefined;
          const plain = seal.open(raw, aad);
          if (plain === null) {
            throw new AppError('ERR_INTERNAL', { message: 'A shared flight outcome does not open: do all instances use the same at-rest key?' });
          }
          return { own: false, outcome: JSON.parse(plain) as Outcome };
        };
        const settled = await lock.run<Settled>(
          `${base}:lock`,
          async () => {
            // The holder before us may have finished between our try and our taking the lock.
            const earlier = await read();
            if (earlier) return earlier;
            let mine: Settled & { own: true };
            try {
              mine = { own: true, value: await fn(), failed: false };
            } catch (e) {
              // Not an AppError = a bug or an abort, not WeChat's answer: not shared, the next caller tries again.
              if (!(e instanceof AppError)) throw e;
              mine = { own: true, error: e, failed: true };
            }
            const outcome: Outcome = mine.failed ? { ok: false, error: shareable(mine.error as AppError) } : { ok: true, value: mine.value };
            // First outcome wins: a holder that outlived its lock must not replace the answer others already got.
            const transient = mine.failed && ((mine.error as AppError).status >= 500 || (mine.error as AppError).status === 429);
            const ttl = transient ? transientTtlMs : resultTtlMs;
            const stored = await cache.setIfAbsent(resultKey, seal.seal(JSON.stringify(outcome), aad), ttl).catch(unavailableAs(true));
            return stored ? mine : ((await read()) ?? mine);
          },
          { peek: read },
        );
        if (settled.own) {
          if (settled.failed) throw settled.error;
          return settled.value as T;
        }
        if (settled.outcome.ok) return settled.outcome.value as T;
        throw revive(settled.outcome.error);
      });
    },
  });
}

/** A rejection handler: a CacheUnavailableError becomes `value`, anything else is rethrown. */
function unavailableAs<V>(value: V): (e: unknown) => V {
  return (e) => {
    if (e instanceof CacheUnavailableError) return value;
    throw e;
  };
}

function shareable(e: AppError): Extract<Outcome, { ok: false }>['error'] {
  return { code: e.code, message: e.message, ...(e.wechat ? { wechat: e.wechat } : {}), ...(e.details ? { details: e.details } : {}) };
}

function revive(e: Extract<Outcome, { ok: false }>['error']): AppError {
  const code: ErrorCode = e.code in ERROR_CATALOG ? (e.code as ErrorCode) : 'ERR_INTERNAL';
  return new AppError(code, { message: e.message, ...(e.wechat ? { wechat: e.wechat } : {}), ...(e.details ? { details: e.details } : {}) });
}
