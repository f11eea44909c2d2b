/** The embedded SQLite dialect: one better-sqlite3 connection, WAL checkpointed off-thread, foreign keys on. */
import Database from 'better-sqlite3';
import { SqliteDialect } from 'kysely';
import { checkCheckpointInterval, startSqliteCheckpointer, type SqliteCheckpointer } from './sqlite-checkpointer.js';
import { preparePrivateDatabaseFile, restrictSidecarFiles } from './sqlite-file-mode.js';
import { withStatementCache } from './statement-cache.js';

/** The writer's own autocheckpoint, only a backstop: the checkpointer thread keeps the WAL far below it. */
const BACKSTOP_CHECKPOINT_PAGES = 10_000;

export interface SqliteDialectOptions {
  /** How long a writer waits for another process's lock before SQLITE_BUSY (ms). Default 5000. */
  busyTimeoutMs?: number;
  /** Handed the better-sqlite3 connection once Kysely has opened it (sqlite-connection.ts). */
  onOpen?: (db: Database.Database) => void;
  /** Time between two WAL checkpoints of a file database, run by a worker thread (ms). Default 250. */
  checkpointIntervalMs?: number;
  /** Told when a background WAL checkpoint fails. */
  onCheckpointError?: (message: string) => void;
}

/**
 * Opens `path` (creating its parent folder, 0700, and the file, 0600: sqlite-file-mode.ts) or an in-memory database
 * for `':memory:'`.
 * WAL lets readers run beside the writer, and its checkpoints run on a worker thread (sqlite-checkpointer.ts), so
 * their fsyncs never stop the event loop; `busy_timeout` makes a second process wait for the write lock instead of
 * failing at once; foreign keys are off by default in SQLite, so they are turned on.
 * @example
 *   const db = new Kysely<Database>({ dialect: createSqliteDialect('.weunion/weunion.db') });
 */
export function createSqliteDialect(path: string, options: SqliteDialectOptions = {}): SqliteDialect {
  if (typeof path !== 'string' || path === '') throw new TypeError('SQLite path must be a non-empty string');
  const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
  if (!Number.isInteger(busyTimeoutMs) || busyTimeoutMs < 0) throw new TypeError('busyTimeoutMs must be an integer ≥ 0');
  checkCheckpointInterval(options.checkpointIntervalMs);
  return new SqliteDialect({
    database: async () => {
      if (path !== ':memory:') preparePrivateDatabaseFile(path);
      const db = new Database(path);
      db.pragma('journal_mode = WAL');
      // NORMAL is durable across application crashes in WAL mode; only an OS crash may lose the last commits.
      db.pragma('synchronous = NORMAL');
      db.pragma(`busy_timeout = ${busyTimeoutMs}`);
      db.pragma('foreign_keys = ON');
      options.onOpen?.(db);
      const cached = withStatementCache(db);
      if (path === ':memory:') return cached;
      let checkpointer: SqliteCheckpointer;
      try {
        restrictSidecarFiles(path); // those an older build left 0644; new ones take the database file's 0600
        db.pragma(`wal_autocheckpoint = ${BACKSTOP_CHECKPOINT_PAGES}`);
        checkpointer = startSqliteCheckpointer(path, {
          ...(options.checkpointIntervalMs === undefined ? {} : { intervalMs: options.checkpointIntervalMs }),
          ...(options.onCheckpointError ? { onError: options.onCheckpointError } : {}),
        });
      } catch (e) {
        db.close(); // Kysely opens the file again on the next query: this handle must not leak
        throw e;
      }
      return {
        prepare: (sql) => cached.prepare(sql),
        close: () => {
          void checkpointer.stop();
          cached.close();
        },
      };
    },
  });
}
