/**
 * The SQL of the admin port (port/admin-store.ts), written once for both dialects: the identity queries plus the
 * reads by any id and the writes of an erasure. `KyselyAdminStore` runs the reads on the pool and hands a
 * transaction the same queries on its connection.
 */
import type { Kysely, Selectable } from 'kysely';
import { withDbErrors } from './db-errors.js';
import type { DialectName } from './dialects/dialect-name.js';
import { IdentityQueries, prepareHotReads, type HotReads } from './identity-queries.js';
import type { AdminStore, AdminTx, AdminUserRow, AppIdentityRow, ErasedIdentityRow, EventRow, UnionIdentityRow } from './port.js';
import type { Database, UsersTable } from './schema.js';
import { writeTransaction } from './write-transaction.js';

const run = withDbErrors;

export class AdminQueries extends IdentityQueries implements AdminTx {
  readonly #db: Kysely<Database>;
  readonly #dialect: DialectName;

  constructor(db: Kysely<Database>, dialect: DialectName, reads: HotReads) {
    super(db, dialect, reads);
    this.#db = db;
    this.#dialect = dialect;
  }

  findAdminUser(id: string): Promise<AdminUserRow | undefined> {
    return run(async () => {
      const row = await this.#db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toAdminUser(row);
    });
  }

