/**
 * The SQL of the data port (`DataStore`): cursors of long runs (0008) and the reads the operators' commands walk
 * one app's identities and one user's events with. Written once for both dialects.
 */
import { type Kysely, sql } from 'kysely';
import { withDbErrors } from './db-errors.js';
import type { DialectName } from './dialects/dialect-name.js';
import { toAppIdentity, toEvent } from './identity-rows.js';
import type { AppIdentityCounts, AppIdentityRow, DataStore, EventRow, FeedEventRow, FeedPosition, UserCounts } from './port.js';
import type { Database } from './schema.js';

export class DataQueries implements DataStore {
  readonly #db: Kysely<Database>;
  readonly #dialect: DialectName;

  constructor(db: Kysely<Database>, dialect: DialectName) {
    this.#db = db;
    this.#dialect = dialect;
  }

  getCursor(name: string): Promise<unknown> {
    return withDbErrors(async () => {
      const row = await this.#db.selectFrom('data_cursors').select('value').where('name', '=', name).executeTakeFirst();
      return row === undefined ? undefined : (JSON.parse(row.value) as unknown);
    });
  }

  putCursor(name: string, value: unknown, now: number): Promise<void> {
    if (typeof name !== 'string' || name === '') return Promise.reject(new TypeError('a cursor name is a non-empty string'));
    const text = JSON.stringify(value);
    return withDbErrors(async () => {
      // Both dialects speak ON CONFLICT … DO UPDATE (SQLite ≥ 3.24).
      await this.#db
        .insertInto('data_cursors')
        .values({ name, value: text, updated_at: now })
        .onConflict((oc) => oc.column('name').doUpdateSet({ value: text, updated_at: now }))
        .execute();
    });
  }

  deleteCursor(name: string): Promise<void> {
    return withDbErrors(async () => {
      await this.#db.deleteFrom('data_cursors').where('name', '=', name).execute();
    });
  }

  listAppIdentitiesWithoutUnionid(appid: string, options: { afterOpenid?: string; limit: number }): Promise<AppIdentityRow[]> {
    return withDbErrors(async () => {
      // Keyset paging on the primary key (appid, openid): each page is an index range, whatever the table's size.
      let q = this.#db.selectFrom('app_identities').selectAll().where('appid', '=', appid).where('unionid', 'is', null);
      if (options.afterOpenid !== undefined) q = q.where('openid', '>', options.afterOpenid);
      const rows = await q.orderBy('openid').limit(options.limit).execute();
      return rows.map(toAppIdentity);
    });
  }

  countAppIdentities(appid: string): Promise<AppIdentityCounts> {
    return withDbErrors(async () => {
      const row = await this.#db
        .selectFrom('app_identities')
        .select((eb) => [eb.fn.countAll().as('total'), eb.fn.count('unionid').as('with_unionid'), eb.fn.count('pending_unionid').as('pending')])
        .where('appid', '=', appid)
        .executeTakeFirstOrThrow();
      return { total: Number(row.total), withUnionid: Number(row.with_unionid), pendingUnionid: Number(row.pending) };
    });
  }

  listUserEvents(userId: string, limit: number): Promise<EventRow[]> {
    return withDbErrors(async () => {
      const rows = await this.#db.selectFrom('events').selectAll().where('user_id', '=', userId).orderBy('id').limit(limit).execute();
      return rows.map(toEvent);
    });
  }

  listEventsAfter(after: FeedPosition, limit: number, filter: { types?: readonly string[]; unionKey?: string } = {}): Promise<FeedEventRow[]> {
    return withDbErrors(async () => {
      let query = this.#db
        .selectFrom('events')
        .selectAll()
        .where((eb) => eb(eb.refTuple('tx', 'id'), '>', eb.tuple(after.tx, after.id)));
      // PostgreSQL: only rows of transactions older than every one still running (0014), so none can land behind us.
      if (this.#dialect === 'postgres') query = query.where('tx', '<', sql<number>`pg_snapshot_xmin(pg_current_snapshot())::text::bigint`);
      if (filter.types && filter.types.length > 0) query = query.where('type', 'in', [...filter.types]);
      // The union lives in the JSON text of `data` (no column of its own, and no migration for it): the dialect's
      // JSON operator filters in SQL, so a page is `limit` matching rows walked along the (tx, id) index.
      if (filter.unionKey !== undefined) {
        const unionOf = this.#dialect === 'postgres' ? sql<string>`(data::jsonb ->> 'unionKey')` : sql<string>`json_extract(data, '$.unionKey')`;
        query = query.where(unionOf, '=', filter.unionKey);
      }
      const rows = await query.orderBy('tx').orderBy('id').limit(limit).execute();
      return rows.map((r) => ({ ...toEvent(r), tx: Number(r.tx) }));
    });
  }

  countUsers(appids?: readonly string[]): Promise<UserCounts> {
    return withDbErrors(async () => {
      if (appids !== undefined) {
        if (appids.length === 0) return { live: 0, merged: null, erased: null };
        const row = await this.#db
          .selectFrom('app_identities')
          .select((eb) => eb.fn.count('user_id').distinct().as('live'))
          .where('appid', 'in', [...appids])
          .executeTakeFirstOrThrow();
        return { live: Number(row.live), merged: null, erased: null };
      }
      const row = await this.#db
        .selectFrom('users')
        .select((eb) => [eb.fn.countAll().as('all'), eb.fn.count('merged_into').as('merged'), eb.fn.count('erased_at').as('erased')])
        .executeTakeFirstOrThrow();
      const merged = Number(row.merged);
      const erased = Number(row.erased);
      return { live: Number(row.all) - merged - erased, merged, erased };
    });
  }

  listMergesSince(since: number, limit: number): Promise<Array<{ at: number; unionKey: string | null }>> {
    return withDbErrors(async () => {
      const rows = await this.#db
        .selectFrom('events')
        .select(['created_at', 'data'])
        .where('type', '=', 'user.merged')
        .where('created_at', '>=', since)
        .orderBy('id')
        .limit(limit)
        .execute();
      return rows.map((r) => {
        const d = JSON.parse(r.data) as { unionKey?: unknown };
        return { at: Number(r.created_at), unionKey: typeof d.unionKey === 'string' ? d.unionKey : null };
      });
    });
  }
}
