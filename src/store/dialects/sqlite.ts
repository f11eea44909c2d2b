/** The embedded SQLite dialect: one better-sqlite3 connection, WAL, foreign keys on. */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteDialect } from 'kysely';
import { withStatementCache } from './statement-cache.js';

export interface SqliteDialectOptions {
  /** How long a writer waits for another process's lock before SQLITE_BUSY (ms). Default 5000. */
  busyTimeoutMs?: number;
  /** Handed the better-sqlite3 connection once Kysely has opened it (sqlite-connection.ts). */
  onOpen?: (db: Database.Database) => void;
}

/**
 * Opens `path` (creating its parent folder) or an in-memory database for `':memory:'`.
 * WAL lets readers run beside the writer; `busy_timeout` makes a second process wait for the write
 * lock instead of failing at once; foreign keys are off by default in SQLite, so they are turned on.
 * @example
 *   const db = new Kysely<Database>({ dialect: createSqliteDialect('.weunion/weunion.db') });
 */
export function createSqliteDialect(path: string, options: SqliteDialectOptions = {}): SqliteDialect {
  if (typeof path !== 'string' || path === '') throw new TypeError('SQLite path must be a non-empty string');
  const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
  if (!Number.isInteger(busyTimeoutMs) || busyTimeoutMs < 0) throw new TypeError('busyTimeoutMs must be an integer ≥ 0');
  return new SqliteDialect({
    database: async () => {
      if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
      const db = new Database(path);
      db.pragma('journal_mode = WAL');
      // NORMAL is durable across application crashes in WAL mode; only an OS crash may lose the last commits.
      db.pragma('synchronous = NORMAL');
      db.pragma(`busy_timeout = ${busyTimeoutMs}`);
      db.pragma('foreign_keys = ON');
      options.onOpen?.(db);
      return withStatementCache(db);
    },
  });
}
