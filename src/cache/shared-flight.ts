/**
 * Single flight across instances, for one-shot WeChat codes (wx.login, OAuth and phone codes): the same key presented
 * to several instances **while one of them is exchanging it** runs `fn` once; the callers that waited for that run get
 * its result or its error. Within an instance an in-process flight comes first.
 *
 * Only callers in flight together share. One arriving after a run finished runs `fn` itself, and for a used code WeChat
 * answers 40163 (docs/wechat-api.md §1.1), so a copied code cannot be replayed for a second session (issue #10: an
 * outcome readable by anyone for 5 s after the run was that replay). How: the lock holds a random run id; a caller that
 * finds it held reads the id and waits for `<key>:result:<run id>`; a later caller finds the lock gone (or holding a
 * later run's id) and never learns an earlier one. `resultTtlMs` is the time a waiter has to pick the outcome up.
 *
 * The outcome carries a session_key or OAuth tokens: stored only sealed (AES-256-GCM through `seal`), bound to its key;
 * keys are SHA-256 digests, never a code. A holder that dies frees the lock by expiry and its waiters start over. While
 * the cache cannot be reached, calls go straight to `fn` (deduplicated in-process only).
 */
import { createHash, randomBytes } from 'node:crypto';
import { AppError, ERROR_CATALOG, type ErrorCode, type WeChatErrorDetail } from '../errors.js';
import { createSingleFlight, type SingleFlight } from './single-flight.js';
import { CacheUnavailableError } from './cache-unavailable-error.js';
import { requireSealer, type Sealer } from './sealer.js';
import type { SharedCache } from './shared-cache.js';
import type { SharedLockOptions } from './shared-lock.js';

export interface SharedFlightOptions extends SharedLockOptions {
  /** Seals the stored outcome (the server passes its at-rest cipher). Required: outcomes hold secrets. */
  seal: Sealer;
  /** How long a run's outcome stays readable by the callers that waited for it. Default 5 s. */
  resultTtlMs?: number;
  /** Key namespace in the cache. Default `flight`. */
  namespace?: string;
  /** The in-process flight in front. Default a new createSingleFlight(). */
  local?: SingleFlight;
}

/** What is stored: JSON of a value, or of an AppError (code, message, errcode; nothing secret). */
type Outcome =
  | { ok: true; value: unknown }
  | { ok: false; error: { code: string; message: string; wechat?: WeChatErrorDetail; details?: Record<string, unknown> } };

/**
 * @example
 *   const flight = createSharedFlight(cache, { seal: atRestCipher, ttlMs: 20_000 });
 *   const exchanger = createCodeExchanger(http, { flight });
 */
