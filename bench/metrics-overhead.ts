/**
 * What `/metrics` costs a login: the same weunion (embedded defaults, client decides) in two processes, one with
 * `metrics.enabled` (every request observed by the HTTP histogram, every login, WeChat call and merge counted) and
 * one without, against the same emulator, fresh single-use codes each, on a freshly reset emulator; the order
 * alternates every round and the ratio (on ÷ off) is the median of the per-round ratios. After each round the
 * enabled one is scraped, as Prometheus would, and its login count checked, so the figures are known to have been
 * kept. Target ≥ 0.95. Writes bench/results/metrics.json.
 * Knobs: BENCH_LOGINS (per round, default 8000), BENCH_CONNECTIONS (32), BENCH_ROUNDS (5), BENCH_WARMUP (3000 logins each).
 */
import { DEMO_APPS } from '../src/config/demo-config.js';
import { type LoadResult, loadWithCodes, median, mintCodes, startPeer, summarizeLoads } from './harness.js';
import { row, writeBench } from './report.js';

const logins = Number(process.env.BENCH_LOGINS ?? 8000);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 32);
const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
const warmup = Number(process.env.BENCH_WARMUP ?? 3000);
const TOKEN = 'bench-metrics-token-0123456789';

const emulator = await startPeer('bench/servers/emulator.ts', {}, [], 'support');
const on = await startPeer('bench/servers/weunion.ts', { EMULATOR_URL: emulator.url, WEUNION_METRICS: TOKEN });
const off = await startPeer('bench/servers/weunion.ts', { EMULATOR_URL: emulator.url });
const targets = [
  { name: 'metrics on', url: `${on.url}/v1/mp/${DEMO_APPS.mp1}/login` },
  { name: 'metrics off', url: `${off.url}/v1/mp/${DEMO_APPS.mp1}/login` },
];
const results = new Map<string, LoadResult[]>(targets.map((t) => [t.name, []]));
const ratios: number[] = [];
const reset = () => fetch(`${emulator.url}/__emulator/reset`, { method: 'POST', headers: { 'content-type': 'application/json' } });

/** The enabled process's successful-login count, from a scrape. */
async function scrapedLogins(): Promise<number> {
  const text = await (await fetch(`${on.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).text();
  return text
    .split('\n')
    .filter((l) => l.startsWith('weunion_logins_total{'))
    .reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
}

try {
  for (const t of targets) await loadWithCodes(t.url, await mintCodes(emulator.url, DEMO_APPS.mp1, warmup), connections); // warm-up (JIT)
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 ? [...targets].reverse() : targets;
    const rps = new Map<string, number>();
    for (const t of order) {
      await reset();
      const r = await loadWithCodes(t.url, await mintCodes(emulator.url, DEMO_APPS.mp1, logins), connections);
      results.get(t.name)!.push(r);
      rps.set(t.name, r.rps);
      process.stdout.write(
        `  round ${round + 1}: ${t.name.padEnd(12)} ${r.rps.toFixed(0).padStart(7)} logins/s  p50 ${r.p50} ms  p99 ${r.p99} ms  failures ${r.non2xx + r.errors}\n`,
      );
    }
    ratios.push(rps.get('metrics on')! / rps.get('metrics off')!);
  }
  const counted = await scrapedLogins();
  const sent = results.get('metrics on')!.reduce((s, r) => s + r.requests - r.non2xx - r.errors, 0);
  process.stdout.write(`  scraped weunion_logins_total: ${counted} (successful measured logins sent: ${sent}, plus the warm-up)\n`);
  if (counted < sent) throw new Error(`the enabled process counted ${counted} logins, fewer than the ${sent} that succeeded`);
  const sum = (name: string) => summarizeLoads(results.get(name)!);
  const a = sum('metrics on');
  const b = sum('metrics off');
  writeBench('metrics', { logins, connections, rounds }, [
    row({
      bench: 'metrics',
      name: 'login (client decides) with /metrics enabled vs disabled',
      unit: 'logins/s',
      subject: { name: 'metrics on', value: a.rps },
      baseline: { name: 'metrics off', value: b.rps },
      ratio: median(ratios),
      perRound: ratios,
      target: { op: '>=', value: 0.95 },
      details: { on: { p50Ms: a.p50, p99Ms: a.p99, failures: a.failures }, off: { p50Ms: b.p50, p99Ms: b.p99, failures: b.failures }, scrapedLogins: counted },
    }),
  ]);
} finally {
  await Promise.all([on.stop(), off.stop()]);
  await emulator.stop();
}
