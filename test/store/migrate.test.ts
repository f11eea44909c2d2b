import { NO_MIGRATIONS, sql } from 'kysely';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createMigrator } from '../../src/store/migrations/migrate.js';
import { openStore, type OpenedStore } from '../../src/store/open-store.js';
import { createTestSchema, postgresAvailable, type TestSchema } from '../helpers/postgres.js';

const pgAvailable = await postgresAvailable();

interface Fresh {
  open(): Promise<OpenedStore>;
}

function migrationSuite(name: string, fresh: () => Fresh) {
  describe(`migrations on ${name}`, () => {
    let opened: OpenedStore;
    afterEach(async () => {
      await opened?.close();
    });

    it('checkSchema() says behind on an empty database, current after migrate()', async () => {
      opened = await fresh().open();
      expect(await opened.checkSchema()).toBe('behind');
      const { error, results } = await opened.migrate();
      expect(error).toBeUndefined();
      expect(results).toEqual([{ migrationName: '0001-initial', direction: 'Up', status: 'Success' }]);
      expect(await opened.checkSchema()).toBe('current');
    });

    it('migrate() is a no-op the second time', async () => {
      opened = await fresh().open();
      await opened.migrate();
      const again = await opened.migrate();
      expect(again.error).toBeUndefined();
      expect(again.results).toEqual([]);
    });

    it('checkSchema() says ahead when the database ran a migration this build does not know', async () => {
      opened = await fresh().open();
      await opened.migrate();
      await sql`insert into kysely_migration (name, timestamp) values ('9999-from-the-future', '2030-01-01T00:00:00.000Z')`.execute(
        opened.db,
      );
      expect(await opened.checkSchema()).toBe('ahead');
    });

    it('the initial migration goes down cleanly', async () => {
      opened = await fresh().open();
      await opened.migrate();
      const down = await (await createMigrator(opened.db)).migrateTo(NO_MIGRATIONS);
      expect(down.error).toBeUndefined();
      expect(down.results).toEqual([{ migrationName: '0001-initial', direction: 'Down', status: 'Success' }]);
      // Counting our tables by name in the current schema (introspection would list every schema).
      for (const table of ['users', 'app_identities', 'union_identities', 'events']) {
        await expect(sql`select 1 from ${sql.table(table)}`.execute(opened.db)).rejects.toThrow(/does not exist|no such table/);
      }
      expect(await opened.checkSchema()).toBe('behind');
    });
  });
}

migrationSuite('SQLite', () => ({ open: () => openStore('sqlite::memory:') }));

describe.runIf(pgAvailable)('PostgreSQL', () => {
  const schemas: TestSchema[] = [];
  afterAll(async () => {
    for (const s of schemas) await s.drop();
  });
  // Each test gets its own empty schema: migrations must start from nothing.
  migrationSuite('PostgreSQL', () => ({
    async open() {
      const schema = await createTestSchema();
      schemas.push(schema);
      return openStore(schema.url);
    },
  }));
});