export function createSharedFlight(cache: SharedCache, options: SharedFlightOptions): SingleFlight {
  if (typeof cache?.get !== 'function' || typeof cache.setIfAbsent !== 'function') throw new TypeError('createSharedFlight: cache must be a SharedCache');
  requireSealer('createSharedFlight', options?.seal);
  const { seal } = options;
  const ttlMs = positive('ttlMs', options.ttlMs ?? 20_000);
  const resultTtlMs = positive('resultTtlMs', options.resultTtlMs ?? 5_000);
  const pollMs = positive('pollMs', options.pollMs ?? 20);
  // Polls rather than wall time, so an injected sleep (virtual time) bounds the wait too.
  const maxPolls = Math.ceil(positive('waitMs', options.waitMs ?? ttlMs + 5_000) / pollMs);
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const random = options.random ?? randomBytes;
  const namespace = options.namespace ?? 'flight';
  const local = options.local ?? createSingleFlight();

  return Object.freeze({
    run<T>(key: string, fn: () => Promise<T>): Promise<T> {
      if (typeof key !== 'string' || key === '') return Promise.reject(new TypeError('SharedFlight.run: key must be a non-empty string'));
      return local.run(key, async () => {
        const base = `${namespace}:${createHash('sha256').update(key).digest('hex')}`;
        const lockKey = `${base}:lock`;
        const resultKey = (runId: string) => `${base}:result:${runId}`;
        const read = async (runId: string): Promise<Outcome | undefined> => {
          const raw = await cache.get(resultKey(runId));
          if (raw === undefined) return undefined;
          const plain = seal.open(raw, `cache:${resultKey(runId)}`);
          if (plain === null) {
            throw new AppError('ERR_INTERNAL', { message: 'A shared flight outcome does not open: do all instances use the same at-rest key?' });
          }
          return JSON.parse(plain) as Outcome;
        };
        const store = (runId: string, outcome: Outcome) =>
          cache.set(resultKey(runId), seal.seal(JSON.stringify(outcome), `cache:${resultKey(runId)}`), resultTtlMs).catch(ignoreOutage);
        const lead = async (runId: string): Promise<T> => {
          try {
            let value: T;
            try {
              value = await fn();
            } catch (e) {
              // Not an AppError = a bug or an abort, not WeChat's answer: not shared, the waiters try again.
              if (e instanceof AppError) await store(runId, { ok: false, error: shareable(e) });
              throw e;
            }
            await store(runId, { ok: true, value });
            return value;
          } finally {
            // Only after the outcome is stored: a waiter that sees the lock gone reads the outcome once more. (A duplicate
            // arriving between fn's answer and this delete still shares it: our own caller has not been answered yet.)
            await cache.compareAndDelete(lockKey, runId).catch(() => false);
          }
        };
        let polls = 0;
        /** One step: lead a run (its id), settle with the outcome of the run we waited for, or undefined = again. */
        const step = async (): Promise<{ lead: string } | { outcome: Outcome | undefined }> => {
          const holder = await cache.get(lockKey);
          if (holder === undefined) {
            const runId = random(16).toString('base64url');
            return (await cache.setIfAbsent(lockKey, runId, ttlMs)) ? { lead: runId } : { outcome: undefined };
          }
          for (;;) {
            const outcome = await read(holder);
            if (outcome) return { outcome };
            // The run ended (or its holder died, or failed with a bug): its outcome now, or none and we start over.
            if ((await cache.get(lockKey)) !== holder) return { outcome: await read(holder) };
            if (++polls > maxPolls) {
              throw new AppError('ERR_WECHAT_TIMEOUT', {
                message: 'Another instance is still calling WeChat for this; gave up waiting.',
                details: { waitedMs: polls * pollMs },
              });
            }
            await sleep(pollMs);
          }
        };
        for (;;) {
          let next: Awaited<ReturnType<typeof step>>;
          try {
            next = await step();
          } catch (e) {
            // Availability first: during a cache outage each instance exchanges for itself (in-process dedup only).
            if (e instanceof CacheUnavailableError) return fn();
            throw e;
          }
          if ('lead' in next) return lead(next.lead);
          if (next.outcome?.ok) return next.outcome.value as T;
          if (next.outcome) throw revive(next.outcome.error);
        }
      });
    },
  });
}

/** A rejection handler for best-effort writes: a CacheUnavailableError is dropped, anything else is rethrown. */
function ignoreOutage(e: unknown): void {
  if (!(e instanceof CacheUnavailableError)) throw e;
}

function positive(name: string, v: number): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new TypeError(`createSharedFlight: ${name} must be > 0`);
  return v;
}

function shareable(e: AppError): Extract<Outcome, { ok: false }>['error'] {
  return { code: e.code, message: e.message, ...(e.wechat ? { wechat: e.wechat } : {}), ...(e.details ? { details: e.details } : {}) };
}

function revive(e: Extract<Outcome, { ok: false }>['error']): AppError {
  const code: ErrorCode = e.code in ERROR_CATALOG ? (e.code as ErrorCode) : 'ERR_INTERNAL';
  return new AppError(code, { message: e.message, ...(e.wechat ? { wechat: e.wechat } : {}), ...(e.details ? { details: e.details } : {}) });
}
