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
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { systemClock } from '../src/clock.js';
import { toPublicEvent } from '../src/events/index.js';
import { createIdentityService } from '../src/identity/index.js';
import { openStore } from '../src/store/index.js';
import { createWebhookWorker, type WebhookRequestInit, webhookSigner } from '../src/webhooks/index.js';
import { createUndiciTransport } from '../src/wechat/api/http-transport.js';
import { median } from './harness.js';
import { row, writeBench } from './report.js';

const events = Number(process.env.BENCH_EVENTS ?? 8000);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 4);
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const APPID = 'wxbench00000000mp1';

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

/** The seeded database, made once: each loop runs on a fresh copy of it (seeding 2,000+ users per loop took longer than the loop). */
const template = await (async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'weunion-bench-hooks-template-'));
  const opened = await openStore(`sqlite:${path.join(dir, 'seed.db')}`);
  const { error } = await opened.migrate();
  if (error) throw error;
  // Seen before the events, so the router gives it every one.
  await opened.store.webhooks.registerEndpoints(['bench'], systemClock.now() - 1000);
  const identity = createIdentityService({ identity: opened.store.identity, profile: opened.store.profile, clock: systemClock });
  for (let i = 0; i < events; i++) await identity.resolve({ unionKey: 'acme', appid: APPID, openid: `o-${i}` });
  // A copy of the file alone could miss what is still in the WAL; VACUUM INTO writes the whole database, WAL included.
  const file = path.join(dir, 'template.db');
  await sql`vacuum into ${file}`.execute(opened.db);
  await opened.close();
  return { dir, file };
})();

async function seeded() {
  const dir = mkdtempSync(path.join(tmpdir(), 'weunion-bench-hooks-'));
  copyFileSync(template.file, path.join(dir, 'w.db'));
  const opened = await openStore(`sqlite:${path.join(dir, 'w.db')}`);
  const { rows } = await sql<{ n: number }>`select count(*) as n from events`.execute(opened.db);
  if (Number(rows[0]!.n) !== events) throw new Error(`the copy holds ${rows[0]!.n} events, expected ${events}`);
  return { opened, drop: async () => (await opened.close(), rmSync(dir, { recursive: true, force: true })) };
}

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
    received = 0;
    const t0 = performance.now();
    await w.runDue();
    const s = (performance.now() - t0) / 1000;
    const counts = await opened.store.webhooks.deliveryCounts();
    if (counts.delivered !== events || received !== events) throw new Error(`worker delivered ${counts.delivered}, receiver got ${received}`);
    return events / s;
  } finally {
    await drop();
  }
}

async function bareLoop(): Promise<number> {
  const { opened, drop } = await seeded();
  try {
    const rows = await opened.store.identity.listEvents({ limit: events + 10 });
    received = 0;
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
    if (received !== rows.length) throw new Error(`receiver got ${received} of ${rows.length}`);
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
    received = 0;
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
    if (received !== rows.length) throw new Error(`receiver got ${received} of ${rows.length}`);
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
  rmSync(template.dir, { recursive: true, force: true });
}
