import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { dataImport } from '../src/cli/commands/data/import.js';
import { demoConfig } from '../src/config/demo-config.js';
import { systemClock } from '../src/clock.js';
import { createIdentityService } from '../src/identity/index.js';
import { openStore } from '../src/store/index.js';
import { median, pinThisProcess } from './harness.js';
import { row, writeBench } from './report.js';
import { seedUsers } from './seed-users.js';
import { writeImportFile } from './import-file.js';

const rows = Math.max(4, Math.floor(Number(process.env.BENCH_ROWS ?? 20_000) / 4) * 4);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const groups = rows / 4;

pinThisProcess('measured'); // both loops run here: keep them on one CPU with their GC threads
const dir = mkdtempSync(path.join(tmpdir(), 'weunion-bench-import-'));
const { file, lines } = writeImportFile(dir, rows);
const expected = { users: 3 * groups, liveUsers: 2 * groups, appIdentities: 3 * groups, unionIdentities: groups };
const { unions, apps } = demoConfig();

interface Counts {
  users: number;
  liveUsers: number;
  appIdentities: number;
  unionIdentities: number;
}

async function countsOf(storage: string): Promise<Counts> {
  const opened = await openStore(storage);
  try {
    const { users, liveUsers, appIdentities, unionIdentities } = await opened.store.identity.counts();
    return { users, liveUsers, appIdentities, unionIdentities };
  } finally {
    await opened.close();
  }
}

function check(what: string, got: Counts, want: Counts): void {
  if (JSON.stringify(got) !== JSON.stringify(want)) throw new Error(`${what}: the store holds ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
}

let n = 0;
const freshDb = () => `sqlite:${path.join(dir, `r${n++}.db`)}`;

/** One import of the file into a fresh SQLite file, as `weunion import --file users.jsonl --quiet` runs it. */
async function importRound(): Promise<{ seconds: number; out: string }> {
  const storage = freshDb();
  const cwd = mkdtempSync(path.join(dir, 'cli-'));
  writeFileSync(path.join(cwd, 'weunion.config.json'), JSON.stringify({ storage, migrations: 'auto', unions, apps }));
  let out = '';
  let err = '';
  const t0 = performance.now();
  const code = await dataImport.run({
    args: ['--file', file, '--quiet'],
    env: { ...process.env, WEUNION_CONFIG: undefined },
    cwd,
    out: (t) => {
      out += t;
    },
    err: (t) => {
      err += t;
    },
  });
  const seconds = (performance.now() - t0) / 1000;
  if (code !== 0) throw new Error(`weunion import exited ${code}: ${err}`);
  check('after the import', await countsOf(storage), expected);
  return { seconds, out: out.trim() };
}

async function seedRound(): Promise<number> {
  const storage = freshDb();
  const seconds = await seedUsers(storage, rows);
  check('after the seeding', await countsOf(storage), { users: rows, liveUsers: rows, appIdentities: rows, unionIdentities: rows });
  return seconds;
}

/** The floor: every row of the file through identity.resolve, one transaction each, on a fresh store. */
async function resolveRound(): Promise<number> {
  const storage = freshDb();
  const opened = await openStore(storage);
  const { error } = await opened.migrate();
  if (error) throw error;
  const parsed = lines.map((l) => JSON.parse(l) as { appid: string; openid: string; unionid?: string });
  const identity = createIdentityService({ identity: opened.store.identity, profile: opened.store.profile, clock: systemClock });
  const t0 = performance.now();
  try {
    for (const r of parsed) await identity.resolve({ unionKey: 'acme', appid: r.appid, openid: r.openid, unionid: r.unionid ?? null }, { markSeen: false });
  } finally {
    await opened.close();
  }
  const seconds = (performance.now() - t0) / 1000;
  check('after the resolve loop', await countsOf(storage), expected);
  return seconds;
}

const floor: number[] = [];
const floorRatios: number[] = [];
const overFloor: number[] = [];
const imported: number[] = [];
const seeded: number[] = [];
const ratios: number[] = [];
let summary = '';
try {
  await importRound(); // warm-up (JIT), both
  await seedRound();
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 ? (['seed', 'import'] as const) : (['import', 'seed'] as const);
    const rps: Record<string, number> = {};
    for (const which of order) {
      if (which === 'import') {
        const r = await importRound();
        summary = r.out;
        rps.import = rows / r.seconds;
        imported.push(rps.import);
      } else {
        rps.seed = rows / (await seedRound());
        seeded.push(rps.seed);
      }
      process.stdout.write(`  round ${round + 1}: ${which.padEnd(6)} ${rps[which]!.toFixed(0).padStart(7)} rows/s\n`);
    }
    ratios.push(rps.import! / rps.seed!);
    rps.resolve = rows / (await resolveRound());
    floor.push(rps.resolve);
    floorRatios.push(rps.resolve / rps.seed!);
    overFloor.push(rps.import! / rps.resolve);
    process.stdout.write(`  round ${round + 1}: resolve loop (floor) ${rps.resolve.toFixed(0).padStart(7)} rows/s\n`);
  }
  process.stdout.write(`  import said: ${summary}\n`);
  writeBench('import', { rows, rounds, store: 'sqlite (fresh file per round)' }, [
    row({
      bench: 'import',
      name: 'weunion import --file users.jsonl vs bulk seeding (SQLite)',
      unit: 'rows/s',
      subject: { name: 'import', value: median(imported) },
      baseline: { name: 'bulk seed', value: median(seeded) },
      ratio: median(ratios),
      perRound: ratios,
      target: { op: '>=', value: 0.5 },
      details: { rows, expectedAfterImport: expected, importSummary: summary },
    }),
    row({
      bench: 'import',
      name: 'floor: the same rows through identity.resolve, one transaction each, vs bulk seeding',
      unit: 'rows/s',
      subject: { name: 'resolve loop', value: median(floor) },
      baseline: { name: 'bulk seed', value: median(seeded) },
      ratio: median(floorRatios),
      perRound: floorRatios,
      target: null,
    }),
    row({
      bench: 'import',
      name: 'weunion import vs that floor (the resolve loop)',
      unit: 'rows/s',
      subject: { name: 'import', value: median(imported) },
      baseline: { name: 'resolve loop', value: median(floor) },
      ratio: median(overFloor),
      perRound: overFloor,
      target: null,
    }),
  ]);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
