/** `weunion import` as a process, on SQLite and PostgreSQL: dry run, merge by unionid, idempotence, bad rows, resume. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli-process.js';
import { type DataBackend, dataBackends } from './data-backends.js';

const backends = await dataBackends();

const config = (storage: string) => ({
  storage,
  unions: [{ id: 'acme' }],
  apps: [
    { appid: 'wxmp1', secret: 's', kind: 'miniprogram', union: 'acme' },
    { appid: 'wxmp2', secret: 's', kind: 'miniprogram', union: 'acme' },
    { appid: 'wxfree', secret: 's', kind: 'miniprogram' },
  ],
});

const CSV = [
  'appid,openid,unionid,userId',
  'wxmp1,o1,un1,biz-1', // created with the business's id
  'wxmp2,o2,,biz-2', // another user, no unionid yet
  'wxmp2,o2,un1,', // now the unionid: biz-2 merges into biz-1, as a login would
  'wxfree,o3,un9,', // bad: unbound app with a unionid
  'nope,o4,,', // bad: unknown app
  '"wxmp1","o5",,', // quoted fields
  '',
  'wxmp1', // bad: no openid
].join('\n');

describe.each(backends)('weunion import (%s)', (_name, make) => {
  const made: DataBackend[] = [];
  afterAll(async () => {
    for (const b of made) await b.drop();
  });

  async function setup(csv: string) {
    const cwd = mkdtempSync(path.join(tmpdir(), 'weunion-import-'));
    const backend = await make(cwd);
    made.push(backend);
    writeFileSync(path.join(cwd, 'weunion.config.json'), JSON.stringify(config(backend.storage)));
    writeFileSync(path.join(cwd, 'users.csv'), csv);
    const migrated = await runCli(['migrate'], { cwd });
    expect(migrated.code, migrated.err).toBe(0);
    return { cwd, backend };
  }

  async function snapshot(backend: DataBackend) {
    const opened = await backend.open();
    try {
      const counts = await opened.store.identity.counts();
      const biz2 = await opened.store.identity.findUser('biz-2');
      const o2 = await opened.store.identity.findAppIdentity('wxmp2', 'o2');
      return { counts, biz2MergedInto: biz2?.mergedInto ?? null, o2: o2 && { userId: o2.userId, unionid: o2.unionid } };
    } finally {
      await opened.close();
    }
  }

  it('--dry-run prints what each row would do and writes nothing; the import merges by unionid; a re-run changes nothing', async () => {
    const { cwd, backend } = await setup(CSV);
    const dry = await runCli(['import', '--file', 'users.csv', '--dry-run'], { cwd });
    expect(dry.code, dry.err).toBe(0);
    expect(dry.out).toContain('line 2: would create a user with id biz-1');
    expect(dry.out).toMatch(/4 rows: .*\(would be\); 3 bad rows skipped/);
    expect((await snapshot(backend)).counts).toMatchObject({ users: 0, appIdentities: 0, events: 0 });

    const first = await runCli(['import', '--file', 'users.csv'], { cwd });
    expect(first.code, first.err).toBe(0);
    expect(first.out).toContain('4 rows: 3 created, 0 linked, 1 merged, 0 unchanged, 0 held (were); 3 bad rows skipped');
    expect(first.err).toContain('line 5: skipped: a unionid was given but wxfree is bound to no union');
    expect(first.err).toContain('line 6: skipped: appid nope is not configured');
    expect(first.err).toContain('line 9: skipped: openid is missing');
    expect(first.err).toMatch(/^progress: 9\/9 lines \d+\/s/m); // a plain line off a terminal, never a redrawn one
    expect(first.err).not.toContain('\r');
    const after = await snapshot(backend);
    expect(after.biz2MergedInto).toBe('biz-1');
    expect(after.o2).toEqual({ userId: 'biz-1', unionid: 'un1' });
    expect(after.counts).toMatchObject({ users: 3, liveUsers: 2, appIdentities: 3, unionIdentities: 1 });

    const again = await runCli(['import', '--file', 'users.csv'], { cwd });
    expect(again.out).toContain('4 rows: 0 created, 0 linked, 0 merged, 4 unchanged');
    expect((await snapshot(backend)).counts).toEqual(after.counts); // events included: nothing written
  }, 180_000);

  it('stopped by --max-rows, the next run goes on from the line it reached (the cursor is in the database)', async () => {
    const rows = Array.from({ length: 12 }, (_, i) => JSON.stringify({ appid: 'wxmp1', openid: `p${i}`, unionid: `u${i}` }));
    const { cwd, backend } = await setup('');
    writeFileSync(path.join(cwd, 'users.jsonl'), `${rows.join('\n')}\n`);
    const part = await runCli(['import', '--file', 'users.jsonl', '--max-rows', '5'], { cwd });
    expect(part.out).toContain('5 rows: 5 created');
    expect(part.out).toContain('stopped at --max-rows');
    expect((await snapshot(backend)).counts.appIdentities).toBe(5);
    const rest = await runCli(['import', '--file', 'users.jsonl'], { cwd });
    expect(rest.out).toContain('resumed after line 5');
    expect(rest.out).toContain('7 rows: 7 created');
    expect((await snapshot(backend)).counts.appIdentities).toBe(12);
  }, 180_000);
});

describe('weunion import --help', () => {
  it('shows an example and acts on nothing (no database is created)', async () => {
    const cwd = mkdtempSync(path.join(tmpdir(), 'weunion-import-'));
    writeFileSync(path.join(cwd, 'weunion.config.json'), JSON.stringify(config('sqlite:./never.db')));
    const r = await runCli(['import', '--file', 'x.csv', '--help'], { cwd });
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/example:\n {2}.*npx weunion import/);
    const { existsSync } = await import('node:fs');
    expect(existsSync(path.join(cwd, 'never.db'))).toBe(false);
  }, 60_000);
});
