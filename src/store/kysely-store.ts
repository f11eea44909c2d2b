/**
 * The one `IdentityStore` implementation, over Kysely, for SQLite and PostgreSQL. The dialects differ
 * only in how a transaction begins (see `transaction`); the SQL lives in `identity-queries.ts`.
 */
import { sql, type Kysely } from 'kysely';
import { mapDbError } from './db-errors.js';
import { dialectName, type DialectName } from './dialects/dialect-name.js';
import { IdentityQueries } from './identity-queries.js';
import type { Database } from './schema.js';
import type { AppIdentityRow, EventRow, IdentityStore, IdentityTx, UnionIdentityRow, UserRow } from './port.js';

/**
 * An `IdentityStore` over an open Kysely instance (which `close()` destroys).
 * @example
 *   const store = new KyselyStore(db);
 *   await store.transaction(async (tx) => tx.findUser('u_…'));
 */
export class KyselyStore implements IdentityStore {
  readonly #db: Kysely<Database>;
  readonly #dialect: DialectName;
  readonly #queries: IdentityQueries;
  #closing: Promise<void> | undefined;

  constructor(db: Kysely<Database>) {
    this.#db = db;
    this.#dialect = dialectName(db);
    this.#queries = new IdentityQueries(db, this.#dialect);
  }

  /**
   * PostgreSQL: READ COMMITTED (set explicitly, whatever the server default) with row locks taken by
   * `lockUser`: concurrent logins of one person queue on the user row instead of aborting each other
   * (SERIALIZABLE was tried: 50 parallel logins of one person needed up to 9 attempts). Deadlocks
   * (40P01), and 40001 should a DBA force a stricter level, surface as RetryableTransactionError.
   * SQLite: BEGIN IMMEDIATE takes the write lock up front, so two processes on one file queue on
   * busy_timeout instead of deadlocking on a read→write lock upgrade; in-process, Kysely's single
   * connection already runs one transaction at a time.
   */
  async transaction<T>(fn: (tx: IdentityTx) => Promise<T>): Promise<T> {
    try {
      if (this.#dialect === 'postgres') {
        return await this.#db
          .transaction()
          .setIsolationLevel('read committed')
          .execute((trx) => fn(new IdentityQueries(trx, 'postgres')));
      }
      return await this.#db.connection().execute(async (conn) => {
        await sql`begin immediate`.execute(conn);
        let result: T;
        try {
          result = await fn(new IdentityQueries(conn, 'sqlite'));
          await sql`commit`.execute(conn);
        } catch (e) {
          // SQLite may already have rolled back by itself (e.g. after SQLITE_FULL); that is fine.
          await sql`rollback`.execute(conn).catch(() => undefined);
          throw e;
        }
        return result;
      });
    } catch (e) {
      throw mapDbError(e);
    }
  }

  findUser(id: string): Promise<UserRow | undefined> {
    return this.#queries.findUser(id);
  }

  findAppIdentity(appid: string, openid: string): Promise<AppIdentityRow | undefined> {
    return this.#queries.findAppIdentity(appid, openid);
  }

  listAppIdentities(userId: string): Promise<AppIdentityRow[]> {
    return this.#queries.listAppIdentities(userId);
  }

  listUnionIdentities(userId: string): Promise<UnionIdentityRow[]> {
    return this.#queries.listUnionIdentities(userId);
  }

  listAliases(userId: string): Promise<string[]> {
    return this.#queries.listAliases(userId);
  }

  listEvents(options?: { afterId?: number; limit?: number }): Promise<EventRow[]> {
    return this.#queries.listEvents(options);
  }

  counts(): Promise<{ users: number; liveUsers: number; appIdentities: number; unionIdentities: number; events: number }> {
    return this.#queries.counts();
  }

  /** Destroys the Kysely instance (closing the pool / file). Idempotent. */
  close(): Promise<void> {
    this.#closing ??= this.#db.destroy();
    return this.#closing;
  }
}
