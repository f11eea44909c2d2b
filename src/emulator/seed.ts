/**
 * A seed file for a standalone emulator (`weunion emulator --seed file.json`): the apps, the persons, and whom each
 * follows. Persons are made through the control API itself (so they get exactly what `POST /__emulator/persons`
 * and `/follow` give), before any callback URL is set, so seeding pushes nothing.
 * @example
 *   { "apps": [{ "appid": "wxoa…", "secret": "s", "kind": "officialAccount", "openAppid": "wxopen…" }],
 *     "persons": [{ "name": "Ann", "follows": ["wxoa…"] }] }
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { Emulator } from './create-emulator.js';
import type { EmulatorApp } from './emulator-app.js';

const seedSchema = z.strictObject({
  /** Checked in full by createEmulator (options.ts). */
  apps: z.array(z.record(z.string(), z.unknown())).optional(),
  persons: z.array(z.strictObject({ name: z.string().min(1).optional(), follows: z.array(z.string().min(1)).default([]) })).default([]),
});

export interface EmulatorSeed {
  apps?: EmulatorApp[] | undefined;
  persons: { name?: string | undefined; follows: string[] }[];
}

/** Reads and checks a seed file; a bad one → TypeError naming the file and the field. */
export function readSeed(path: string): EmulatorSeed {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new TypeError(`seed ${path}: ${(e as Error).message}`);
  }
  const parsed = seedSchema.safeParse(raw);
  if (!parsed.success) throw new TypeError(`seed ${path}: ${z.prettifyError(parsed.error)}`);
  return parsed.data as EmulatorSeed;
}

/** Creates the seed's persons and follows on `emu`; returns the person ids in seed order. */
export async function applySeed(emu: Emulator, seed: EmulatorSeed): Promise<string[]> {
  const ids: string[] = [];
  const call = async (url: string, payload: object): Promise<Record<string, unknown>> => {
    const r = await emu.app.inject({ method: 'POST', url, payload });
    if (r.statusCode >= 300) throw new TypeError(`seed: ${url} → ${r.statusCode} ${r.body}`);
    return r.json();
  };
  for (const p of seed.persons) {
    const { id } = (await call('/__emulator/persons', p.name === undefined ? {} : { name: p.name })) as { id: string };
    for (const appid of p.follows) await call(`/__emulator/persons/${id}/follow`, { appid });
    ids.push(id);
  }
  return ids;
}
