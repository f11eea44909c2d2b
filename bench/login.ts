/**
 * Login throughput: weunion `POST /v1/mp/:appid/login` on its embedded defaults vs two ceilings, bare Fastify
 * routes making the same single jscode2session call to the same emulator (A with Node's fetch, B with undici, the
 * client weunion uses). Each peer runs in its own process and gets fresh single-use codes on a freshly reset
 * emulator; the order rotates every round and the ratios are per-round medians within this run. The mix: each
 * person logs in 40 times per round (returning users, as in production), so 1 login in 40 creates a user. Prints a table and writes
 * bench/results/login.json.  Knobs: BENCH_LOGINS (per round, default 20000), BENCH_CONNECTIONS (32), BENCH_ROUNDS (3).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { DEMO_APPS } from '../src/config/demo-config.js';
import { loadWithCodes, mintCodes, startPeer, type LoadResult } from './harness.js';

const logins = Number(process.env.BENCH_LOGINS ?? 20_000);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 32);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);

const emulator = await startPeer('bench/servers/emulator.ts', {}, [], 'support');
const env = { EMULATOR_URL: emulator.url };
// BENCH_PROFILE=dir writes a V8 CPU profile of the weunion process there (open it in Chrome DevTools).
const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
const weunion = await startPeer('bench/servers/weunion.ts', env, profile);
const bareFetch = await startPeer('bench/servers/bare-fastify.ts', { ...env, BARE_CLIENT: 'fetch' });
const bareUndici = await startPeer('bench/servers/bare-fastify.ts', { ...env, BARE_CLIENT: 'undici' });
const WEUNION = 'weunion /v1/mp/:appid/login (SQLite)';
const targets = [
  { name: WEUNION, url: `${weunion.url}/v1/mp/${DEMO_APPS.mp1}/login` },
  { name: 'ceiling A: bare Fastify + fetch', url: `${bareFetch.url}/login` },
  { name: 'ceiling B: bare Fastify + undici', url: `${bareUndici.url}/login` },
];
const results = new Map<string, LoadResult[]>();
const ratios = new Map<string, number[]>();
const reset = () => fetch(`${emulator.url}/__emulator/reset`, { method: 'POST', headers: { 'content-type': 'application/json' } });
try {
  for (const t of targets) await loadWithCodes(t.url, await mintCodes(emulator.url, DEMO_APPS.mp1, 5000), connections); // warm-up (JIT)
  for (let round = 0; round < rounds; round++) {
    // Alternate which peer goes first, and give each a freshly reset emulator, so neither inherits the other's load.
    const order = targets.map((_, i) => targets[(i + round) % targets.length]!); // rotate who goes first
    const roundRps = new Map<string, number>();
    for (const t of order) {
      await reset();
      const codes = await mintCodes(emulator.url, DEMO_APPS.mp1, logins);
      const r = await loadWithCodes(t.url, codes, connections);
      results.set(t.name, [...(results.get(t.name) ?? []), r]);
      roundRps.set(t.name, r.rps);
      process.stdout.write(`  round ${round + 1}: ${t.name.padEnd(44)} ${r.rps.toFixed(0).padStart(7)} logins/s\n`);
    }
    for (const t of targets.slice(1)) ratios.set(t.name, [...(ratios.get(t.name) ?? []), roundRps.get(WEUNION)! / roundRps.get(t.name)!]);
  }
} finally {
  await Promise.all([weunion.stop(), bareFetch.stop(), bareUndici.stop()]);
  await emulator.stop();
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const summary = targets.map((t) => {
  const rs = results.get(t.name)!;
  return {
    name: t.name,
    rps: median(rs.map((r) => r.rps)),
    p50: median(rs.map((r) => r.p50)),
    p99: median(rs.map((r) => r.p99)),
    failures: rs.reduce((s, r) => s + r.non2xx + r.errors, 0),
  };
});
const ratioList = targets.slice(1).map((t) => ({ against: t.name, perRound: ratios.get(t.name)!, median: median(ratios.get(t.name)!) }));
process.stdout.write(
  `\nlogin benchmark — ${rounds} round(s) × ${logins} logins, ${connections} connections, node ${process.version}, ${os.cpus().length} CPUs (medians)\n`,
);
for (const s of summary) {
  process.stdout.write(
    `  ${s.name.padEnd(44)} ${s.rps.toFixed(0).padStart(7)} logins/s   p50 ${s.p50.toFixed(1)} ms   p99 ${s.p99.toFixed(1)} ms   failures ${s.failures}\n`,
  );
}
for (const r of ratioList) {
  process.stdout.write(
    `  weunion / ${r.against.split(':')[0]}: ${r.median.toFixed(2)} (per round ${r.perRound.map((x) => x.toFixed(2)).join(', ')}; target ≥ 0.60)\n`,
  );
}
mkdirSync('bench/results', { recursive: true });
writeFileSync(
  'bench/results/login.json',
  JSON.stringify(
    { date: new Date().toISOString(), node: process.version, cpus: os.cpus().length, logins, connections, rounds, summary, ratios: ratioList },
    null,
    2,
  ),
);
