/**
 * What configured webhooks cost a login: the same weunion (embedded defaults, client decides), each measurement a
 * fresh process of its own (never two alive at once: harness.ts, withPeer), once with a webhook endpoint for its
 * union and the webhook worker running (every event routed, claimed, signed and POSTed to a loopback receiver in
 * this process, answering 204), once without; same emulator, fresh single-use codes
 * (40 logins per new person, so each round creates users and their events), the emulator reset before each load;
 * the order alternates every round and the ratio (on ÷ off) is the median of the per-round ratios. At the end the
 * receiver must have got at least one `user.created` per person the "on" process logged in, so the deliveries are
 * known to have happened while it was measured. Target ≥ 0.95 (issue 13: the login row drops no more than 5 %).
 * A second row counts the weunion process's own CPU per measured login (/proc/<pid>/stat), the "on" process's
 * until the receiver has the events of its load, so every delivery they caused is charged to those logins: it
 * does not see the host's steal time, which moves the login rate of this shared VM by ±20 % a round.
 * Writes bench/results/webhooks-login.json.
 * Knobs: BENCH_LOGINS (per round, default 8000), BENCH_CONNECTIONS (32), BENCH_ROUNDS (5), BENCH_WARMUP (12000 logins each).
 * The warm-up is sized for the worker, not the login: a new person comes every 40 logins, so 3,000 logins (the other
 * login benches' warm-up) gave the worker 75 deliveries, and its code (and the Kysely and undici paths only it uses)
 * was still cold when measured: on 2026-12-07 that cost the "on" process ~9 % more CPU per login (0.92×), against
 * ~1 % (0.98×) after 12,000 (300 deliveries). A service runs warm; BENCH_WARMUP=3000 shows the cold case.
 * BENCH_AA=1: an A/A run, the "on" process configured like the "off" one (no endpoint, no worker), to see what ratio
 * this machine's noise alone gives (BENCHMARKS.md quotes it); written to bench/results/webhooks-login-aa.json.
 * BENCH_PROFILE=dir: a V8 CPU profile of each process (bench/profile-summary.ts).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEMO_APPS } from '../src/config/demo-config.js';
import { cpuSeconds, type LoadResult, loadWithCodes, median, mintCodes, startPeer, summarizeLoads, withPeer } from './harness.js';
import { row, writeBench } from './report.js';

const logins = Number(process.env.BENCH_LOGINS ?? 8000);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 32);
const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
const warmup = Number(process.env.BENCH_WARMUP ?? 12000);
const PER_PERSON = 40;
const aa = process.env.BENCH_AA === '1';

let userCreated = 0;
const receiver = createServer((req, res) => {
  let body = '';
  req.on('data', (d: Buffer) => (body += d.toString()));
  req.on('end', () => {
    if ((JSON.parse(body) as { type?: string }).type === 'user.created') userCreated++;
    res.writeHead(204).end();
  });
});
await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
const hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;

const emulator = await startPeer('bench/servers/emulator.ts', {}, [], 'support');
const configs: { name: string; env: Record<string, string> }[] = [
  { name: 'webhooks on', env: aa ? { EMULATOR_URL: emulator.url } : { EMULATOR_URL: emulator.url, WEUNION_WEBHOOK_URL: hookUrl } },
  { name: 'webhooks off', env: { EMULATOR_URL: emulator.url } },
];
const results = new Map<string, LoadResult[]>(configs.map((t) => [t.name, []]));
const ratios: number[] = [];
const cpuRatios: number[] = [];
const cpuMs = new Map<string, number[]>(configs.map((t) => [t.name, []]));
let personsOn = 0;
const reset = () => fetch(`${emulator.url}/__emulator/reset`, { method: 'POST', headers: { 'content-type': 'application/json' } });

/**
 * One measurement in a process of its own, the only weunion alive (harness.ts, withPeer). The webhooks process is
 * stopped only once the receiver has every `user.created` of its persons (warm-up included; the worker polls every
 * second, so a bounded wait), since its store goes with it.
 */
