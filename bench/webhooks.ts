/**
 * Webhook deliveries/s to a loopback receiver: the worker (route the events, claim deliveries with a lease, sign,
 * POST, record the outcome — src/webhooks/webhook-worker.ts) against a bare loop that only signs and POSTs the same
 * events with the same concurrency and the same HTTP client (what any sender must do, minus the bookkeeping that makes
 * delivery survive a crash). Target ≥ 0.7×. A third loop measures the floor of a crash-safe sender: the same signed POSTs, a claim's worth
 * (32) at a time on the same lanes, then one UPDATE marking those already-routed rows delivered (the least an
 * at-least-once sender that resends only what was in flight must record, committed as often as the worker commits;
 * routing is done before its clock starts),
 * so the worker's ratio can be read against the floor's. Each loop starts from a fresh copy of one SQLite file holding
 * BENCH_EVENTS `user.created` events of distinct users (so per-user ordering does not serialise them); the order of
 * the three loops rotates every round, so none is always the cold one.
 *   BENCH_EVENTS (default 8000: a loop of ~1 s; at 2,000 a loop took ~0.25 s and one round's ratio moved 0.52–0.94),
 *   BENCH_ROUNDS (3), BENCH_CONCURRENCY (4)
 */
import { systemClock } from '../src/clock.js';
import { toPublicEvent } from '../src/events/index.js';
import { createWebhookWorker, type WebhookRequestInit, webhookSigner } from '../src/webhooks/index.js';
import { createUndiciTransport } from '../src/wechat/api/http-transport.js';
import { median } from './harness.js';
import { row, writeBench } from './report.js';
import { BENCH_SECRET, seededEventsTemplate, startCountingReceiver } from './webhook-fixtures.js';

const events = Number(process.env.BENCH_EVENTS ?? 8000);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 4);
const SECRET = BENCH_SECRET;

const receiver = await startCountingReceiver();
const url = receiver.url;
/** The seeded database, made once: each loop runs on a fresh copy of it. */
const template = await seededEventsTemplate(events);
const seeded = () => template.open();

/** One HTTP client for all three loops, the one compose() gives the worker (undici's request()): the same POSTs. */
const http = createUndiciTransport({ connections: 64 });
const post = (target: string, init: WebhookRequestInit) => http(new URL(target), init);
/** The bare and floor loops sign as the worker does: one signer for the endpoint, its secret decoded once. */
const sign = webhookSigner(SECRET);
/** The worker's claim size with its defaults (concurrency lanes × 8 per lane): the floor commits as often as it does. */
const CLAIM = concurrency * 8;

async function worker(): Promise<number> {
  const { opened, drop } = await seeded();
  try {
    const w = createWebhookWorker({
      store: opened.store.webhooks,
      endpoints: [{ id: 'bench', union: 'acme', url, secret: SECRET, events: [] }],
      clock: systemClock,
      liveUserId: async (id) => id,
      timeoutMs: 10_000,
      retryWindowMs: 86_400_000,
      retryBaseMs: 5000,
      pollMs: 1000,
      concurrency,
      fetch: post, // the client compose() gives the worker
    });
    receiver.reset();
    const t0 = performance.now();
    await w.runDue();
    const s = (performance.now() - t0) / 1000;
    const counts = await opened.store.webhooks.deliveryCounts();
    if (counts.delivered !== events || receiver.received() !== events)
      throw new Error(`worker delivered ${counts.delivered}, receiver got ${receiver.received()}`);
    return events / s;
  } finally {
    await drop();
  }
}

async function bareLoop(): Promise<number> {
  const { opened, drop } = await seeded();
  try {
    const rows = await opened.store.identity.listEvents({ limit: events + 10 });
    receiver.reset();
    const t0 = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < rows.length) {
          const e = await toPublicEvent(rows[next++]!, async (id) => id);
          const r = sign(e, Date.now());
          const res = await post(url, { method: 'POST', headers: r.headers, body: r.body, redirect: 'manual', signal: AbortSignal.timeout(10_000) });
          await res.body?.cancel();
          if (res.status !== 204) throw new Error(`receiver answered ${res.status}`);
        }
      }),
    );
    const s = (performance.now() - t0) / 1000;
    if (receiver.received() !== rows.length) throw new Error(`receiver got ${receiver.received()} of ${rows.length}`);
    return rows.length / s;
  } finally {
    await drop();
  }
}

