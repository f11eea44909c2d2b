/** `weunion apps bind` as a process against the emulator, on SQLite and PostgreSQL: the binding wave. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from '../../src/emulator/index.js';
import { runCli } from '../helpers/cli-process.js';
import { type DataBackend, dataBackends } from './data-backends.js';

const backends = await dataBackends();
const OA = 'wxoa0000000000002';
const MP = 'wxmp0000000000002';
const FOLLOWERS = 12;
const json = { 'content-type': 'application/json' };

let emulator: Emulator;
let url: string;
beforeAll(async () => {
  emulator = await createEmulator({ apps: [{ appid: OA, secret: 'oasecret', kind: 'officialAccount', openAppid: 'wxopen2' }], logger: false });
  url = await emulator.listen({ port: 0 });
  for (let i = 0; i < FOLLOWERS; i++) {
    const { id } = (await (await fetch(`${url}/__emulator/persons`, { method: 'POST', headers: json, body: '{}' })).json()) as { id: string };
    await fetch(`${url}/__emulator/persons/${id}/follow`, { method: 'POST', headers: json, body: JSON.stringify({ appid: OA }) });
  }
});
afterAll(() => emulator.close());

describe.each(backends)('weunion apps bind (%s)', (_name, make) => {
  let backend: DataBackend;
  afterAll(() => backend?.drop());

  it('links the official account’s openid-only users with batchget and counts a mini program’s as waiting for login', async () => {
    const cwd = mkdtempSync(path.join(tmpdir(), 'weunion-bind-'));
    backend = await make(cwd);
    const write = (union: string | null) =>
      writeFileSync(
        path.join(cwd, 'weunion.config.json'),
        JSON.stringify({
          storage: backend.storage,
          unions: [{ id: 'acme' }],
          apps: [
            { appid: OA, secret: 'oasecret', kind: 'officialAccount', union },
            { appid: MP, secret: 's', kind: 'miniprogram', union },
          ],
          wechat: { baseUrl: url },
        }),
      );
    write(null); // before the binding: weunion knows these people by openid alone
    writeFileSync(path.join(cwd, 'mp.csv'), 'wxmp0000000000002,o-mp-1\nwxmp0000000000002,o-mp-2\n');
    expect((await runCli(['migrate'], { cwd })).code).toBe(0);
    expect((await runCli(['backfill', 'followers', '--app', OA], { cwd })).out).toContain(`${FOLLOWERS} followers walked: 0 with a unionid`);
    expect((await runCli(['import', '--file', 'mp.csv'], { cwd })).out).toContain('2 rows: 2 created');

    const refused = await runCli(['apps', 'bind', OA, '--union', 'acme'], { cwd });
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('set "union": "acme"');

    write('acme');
    const oa = await runCli(['apps', 'bind', OA, '--union', 'acme'], { cwd });
    expect(oa.code, oa.err).toBe(0);
    expect(oa.out).toContain(`${FOLLOWERS} users known by openid alone`);
    expect(oa.out).toContain(`${FOLLOWERS} linked, 0 merged into the person's other users, 0 still without a unionid`);
    const mp = await runCli(['apps', 'bind', MP, '--union', 'acme'], { cwd });
    expect(mp.out).toContain('2 wait for their next login');
    const opened = await backend.open();
    try {
      expect(await opened.store.identity.counts()).toMatchObject({ appIdentities: FOLLOWERS + 2, unionIdentities: FOLLOWERS });
    } finally {
      await opened.close();
    }
  }, 240_000);
});
