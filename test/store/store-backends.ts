/**
 * The two store backends tests run against. `open()` gives a migrated, empty store; PostgreSQL works
 * in one fresh schema per backend (per test file), wiped between opens and dropped by `teardown()`.
 */
import { sql } from 'kysely';
import { openStore, type OpenedStore, type OpenStoreOptions } from '../../src/store/open-store.js';
import { createTestSchema } from '../helpers/postgres.js';

export interface Backend {
  name: 'sqlite' | 'postgres';
  /** A migrated store; emptied first unless `keep` (a second "instance" on the same data). */
  open(options?: OpenStoreOptions & { keep?: boolean }): Promise<OpenedStore>;
  teardown(): Promise<void>;
}

async function migrated(opened: OpenedStore): Promise<OpenedStore> {
  const { error } = await opened.migrate();
  if (error) throw error;
  return opened;
}

/** In-memory SQLite: every open() is a new database (`keep` is not possible and refused). */
export function sqliteBackend(): Backend {
  return {
    name: 'sqlite',
    async open(options = {}) {
      if (options.keep) throw new TypeError('an in-memory SQLite store cannot be shared');
      return migrated(await openStore('sqlite::memory:', options));
    },
    async teardown() {},
  };
}

/** PostgreSQL in a fresh schema (created and migrated now). */
export async function postgresBackend(): Promise<Backend> {
  const schema = await createTestSchema();
  const first = await migrated(await openStore(schema.url));
  await first.close();
  return {
    name: 'postgres',
    async open(options = {}) {
      const opened = await openStore(schema.url, options);
      if (!options.keep) {
        await sql`truncate table events, app_identities, union_identities, users, jobs, flows, session_families, refresh_tokens, erased_identities, data_cursors, callback_health, webhook_endpoints, webhook_deliveries, signing_keys restart identity`.execute(
          opened.db,
        );
      }
      return opened;
    },
    teardown: () => schema.drop(),
  };
}
