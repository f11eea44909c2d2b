/**
 * `weunion users …` and `weunion admin key` as processes, on the configured store directly (no server), SQLite
 * and PostgreSQL: find, show (the tree), unlink, merge, erase — each needing --reason, recorded with the operator
 * as actor —, and --help, which never acts.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { createIdentityService } from '../../src/identity/index.js';
import { openStore } from '../../src/store/index.js';
import { runCli } from '../helpers/cli-process.js';
import { createTestSchema, postgresAvailable, type TestSchema } from '../helpers/postgres.js';

const MP = 'wxcli0000000000mp1';
const OA = 'wxcli0000000000oa1';
const schemas: TestSchema[] = [];
afterAll(async () => Promise.all(schemas.map((s) => s.drop())));

const backends: Array<[string, (cwd: string) => Promise<string>]> = [['sqlite', async (cwd) => `sqlite:${path.join(cwd, 'w.db')}`]];
if (await postgresAvailable()) {
  backends.push([
    'postgres',
    async () => {
      const schema = await createTestSchema();
      schemas.push(schema);
      return schema.url;
    },
  ]);
}

/** A deployment whose store holds one person split then joined: A (mini program) merged into B (official account). */
async function deployment(storage: (cwd: string) => Promise<string>) {
  const cwd = mkdtempSync(path.join(tmpdir(), 'weunion-users-'));
  const url = await storage(cwd);
  writeFileSync(
    path.join(cwd, 'weunion.config.json'),
    JSON.stringify({
      storage: url,
      unions: [{ id: 'acme' }],
      apps: [
        { appid: MP, secret: 's', kind: 'miniprogram', union: 'acme' },
        { appid: OA, secret: 's', kind: 'officialAccount', union: 'acme' },
      ],
    }),
  );
  const opened = await openStore(url);
  const { error } = await opened.migrate();
  if (error) throw error;
  const identity = createIdentityService({ identity: opened.store.identity, profile: opened.store.profile, clock: new ManualClock() });
  const a = await identity.resolve({ unionKey: 'acme', appid: MP, openid: 'o-cli-mp' });
  const b = await identity.resolve({ unionKey: 'acme', appid: OA, openid: 'o-cli-oa', unionid: 'un-cli' });
  await identity.resolve({ unionKey: 'acme', appid: MP, openid: 'o-cli-mp', unionid: 'un-cli' });
  const events = async () => (await opened.store.identity.listEvents({ limit: 1000 })).length;
  return { cwd, a: a.userId, b: b.userId, opened, events, cli: (args: string[]) => runCli(args, { cwd, env: { USER: 'alice' } }) };
}

// Each command is a process (~1–2 s on a shared machine): these tests take their time.
const SLOW = { timeout: 300_000 };

