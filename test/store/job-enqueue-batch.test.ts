/**
 * The enqueue group commit (src/store/job-enqueue-batch.ts) on both backends — and on SQLite both ways: through
 * Kysely (a store built by createKyselyStore on a caller's own Kysely) and synchronously on the raw connection (what openStore
 * gives, src/store/sqlite-job-insert.ts): one transaction per burst, and a job the database refuses fails alone —
 * the rest of its burst is still committed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kysely } from 'kysely';
import { createSqliteDialect } from '../../src/store/dialects/sqlite.js';
import { SqliteConnection } from '../../src/store/dialects/sqlite-connection.js';
import { JobEnqueueBatch } from '../../src/store/job-enqueue-batch.js';
import type { NewJob } from '../../src/store/job-insert-sql.js';
import { checkSchema, createKyselyStore, migrate, type Database, type OpenedStore } from '../../src/store/index.js';
import { postgresAvailable } from '../helpers/postgres.js';
import { postgresBackend, sqliteBackend, type Backend } from './store-backends.js';

const T0 = 1_800_000_000_000;
const job = (dedupKey: string | null, kind = 'test'): NewJob => ({ kind, payload: '{}', runAt: T0, dedupKey, createdAt: T0 });
const pgAvailable = await postgresAvailable();
const batchOptions = (backend: Backend, opened: object): { sqlite?: SqliteConnection } =>
  (backend as { batchOptions?: (o: object) => { sqlite: SqliteConnection } }).batchOptions?.(opened) ?? {};

/** In-memory SQLite whose batch runs on the raw better-sqlite3 connection, as openStore wires it. */
function rawSqliteBackend(): Backend {
  const connections = new WeakMap<object, SqliteConnection>();
  return {
    name: 'sqlite',
    async open() {
      const connection = new SqliteConnection();
      const db = new Kysely<Database>({ dialect: createSqliteDialect(':memory:', { onOpen: connection.opened }) });
      const { error } = await migrate(db);
      if (error) throw error;
      const store = createKyselyStore(db, { sqlite: connection });
      const opened: OpenedStore = { db, store, dialect: 'sqlite', migrate: () => migrate(db), checkSchema: () => checkSchema(db), close: () => store.close() };
      connections.set(opened, connection);
      return opened;
    },
    async teardown() {},
    batchOptions: (opened: object) => ({ sqlite: connections.get(opened)! }),
  } as Backend;
}

const variants = [
  { name: 'sqlite through Kysely', make: async () => sqliteBackend() },
  { name: 'sqlite on the raw connection', make: async () => rawSqliteBackend() },
  { name: 'postgres', make: postgresBackend },
] as const;

for (const { name, make } of variants) {
  // Needs PostgreSQL: skipped only off CI where it is unreachable; under CI=true postgresAvailable() throws instead.
  describe.runIf(name !== 'postgres' || pgAvailable)(`JobEnqueueBatch, ${name}`, () => {
    let backend: Backend;
    beforeAll(async () => {
      backend = await make();
    });
    afterAll(async () => {
      await backend?.teardown();
    });

    it('a job the database refuses (NOT NULL kind) fails alone; the others of its burst are committed', async () => {
      const opened = await backend.open();
      try {
        const batch = new JobEnqueueBatch(opened.db, backend.name, batchOptions(backend, opened));
        const settled = await Promise.allSettled([
          batch.enqueue(job('a')),
          batch.enqueue(job('b', null as unknown as string)),
          batch.enqueue(job('c')),
          batch.enqueue(job('a')),
        ]);
        expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
        const [a, , c, again] = settled.map((s) => (s.status === 'fulfilled' ? s.value : undefined));
        expect(a!.inserted && c!.inserted).toBe(true);
        expect(again).toEqual({ id: a!.id, inserted: false });
        expect((await opened.store.jobs.jobCounts()).pending).toBe(2);
      } finally {
        await opened.close();
      }
    });

    it('a burst of 500 jobs, with null keys and repeats, gives each caller its own row or the row of its key', async () => {
      const opened = await backend.open();
      try {
        const batch = new JobEnqueueBatch(opened.db, backend.name, { maxBatch: 64, ...batchOptions(backend, opened) });
        const keys = Array.from({ length: 500 }, (_, i) => (i % 5 === 0 ? null : `k${i % 300}`));
        const results = await Promise.all(keys.map((k) => batch.enqueue(job(k))));
        const distinct = new Set(keys.filter((k) => k !== null)).size + keys.filter((k) => k === null).length;
        expect(results.filter((r) => r.inserted)).toHaveLength(distinct);
        expect(new Set(results.map((r) => r.id)).size).toBe(distinct);
        expect((await opened.store.jobs.jobCounts()).pending).toBe(distinct);
      } finally {
        await opened.close();
      }
    });
  });
}

describe('JobEnqueueBatch when the database is away', () => {
  it('fails the whole burst at once with ERR_STORE_UNAVAILABLE instead of retrying job by job', async () => {
    // A Kysely over PostgreSQL on a port nothing listens on; Kysely's driver is wrapped to count connection attempts.
    const { Kysely, PostgresDialect } = await import('kysely');
    const pg = await import('pg');
    let attempts = 0;
    const pool = new pg.default.Pool({ connectionString: 'postgres://postgres@127.0.0.1:1/none', connectionTimeoutMillis: 2000 });
    const connect = pool.connect.bind(pool);
    pool.connect = ((...args: unknown[]) => {
      attempts++;
      return (connect as (...a: unknown[]) => unknown)(...args);
    }) as typeof pool.connect;
    const db = new Kysely<never>({ dialect: new PostgresDialect({ pool }) });
    try {
      const batch = new JobEnqueueBatch(db as never, 'postgres');
      const settled = await Promise.allSettled([batch.enqueue(job('x1')), batch.enqueue(job('x2')), batch.enqueue(job('x3'))]);
      for (const s of settled) expect(s).toMatchObject({ status: 'rejected', reason: { code: 'ERR_STORE_UNAVAILABLE' } });
      expect(attempts).toBe(1);
    } finally {
      await db.destroy();
    }
  });
});
