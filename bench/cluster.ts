/**
 * Cluster throughput: mini program logins/s (`POST /v1/mp/:appid/login`) on PostgreSQL + Redis with 1 and with 3
 * weunion processes (test/cluster/cluster.ts: one emulator process, fresh schema and key prefix per cluster), the
 * load split evenly over the instances with the same total client connections; and how many access_token calls
 * WeChat sees per token expiry when every instance needs the token at once (time moved past expiry, then
 * 200 concurrent token users per instance). Each person logs in 40 times (returning users, as in bench/login.ts).
 * Prints a table and writes bench/results/cluster.json.
 * Knobs: BENCH_LOGINS (per run, default 12000), BENCH_CONNECTIONS (total, 48), BENCH_ROUNDS (3), BENCH_EXPIRIES (3).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { DEMO_APPS } from '../src/config/demo-config.js';
import { startCluster, type Cluster } from '../test/cluster/cluster.js';
import { loadWithCodes, mintCodes, type LoadResult } from './harness.js';

const logins = Number(process.env.BENCH_LOGINS ?? 12_000);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 48);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const expiries = Number(process.env.BENCH_EXPIRIES ?? 3);
const TOKEN_USERS_PER_INSTANCE = 200;

interface Run {
  rps: number;
  p50: number;
  p99: number;
  failures: number;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** `total` logins split over the instances, all at once; throughput = all logins / the slowest instance's time. */
async function loginRun(cluster: Cluster, total: number): Promise<Run> {
  const n = cluster.instances.length;
  const shares = await Promise.all(cluster.instances.map(() => mintCodes(cluster.emulator.url, DEMO_APPS.mp1, Math.floor(total / n))));
  const perInstance = Math.max(1, Math.floor(connections / n));
  const results: LoadResult[] = await Promise.all(
    cluster.instances.map((i, k) => loadWithCodes(`${i.url}/v1/mp/${DEMO_APPS.mp1}/login`, shares[k]!, perInstance)),
  );
  const requests = results.reduce((s, r) => s + r.requests, 0);
  const seconds = Math.max(...results.map((r) => r.requests / r.rps));
  return {
    rps: requests / seconds,
    p50: Math.max(...results.map((r) => r.p50)),
    p99: Math.max(...results.map((r) => r.p99)),
    failures: results.reduce((s, r) => s + r.non2xx + r.errors, 0),
  };
}

/** Moves every clock past the token's expiry, then 200 concurrent token users per instance: token calls seen. */
async function tokenCallsPerExpiry(cluster: Cluster): Promise<number[]> {
  const qrLogin = (url: string) =>
    fetch(`${url}/v1/oa/${DEMO_APPS.oa}/qr-login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  await qrLogin(cluster.instances[0]!.url); // the first token
  const calls: number[] = [];
  for (let e = 0; e < expiries; e++) {
    await cluster.control('/__emulator/stats', undefined, 'DELETE');
    await cluster.advanceClock(7200 + 60);
    const answers = await Promise.all(cluster.instances.flatMap((i) => Array.from({ length: TOKEN_USERS_PER_INSTANCE }, () => qrLogin(i.url))));
    const failed = answers.filter((r) => r.status !== 200).length;
    if (failed) throw new Error(`${failed} token users failed`);
    calls.push((await cluster.control<{ calls: Record<string, number> }>('/__emulator/stats')).calls['/cgi-bin/stable_token'] ?? 0);
  }
  return calls;
}

const summary: Array<{ instances: number; rps: number; p50: number; p99: number; failures: number; perRound: number[] }> = [];
let tokenCalls: number[] = [];
for (const instances of [1, 3]) {
  const cluster = await startCluster({ instances, config: { storagePoolSize: 10 } });
  try {
    await loginRun(cluster, 3000); // warm-up (JIT, pools)
    const runs: Run[] = [];
    for (let r = 0; r < rounds; r++) {
      const run = await loginRun(cluster, logins);
      runs.push(run);
      process.stdout.write(`  ${instances} instance(s), round ${r + 1}: ${run.rps.toFixed(0).padStart(6)} logins/s (failures ${run.failures})\n`);
    }
    summary.push({
      instances,
      rps: median(runs.map((r) => r.rps)),
      p50: median(runs.map((r) => r.p50)),
      p99: median(runs.map((r) => r.p99)),
      failures: runs.reduce((s, r) => s + r.failures, 0),
      perRound: runs.map((r) => Math.round(r.rps)),
    });
    if (instances === 3) tokenCalls = await tokenCallsPerExpiry(cluster);
  } finally {
    await cluster.close();
  }
}

process.stdout.write(
  `\ncluster benchmark — PostgreSQL + Redis, ${rounds} round(s) × ${logins} logins, ${connections} connections in total, node ${process.version}, ${os.cpus().length} CPUs (medians)\n`,
);
process.stdout.write(`  ${'instances'.padEnd(10)} ${'logins/s'.padStart(9)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'failures'.padStart(9)}\n`);
for (const s of summary) {
  process.stdout.write(
    `  ${String(s.instances).padEnd(10)} ${s.rps.toFixed(0).padStart(9)} ${s.p50.toFixed(1).padStart(8)} ${s.p99.toFixed(1).padStart(8)} ${String(s.failures).padStart(9)}\n`,
  );
}
process.stdout.write(`  token calls per expiry (3 instances × ${TOKEN_USERS_PER_INSTANCE} concurrent token users): ${tokenCalls.join(', ')}\n`);
mkdirSync('bench/results', { recursive: true });
writeFileSync(
  'bench/results/cluster.json',
  JSON.stringify(
    { date: new Date().toISOString(), node: process.version, cpus: os.cpus().length, logins, connections, rounds, summary, tokenCallsPerExpiry: tokenCalls },
    null,
    2,
  ),
);
