/**
 * Where the webhook worker's time goes: one worker round (route, claim, send, record) over BENCH_EVENTS
 * `user.created` events of distinct users, to a loopback receiver, with each call the worker makes to its store
 * timed (wall time around the call, awaited: SQLite's work and Kysely's). A diagnostic for bench/webhooks.ts, with
 * no ratio and no target; it writes no results file. Each round runs on a fresh copy of one seeded file.
 *   BENCH_EVENTS (8000), BENCH_ROUNDS (3), BENCH_CONCURRENCY (4)
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { systemClock } from '../src/clock.js';
import { createIdentityService } from '../src/identity/index.js';
import type { WebhookStore } from '../src/store/port.js';
import { openStore } from '../src/store/index.js';
import { createWebhookWorker } from '../src/webhooks/index.js';
import { createUndiciTransport } from '../src/wechat/api/http-transport.js';

const events = Number(process.env.BENCH_EVENTS ?? 8000);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 4);
const CALLS = ['routeEvents', 'registerEndpoints', 'claimDeliveries', 'finishDeliveries', 'finishDelivery'] as const;

let received = 0;
const receiver = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    received++;
    res.writeHead(204).end();
  });
});
await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
const http = createUndiciTransport({ connections: 64 });

const dir = mkdtempSync(path.join(tmpdir(), 'weunion-bench-phases-'));
const template = path.join(dir, 'template.db');
{
  const opened = await openStore(`sqlite:${path.join(dir, 'seed.db')}`);
  const { error } = await opened.migrate();
  if (error) throw error;
  await opened.store.webhooks.registerEndpoints(['bench'], systemClock.now() - 1000);
  const identity = createIdentityService({ identity: opened.store.identity, profile: opened.store.profile, clock: systemClock });
  for (let i = 0; i < events; i++) await identity.resolve({ unionKey: 'acme', appid: 'wxbench00000000mp1', openid: `o-${i}` });
  await sql`vacuum into ${template}`.execute(opened.db); // the whole database, WAL included
  await opened.close();
}

try {
  for (let round = 1; round <= rounds; round++) {
    const file = path.join(dir, `round-${round}.db`);
    copyFileSync(template, file);
    const opened = await openStore(`sqlite:${file}`);
    const spent = new Map<string, { ms: number; calls: number }>();
    const store = opened.store.webhooks;
    const timed = new Proxy(store, {
      get(target, key) {
        const value = Reflect.get(target, key);
        if (typeof value !== 'function' || !(CALLS as readonly PropertyKey[]).includes(key)) return value;
        return async (...args: unknown[]) => {
          const t0 = performance.now();
          try {
            return await value.apply(target, args);
          } finally {
            const s = spent.get(String(key)) ?? { ms: 0, calls: 0 };
            s.ms += performance.now() - t0;
            s.calls++;
            spent.set(String(key), s);
          }
        };
      },
    }) as WebhookStore;
    const worker = createWebhookWorker({
      store: timed,
      endpoints: [{ id: 'bench', union: 'acme', url, secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', events: [] }],
      clock: systemClock,
      liveUserId: async (id) => id,
      timeoutMs: 10_000,
      retryWindowMs: 86_400_000,
      retryBaseMs: 5000,
      pollMs: 1000,
      concurrency,
      fetch: (u, init) => http(new URL(u), init),
    });
    received = 0;
    const t0 = performance.now();
    await worker.runDue();
    const total = performance.now() - t0;
    if (received !== events) throw new Error(`the receiver got ${received} of ${events}`);
    const store$ = [...spent.values()].reduce((a, s) => a + s.ms, 0);
    process.stdout.write(`round ${round}: ${total.toFixed(0)} ms, ${((events / total) * 1000).toFixed(0)} deliveries/s; store calls ${store$.toFixed(0)} ms\n`);
    for (const [name, s] of spent) {
      process.stdout.write(
        `  ${name.padEnd(18)} ${s.ms.toFixed(1).padStart(7)} ms  ${String(s.calls).padStart(5)} calls  ${((s.ms * 1000) / events).toFixed(1)} µs per delivery\n`,
      );
    }
    await opened.close();
  }
} finally {
  await http.close();
  receiver.close();
  rmSync(dir, { recursive: true, force: true });
}
