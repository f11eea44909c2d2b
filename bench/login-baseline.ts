/**
 * Login vs the baseline users write today: weunion `POST /v1/mp/:appid/login` (embedded defaults) vs the seeds'
 * recipe hand-rolled on Express (bench/baselines/express-seed.ts), both sent the same "server decides" bodies
 * (`code` + `encryptedData` + `iv`) by the same client, against the same emulator. Two worlds:
 * - current rule: code2session carries the unionid, nobody decrypts;
 * - legacy rule (the seeds' world): nobody follows the official account, so every login decrypts the user data.
 * Each person logs in 40 times per round (returning users, as in bench/login.ts). Rounds alternate who goes first,
 * each on a freshly reset emulator; the ratio is the median of per-round ratios. Also p50/p99 and the peak RSS of
 * the weunion process (VmHWM). Writes bench/results/login-baseline.json.
 * Knobs: BENCH_LOGINS (per round, default 10000), BENCH_CONNECTIONS (32), BENCH_ROUNDS (3), BENCH_WORLDS (current,legacy),
 * BENCH_PROFILE=dir (a V8 CPU profile of each weunion process).
 */
import { DEMO_APPS } from '../src/config/demo-config.js';
import { cpuSeconds, type LoadResult, loadWithBodies, median, mintServerDecidesLogins, peakRssMiB, startPeer, summarizeLoads } from './harness.js';
import { row, writeBench, type BenchRow } from './report.js';

const logins = Number(process.env.BENCH_LOGINS ?? 10_000);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 32);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];

async function world(rule: 'current' | 'legacy'): Promise<BenchRow[]> {
  const emulator = await startPeer('bench/servers/emulator.ts', { EMULATOR_UNIONID_RULE: rule }, [], 'support');
  const env = { EMULATOR_URL: emulator.url };
  const weunion = await startPeer('bench/servers/weunion.ts', env, profile);
  const seed = await startPeer('bench/baselines/express-seed.ts', env);
  const targets = [
    { name: 'weunion', url: `${weunion.url}/v1/mp/${DEMO_APPS.mp1}/login`, pid: weunion.child.pid! },
    { name: 'Express seed recipe', url: `${seed.url}/login`, pid: seed.child.pid! },
  ];
  // CPU the server process itself spent per login: on a small machine the emulator and the load generator share
  // the cores, so throughput ratios are compressed towards 1; this one is not.
  const cpuMs = new Map<string, number[]>(targets.map((t) => [t.name, []]));
  const results = new Map<string, LoadResult[]>(targets.map((t) => [t.name, []]));
  const ratios: number[] = [];
  let rss: number | undefined;
  const reset = () => fetch(`${emulator.url}/__emulator/reset`, { method: 'POST', headers: { 'content-type': 'application/json' } });
  try {
    for (const t of targets) await loadWithBodies(t.url, await mintServerDecidesLogins(emulator.url, DEMO_APPS.mp1, 2000), connections); // warm-up
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 ? [...targets].reverse() : targets;
      const rps = new Map<string, number>();
      for (const t of order) {
        await reset();
        const bodies = await mintServerDecidesLogins(emulator.url, DEMO_APPS.mp1, logins);
        const cpuBefore = cpuSeconds(t.pid);
        const r = await loadWithBodies(t.url, bodies, connections);
        const cpuAfter = cpuSeconds(t.pid);
        if (cpuBefore !== undefined && cpuAfter !== undefined) cpuMs.get(t.name)!.push(((cpuAfter - cpuBefore) * 1000) / r.requests);
        results.get(t.name)!.push(r);
        rps.set(t.name, r.rps);
        process.stdout.write(
          `  ${rule} rule, round ${round + 1}: ${t.name.padEnd(20)} ${r.rps.toFixed(0).padStart(7)} logins/s  p50 ${r.p50} ms  p99 ${r.p99} ms  failures ${r.non2xx + r.errors}\n`,
        );
      }
      ratios.push(rps.get('weunion')! / rps.get('Express seed recipe')!);
    }
    rss = peakRssMiB(weunion.child.pid!);
  } finally {
    await Promise.all([weunion.stop(), seed.stop()]);
    await emulator.stop();
  }
  const sum = (name: string) => {
    return {
      ...summarizeLoads(results.get(name)!),
      cpuMsPerLogin: cpuMs.get(name)!.length ? median(cpuMs.get(name)!) : undefined,
    };
  };
  const w = sum('weunion');
  const b = sum('Express seed recipe');
  const what = rule === 'current' ? 'unionid from code2session' : 'every login decrypts';
  return [
    row({
      bench: 'login-baseline',
      name: `login vs Express seed recipe (server decides, ${what})`,
      unit: 'logins/s',
      subject: { name: 'weunion', value: w.rps },
      baseline: { name: 'Express', value: b.rps },
      ratio: median(ratios),
      perRound: ratios,
      target: { op: '>=', value: 1.5 },
      details: {
        weunion: { p50Ms: w.p50, p99Ms: w.p99, failures: w.failures, peakRssMiB: rss, cpuMsPerLogin: w.cpuMsPerLogin },
        express: { p50Ms: b.p50, p99Ms: b.p99, failures: b.failures, cpuMsPerLogin: b.cpuMsPerLogin },
      },
    }),
    ...(w.cpuMsPerLogin && b.cpuMsPerLogin
      ? [
          row({
            bench: 'login-baseline',
            name: `  server CPU per login, Express ÷ weunion (${what})`,
            unit: 'CPU ms/login',
            subject: { name: 'weunion', value: w.cpuMsPerLogin },
            baseline: { name: 'Express', value: b.cpuMsPerLogin },
            ratio: b.cpuMsPerLogin / w.cpuMsPerLogin,
            target: null,
          }),
        ]
      : []),
  ];
}

const worlds = (process.env.BENCH_WORLDS ?? 'current,legacy').split(',') as Array<'current' | 'legacy'>;
const rows: BenchRow[] = [];
for (const w of worlds) rows.push(...(await world(w)));
writeBench('login-baseline', { logins, connections, rounds, perPerson: 40 }, rows);
for (const r of rows.filter((x) => x.unit === 'logins/s')) {
  const d = r.details as { weunion: { p50Ms: number; p99Ms: number; peakRssMiB?: number }; express: { p50Ms: number; p99Ms: number } };
  process.stdout.write(
    `  ${r.name}: weunion p50 ${d.weunion.p50Ms} ms p99 ${d.weunion.p99Ms} ms peak RSS ${d.weunion.peakRssMiB?.toFixed(0) ?? '?'} MiB; Express p50 ${d.express.p50Ms} ms p99 ${d.express.p99Ms} ms\n`,
  );
}
