/**
 * The schema guard: `check` refuses an unmigrated or newer schema with a message that says what to do, `auto`
 * migrates; and the same through the CLI as a process on PostgreSQL (its default is `check`).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { guardSchema, migrationsModeFor } from '../../src/compose/schema-guard.js';
import { openStore } from '../../src/store/index.js';
import { createTestSchema, postgresAvailable, TEST_PG_URL, type TestSchema } from '../helpers/postgres.js';
import { runCli } from '../helpers/cli-process.js';
import { rejection } from '../helpers/expect-error.js';

const pgUp = await postgresAvailable();
const schemas: TestSchema[] = [];
afterAll(async () => {
  for (const s of schemas) await s.drop();
});

describe('migrationsModeFor()', () => {
  it('migrationsModeFor() defaults to check for PostgreSQL and auto for SQLite, and an explicit setting wins', () => {
    expect(migrationsModeFor({ storage: 'postgres://h/db' })).toBe('check');
    expect(migrationsModeFor({ storage: 'postgresql://h/db' })).toBe('check');
    expect(migrationsModeFor({ storage: 'sqlite:./x.db' })).toBe('auto');
    expect(migrationsModeFor({ storage: 'postgres://h/db', migrations: 'auto' })).toBe('auto');
    expect(migrationsModeFor({ storage: 'sqlite::memory:', migrations: 'check' })).toBe('check');
  });
});

describe('guardSchema()', () => {
  it('guardSchema() refuses an unmigrated database in check mode, naming `weunion migrate`', async () => {
    const opened = await openStore('sqlite::memory:');
    try {
      const e = await rejection(guardSchema(opened, 'check'));
      expect(e.code).toBe('ERR_STORE_SCHEMA');
      expect(e.message).toMatch(/behind this build.*run `weunion migrate`/);
      expect(await opened.checkSchema()).toBe('behind'); // nothing was applied
    } finally {
      await opened.close();
    }
  });

  it('guardSchema() migrates in auto mode, then passes in check mode', async () => {
    const opened = await openStore('sqlite::memory:');
    try {
      await guardSchema(opened, 'auto');
      expect(await opened.checkSchema()).toBe('current');
      await expect(guardSchema(opened, 'check')).resolves.toBeUndefined();
    } finally {
      await opened.close();
    }
  });

  it('guardSchema() refuses a schema migrated by a newer build in both modes, naming the matching build', async () => {
    const opened = await openStore('sqlite::memory:');
    try {
      await opened.migrate();
      await sql`insert into kysely_migration (name, timestamp) values ('9999-from-the-future', '2030-01-01T00:00:00.000Z')`.execute(opened.db);
      for (const mode of ['check', 'auto'] as const) {
        const e = await rejection(guardSchema(opened, mode));
        expect(e.code).toBe('ERR_STORE_SCHEMA');
        expect(e.message).toMatch(/newer weunion build.*deploy the build that matches/);
      }
    } finally {
      await opened.close();
    }
  });

  it('guardSchema() throws a TypeError for an unknown mode', async () => {
    const opened = await openStore('sqlite::memory:');
    try {
      await expect(guardSchema(opened, 'later' as never)).rejects.toThrow(TypeError);
    } finally {
      await opened.close();
    }
  });
});

// Needs PostgreSQL: skipped only off CI where it is unreachable; under CI=true postgresAvailable() throws instead.
describe.runIf(pgUp)('weunion start on PostgreSQL (a process)', () => {
  function configDir(storage: string): string {
    const cwd = mkdtempSync(path.join(tmpdir(), 'weunion-guard-'));
    writeFileSync(
      path.join(cwd, 'weunion.config.json'),
      JSON.stringify({ storage, server: { port: 0 }, apps: [{ appid: 'wx1111111111111111', secret: 's', kind: 'miniprogram' }] }),
    );
    return cwd;
  }

  it('start refuses an unmigrated schema (exit 1, says run `weunion migrate`); after migrate it starts and is ready', async () => {
    const schema = await createTestSchema();
    schemas.push(schema);
    const cwd = configDir(schema.url);
    const refused = await runCli(['start'], { cwd });
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/schema is behind this build.*run `weunion migrate`/);
    expect(refused.err).not.toContain('postgres://'); // the storage URL (it may hold a password) is not echoed

    const migrated = await runCli(['migrate'], { cwd });
    expect(migrated.code, migrated.err).toBe(0);

    const started = await runCli(['start'], { cwd, until: /listening on (\S+)/ });
    try {
      const url = /listening on (\S+)/.exec(started.out)![1]!;
      const ready = await fetch(`${url}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ status: 'ready', checks: { migrations: { ok: true, schema: 'current' } } });
    } finally {
      started.child.kill('SIGTERM');
      expect(await started.exited).toBe(0);
    }
  });

  it('start refuses a schema a newer build migrated (exit 1, says deploy the matching build)', async () => {
    const schema = await createTestSchema();
    schemas.push(schema);
    const cwd = configDir(schema.url);
    expect((await runCli(['migrate'], { cwd })).code).toBe(0);
    const client = new pg.Client({ connectionString: TEST_PG_URL });
    await client.connect();
    try {
      await client.query(`insert into ${schema.schema}.kysely_migration (name, timestamp) values ('9999-from-the-future', '2030-01-01T00:00:00.000Z')`);
    } finally {
      await client.end();
    }
    const refused = await runCli(['start'], { cwd });
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/migrated by a newer weunion build.*deploy the build that matches/);
  });
});
