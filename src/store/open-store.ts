/**
 * `openStore(url)`: the composition root of the storage layer — picks the dialect from the URL, builds
 * Kysely and the store, and hands back migrate/check/close bound to it.
 */
import { Kysely, type MigrationResultSet } from 'kysely';
import { createSqliteDialect } from './dialects/sqlite.js';
import { SqliteConnection } from './dialects/sqlite-connection.js';
import type { DialectName } from './dialects/dialect-name.js';
import { createKyselyStore } from './kysely-store.js';
import { checkSchema, migrate, type SchemaState } from './migrations/migrate.js';
import type { Database } from './schema.js';
import type { WeunionStore } from './port.js';

/** The slice of a pino-like logger the store uses. */
export interface StoreLogger {
  warn(obj: Record<string, unknown>, msg: string): void;
}

export interface OpenStoreOptions {
  /** PostgreSQL pool size (default 10); ignored for SQLite (one connection). */
  poolSize?: number;
  logger?: StoreLogger;
}

export interface OpenedStore {
  store: WeunionStore;
  db: Kysely<Database>;
  dialect: DialectName;
  /** Applies pending migrations; never throws, see `migrate()`. */
  migrate(): Promise<MigrationResultSet>;
  /** Compares the database with this build's migrations. */
  checkSchema(): Promise<SchemaState>;
  /** Closes the pool / file. Idempotent. */
  close(): Promise<void>;
  /** PostgreSQL: the pool's connections now (open, idle, and requests waiting for one); undefined for SQLite. */
  poolUse?(): PoolUse | undefined;
}

export interface PoolUse {
  total: number;
  idle: number;
  waiting: number;
  max: number;
}

/**
 * Opens a store for `sqlite:<path>`, `sqlite::memory:` or `postgres://…` (`postgresql://…`).
 * Nothing is migrated: call `migrate()` (or refuse to start unless `checkSchema()` is 'current').
 * @example
 *   const opened = await openStore('sqlite:.weunion/weunion.db');
 *   const { error } = await opened.migrate();
 *   if (error) throw error;
 */
export async function openStore(url: string, options: OpenStoreOptions = {}): Promise<OpenedStore> {
  if (typeof url !== 'string') throw new TypeError('store url must be a string');
  let dialect: DialectName;
  let db: Kysely<Database>;
  let sqlite: SqliteConnection | undefined;
  let poolUse: () => PoolUse | undefined = () => undefined;
  if (url.startsWith('sqlite:')) {
    dialect = 'sqlite';
    sqlite = new SqliteConnection();
    const logger = options.logger;
    db = new Kysely<Database>({
      dialect: createSqliteDialect(url.slice('sqlite:'.length), {
        onOpen: sqlite.opened,
        onCheckpointError: (message) => logger?.warn({ err: { message } }, 'background SQLite WAL checkpoint failed'),
      }),
    });
  } else if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    dialect = 'postgres';
    const logger = options.logger;
    // Loaded here, not at import: the CLI's data commands on SQLite (data-context.ts) never load pg.
    const { createPostgresDialect } = await import('./dialects/postgres.js');
    db = new Kysely<Database>({
      dialect: createPostgresDialect(url, {
        ...(options.poolSize === undefined ? {} : { poolSize: options.poolSize }),
        onPoolError: (error) => logger?.warn({ err: { message: error.message } }, 'idle PostgreSQL client errored'),
        onPool: (pool) => {
          poolUse = () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount, max: pool.options.max ?? 10 });
        },
      }),
    });
  } else {
    // Do not echo the URL: a postgres URL may carry a password.
    throw new TypeError('store url must start with sqlite: or postgres://');
  }
  const store = createKyselyStore(db, sqlite ? { sqlite } : {});
  return {
    store,
    db,
    dialect,
    migrate: () => migrate(db),
    checkSchema: () => checkSchema(db),
    close: () => store.close(),
    poolUse: () => poolUse(),
  };
}
