/**
 * What an instance does with the database schema when it starts. `auto` applies pending migrations (the embedded,
 * single-instance SQLite default); `check` only compares and refuses to start unless the schema is exactly this
 * build's (the PostgreSQL default: with many instances, migrating is an explicit step, `weunion migrate`, run once
 * by whoever deploys, not a race between instances booting with different builds).
 */
import type { Config } from '../config/schema.js';
import { AppError } from '../errors.js';
import type { OpenedStore } from '../store/index.js';

/** `auto`: migrate at start; `check`: refuse to start on an unmigrated or newer schema. */
export type MigrationsMode = 'auto' | 'check';

/**
 * The mode a config asks for: `migrations` when set, else `check` for PostgreSQL and `auto` for SQLite.
 * @example migrationsModeFor(parseConfig({ storage: 'postgres://…', apps })) // 'check'
 */
export function migrationsModeFor(config: Pick<Config, 'storage' | 'migrations'>): MigrationsMode {
  if (config.migrations !== undefined) return config.migrations;
  return /^postgres(ql)?:\/\//.test(config.storage) ? 'check' : 'auto';
}

/**
 * Makes the schema fit this build or throws ERR_STORE_SCHEMA with a message that says what to do. `auto` migrates
 * (and still refuses a newer schema: an older build must not run against tables it does not know).
 * @example
 *   await guardSchema(opened, migrationsModeFor(config)); // before serving anything
 */
export async function guardSchema(opened: Pick<OpenedStore, 'migrate' | 'checkSchema' | 'dialect'>, mode: MigrationsMode): Promise<void> {
  if (mode !== 'auto' && mode !== 'check') throw new TypeError("guardSchema: mode must be 'auto' or 'check'");
  const state = await opened.checkSchema();
  if (state === 'current') return;
  if (state === 'ahead') {
    throw new AppError('ERR_STORE_SCHEMA', {
      message:
        `the ${opened.dialect} database was migrated by a newer weunion build (it has migrations this build does not know): ` +
        'deploy the build that matches the database (or a newer one); this instance will not start against it',
      details: { schema: state },
    });
  }
  if (mode === 'check') {
    throw new AppError('ERR_STORE_SCHEMA', {
      message:
        `the ${opened.dialect} database schema is behind this build (migrations are pending, or it was never migrated): ` +
        'run `weunion migrate` with the same config, then start again (or set "migrations": "auto" to migrate at start)',
      details: { schema: state },
    });
  }
  const { error } = await opened.migrate();
  if (error) {
    throw new AppError('ERR_STORE_SCHEMA', {
      message: `migrating the ${opened.dialect} database failed: ${error instanceof Error ? error.message : String(error)}`,
      cause: error,
    });
  }
}
