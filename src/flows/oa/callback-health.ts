/**
 * Remembers how each official account's callbacks went (store/port/health-store.ts), for `weunion doctor`: the
 * last accepted and last refused callback, the refusal's code, and the clock difference its timestamp showed.
 *
 * A write per push would double the callback's database work for a fact that changes rarely, so an instance
 * writes an acceptance at most once a minute per app, a refusal at most every ten seconds per app and code —
 * but a change of state (refused after accepted, or the other way) at once. A failed write is dropped: the push
 * itself must never fail for its observation.
 */
import type { Clock } from '../../clock.js';
import type { HealthStore } from '../../store/port.js';

const OK_EVERY_MS = 60_000;
const FAILURE_EVERY_MS = 10_000;

export interface CallbackHealth {
  /** `code` null: accepted; `timestamp`: the callback's own query value, as sent. */
  seen(appid: string, code: string | null, timestamp: unknown): Promise<void>;
}

export function createCallbackHealth(deps: { store: Pick<HealthStore, 'recordCallback'>; clock: Clock }): CallbackHealth {
  const last = new Map<string, { code: string | null; at: number }>();
  return {
    async seen(appid, code, timestamp) {
      const at = deps.clock.now();
      const before = last.get(appid);
      if (before && before.code === code && at - before.at < (code === null ? OK_EVERY_MS : FAILURE_EVERY_MS)) return;
      last.set(appid, { code, at });
      const ts = typeof timestamp === 'string' && /^[0-9]{1,12}$/.test(timestamp) ? Number(timestamp) : null;
      try {
        await deps.store.recordCallback({ appid, at, failureCode: code, skewSeconds: ts === null ? null : Math.round(at / 1000 - ts) });
      } catch {
        last.delete(appid); // try again with the next callback
      }
    },
  };
}