  lockAdminUser(id: string, mode: 'share' | 'update'): Promise<AdminUserRow | undefined> {
    return run(async () => {
      let query = this.#db.selectFrom('users').selectAll().where('id', '=', id);
      // SQLite has no row locks: its transactions (BEGIN IMMEDIATE) already run one at a time.
      if (this.#dialect === 'postgres') query = mode === 'update' ? query.forUpdate() : query.forShare();
      const row = await query.executeTakeFirst();
      return row && toAdminUser(row);
    });
  }

  async findAppIdentitiesByOpenid(openid: string, appid?: string): Promise<AppIdentityRow[]> {
    const rows = await run(async () => {
      let query = this.#db.selectFrom('app_identities').select(['appid', 'openid', 'user_id']).where('openid', '=', openid);
      if (appid !== undefined) query = query.where('appid', '=', appid);
      return query.orderBy('appid').execute();
    });
    const found = await Promise.all(rows.map((r) => this.findAppIdentity(r.appid, r.openid)));
    return found.filter((r): r is AppIdentityRow => r !== undefined);
  }

  findUnionIdentitiesByUnionid(unionid: string, unionKey?: string): Promise<UnionIdentityRow[]> {
    return run(async () => {
      let query = this.#db.selectFrom('union_identities').selectAll().where('unionid', '=', unionid);
      if (unionKey !== undefined) query = query.where('union_key', '=', unionKey);
      const rows = await query.orderBy('union_key').execute();
      return rows.map((r) => ({
        unionKey: r.union_key,
        unionid: r.unionid,
        userId: r.user_id,
        createdAt: Number(r.created_at),
        confirmed: Number(r.confirmed) === 1,
      }));
    });
  }

  findUserIdsByPhone(phone: string): Promise<string[]> {
    return run(async () => {
      const rows = await this.#db
        .selectFrom('users')
        .select('id')
        .where((eb) => eb.or([eb('phone_pure', '=', phone), eb('phone_number', '=', phone)]))
        .orderBy('id')
        .execute();
      return rows.map((r) => r.id);
    });
  }

  findErasedIdentities(keyHashes: string[]): Promise<ErasedIdentityRow[]> {
    if (keyHashes.length === 0) return Promise.resolve([]);
    return run(async () => {
      const rows = await this.#db.selectFrom('erased_identities').selectAll().where('key_hash', 'in', keyHashes).execute();
      return rows.map((r) => ({
        keyHash: r.key_hash,
        kind: r.kind === 'union' ? 'union' : 'app',
        appid: r.appid,
        unionKey: r.union_key,
        userId: r.user_id,
        erasedAt: Number(r.erased_at),
      }));
    });
  }

  listEventsOfUsers(userIds: string[], options: { limit?: number } = {}): Promise<EventRow[]> {
    if (userIds.length === 0) return Promise.resolve([]);
    return run(async () => {
      const rows = await this.#db
        .selectFrom('events')
        .selectAll()
        .where('user_id', 'in', userIds)
        .orderBy('id')
        .limit(options.limit ?? 1000)
        .execute();
      return rows.map((r) => ({
        id: Number(r.id),
        type: r.type as EventRow['type'],
        userId: r.user_id,
        data: JSON.parse(r.data) as Record<string, unknown>,
        createdAt: Number(r.created_at),
      }));
    });
  }

  deleteAppIdentity(appid: string, openid: string): Promise<boolean> {
    return run(async () => {
      const r = await this.#db.deleteFrom('app_identities').where('appid', '=', appid).where('openid', '=', openid).executeTakeFirst();
      return r.numDeletedRows > 0n;
    });
  }

  deleteUnionIdentity(unionKey: string, unionid: string): Promise<boolean> {
    return run(async () => {
      const r = await this.#db.deleteFrom('union_identities').where('union_key', '=', unionKey).where('unionid', '=', unionid).executeTakeFirst();
      return r.numDeletedRows > 0n;
    });
  }

  insertErasedIdentity(row: ErasedIdentityRow): Promise<void> {
    return run(async () => {
      // An id erased twice (erased, seen again as a new user, erased again) points at the latest tombstone.
      await this.#db
        .insertInto('erased_identities')
        .values({ key_hash: row.keyHash, kind: row.kind, appid: row.appid, union_key: row.unionKey, user_id: row.userId, erased_at: row.erasedAt })
        .onConflict((oc) => oc.column('key_hash').doUpdateSet({ user_id: row.userId, erased_at: row.erasedAt }))
        .execute();
    });
  }

  eraseUsers(userIds: string[], tombstoneId: string, at: number): Promise<{ phones: number }> {
    return run(async () => {
      let phones = 0;
      if (userIds.length > 0) {
        const cleared = await this.#db
          .updateTable('users')
          .set({ phone_number: null, phone_pure: null, phone_country: null, phone_at: null })
          .where('id', 'in', userIds)
          .where('phone_number', 'is not', null)
          .executeTakeFirst();
        phones = Number(cleared.numUpdatedRows);
      }
      const r = await this.#db.updateTable('users').set({ erased_at: at }).where('id', '=', tombstoneId).executeTakeFirst();
      if (r.numUpdatedRows === 0n) throw new TypeError(`no user ${tombstoneId} to erase`);
      return { phones };
    });
  }

  redactEvents(userIds: string[], keys: readonly string[]): Promise<number> {
    if (userIds.length === 0) return Promise.resolve(0);
    return run(async () => {
      const rows = await this.#db.selectFrom('events').select(['id', 'data']).where('user_id', 'in', userIds).execute();
      let changed = 0;
      for (const row of rows) {
        const data = JSON.parse(row.data) as Record<string, unknown>;
        if (!keys.some((k) => k in data)) continue;
        for (const k of keys) delete data[k];
        data.redacted = true;
        await this.#db
          .updateTable('events')
          .set({ data: JSON.stringify(data) })
          .where('id', '=', row.id)
          .execute();
        changed++;
      }
      return changed;
    });
  }
}

/** The admin sub-store: reads on the pool; `transaction` hands `fn` the same queries on one connection. */
export class KyselyAdminStore extends AdminQueries implements AdminStore {
  readonly #db: Kysely<Database>;
  readonly #dialect: DialectName;
  readonly #reads: HotReads;

  constructor(db: Kysely<Database>, dialect: DialectName, reads: HotReads = prepareHotReads(db)) {
    super(db, dialect, reads);
    this.#db = db;
    this.#dialect = dialect;
    this.#reads = reads;
  }

  transaction<T>(fn: (tx: AdminTx) => Promise<T>): Promise<T> {
    return writeTransaction(this.#db, this.#dialect, (trx) => fn(new AdminQueries(trx, this.#dialect, this.#reads)));
  }
}

function toAdminUser(r: Selectable<UsersTable>): AdminUserRow {
  return {
    id: r.id,
    createdAt: Number(r.created_at),
    mergedInto: r.merged_into,
    mergedAt: r.merged_at === null ? null : Number(r.merged_at),
    erasedAt: r.erased_at == null ? null : Number(r.erased_at),
  };
}
