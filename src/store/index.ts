export * from './port.js';
export type { Database } from './schema.js';
export { createKyselyStore, KyselyIdentityStore } from './kysely-store.js';
export { openStore, type OpenStoreOptions, type OpenedStore, type StoreLogger } from './open-store.js';
export { migrate, checkSchema, createMigrator, type SchemaState } from './migrations/migrate.js';
export { MIGRATIONS, migrationProvider } from './migrations/provider.js';
export { createSqliteDialect, type SqliteDialectOptions } from './dialects/sqlite.js';
export { createPostgresDialect, type PostgresDialectOptions } from './dialects/postgres.js';
export type { DialectName } from './dialects/dialect-name.js';
