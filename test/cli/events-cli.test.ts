/**
 * `weunion events list` as a process on a SQLite file: JSON lines in order, `next` on stderr that goes on where the
 * page ended, a bad cursor refused with its code, and --help, which never acts.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { createIdentityService } from '../../src/identity/index.js';
import { openStore } from '../../src/store/index.js';
import { runCli } from '../helpers/cli-process.js';

const MP = 'wxcli0000000000mp1';

describe('weunion events list', () => {
  it('prints the feed as JSON lines, pages with --after, refuses a bad cursor', async () => {
    const cwd = mkdtempSync(path.join(tmpdir(), 'weunion-events-'));
    const url = `sqlite:${path.join(cwd, 'w.db')}`;
    writeFileSync(
      path.join(cwd, 'weunion.config.json'),
      JSON.stringify({ storage: url, unions: [{ id: 'acme' }], apps: [{ appid: MP, secret: 's', kind: 'miniprogram', union: 'acme' }] }),
    );
    const opened = await openStore(url);
    const { error } = await opened.migrate();
    if (error) throw error;
    const identity = createIdentityService({ identity: opened.store.identity, profile: opened.store.profile, clock: new ManualClock() });
    for (const o of ['o-1', 'o-2', 'o-3']) await identity.resolve({ unionKey: 'acme', appid: MP, openid: o });
    await opened.close();
    const cli = (args: string[]) => runCli(args, { cwd, env: { USER: 'alice' } });

    const first = await cli(['events', 'list', '--limit', '2']);
    expect(first.code).toBe(0);
    const lines = first.out
      .trim()
      .split('\n')
      .map((l: string) => JSON.parse(l));
    expect(lines.map((e: { type: string; data: { openid: string } }) => [e.type, e.data.openid])).toEqual([
      ['user.created', 'o-1'],
      ['user.created', 'o-2'],
    ]);
    const next = /next: (\S+) \(more\)/.exec(first.err)?.[1];
    expect(next).toBeDefined();
    const second = await cli(['events', 'list', '--after', next!]);
    expect(
      second.out
        .trim()
        .split('\n')
        .map((l: string) => JSON.parse(l).data.openid),
    ).toEqual(['o-3']);

    const bad = await cli(['events', 'list', '--after', 'nope']);
    expect([bad.code, bad.err]).toEqual([1, expect.stringContaining('ERR_EVENTS_CURSOR_INVALID')]);
    expect((await cli(['events', 'list', '--limit', '0'])).code).toBe(1);
    const help = await cli(['events', 'list', '--help']);
    expect([help.code, help.out]).toEqual([0, expect.stringContaining('example:')]);
  }, 60_000);
});
