import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import { postgresAvailable, TEST_PG_URL } from '../helpers/postgres.js';

const pgAvailable = await postgresAvailable();

describe('openStore()', () => {
  const dir = mkdtempSync(join(tmpdir(), 'weunion-store-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('openStore() creates the parent folder of a SQLite file and turns on WAL, busy_timeout and foreign keys', async () => {
    const file = join(dir, 'nested', 'deeper', 'weunion.db');
    const opened = await openStore(`sqlite:${file}`);
    try {
      expect(opened.dialect).toBe('sqlite');
      expect((await opened.migrate()).error).toBeUndefined();
      expect(existsSync(file)).toBe(true);
      const pragma = async (name: string) => Object.values((await sql.raw(`pragma ${name}`).execute(opened.db)).rows[0] as object)[0];
      expect(await pragma('journal_mode')).toBe('wal');
      expect(await pragma('foreign_keys')).toBe(1);
      expect(await pragma('busy_timeout')).toBe(5000);
    } finally {
      await opened.close();
    }
  });

  it('openStore() keeps data in a SQLite file across reopenings', async () => {
    const file = join(dir, 'persist.db');
    const first = await openStore(`sqlite:${file}`);
    await first.migrate();
    await first.store.identity.transaction((tx) => tx.insertUser({ id: 'u_1', createdAt: 1, mergedInto: null, mergedAt: null }));
    await first.close();
    const second = await openStore(`sqlite:${file}`);
    try {
      expect(await second.checkSchema()).toBe('current');
      expect(await second.store.identity.findUser('u_1')).toMatchObject({ id: 'u_1' });
    } finally {
      await second.close();
    }
  });

  it('openStore() throws a TypeError for an unknown scheme without echoing the url', async () => {
    const err = await openStore('mysql://root:hunter2@db/x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TypeError);
    expect((err as Error).message).not.toContain('hunter2');
  });

  it('openStore() refuses a bad pool size with a TypeError', async () => {
    await expect(openStore(TEST_PG_URL, { poolSize: 0 })).rejects.toThrow(TypeError);
  });

  // Needs PostgreSQL: skipped only off CI where it is unreachable; under CI=true postgresAvailable() throws instead.
  it.runIf(pgAvailable)("openStore() on PostgreSQL returns int8 as numbers without touching pg's global parsers", async () => {
    const opened = await openStore(TEST_PG_URL, { poolSize: 2 });
    try {
      expect(opened.dialect).toBe('postgres');
      const { rows } = await sql<{ big: unknown; n: unknown }>`select 1800000000123::bigint as big, count(*) as n from (values (1),(2)) v(x)`.execute(
        opened.db,
      );
      expect(rows[0]).toEqual({ big: 1_800_000_000_123, n: 2 });
      // The process-wide parser still yields strings: nothing leaked out of our pool.
      expect(pg.types.getTypeParser(20, 'text')('5')).toBe('5');
      await expect(sql`select 9007199254740993::bigint as big`.execute(opened.db)).rejects.toThrow(RangeError);
    } finally {
      await opened.close();
    }
  });
});

// POSIX file modes do not exist on Windows; every machine this project's CI runs on is Linux, so CI=true never skips it.
describe.skipIf(process.platform === 'win32')('openStore(): SQLite file modes (#13)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'weunion-store-modes-'));
  const mode = (p: string) => (statSync(p).mode & 0o777).toString(8);
  // The usual umask, so that what is checked is the modes the code sets, not the environment's umask.
  let umask: number;
  beforeAll(() => {
    umask = process.umask(0o022);
  });
  afterAll(() => {
    process.umask(umask);
    rmSync(dir, { recursive: true, force: true });
  });
  let users = 0;
  const write = async (file: string) => {
    const opened = await openStore(`sqlite:${file}`);
    try {
      expect((await opened.migrate()).error).toBeUndefined();
      await opened.store.identity.transaction((tx) => tx.insertUser({ id: `u_${++users}`, createdAt: 1, mergedInto: null, mergedAt: null }));
      // While it is open: the WAL and the shared-memory index exist.
      expect([mode(file), mode(`${file}-wal`), mode(`${file}-shm`)]).toEqual(['600', '600', '600']);
    } finally {
      await opened.close();
    }
  };

  it('creates the database file and its -wal and -shm 0600, and a folder it makes 0700', async () => {
    const file = join(dir, 'made', 'weunion.db');
    await write(file);
    expect(mode(join(dir, 'made'))).toBe('700');
    expect(mode(file)).toBe('600');
  });

  it('tightens a database and sidecars another build left 0644, and leaves an existing folder alone', async () => {
    const folder = join(dir, 'old');
    mkdirSync(folder, { mode: 0o755 });
    chmodSync(folder, 0o755);
    const file = join(folder, 'weunion.db');
    // Another process (an older build) has the file open in WAL mode: its -wal and -shm exist, not empty, 0644.
    const other = new Database(file);
    try {
      other.pragma('journal_mode = WAL');
      other.pragma('wal_autocheckpoint = 0');
      other.exec('create table legacy (x); insert into legacy values (1)');
      for (const f of [file, `${file}-wal`, `${file}-shm`]) chmodSync(f, 0o644);
      await write(file);
    } finally {
      other.close();
    }
    expect(mode(folder)).toBe('755');
  });
});