async function floorLoop(): Promise<number> {
  const { opened, drop } = await seeded();
  try {
    await opened.store.webhooks.routeEvents({ now: systemClock.now(), limit: events + 10, targets: [{ endpointId: 'bench', union: 'acme', types: [] }] });
    const byEvent = new Map((await opened.store.identity.listEvents({ limit: events + 10 })).map((e) => [e.id, e]));
    const rows = await opened.db.selectFrom('webhook_deliveries').select(['id', 'event_id']).orderBy('id').execute();
    if (rows.length !== events) throw new Error(`routed ${rows.length} deliveries, expected ${events}`);
    receiver.reset();
    const t0 = performance.now();
    // As the worker goes: a claim's worth of POSTs on `concurrency` lanes, then their outcomes in one statement.
    for (let at = 0; at < rows.length; at += CLAIM) {
      const chunk = rows.slice(at, at + CLAIM);
      let next = 0;
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (next < chunk.length) {
            const d = chunk[next++]!;
            const e = await toPublicEvent(byEvent.get(Number(d.event_id))!, async (id) => id);
            const r = sign(e, Date.now());
            const res = await post(url, { method: 'POST', headers: r.headers, body: r.body, redirect: 'manual', signal: AbortSignal.timeout(10_000) });
            await res.body?.cancel();
            if (res.status !== 204) throw new Error(`receiver answered ${res.status}`);
          }
        }),
      );
      const now = Date.now();
      await opened.db
        .updateTable('webhook_deliveries')
        .set({ status: 'delivered', delivered_at: now, updated_at: now })
        .where(
          'id',
          'in',
          chunk.map((d) => d.id),
        )
        .execute();
    }
    const s = (performance.now() - t0) / 1000;
    if (receiver.received() !== rows.length) throw new Error(`receiver got ${receiver.received()} of ${rows.length}`);
    return rows.length / s;
  } finally {
    await drop();
  }
}

try {
  const f: number[] = [];
  const floorRatios: number[] = [];
  const overFloor: number[] = [];
  const w: number[] = [];
  const b: number[] = [];
  const ratios: number[] = [];
  await bareLoop(); // warm-up (JIT, keep-alive sockets), not counted
  const loops = [bareLoop, worker, floorLoop];
  for (let round = 0; round < rounds; round++) {
    const got = new Map<(typeof loops)[number], number>();
    for (let i = 0; i < loops.length; i++) {
      const loop = loops[(round + i) % loops.length]!;
      got.set(loop, await loop());
    }
    const [bw, ww, fw] = loops.map((l) => got.get(l)!) as [number, number, number];
    b.push(bw);
    w.push(ww);
    f.push(fw);
    ratios.push(ww / bw);
    floorRatios.push(fw / bw);
    overFloor.push(ww / fw);
    process.stdout.write(
      `  round ${round + 1}: worker ${ww.toFixed(0)} deliveries/s, bare signed POSTs ${bw.toFixed(0)}/s, floor (POSTs + one UPDATE per claim) ${fw.toFixed(0)}/s; worker/bare ${(ww / bw).toFixed(2)}, floor/bare ${(fw / bw).toFixed(2)}, worker/floor ${(ww / fw).toFixed(2)}\n`,
    );
  }
  writeBench('webhooks', { events, rounds, concurrency }, [
    row({
      bench: 'webhooks',
      name: 'webhook deliveries to a loopback receiver (SQLite) vs a bare loop of the same signed POSTs',
      unit: 'deliveries/s',
      subject: { name: 'worker', value: median(w) },
      baseline: { name: 'bare signed POSTs', value: median(b) },
      ratio: median(ratios),
      perRound: ratios,
      target: { op: '>=', value: 0.7 },
    }),
    row({
      bench: 'webhooks',
      name: 'floor: the same signed POSTs + one UPDATE per 32 delivered (SQLite) vs the bare loop',
      unit: 'deliveries/s',
      subject: { name: 'floor', value: median(f) },
      baseline: { name: 'bare signed POSTs', value: median(b) },
      ratio: median(floorRatios),
      perRound: floorRatios,
      target: null,
    }),
    row({
      bench: 'webhooks',
      name: 'webhook worker vs the floor (signed POSTs + one UPDATE per 32 delivered)',
      unit: 'deliveries/s',
      subject: { name: 'worker', value: median(w) },
      baseline: { name: 'floor', value: median(f) },
      ratio: median(overFloor),
      perRound: overFloor,
      target: null,
    }),
  ]);
} finally {
  await http.close();
  receiver.close();
  template.remove();
}
