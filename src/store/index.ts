export * from './port.js';
export type { Database } from './schema.js';
export { createKyselyStore, KyselyIdentityStore } from './kysely-store.js';
export { openStore, type OpenStoreOptions, type OpenedStore, type PoolUse, type StoreLogger } from './open-store.js';
export { oldestDueJobRunAt } from './job-queue-age.js';
export { migrate, checkSchema, createMigrator, type SchemaState } from './migrations/migrate.js';
export { MIGRATIONS, migrationProvider } from './migrations/provider.js';
export { createSqliteDialect, type SqliteDialectOptions } from './dialects/sqlite.js';
// The PostgreSQL dialect is not re-exported: importing this index must not load `pg` (open-store.ts loads it only
// for a postgres URL; the CLI's peak RSS depends on it, BENCHMARKS.md "backfill").
export type { DialectName } from './dialects/dialect-name.js';
