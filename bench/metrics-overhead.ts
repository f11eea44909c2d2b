/**
 * What `/metrics` costs a login: the same weunion (embedded defaults, client decides), once with `metrics.enabled`
 * (every request observed by the HTTP histogram, every login, WeChat call and merge counted) and once without, each
 * measurement a fresh process of its own (started, warmed up, measured, stopped: never two alive at once), against
 * the same emulator, fresh single-use codes each, on a freshly reset emulator; the order alternates every round and
 * the ratio (on ÷ off) is the median of the per-round ratios. After each enabled measurement the process is scraped,
 * as Prometheus would, and its login count checked against the logins that succeeded, so the figures are known to
 * have been kept. Target ≥ 0.95. Writes bench/results/metrics.json.
 * Knobs: BENCH_LOGINS (per round, default 8000), BENCH_CONNECTIONS (32), BENCH_ROUNDS (5), BENCH_WARMUP (3000 logins each).
 */
import { DEMO_APPS } from '../src/config/demo-config.js';
import { type LoadResult, loadWithCodes, median, mintCodes, startPeer, summarizeLoads, withPeer } from './harness.js';
import { row, writeBench } from './report.js';

const logins = Number(process.env.BENCH_LOGINS ?? 8000);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 32);
const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
const warmup = Number(process.env.BENCH_WARMUP ?? 3000);
const TOKEN = 'bench-metrics-token-0123456789';

const emulator = await startPeer('bench/servers/emulator.ts', {}, [], 'support');
const configs: { name: string; env: Record<string, string> }[] = [
  { name: 'metrics on', env: { EMULATOR_URL: emulator.url, WEUNION_METRICS: TOKEN } },
  { name: 'metrics off', env: { EMULATOR_URL: emulator.url } },
];
const results = new Map<string, LoadResult[]>(configs.map((t) => [t.name, []]));
const ratios: number[] = [];
const reset = () => fetch(`${emulator.url}/__emulator/reset`, { method: 'POST', headers: { 'content-type': 'application/json' } });

/** The enabled process's successful-login count, from a scrape. */
async function scrapedLogins(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).text();
  return text
    .split('\n')
    .filter((l) => l.startsWith('weunion_logins_total{'))
    .reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
}

/** One measurement in a process of its own, the only weunion alive (harness.ts, withPeer). */
function measure(config: (typeof configs)[number]): Promise<{ r: LoadResult; counted: number | null }> {
  return withPeer('bench/servers/weunion.ts', config.env, async (peer) => {
    const url = `${peer.url}/v1/mp/${DEMO_APPS.mp1}/login`;
    const w = await loadWithCodes(url, await mintCodes(emulator.url, DEMO_APPS.mp1, warmup), connections); // warm-up (JIT)
    await reset();
    const r = await loadWithCodes(url, await mintCodes(emulator.url, DEMO_APPS.mp1, logins), connections);
    const warmed = w.requests - w.non2xx - w.errors;
    return { r, counted: 'WEUNION_METRICS' in config.env ? (await scrapedLogins(peer.url)) - warmed : null };
  });
}

let counted = 0;
try {
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 ? [...configs].reverse() : configs;
    const rps = new Map<string, number>();
    for (const t of order) {
      const { r, counted: c } = await measure(t);
      results.get(t.name)!.push(r);
      rps.set(t.name, r.rps);
      const ok = r.requests - r.non2xx - r.errors;
      if (c !== null) {
        // The figures were kept: the scrape counts every login of the measurement that succeeded.
        if (c < ok) throw new Error(`the enabled process counted ${c} measured logins, fewer than the ${ok} that succeeded`);
        counted += c;
      }
      process.stdout.write(
        `  round ${round + 1}: ${t.name.padEnd(12)} ${r.rps.toFixed(0).padStart(7)} logins/s  p50 ${r.p50} ms  p99 ${r.p99} ms  failures ${r.non2xx + r.errors}${c === null ? '' : `  scraped ${c}`}\n`,
      );
    }
    ratios.push(rps.get('metrics on')! / rps.get('metrics off')!);
  }
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
  await emulator.stop();
}
