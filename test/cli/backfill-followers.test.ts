/** `weunion backfill followers` as a process against the emulator, on SQLite and PostgreSQL. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from '../../src/emulator/index.js';
import { runCli } from '../helpers/cli-process.js';
import { type DataBackend, dataBackends } from './data-backends.js';

const backends = await dataBackends();
const OA = 'wxoa0000000000001';
const FOLLOWERS = 23;

let emulator: Emulator;
let url: string;
beforeAll(async () => {
  // Pages of 10 so the walk takes three pages (and one empty one past the end).
  emulator = await createEmulator({
    apps: [{ appid: OA, secret: 'oasecret', kind: 'officialAccount', openAppid: 'wxopen1' }],
    userGetPageSize: 10,
    logger: false,
  });
  url = await emulator.listen({ port: 0 });
  for (let i = 0; i < FOLLOWERS + 2; i++) {
    const { id } = (await (
      await fetch(`${url}/__emulator/persons`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })
    ).json()) as { id: string };
    if (i < FOLLOWERS)
      await fetch(`${url}/__emulator/persons/${id}/follow`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ appid: OA }),
      });
  }
});
afterAll(() => emulator.close());

describe.each(backends)('weunion backfill followers (%s)', (_name, make) => {
  let backend: DataBackend;
  afterAll(() => backend?.drop());

  it('links every follower’s unionid, waits out a 45009, and a second walk changes nothing', async () => {
    const cwd = mkdtempSync(path.join(tmpdir(), 'weunion-backfill-'));
    backend = await make(cwd);
    const config = {
      storage: backend.storage,
      unions: [{ id: 'acme' }],
      apps: [{ appid: OA, secret: 'oasecret', kind: 'officialAccount', union: 'acme' }],
      wechat: { baseUrl: url },
    };
    writeFileSync(path.join(cwd, 'weunion.config.json'), JSON.stringify(config));
    expect((await runCli(['migrate'], { cwd })).code).toBe(0);
    await fetch(`${url}/__emulator/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ path: '/cgi-bin/user/info/batchget', errcode: 45009, count: 1 }),
    });
    const first = await runCli(['backfill', 'followers', '--app', OA], { cwd });
    expect(first.code, first.err).toBe(0);
    expect(first.err).toContain('45009 (quota): waiting 1 s');
    expect(first.err).toMatch(/^progress: 23\/23 followers/m);
    expect(first.out).toContain(`${FOLLOWERS} followers walked: ${FOLLOWERS} with a unionid; ${FOLLOWERS} new users, 0 linked, 0 merged`);
    const opened = await backend.open();
    try {
      const counts = await opened.store.identity.counts();
      expect(counts).toMatchObject({ users: FOLLOWERS, appIdentities: FOLLOWERS, unionIdentities: FOLLOWERS });
      expect(await opened.store.data.getCursor(`backfill:${OA}`)).toBeUndefined(); // finished: no cursor left
      const again = await runCli(['backfill', 'followers', '--app', OA], { cwd });
      expect(again.out).toContain(`${FOLLOWERS} followers walked: ${FOLLOWERS} with a unionid; 0 new users, 0 linked, 0 merged`);
      expect(await opened.store.identity.counts()).toEqual(counts);
    } finally {
      await opened.close();
    }
  }, 180_000);
});
