/**
 * `npm run bench`: every benchmark, one after the other, each in its own process, on loopback with the emulator as
 * WeChat; then one table and bench/results/latest.json (every row a ratio measured in the same run against its
 * baseline, with the absolute figures). Sizes are set for a whole run of about ten minutes on a small machine; the
 * rows with a target close to their figure (Express, callback, growth) take five rounds, because on a shared two-CPU
 * VM one round's ratio moves by ±25 % and the median of three still landed on either side of a target (BENCHMARKS.md).
 * Any knob set in the environment wins (see each bench's header). BENCH_ONLY=login,decrypt,… runs a subset.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { formatTable, row, type BenchFile, type BenchRow } from './report.js';

interface Step {
  bench: string;
  script: string;
  env: Record<string, string>;
}

const steps: Step[] = [
  { bench: 'login', script: 'bench/login.ts', env: { BENCH_LOGINS: '12000', BENCH_ROUNDS: '3' } },
  { bench: 'login-baseline', script: 'bench/login-baseline.ts', env: { BENCH_LOGINS: '8000', BENCH_ROUNDS: '5' } },
  { bench: 'decrypt', script: 'bench/decrypt.ts', env: { BENCH_ROUNDS: '5' } },
  { bench: 'callback', script: 'bench/callback.ts', env: { BENCH_PUSHES: '20000', BENCH_ROUNDS: '5' } },
  { bench: 'growth', script: 'bench/growth.ts', env: { BENCH_ROUNDS: '5' } },
  { bench: 'metrics', script: 'bench/metrics-overhead.ts', env: { BENCH_LOGINS: '8000', BENCH_ROUNDS: '5' } },
  { bench: 'webhooks', script: 'bench/webhooks.ts', env: { BENCH_EVENTS: '8000', BENCH_ROUNDS: '5' } },
  { bench: 'webhooks-login', script: 'bench/webhooks-login-overhead.ts', env: { BENCH_LOGINS: '8000', BENCH_ROUNDS: '5' } },
  { bench: 'import', script: 'bench/import.ts', env: { BENCH_ROWS: '20000', BENCH_ROUNDS: '3' } },
  { bench: 'backfill', script: 'bench/backfill.ts', env: { BENCH_FOLLOWERS: '20000', BENCH_ROUNDS: '3' } },
];
const only = process.env.BENCH_ONLY?.split(',');
const started = performance.now();
const files: BenchFile[] = [];
const failed: string[] = [];

for (const step of steps.filter((s) => !only || only.includes(s.bench))) {
  process.stdout.write(`\n== ${step.bench} (${step.script})\n`);
  const t0 = performance.now();
  // Defaults first, so a knob in the environment overrides them.
  const r = spawnSync(process.execPath, ['--import', 'tsx', step.script], { env: { ...step.env, ...process.env }, stdio: 'inherit' });
  process.stdout.write(`   ${step.bench}: ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);
  if (r.status !== 0) {
    failed.push(step.bench);
    continue;
  }
  files.push(step.bench === 'login' ? fromLoginJson() : (JSON.parse(readFileSync(`bench/results/${step.bench}.json`, 'utf8')) as BenchFile));
}

/** bench/login.ts keeps its own format (bench/results/login.json); its ratios become rows here. */
function fromLoginJson(): BenchFile {
  const j = JSON.parse(readFileSync('bench/results/login.json', 'utf8')) as {
    date: string;
    node: string;
    cpus: number;
    logins: number;
    connections: number;
    rounds: number;
    summary: Array<{ name: string; rps: number; p50: number; p99: number; failures: number }>;
    ratios: Array<{ against: string; perRound: number[]; median: number }>;
  };
  const weunion = j.summary[0]!;
  const rows: BenchRow[] = j.ratios.map((r) => {
    const base = j.summary.find((s) => s.name === r.against)!;
    const isA = r.against.startsWith('ceiling A');
    return row({
      bench: 'login',
      name: `login (client decides) vs ${r.against}`,
      unit: 'logins/s',
      subject: { name: 'weunion', value: weunion.rps },
      baseline: { name: r.against.split(':')[0]!, value: base.rps },
      ratio: r.median,
      perRound: r.perRound,
      // The ceiling is (a), the route a user would hand-roll (fetch); B (undici) is shown for reference.
      target: isA ? { op: '>=', value: 0.6 } : null,
      details: {
        weunion: { p50Ms: weunion.p50, p99Ms: weunion.p99, failures: weunion.failures },
        baseline: { p50Ms: base.p50, p99Ms: base.p99, failures: base.failures },
      },
    });
  });
  return { bench: 'login', date: j.date, node: j.node, cpus: j.cpus, settings: { logins: j.logins, connections: j.connections, rounds: j.rounds }, rows };
}

const rows = files.flatMap((f) => f.rows);
const minutes = (performance.now() - started) / 60_000;
const header = `weunion benchmarks — ${new Date().toISOString()}, node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model.trim() ?? '?'}), ${minutes.toFixed(1)} min`;
process.stdout.write(`\n${header}\n\n${formatTable(rows)}\n`);
if (failed.length) process.stdout.write(`\nFAILED: ${failed.join(', ')}\n`);
writeFileSync(
  'bench/results/latest.json',
  `${JSON.stringify({ date: new Date().toISOString(), node: process.version, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model.trim(), minutes, command: 'npm run bench', failed, benches: files.map(({ rows: _r, ...meta }) => meta), rows }, null, 2)}\n`,
);
process.exitCode = failed.length ? 1 : 0;
