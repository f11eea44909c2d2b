/**
 * The better-sqlite3 connection behind a Kysely SQLite dialect, for the few writes that are cheaper run
 * synchronously than through Kysely's per-statement promise chain (the group commit of job enqueues:
 * job-enqueue-batch.ts). Kysely still owns the connection: `run` holds it (Kysely's connection mutex) for the
 * whole synchronous unit, so no Kysely query or transaction can interleave with it.
 */
import type { Database as BetterSqlite3Database } from 'better-sqlite3';
import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

export class SqliteConnection {
  #raw: BetterSqlite3Database | undefined;

  /** Called by the dialect when Kysely opens the file (dialects/sqlite.ts `onOpen`). */
  readonly opened = (raw: BetterSqlite3Database): void => {
    this.#raw = raw;
  };

  /**
   * Runs `fn` on the raw connection while holding Kysely's only SQLite connection. `fn` must be synchronous (it
   * cannot await: nothing else may use the connection until it returns).
   */
  run<T>(db: Kysely<Database>, fn: (raw: BetterSqlite3Database) => T): Promise<T> {
    return db.connection().execute(async () => {
      // Set by now: acquiring the connection opened the database.
      if (!this.#raw) throw new Error('SqliteConnection: the dialect was not created with this connection');
      return fn(this.#raw);
    });
  }
}
