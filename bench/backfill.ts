/**
 * `weunion backfill followers --app <oa>` against the emulator, BENCH_FOLLOWERS followers of the demo official
 * account (made with `POST /__emulator/persons/bulk`, which pushes nothing). Two rows:
 *  (a) followers/s of the backfill — the CLI as a process (`node --import tsx src/cli/main.ts backfill followers`,
 *      a fresh SQLite file per round, migrated by the run) — vs the emulator's own ceiling, bench/backfill-ceiling.ts:
 *      a bare fetch loop doing the same `user/get` paging and `user/info/batchget` (100 a call), no store writes,
 *      also its own process. Both wall times include a Node + tsx start. Rounds alternate order; ratio = median of
 *      per-round ratios. After each round the store is counted (users, app and union identities = followers) and
 *      the walk's own summary checked, so the figure is known to be real work.
 *  (b) the backfill process's peak RSS (its own `maxRSS` at exit, bench/child-rss.mjs), the highest of the rounds, vs
 *      the 200 MiB budget (target ≤ 1); the bare loop's peak is in the details. Memory is meant to hold one page, so
 *      the figure that matters is at BENCH_FOLLOWERS=1000000 (100 pages):
 *      `BENCH_FOLLOWERS=1000000 BENCH_ROUNDS=1 npx tsx bench/backfill.ts` (BENCHMARKS.md has that run).
 * Measured processes run on CPU 0, the emulator on the others (harness.ts). Writes bench/results/backfill.json.
 * Knobs: BENCH_FOLLOWERS (default 20000), BENCH_ROUNDS (3), BENCH_CLI (`tsx`, the default: the source under the tsx
 * loader, which alone takes ~160 MiB at start; `built`: `node bin/weunion.js`, the compiled CLI an install runs —
 * `npm run build` first).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DEMO_APPS, demoConfig } from '../src/config/demo-config.js';
import { openStore } from '../src/store/index.js';
import { median, nodeCommand, startPeer } from './harness.js';
import { row, writeBench } from './report.js';

const followers = Number(process.env.BENCH_FOLLOWERS ?? 20_000);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const builtCli = process.env.BENCH_CLI === 'built';
if (builtCli && !existsSync('dist/src/cli/main.js')) throw new Error('BENCH_CLI=built runs bin/weunion.js: `npm run build` first');
const BUDGET_MIB = 200;
const { unions, apps } = demoConfig();
const oa = apps.find((a) => a.appid === DEMO_APPS.oa)!;
const dir = mkdtempSync(path.join(tmpdir(), 'weunion-bench-backfill-'));

interface Run {
  seconds: number;
  out: string;
  peakMiB: number;
}

/** Runs `node [--import tsx] --import ./bench/child-rss.mjs <argv>` on the measured CPU; its time, stdout and peak RSS. */
function runMeasured(argv: string[], env: Record<string, string>, cwd: string, withTsx = true): Promise<Run> {
  // By URL: the child runs in its own temp dir, where `tsx` would not resolve.
  const rss = ['--import', pathToFileURL(path.resolve('bench/child-rss.mjs')).href];
  const [command, args] = nodeCommand([...(withTsx ? ['--import', import.meta.resolve('tsx')] : []), ...rss, ...argv], 'measured');
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      err += c.toString();
    });
    child.once('error', reject);
    child.once('close', (code) => {
      const seconds = (performance.now() - t0) / 1000;
      const kb = /BENCH_PEAK_RSS_KB (\d+)/.exec(err);
      if (code !== 0 || !kb) return reject(new Error(`${argv.join(' ')} exited ${code}: ${err.slice(-2000)}`));
      resolve({ seconds, out: out.trim(), peakMiB: Number(kb[1]) / 1024 });
    });
  });
}

const emulator = await startPeer('bench/servers/emulator.ts', {}, [], 'support');
let n = 0;

