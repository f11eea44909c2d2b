/**
 * Where the webhook worker's time goes: one worker round (route, claim, send, record) over BENCH_EVENTS
 * `user.created` events of distinct users, to a loopback receiver, with each call the worker makes to its store
 * timed (wall time around the call, awaited: SQLite's work and Kysely's). A diagnostic for bench/webhooks.ts, with
 * no ratio and no target; it writes no results file. Each round runs on a fresh copy of one seeded file.
 *   BENCH_EVENTS (8000), BENCH_ROUNDS (3), BENCH_CONCURRENCY (4)
 */
import { systemClock } from '../src/clock.js';
import type { WebhookStore } from '../src/store/port.js';
import { createWebhookWorker } from '../src/webhooks/index.js';
import { createUndiciTransport } from '../src/wechat/api/http-transport.js';
import { BENCH_SECRET, seededEventsTemplate, startCountingReceiver } from './webhook-fixtures.js';

const events = Number(process.env.BENCH_EVENTS ?? 8000);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 4);
const CALLS = ['routeEvents', 'registerEndpoints', 'claimDeliveries', 'finishDeliveries', 'finishDelivery'] as const;

const receiver = await startCountingReceiver();
const http = createUndiciTransport({ connections: 64 });
const template = await seededEventsTemplate(events);

try {
  for (let round = 1; round <= rounds; round++) {
    const { opened, drop } = await template.open();
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
      endpoints: [{ id: 'bench', union: 'acme', url: receiver.url, secret: BENCH_SECRET, events: [] }],
      clock: systemClock,
      liveUserId: async (id) => id,
      timeoutMs: 10_000,
      retryWindowMs: 86_400_000,
      retryBaseMs: 5000,
      pollMs: 1000,
      concurrency,
      fetch: (u, init) => http(new URL(u), init),
    });
    receiver.reset();
    const t0 = performance.now();
    await worker.runDue();
    const total = performance.now() - t0;
    if (receiver.received() !== events) throw new Error(`the receiver got ${receiver.received()} of ${events}`);
    const store$ = [...spent.values()].reduce((a, s) => a + s.ms, 0);
    process.stdout.write(`round ${round}: ${total.toFixed(0)} ms, ${((events / total) * 1000).toFixed(0)} deliveries/s; store calls ${store$.toFixed(0)} ms\n`);
    for (const [name, s] of spent) {
      process.stdout.write(
        `  ${name.padEnd(18)} ${s.ms.toFixed(1).padStart(7)} ms  ${String(s.calls).padStart(5)} calls  ${((s.ms * 1000) / events).toFixed(1)} µs per delivery\n`,
      );
    }
    await drop();
  }
} finally {
  await http.close();
  receiver.close();
  template.remove();
}
