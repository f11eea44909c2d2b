/**
 * WAL checkpoints on a worker thread (src/store/dialects/sqlite-checkpointer.ts): a file database opened through the
 * dialect keeps its WAL short although the writer's own autocheckpoint is only a far-off backstop; the worker
 * reports failures, stops cleanly and never keeps a process alive. Also the raw SQLite batch's refusal to join a
 * transaction begun outside the store.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { Kysely, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { startSqliteCheckpointer } from '../../src/store/dialects/sqlite-checkpointer.js';
import { createSqliteDialect, openStore } from '../../src/store/index.js';

const tsx = pathToFileURL(path.resolve('node_modules/tsx/dist/loader.mjs')).href;

const dirs: string[] = [];
const tempDb = () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'weunion-ckpt-'));
  dirs.push(dir);
  return path.join(dir, 'w.db');
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Writes `bursts` transactions of `rows` rows of ~1 KB each, `pauseMs` apart; returns the largest WAL size seen. */
async function writeBursts(db: Kysely<never>, file: string, bursts: number, pauseMs: number): Promise<number> {
  await sql`create table t (id integer primary key, v text not null)`.execute(db);
  let largest = 0;
  for (let b = 0; b < bursts; b++) {
    await db.connection().execute(async (c) => {
      await sql`begin`.execute(c);
      for (let i = 0; i < 50; i++) await sql`insert into t (v) values (${'x'.repeat(1000)})`.execute(c);
      await sql`commit`.execute(c);
    });
    largest = Math.max(largest, statSync(`${file}-wal`).size);
    await sleep(pauseMs);
  }
  return largest;
}

describe('SQLite WAL checkpoints on a worker thread', () => {
  it('keeps the WAL to about one burst of writes, where the backstop alone would let it grow with every burst', async () => {
    const file = tempDb();
    const errors: string[] = [];
    const db = new Kysely<never>({ dialect: createSqliteDialect(file, { checkpointIntervalMs: 10, onCheckpointError: (m) => errors.push(m) }) });
    const largest = await writeBursts(db, file, 12, 80);
    await db.destroy();

    // The same writes with no checkpointer: a raw connection whose autocheckpoint is the same far-off backstop.
    const other = tempDb();
    const raw = new Database(other);
    raw.pragma('journal_mode = WAL');
    raw.pragma('wal_autocheckpoint = 10000');
    raw.exec('create table t (id integer primary key, v text not null)');
    const insert = raw.prepare('insert into t (v) values (?)');
    for (let b = 0; b < 12; b++)
      raw.transaction(() => {
        for (let i = 0; i < 50; i++) insert.run('x'.repeat(1000));
      })();
    const unbounded = statSync(`${other}-wal`).size;
    raw.close();

    expect(errors).toEqual([]);
    expect(unbounded).toBeGreaterThan(10 * 50 * 1000);
    expect(largest).toBeLessThan(unbounded / 3);
  });

  it('reports a database it cannot open, and stops (the thread exits) when asked, twice or not', async () => {
    const errors: string[] = [];
    const failing = startSqliteCheckpointer(path.join(tmpdir(), 'weunion-no-such-dir', 'none.db'), { onError: (m) => errors.push(m) });
    for (let waited = 0; errors.length === 0 && waited < 10_000; waited += 20) await sleep(20);
    await failing.stop();
    expect(errors.join(' ')).toMatch(/checkpointer thread stopped.*(unable to open|directory does not exist|SQLITE_CANTOPEN)/i);

    // Stopped before its thread runs: it never opens the file, and reports nothing after stop().
    const quiet: string[] = [];
    await startSqliteCheckpointer(path.join(tmpdir(), 'weunion-no-such-dir', 'none.db'), { onError: (m) => quiet.push(m) }).stop();
    await sleep(200);
    expect(quiet).toEqual([]);

    const file = tempDb();
    new Database(file).pragma('journal_mode = WAL');
    const ok = startSqliteCheckpointer(file, { intervalMs: 5 });
    await sleep(30);
    await Promise.all([ok.stop(), ok.stop()]);
    expect(() => startSqliteCheckpointer(file, { intervalMs: 0 })).toThrow(TypeError);
    expect(() => createSqliteDialect(file, { checkpointIntervalMs: 0 })).toThrow(TypeError);
  });

  it('never keeps the process alive: a script that opens a store, writes and does not close it, exits', async () => {
    const child = spawn(process.execPath, ['--import', tsx, path.resolve('test/store/fixtures/open-without-close.ts'), tempDb()], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const code = await Promise.race([new Promise<number | null>((r) => child.once('exit', (c) => r(c))), sleep(30_000).then(() => 'still running' as const)]);
    child.kill('SIGKILL');
    expect(out).toContain('WROTE');
    expect(code).toBe(0);
  }, 40_000);

  it('refuses to write a batch into a transaction begun on the connection outside the store', async () => {
    const opened = await openStore(`sqlite:${tempDb()}`);
    try {
      const { error } = await opened.migrate();
      if (error) throw error;
      await sql`begin`.execute(opened.db);
      await expect(opened.store.jobs.enqueueJob({ kind: 'test', payload: {}, runAt: 1, dedupKey: 'x' })).rejects.toThrow(/transaction begun outside the store/);
      await sql`rollback`.execute(opened.db);
      await expect(opened.store.jobs.enqueueJob({ kind: 'test', payload: {}, runAt: 1, dedupKey: 'x' })).resolves.toMatchObject({ inserted: true });
      expect((await opened.store.jobs.jobCounts()).pending).toBe(1);
    } finally {
      await opened.close();
    }
  });
});
