/**
 * Applying migrations (`migrate`) and checking that a database matches this build (`checkSchema`), so
 * an instance can refuse to start against a schema it does not know.
 */
import { DEFAULT_MIGRATION_TABLE, Migrator, sql, type Kysely, type MigrationResultSet } from 'kysely';
import { dialectName } from '../dialects/dialect-name.js';
import { MIGRATIONS, migrationProvider } from './provider.js';

/** Where a database stands relative to this build's migrations. */
export type SchemaState = 'current' | 'behind' | 'ahead';

/**
 * Applies every pending migration, in order, under Kysely's migration lock. Never throws: the result
 * carries per-migration outcomes and `error` when one failed (as Kysely's Migrator does).
 * @example
 *   const { error, results } = await migrate(db);
 *   if (error) throw error;
 */
export async function migrate(db: Kysely<any>): Promise<MigrationResultSet> {
  let migrator: Migrator;
  try {
    migrator = await createMigrator(db);
  } catch (error) {
    return { error };
  }
  return migrator.migrateToLatest();
}

/**
 * A Kysely Migrator over this build's migrations, its bookkeeping tables pinned to the schema our
 * tables live in (for `migrateDown`/`migrateTo` by an operator tool).
 */
export async function createMigrator(db: Kysely<any>): Promise<Migrator> {
  const schema = await migrationSchema(db);
  return new Migrator({ db, provider: migrationProvider, ...(schema ? { migrationTableSchema: schema } : {}) });
}

/**
 * 'current' when exactly this build's migrations ran; 'behind' when some are pending (including a
 * fresh database); 'ahead' when the database ran a migration this build does not know (a newer build
 * migrated it), which wins over 'behind'.
 */
export async function checkSchema(db: Kysely<any>): Promise<SchemaState> {
  const executed = await executedMigrationNames(db);
  if (executed === undefined) return 'behind';
  const known = new Set(Object.keys(MIGRATIONS));
  if (executed.some((name) => !known.has(name))) return 'ahead';
  const done = new Set(executed);
  return [...known].every((name) => done.has(name)) ? 'current' : 'behind';
}

/** Names recorded in Kysely's migration table, or undefined when the table does not exist yet. */
async function executedMigrationNames(db: Kysely<any>): Promise<string[] | undefined> {
  const schema = await migrationSchema(db);
  try {
    const rows = await (schema ? db.withSchema(schema) : db).selectFrom(DEFAULT_MIGRATION_TABLE).select('name').execute();
    return rows.map((r) => String(r.name));
  } catch (e) {
    if (isUndefinedTable(e)) return undefined;
    throw e;
  }
}

/**
 * PostgreSQL: the schema our tables go to (the first of search_path). Kysely's Migrator looks for its
 * tables in every schema unless told which, so a second weunion schema in the same database (another
 * tenant, a test run) would find the first one's `kysely_migration` and skip creating its own.
 */
async function migrationSchema(db: Kysely<any>): Promise<string | undefined> {
  if (dialectName(db) !== 'postgres') return undefined;
  const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
  const schema = rows[0]?.schema;
  if (!schema) throw new Error('PostgreSQL search_path names no existing schema to migrate');
  return schema;
}

function isUndefinedTable(e: unknown): boolean {
  const err = e as { code?: unknown; message?: unknown };
  // PostgreSQL undefined_table; SQLite reports a generic SQLITE_ERROR with this message.
  return err?.code === '42P01' || (typeof err?.message === 'string' && err.message.startsWith('no such table'));
}
