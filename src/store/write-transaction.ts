/**
 * One write transaction on either dialect, for every multi-statement write of the store (identity transactions,
 * flow updates, phone numbers, SQLite job claims).
 */
import { sql, type Kysely } from 'kysely';
import { mapDbError } from './db-errors.js';
import type { DialectName } from './dialects/dialect-name.js';
import type { Database } from './schema.js';

/**
 * Runs `fn` on a transaction's executor; commits when it resolves, rolls back when it throws (the error is
 * rethrown through `mapDbError`).
 *
 * PostgreSQL: READ COMMITTED (set explicitly, whatever the server default) with row locks taken by the statements
 * themselves (`FOR UPDATE`, `FOR SHARE`, `SKIP LOCKED`): concurrent writers of one row queue on it instead of
 * aborting each other (SERIALIZABLE was tried: 50 parallel logins of one person needed up to 9 attempts).
 * Deadlocks (40P01), and 40001 should a DBA force a stricter level, surface as RetryableTransactionError.
 * SQLite: BEGIN IMMEDIATE takes the write lock up front, so two processes on one file queue on busy_timeout
 * instead of deadlocking on a read→write lock upgrade; in-process, Kysely's single connection already runs one
 * transaction at a time.
 */
export async function writeTransaction<T>(db: Kysely<Database>, dialect: DialectName, fn: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
  try {
    if (dialect === 'postgres') {
      return await db.transaction().setIsolationLevel('read committed').execute(fn);
    }
    return await db.connection().execute(async (conn) => {
      await sql`begin immediate`.execute(conn);
      let result: T;
      try {
        result = await fn(conn);
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