function measure(config: (typeof configs)[number]): Promise<LoadResult & { cpuMsPerLogin?: number }> {
  const on = 'WEUNION_WEBHOOK_URL' in config.env;
  return withPeer('bench/servers/weunion.ts', config.env, async (peer) => {
    const url = `${peer.url}/v1/mp/${DEMO_APPS.mp1}/login`;
    await reset();
    await loadWithCodes(url, await mintCodes(emulator.url, DEMO_APPS.mp1, warmup, PER_PERSON), connections); // warm-up (JIT)
    await reset();
    const codes = await mintCodes(emulator.url, DEMO_APPS.mp1, logins, PER_PERSON);
    if (on) {
      // The warm-up's deliveries are not this load's: wait them out before the CPU count starts.
      personsOn += Math.ceil(warmup / PER_PERSON);
      for (let i = 0; i < 60 && userCreated < personsOn; i++) await sleep(500);
    }
    const before = peer.child.pid === undefined ? undefined : cpuSeconds(peer.child.pid);
    const r = await loadWithCodes(url, codes, connections);
    if (on) {
      personsOn += Math.ceil(logins / PER_PERSON);
      for (let i = 0; i < 60 && userCreated < personsOn; i++) await sleep(50);
    }
    const after = peer.child.pid === undefined ? undefined : cpuSeconds(peer.child.pid);
    return before === undefined || after === undefined ? r : { ...r, cpuMsPerLogin: ((after - before) * 1000) / r.requests };
  });
}

try {
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 ? [...configs].reverse() : configs;
    const rps = new Map<string, number>();
    for (const t of order) {
      const r = await measure(t);
      results.get(t.name)!.push(r);
      rps.set(t.name, r.rps);
      if (r.cpuMsPerLogin !== undefined) cpuMs.get(t.name)!.push(r.cpuMsPerLogin);
      process.stdout.write(
        `  round ${round + 1}: ${t.name.padEnd(13)} ${r.rps.toFixed(0).padStart(7)} logins/s  p50 ${r.p50} ms  p99 ${r.p99} ms  CPU ${r.cpuMsPerLogin?.toFixed(3) ?? '?'} ms/login  failures ${r.non2xx + r.errors}  (user.created received so far: ${userCreated})\n`,
      );
    }
    ratios.push(rps.get('webhooks on')! / rps.get('webhooks off')!);
    const [cpuOn, cpuOff] = [cpuMs.get('webhooks on')!.at(-1), cpuMs.get('webhooks off')!.at(-1)];
    if (cpuOn !== undefined && cpuOff !== undefined && cpuMs.get('webhooks on')!.length === round + 1) cpuRatios.push(cpuOff / cpuOn);
  }
  process.stdout.write(`  user.created received: ${userCreated} (persons logged in on the webhooks process: ${personsOn})\n`);
  if (userCreated < personsOn) throw new Error(`the receiver got ${userCreated} user.created events, fewer than the ${personsOn} users created`);
  const sum = (name: string) => summarizeLoads(results.get(name)!);
  const a = sum('webhooks on');
  const b = sum('webhooks off');
  writeBench(aa ? 'webhooks-login-aa' : 'webhooks-login', { logins, connections, rounds }, [
    row({
      bench: aa ? 'webhooks-login-aa' : 'webhooks-login',
      name: aa ? 'A/A: login (client decides), both processes without webhooks' : 'login (client decides) with a webhook endpoint and its worker vs none',
      unit: 'logins/s',
      subject: { name: 'webhooks on', value: a.rps },
      baseline: { name: 'webhooks off', value: b.rps },
      ratio: median(ratios),
      perRound: ratios,
      target: { op: '>=', value: 0.95 },
      details: {
        on: { p50Ms: a.p50, p99Ms: a.p99, failures: a.failures },
        off: { p50Ms: b.p50, p99Ms: b.p99, failures: b.failures },
        userCreatedReceived: userCreated,
      },
    }),
    ...(cpuRatios.length === rounds
      ? [
          row({
            bench: aa ? 'webhooks-login-aa' : 'webhooks-login',
            name: '  server CPU per login, webhooks off ÷ on (deliveries included)',
            unit: 'CPU ms/login',
            subject: { name: 'webhooks on', value: median(cpuMs.get('webhooks on')!) },
            baseline: { name: 'webhooks off', value: median(cpuMs.get('webhooks off')!) },
            ratio: median(cpuRatios),
            perRound: cpuRatios,
            target: null,
          }),
        ]
      : []),
  ]);
} finally {
  await emulator.stop();
  receiver.close();
}
