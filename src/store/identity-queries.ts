/**
 * The SQL of the identity port, written once for both dialects. An instance is bound to one Kysely
 * executor: the pool (reads outside a transaction) or a transaction's connection (`IdentityTx`).
 * Every driver error goes through `mapDbError`.
 */
import type { Kysely, Selectable, Updateable } from 'kysely';
import { withDbErrors } from './db-errors.js';
import { findAppIdentities, findUnionIdentities, insertMany } from './identity-bulk-queries.js';
import { toAppIdentity, toEvent, toUnionIdentity, toUser } from './identity-rows.js';
import { prepareQuery, type PreparedQuery } from './prepared-query.js';
import type { DialectName } from './dialects/dialect-name.js';
import type { AppIdentitiesTable, Database } from './schema.js';
import type {
  AppIdentityRow,
  EventRow,
  IdentityCounts,
  IdentityTx,
  NewAppIdentityRow,
  NewRows,
  NewUnionIdentityRow,
  UnionIdentityRow,
  UserRow,
} from './port.js';

/**
 * The port's queries over one Kysely executor (`dialect` decides whether row locks exist): the transaction's
 * operations (`IdentityTx`) and, over the pool, the reads of `IdentityStore` (see `KyselyIdentityStore`).
 */
export class IdentityQueries implements IdentityTx {
  readonly #db: Kysely<Database>;
  readonly #dialect: DialectName;
  readonly #reads: HotReads;

  /** `reads`: from `prepareHotReads(db)`, made once per store (not per transaction). */
  constructor(db: Kysely<Database>, dialect: DialectName, reads: HotReads) {
    this.#db = db;
    this.#dialect = dialect;
    this.#reads = reads;
  }

  findAppIdentity(appid: string, openid: string): Promise<AppIdentityRow | undefined> {
    return run(async () => {
      const [row] = await this.#reads.appIdentity(this.#db, { appid, openid });
      return row && toAppIdentity(row);
    });
  }

  findUnionIdentity(unionKey: string, unionid: string): Promise<UnionIdentityRow | undefined> {
    return run(async () => {
      const row = await this.#db.selectFrom('union_identities').selectAll().where('union_key', '=', unionKey).where('unionid', '=', unionid).executeTakeFirst();
      return row && toUnionIdentity(row);
    });
  }

  findUser(id: string): Promise<UserRow | undefined> {
    return run(async () => {
      const row = await this.#db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toUser(row);
    });
  }

