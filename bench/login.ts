/**
 * Login throughput: weunion `POST /v1/mp/:appid/login` on its embedded defaults vs the ceiling, a bare Fastify
 * route making the same single jscode2session call to the same emulator. Each peer runs in its own process; both
 * get fresh single-use codes; rounds alternate and the ratio is taken within this run. Prints a table and writes
 * bench/results/login.json.  Knobs: BENCH_LOGINS (per round, default 8000), BENCH_CONNECTIONS (32), BENCH_ROUNDS (3).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { DEMO_APPS } from '../src/config/demo-config.js';
import { loadWithCodes, mintCodes, startPeer, type LoadResult } from './harness.js';

const logins = Number(process.env.BENCH_LOGINS ?? 8000);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 32);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);

const emulator = await startPeer('bench/servers/emulator.ts');
const env = { EMULATOR_URL: emulator.url };
// BENCH_PROFILE=dir writes a V8 CPU profile of the weunion process there (open it in Chrome DevTools).
const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
const weunion = await startPeer('bench/servers/weunion.ts', env, profile);
const bare = await startPeer('bench/servers/bare-fastify.ts', env);
const targets = [
  { name: 'bare Fastify + 1 upstream call (ceiling)', url: `${bare.url}/login` },
  { name: 'weunion /v1/mp/:appid/login (SQLite)', url: `${weunion.url}/v1/mp/${DEMO_APPS.mp1}/login` },
];
const results = new Map<string, LoadResult[]>();
try {
  for (const t of targets) await loadWithCodes(t.url, await mintCodes(emulator.url, DEMO_APPS.mp1, 300), connections); // warm-up
  for (let round = 0; round < rounds; round++) {
    for (const t of targets) {
      const codes = await mintCodes(emulator.url, DEMO_APPS.mp1, logins);
      const r = await loadWithCodes(t.url, codes, connections);
      results.set(t.name, [...(results.get(t.name) ?? []), r]);
    }
  }
} finally {
  await Promise.all([weunion.stop(), bare.stop()]);
  await emulator.stop();
}

const summary = targets.map((t) => {
  const rs = results.get(t.name)!;
  const avg = (f: (r: LoadResult) => number) => rs.reduce((s, r) => s + f(r), 0) / rs.length;
  return { name: t.name, rps: avg((r) => r.rps), p50: avg((r) => r.p50), p99: avg((r) => r.p99), failures: rs.reduce((s, r) => s + r.non2xx + r.errors, 0) };
});
const ratio = summary[1]!.rps / summary[0]!.rps;
process.stdout.write(`\nlogin benchmark — ${rounds} round(s) × ${logins} logins, ${connections} connections, node ${process.version}, ${os.cpus().length} CPUs\n`);
for (const s of summary) {
  process.stdout.write(`  ${s.name.padEnd(44)} ${s.rps.toFixed(0).padStart(7)} logins/s   p50 ${s.p50.toFixed(1)} ms   p99 ${s.p99.toFixed(1)} ms   failures ${s.failures}\n`);
}
process.stdout.write(`  ratio weunion / ceiling: ${ratio.toFixed(2)} (target ≥ 0.60)\n`);
mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/login.json', JSON.stringify({ date: new Date().toISOString(), node: process.version, cpus: os.cpus().length, logins, connections, rounds, summary, ratio }, null, 2));
