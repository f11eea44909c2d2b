/** The SQL of the health port (`HealthStore`, 0011): one upsert per observation, written once for both dialects. */
import { type Kysely, sql } from 'kysely';
import { withDbErrors } from './db-errors.js';
import type { CallbackHealthRow, CallbackObservation, HealthStore } from './port.js';
import type { Database } from './schema.js';

export class HealthQueries implements HealthStore {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  recordCallback(o: CallbackObservation): Promise<void> {
    if (typeof o.appid !== 'string' || o.appid === '') return Promise.reject(new TypeError('an observation names its appid'));
    const ok = o.failureCode === null;
    return withDbErrors(async () => {
      // Both dialects speak ON CONFLICT … DO UPDATE; `excluded` is the row that was to be inserted.
      await this.#db
        .insertInto('callback_health')
        .values({
          appid: o.appid,
          last_ok_at: ok ? o.at : null,
          last_failure_at: ok ? null : o.at,
          last_failure_code: ok ? null : o.failureCode,
          failures_since_ok: ok ? 0 : 1,
          skew_seconds: o.skewSeconds,
          updated_at: o.at,
        })
        .onConflict((oc) =>
          oc.column('appid').doUpdateSet(
            ok
              ? { last_ok_at: o.at, failures_since_ok: 0, skew_seconds: sql`coalesce(excluded.skew_seconds, callback_health.skew_seconds)`, updated_at: o.at }
              : {
                  last_failure_at: o.at,
                  last_failure_code: o.failureCode,
                  failures_since_ok: sql`callback_health.failures_since_ok + 1`,
                  skew_seconds: sql`coalesce(excluded.skew_seconds, callback_health.skew_seconds)`,
                  updated_at: o.at,
                },
          ),
        )
        .execute();
    });
  }

  getCallbackHealth(appid: string): Promise<CallbackHealthRow | undefined> {
    return withDbErrors(async () => {
      const r = await this.#db.selectFrom('callback_health').selectAll().where('appid', '=', appid).executeTakeFirst();
      if (!r) return undefined;
      const num = (v: number | string | null): number | null => (v === null ? null : Number(v));
      return {
        appid: r.appid,
        lastOkAt: num(r.last_ok_at),
        lastFailureAt: num(r.last_failure_at),
        lastFailureCode: r.last_failure_code,
        failuresSinceOk: Number(r.failures_since_ok),
        skewSeconds: num(r.skew_seconds),
        updatedAt: Number(r.updated_at),
      };
    });
  }
}