  lockUser(id: string, mode: 'share' | 'update'): Promise<UserRow | undefined> {
    return run(async () => {
      let query = this.#db.selectFrom('users').selectAll().where('id', '=', id);
      // SQLite has no row locks: its transactions (BEGIN IMMEDIATE) already run one at a time.
      if (this.#dialect === 'postgres') query = mode === 'update' ? query.forUpdate() : query.forShare();
      const row = await query.executeTakeFirst();
      return row && toUser(row);
    });
  }

  insertUser(row: UserRow): Promise<void> {
    return run(async () => {
      await this.#db.insertInto('users').values({ id: row.id, created_at: row.createdAt, merged_into: row.mergedInto, merged_at: row.mergedAt }).execute();
    });
  }

  insertAppIdentity(row: NewAppIdentityRow): Promise<void> {
    return run(async () => {
      await this.#db
        .insertInto('app_identities')
        .values({
          appid: row.appid,
          openid: row.openid,
          user_id: row.userId,
          unionid: row.unionid,
          session_key_enc: row.sessionKeyEnc,
          first_seen_at: row.firstSeenAt,
          last_seen_at: row.lastSeenAt,
          subscribed: row.subscribed == null ? null : row.subscribed ? 1 : 0,
          subscribed_at: row.subscribedAt ?? null,
          pending_unionid: row.pendingUnionid ?? null,
        })
        .execute();
    });
  }

  insertUnionIdentity(row: NewUnionIdentityRow): Promise<void> {
    return run(async () => {
      await this.#db
        .insertInto('union_identities')
        .values({ union_key: row.unionKey, unionid: row.unionid, user_id: row.userId, created_at: row.createdAt, confirmed: row.confirmed === false ? 0 : 1 })
        .execute();
    });
  }

  confirmUnionIdentity(unionKey: string, unionid: string): Promise<void> {
    return run(async () => {
      const r = await this.#db
        .updateTable('union_identities')
        .set({ confirmed: 1 })
        .where('union_key', '=', unionKey)
        .where('unionid', '=', unionid)
        .executeTakeFirst();
      if (r.numUpdatedRows === 0n) throw new TypeError(`no union identity (${unionKey}, …) to confirm`);
    });
  }

  releaseUnionClaim(unionKey: string, unionid: string, claimantId: string): Promise<{ released: boolean; appIdentities: number }> {
    return run(async () => {
      const gone = await this.#db
        .deleteFrom('union_identities')
        .where('union_key', '=', unionKey)
        .where('unionid', '=', unionid)
        .where('user_id', '=', claimantId)
        .where('confirmed', '=', 0)
        .executeTakeFirst();
      if (gone.numDeletedRows === 0n) return { released: false, appIdentities: 0 };
      // unionids are unique across Open Platform accounts in practice; scoping by the claimant keeps it exact.
      const moved = await this.#db
        .updateTable('app_identities')
        .set({ unionid: null, pending_unionid: unionid })
        .where('user_id', '=', claimantId)
        .where('unionid', '=', unionid)
        .executeTakeFirst();
      return { released: true, appIdentities: Number(moved.numUpdatedRows) };
    });
  }

  updateAppIdentity(
    appid: string,
    openid: string,
    patch: Partial<Pick<AppIdentityRow, 'unionid' | 'sessionKeyEnc' | 'lastSeenAt' | 'userId' | 'pendingUnionid'>>,
  ): Promise<void> {
    return run(async () => {
      const set: Updateable<AppIdentitiesTable> = {};
      if (patch.unionid !== undefined) set.unionid = patch.unionid;
      if (patch.sessionKeyEnc !== undefined) set.session_key_enc = patch.sessionKeyEnc;
      if (patch.lastSeenAt !== undefined) set.last_seen_at = patch.lastSeenAt;
      if (patch.userId !== undefined) set.user_id = patch.userId;
      if (patch.pendingUnionid !== undefined) set.pending_unionid = patch.pendingUnionid;
      if (Object.keys(set).length === 0) {
        // Nothing to change: check the row exists without writing (a write would only add contention).
        if (!(await this.findAppIdentity(appid, openid))) throw new TypeError(`no app identity (${appid}, ${openid}) to update`);
        return;
      }
      const result = await this.#db.updateTable('app_identities').set(set).where('appid', '=', appid).where('openid', '=', openid).executeTakeFirst();
      if (result.numUpdatedRows === 0n) throw new TypeError(`no app identity (${appid}, ${openid}) to update`);
    });
  }

  moveIdentities(fromUserId: string, toUserId: string): Promise<{ app: number; union: number }> {
    return run(async () => {
      const app = await this.#db.updateTable('app_identities').set({ user_id: toUserId }).where('user_id', '=', fromUserId).executeTakeFirst();
      const union = await this.#db.updateTable('union_identities').set({ user_id: toUserId }).where('user_id', '=', fromUserId).executeTakeFirst();
      return { app: Number(app.numUpdatedRows), union: Number(union.numUpdatedRows) };
    });
  }

  markMerged(loserId: string, survivorId: string, at: number): Promise<void> {
    if (loserId === survivorId) return Promise.reject(new TypeError('cannot merge a user into itself'));
    return run(async () => {
      // Earlier aliases of the loser now point straight at the survivor: chains stay one hop long.
      await this.#db.updateTable('users').set({ merged_into: survivorId }).where('merged_into', '=', loserId).execute();
      const result = await this.#db.updateTable('users').set({ merged_into: survivorId, merged_at: at }).where('id', '=', loserId).executeTakeFirst();
      if (result.numUpdatedRows === 0n) throw new TypeError(`no user ${loserId} to mark merged`);
    });
  }

  carryPhone(loserId: string, survivorId: string): Promise<boolean> {
    return run(async () => {
      const loser = await this.#db
        .selectFrom('users')
        .select(['phone_number', 'phone_pure', 'phone_country', 'phone_at'])
        .where('id', '=', loserId)
        .executeTakeFirstOrThrow();
      if (loser.phone_number === null) return false;
      const carried = await this.#db
        .updateTable('users')
        .set({ phone_number: loser.phone_number, phone_pure: loser.phone_pure, phone_country: loser.phone_country, phone_at: loser.phone_at })
        .where('id', '=', survivorId)
        .where('phone_number', 'is', null)
        .executeTakeFirst();
      return carried.numUpdatedRows > 0n;
    });
  }

  appendEvent(event: Omit<EventRow, 'id'>): Promise<void> {
    return run(async () => {
      await this.#db
        .insertInto('events')
        .values({ type: event.type, user_id: event.userId, data: JSON.stringify(event.data), created_at: event.createdAt })
        .execute();
    });
  }

  findAppIdentities(keys: readonly { appid: string; openid: string }[]): Promise<AppIdentityRow[]> {
    return run(() => findAppIdentities(this.#db, keys));
  }

  findUnionIdentities(keys: readonly { unionKey: string; unionid: string }[]): Promise<UnionIdentityRow[]> {
    return run(() => findUnionIdentities(this.#db, keys));
  }

  insertMany(rows: NewRows): Promise<void> {
    return run(() => insertMany(this.#db, rows));
  }

  listAppIdentities(userId: string): Promise<AppIdentityRow[]> {
    return run(async () => {
      const rows = await this.#db.selectFrom('app_identities').selectAll().where('user_id', '=', userId).orderBy('appid').orderBy('openid').execute();
      return rows.map(toAppIdentity);
    });
  }

  findAppIdentityInUnion(
    appid: string,
    openid: string,
    unionKey: string,
    unionid: string,
  ): Promise<{ identity: AppIdentityRow; unionOwner: string | null; unionConfirmed: boolean | null } | undefined> {
    return run(async () => {
      const [row] = await this.#reads.appIdentityInUnion(this.#db, { appid, openid, unionKey, unionid });
      if (!row) return undefined;
      const { union_owner: unionOwner, union_confirmed: unionConfirmed, ...app } = row;
      return {
        identity: toAppIdentity(app as Parameters<typeof toAppIdentity>[0]),
        unionOwner: unionOwner ?? null,
        unionConfirmed: unionConfirmed == null ? null : Number(unionConfirmed) === 1,
      };
    });
  }

  listUnionIdentities(userId: string): Promise<UnionIdentityRow[]> {
    return run(async () => {
      const rows = await this.#db.selectFrom('union_identities').selectAll().where('user_id', '=', userId).orderBy('union_key').orderBy('unionid').execute();
      return rows.map(toUnionIdentity);
    });
  }

  listAliases(userId: string): Promise<string[]> {
    return run(async () => {
      const rows = await this.#db.selectFrom('users').select('id').where('merged_into', '=', userId).orderBy('id').execute();
      return rows.map((r) => r.id);
    });
  }

  listEvents(options: { afterId?: number; limit?: number } = {}): Promise<EventRow[]> {
    const afterId = options.afterId ?? 0;
    const limit = options.limit ?? 100;
    if (!Number.isSafeInteger(afterId) || afterId < 0) return Promise.reject(new TypeError('afterId must be an integer ≥ 0'));
    if (!Number.isSafeInteger(limit) || limit < 1) return Promise.reject(new TypeError('limit must be an integer ≥ 1'));
    return run(async () => {
      const rows = await this.#db.selectFrom('events').selectAll().where('id', '>', afterId).orderBy('id').limit(limit).execute();
      return rows.map(toEvent);
    });
  }

  counts(): Promise<IdentityCounts> {
    return run(async () => {
      const db = this.#db;
      const n = (row: { n: string | number | bigint }): number => Number(row.n);
      const [users, liveUsers, appIdentities, unionIdentities, events] = await Promise.all([
        db
          .selectFrom('users')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
          .then(n),
        db
          .selectFrom('users')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('merged_into', 'is', null)
          .executeTakeFirstOrThrow()
          .then(n),
        db
          .selectFrom('app_identities')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
          .then(n),
        db
          .selectFrom('union_identities')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
          .then(n),
        db
          .selectFrom('events')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
          .then(n),
      ]);
      return { users, liveUsers, appIdentities, unionIdentities, events };
    });
  }
}

const run = withDbErrors;

/** The reads of every login's fast path, compiled once (prepared-query.ts). */
export interface HotReads {
  appIdentity: PreparedQuery<'appid' | 'openid', Selectable<AppIdentitiesTable>>;
  appIdentityInUnion: PreparedQuery<
    'appid' | 'openid' | 'unionKey' | 'unionid',
    Selectable<AppIdentitiesTable> & { union_owner: string | null; union_confirmed: number | null }
  >;
}

export function prepareHotReads(db: Kysely<Database>): HotReads {
  return {
    appIdentity: prepareQuery(['appid', 'openid'], (p) =>
      db.selectFrom('app_identities').selectAll().where('appid', '=', p.appid).where('openid', '=', p.openid),
    ),
    appIdentityInUnion: prepareQuery(['appid', 'openid', 'unionKey', 'unionid'], (p) =>
      db
        .selectFrom('app_identities as a')
        .leftJoin('union_identities as u', (join) => join.on('u.union_key', '=', p.unionKey).on('u.unionid', '=', p.unionid))
        .selectAll('a')
        .select(['u.user_id as union_owner', 'u.confirmed as union_confirmed'])
        .where('a.appid', '=', p.appid)
        .where('a.openid', '=', p.openid),
    ),
  };
}
