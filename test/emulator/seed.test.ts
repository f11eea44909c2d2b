import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from '../../src/emulator/index.js';
import { applySeed, readSeed } from '../../src/emulator/seed.js';
import { OA } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'emu-seed-'));
const file = (name: string, body: unknown) => {
  const p = join(dir, name);
  writeFileSync(p, typeof body === 'string' ? body : JSON.stringify(body));
  return p;
};

describe('seed files', () => {
  let emu: Emulator | undefined;
  afterEach(() => emu?.close());

  it('makes the apps, the persons and their follows', async () => {
    const seed = readSeed(file('ok.json', { apps: [OA], persons: [{ name: 'Ann', follows: [OA.appid] }, { name: 'Bob' }] }));
    emu = createEmulator({ apps: seed.apps ?? [] });
    const [ann, bob] = await applySeed(emu, seed);
    expect(emu.state.person(ann as string)).toMatchObject({ name: 'Ann', follows: [OA.appid] });
    expect(emu.state.person(bob as string)).toMatchObject({ name: 'Bob', follows: [] });
  });

  it('a bad file names the file and the field; an unknown followed appid fails the seeding', async () => {
    expect(() => readSeed(file('bad.json', { persons: [{ nick: 'x' }] }))).toThrow(/bad\.json[\s\S]*nick/);
    expect(() => readSeed(file('broken.json', '{'))).toThrow(/broken\.json/);
    const seed = readSeed(file('unknown.json', { persons: [{ follows: ['wxnope'] }] }));
    emu = createEmulator({ apps: [OA] });
    await expect(applySeed(emu, seed)).rejects.toThrow(/follow → 404/);
  });
});
