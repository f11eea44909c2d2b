/** `weunion emulator --seed file.json` as a process: the seed's apps and persons are there once it listens. */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const cli = path.resolve('src/cli/main.ts');
const tsx = pathToFileURL(path.resolve('node_modules/tsx/dist/loader.mjs')).href;
const OA = { appid: 'wxoaseed00000001', secret: 'seed-secret', kind: 'officialAccount', openAppid: 'wxopenseed000001' };

describe('weunion emulator --seed', () => {
  it('listens with the seed apps, persons and follows', async () => {
    const cwd = mkdtempSync(path.join(tmpdir(), 'weunion-seed-'));
    writeFileSync(path.join(cwd, 'seed.json'), JSON.stringify({ apps: [OA], persons: [{ name: 'Ann', follows: [OA.appid] }, { name: 'Bob' }] }));
    const child = spawn(process.execPath, ['--import', tsx, cli, 'emulator', '--seed', 'seed.json'], {
      cwd,
      env: { ...process.env, LOG_LEVEL: 'silent', EMULATOR_PORT: '0' },
    });
    try {
      const out = await new Promise<string>((resolve, reject) => {
        let text = '';
        child.stdout.on('data', (d: Buffer) => {
          text += d.toString();
          if (/control API/.test(text)) resolve(text);
        });
        child.on('exit', (code) => reject(new Error(`exited ${code}: ${text}`)));
      });
      expect(out).toMatch(/seeded 2 person\(s\) from seed\.json/);
      const url = /on (http:\/\/\S+)/.exec(out)![1]!;
      expect(await (await fetch(`${url}/__emulator/apps`)).json()).toEqual([{ appid: OA.appid, kind: 'officialAccount', openAppid: OA.openAppid }]);
      const persons = (await (await fetch(`${url}/__emulator/persons`)).json()) as { name: string; follows: string[] }[];
      expect(persons.map((p) => [p.name, p.follows])).toEqual([
        ['Ann', [OA.appid]],
        ['Bob', []],
      ]);
    } finally {
      child.kill('SIGTERM');
    }
  }, 30_000);
});