async function backfillRound(): Promise<Run> {
  const cwd = mkdtempSync(path.join(dir, 'cli-'));
  const storage = `sqlite:${path.join(dir, `r${n++}.db`)}`;
  writeFileSync(path.join(cwd, 'weunion.config.json'), JSON.stringify({ storage, migrations: 'auto', unions, apps, wechat: { baseUrl: emulator.url } }));
  const cli = builtCli ? path.resolve('bin/weunion.js') : path.resolve('src/cli/main.ts');
  const r = await runMeasured([cli, 'backfill', 'followers', '--app', oa.appid], { WEUNION_CONFIG: '' }, cwd, !builtCli);
  const want = `${followers} followers walked: ${followers} with a unionid; ${followers} new users, 0 linked, 0 merged`;
  if (!r.out.includes(want)) throw new Error(`the backfill said "${r.out}", expected "${want}"`);
  const opened = await openStore(storage);
  try {
    const c = await opened.store.identity.counts();
    if (c.users !== followers || c.appIdentities !== followers || c.unionIdentities !== followers)
      throw new Error(`after the backfill the store holds ${JSON.stringify(c)}, expected ${followers} of each`);
  } finally {
    await opened.close();
  }
  rmSync(storage.slice('sqlite:'.length), { force: true });
  return r;
}

async function ceilingRound(): Promise<Run> {
  const r = await runMeasured([path.resolve('bench/backfill-ceiling.ts')], { EMULATOR_URL: emulator.url, BENCH_APPID: oa.appid, BENCH_SECRET: oa.secret }, dir);
  if (r.out !== `walked ${followers} ${followers}`) throw new Error(`the bare loop said "${r.out}", expected "walked ${followers} ${followers}"`);
  return r;
}

const backfills: Run[] = [];
const ceilings: Run[] = [];
const ratios: number[] = [];
try {
  const t0 = performance.now();
  for (let made = 0; made < followers; made += 100_000) {
    const res = await fetch(`${emulator.url}/__emulator/persons/bulk`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ count: Math.min(100_000, followers - made), follows: [oa.appid] }),
    });
    if (res.status !== 201) throw new Error(`persons/bulk: ${res.status} ${await res.text()}`);
  }
  process.stdout.write(`  seeded ${followers} followers in the emulator in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 ? (['bare loop', 'backfill'] as const) : (['backfill', 'bare loop'] as const);
    const rate: Record<string, number> = {};
    for (const which of order) {
      const r = which === 'backfill' ? await backfillRound() : await ceilingRound();
      (which === 'backfill' ? backfills : ceilings).push(r);
      rate[which] = followers / r.seconds;
      process.stdout.write(
        `  round ${round + 1}: ${which.padEnd(9)} ${rate[which]!.toFixed(0).padStart(7)} followers/s  ${r.seconds.toFixed(1)} s  peak RSS ${r.peakMiB.toFixed(0)} MiB\n`,
      );
    }
    ratios.push(rate.backfill! / rate['bare loop']!);
  }
  const peak = Math.max(...backfills.map((r) => r.peakMiB));
  const barePeak = Math.max(...ceilings.map((r) => r.peakMiB));
  const seconds = (rs: Run[]) => median(rs.map((r) => r.seconds));
  const how = builtCli ? 'built CLI' : 'tsx';
  writeBench('backfill', { followers, rounds, cli: how, store: 'sqlite (fresh file per round)' }, [
    row({
      bench: 'backfill',
      name: `backfill followers (${followers}) vs a bare fetch loop (same paging, no store)`,
      unit: 'followers/s',
      subject: { name: 'backfill', value: followers / seconds(backfills) },
      baseline: { name: 'bare loop', value: followers / seconds(ceilings) },
      ratio: median(ratios),
      perRound: ratios,
      target: null,
      details: { followers, backfillSeconds: backfills.map((r) => r.seconds), bareLoopSeconds: ceilings.map((r) => r.seconds) },
    }),
    row({
      bench: 'backfill',
      name: `↳ backfill peak RSS (${followers} followers, ${how}) vs the ${BUDGET_MIB} MiB budget`,
      unit: 'MiB',
      subject: { name: 'backfill', value: peak },
      baseline: { name: 'budget', value: BUDGET_MIB },
      ratio: peak / BUDGET_MIB,
      target: { op: '<=', value: 1 },
      details: { backfillPeakMiB: backfills.map((r) => r.peakMiB), bareLoopPeakMiB: barePeak },
    }),
  ]);
} finally {
  await emulator.stop();
  rmSync(dir, { recursive: true, force: true });
}