describe.each(backends)('weunion users on %s', (_name, storage) => {
  it('find, show, unlink, merge and erase work on the store directly; every action wants --reason', SLOW, async () => {
    const d = await deployment(storage);
    try {
      const found = await d.cli(['users', 'find', 'o-cli-mp']);
      expect(found.code, found.err).toBe(0);
      expect(found.out).toContain(`${d.b}\tlive\tby openid in ${MP}`);
      expect((await d.cli(['users', 'find', d.a])).out).toContain(`(${d.a} was merged into it)`);
      expect((await d.cli(['users', 'find', 'nobody'])).code).toBe(2);

      const shown = await d.cli(['users', 'show', d.a]);
      expect(shown.code, shown.err).toBe(0);
      expect(shown.out).toMatch(new RegExp(`^${d.b}  live  \\(asked for ${d.a}, merged into it\\)`));
      expect(shown.out).toMatch(/├─ apps \(2\)/);
      expect(shown.out).toContain('openid o-cli-mp, unionid un-cli');
      expect(shown.out).toMatch(/└─ timeline \(4\)[\s\S]*user\.merged {2}u_/);

      const before = await d.events();
      const noReason = await d.cli(['users', 'unlink', MP, 'o-cli-mp']);
      expect([noReason.code, noReason.err]).toEqual([1, expect.stringContaining('--reason is required')]);
      expect(await d.events()).toBe(before);

      const split = await d.cli(['users', 'unlink', MP, 'o-cli-mp', '--reason', 'ticket 9']);
      expect(split.code, split.err).toBe(0);
      const c = /into (u_\w+)/.exec(split.out)![1]!;
      const [unlinked] = (await d.opened.store.identity.listEvents({ limit: 1000 })).filter((e) => e.type === 'identity.unlinked');
      expect(unlinked).toMatchObject({ userId: d.b, data: { newUserId: c, actor: 'cli:alice', reason: 'ticket 9' } });

      const last = await d.cli(['users', 'unlink', OA, 'o-cli-oa', '--reason', 'x']);
      expect([last.code, last.err]).toEqual([1, expect.stringContaining('ERR_ADMIN_LAST_IDENTITY')]);

      const merged = await d.cli(['users', 'merge', d.b, c, '--reason', 'ticket 9 undone']);
      expect([merged.code, merged.out]).toEqual([0, `merged ${c} into ${d.b}: 1 app and 0 union identities moved\n`]);

      const erased = await d.cli(['users', 'erase', d.b, '--reason', 'PIPL #3']);
      expect(erased.code, erased.err).toBe(0);
      expect(erased.out).toContain(`erased ${d.b}: 2 app and 1 union identities`);
      expect((await d.cli(['users', 'show', c])).out).toMatch(new RegExp(`^${d.b}  erased`));
      expect((await d.cli(['users', 'find', 'o-cli-oa'])).out).toContain(`${d.b}\terased\tby openid in ${OA}`);
      const again = await d.cli(['users', 'erase', d.a, '--reason', 'twice']);
      expect([again.code, again.err]).toEqual([1, expect.stringContaining('ERR_ADMIN_USER_ERASED')]);
    } finally {
      await d.opened.close();
    }
  });

  it('--help on every users command prints an example and changes nothing', SLOW, async () => {
    const d = await deployment(storage);
    try {
      const before = await d.events();
      for (const args of [
        ['users', 'find', '--help'],
        ['users', 'show', d.b, '--help'],
        ['users', 'merge', d.b, d.a, '--reason', 'x', '--help'],
        ['users', 'unlink', MP, 'o-cli-mp', '--reason', 'x', '-h'],
        ['users', 'erase', d.b, '--reason', 'x', '--help'],
        ['admin', 'key', '--name', 'x', '--help'],
      ]) {
        const r = await d.cli(args);
        expect(r.code, `${args.join(' ')}: ${r.err}`).toBe(0);
        expect(r.out).toMatch(/^usage: weunion /);
        expect(r.out).toMatch(/example:\n {2}npx weunion /);
      }
      expect(await d.events()).toBe(before);
      expect((await d.opened.store.admin.findAdminUser(d.b))?.erasedAt).toBeNull();
    } finally {
      await d.opened.close();
    }
  });
});

describe('weunion admin key', () => {
  it('prints a new key once and the config entry holding only its SHA-256', SLOW, async () => {
    const cwd = mkdtempSync(path.join(tmpdir(), 'weunion-key-'));
    const r = await runCli(['admin', 'key', '--name', 'support', '--scopes', 'read,write', '--union', 'acme'], { cwd });
    expect(r.code, r.err).toBe(0);
    const key = /key \(shown once, store it now\): (wua_[A-Za-z0-9_-]{43})\n/.exec(r.out)![1]!;
    const entry = JSON.parse(r.out.slice(r.out.indexOf('{')));
    expect(entry).toEqual({ name: 'support', sha256: createHash('sha256').update(key).digest('hex'), scopes: ['read', 'write'], union: 'acme' });
    expect((await runCli(['admin', 'key', '--scopes', 'root'], { cwd })).code).toBe(1);
  });
});
