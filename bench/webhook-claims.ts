/**
 * A webhook claim's cost against the history behind it: the same claims (BENCH_USERS users, one new delivery each
 * per claim, each claimed and marked delivered through the store's own calls) on a SQLite store where every user
 * already has BENCH_HISTORY delivered deliveries, and on one where no one has any. The per-user order check must
 * read only what is still out (migration 0016), so the ratio should stay near 1 however long the history;
 * BENCH_MIGRATION=0015-webhook-due-index runs the same on the schema before it, to show what 0016 changed.
 *   BENCH_USERS (20), BENCH_HISTORY (2000), BENCH_CLAIMS (200), BENCH_ROUNDS (3)
 */
import { sql } from 'kysely';
import { openStore } from '../src/store/index.js';
import { createMigrator } from '../src/store/migrations/migrate.js';
import { median } from './harness.js';
import { row, writeBench } from './report.js';

const users = Number(process.env.BENCH_USERS ?? 20);
const history = Number(process.env.BENCH_HISTORY ?? 2000);
const claims = Number(process.env.BENCH_CLAIMS ?? 200);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const migration = process.env.BENCH_MIGRATION;

/** Milliseconds per claim, on a fresh in-memory store whose users each have `past` delivered deliveries. */
async function msPerClaim(past: number): Promise<number> {
  const opened = await openStore('sqlite::memory:');
  try {
    const { error } = migration ? await (await createMigrator(opened.db)).migrateTo(migration) : await opened.migrate();
    if (error) throw error;
    await opened.store.webhooks.registerEndpoints(['a'], 0);
    if (past > 0) {
      await sql`with recursive n(i) as (select 1 union all select i + 1 from n where i < ${past * users})
        insert into webhook_deliveries (event_id, endpoint_id, order_key, status, attempts, next_at, created_at, updated_at, delivered_at)
        select i, 'a', 'u' || (i % ${sql.lit(users)}), 'delivered', 1, 0, 0, 0, 0 from n`.execute(opened.db);
      const { rows } = await sql<{ n: number }>`select count(*) as n from webhook_deliveries where order_key = 'u0'`.execute(opened.db);
      if (Number(rows[0]!.n) !== past) throw new Error(`user u0 has ${rows[0]!.n} past deliveries, expected ${past}`);
    }
    // (The counts go in as literals: a bound JS number is a REAL to SQLite, and `'u' || 5.0` is not `u5`.)
    let spent = 0;
    for (let k = 0; k < claims; k++) {
      const first = 10_000_000 + k * users;
      // One new event per user, and its delivery (what the router would have queued).
      await sql`with recursive n(j) as (select 0 union all select j + 1 from n where j < ${sql.lit(users - 1)})
        insert into events (id, type, user_id, data, created_at, routed_at) select ${first} + j, 'user.created', 'u' || j, '{}', 0, 0 from n`.execute(
        opened.db,
      );
      await sql`insert into webhook_deliveries (event_id, endpoint_id, order_key, status, attempts, next_at, created_at, updated_at)
        select id, 'a', user_id, 'pending', 0, 0, 0, 0 from events where id >= ${first}`.execute(opened.db);
      const t0 = performance.now();
      const claimed = await opened.store.webhooks.claimDeliveries({ now: 1, limit: 32, leaseMs: 60_000, endpointIds: ['a'] });
      await opened.store.webhooks.finishDeliveries(
        claimed.map((d) => ({ id: d.id, outcome: { now: 1, attempt: d.attempts, delivered: true, status: 204, error: null, retryAt: 1 } })),
      );
      spent += performance.now() - t0;
      if (claimed.length !== users) throw new Error(`claim ${k} took ${claimed.length} deliveries, expected ${users}`);
    }
    return spent / claims;
  } finally {
    await opened.close();
  }
}

const withHistory: number[] = [];
const without: number[] = [];
const ratios: number[] = [];
await msPerClaim(0); // warm-up
for (let round = 0; round < rounds; round++) {
  // Alternate which goes first, so neither is always the warmer one.
  const [h, n] = round % 2 === 0 ? [await msPerClaim(history), await msPerClaim(0)] : ((x, y) => [y, x])(await msPerClaim(0), await msPerClaim(history));
  withHistory.push(h);
  without.push(n);
  ratios.push(h / n);
  process.stdout.write(
    `  round ${round + 1}: ${h.toFixed(2)} ms per claim with ${history} delivered per user, ${n.toFixed(2)} ms with none; ${(h / n).toFixed(2)}×\n`,
  );
}
writeBench('webhook-claims', { users, history, claims, rounds, migration: migration ?? 'latest' }, [
  row({
    bench: 'webhook-claims',
    name: `webhook claim + mark delivered with ${history} delivered per user ÷ with none (SQLite${migration ? `, schema at ${migration}` : ''})`,
    unit: 'ms/claim',
    subject: { name: `history ${history}`, value: median(withHistory) },
    baseline: { name: 'no history', value: median(without) },
    ratio: median(ratios),
    perRound: ratios,
    target: { op: '<=', value: 1.5 },
  }),
]);
