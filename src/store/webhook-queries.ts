/**
 * The SQL of the webhooks port (`WebhookStore`, 0012) for both dialects. Routing runs one router at a time
 * (PostgreSQL: a transaction-scoped advisory lock, taken or skipped; SQLite: BEGIN IMMEDIATE), so the deliveries
 * of one user are inserted in event order. Claiming mirrors the jobs (job-queries.ts) plus one rule: a delivery is
 * due only when no older delivery of the same endpoint and user is still pending or running.
 */
import { CompiledQuery, type Kysely, type Selectable, sql } from 'kysely';
import { withDbErrors } from './db-errors.js';
import { parseRowId } from './row-id.js';
import type { DialectName } from './dialects/dialect-name.js';
import { toEvent } from './identity-rows.js';
import type { ClaimedDelivery, DeliveryOutcome, DeliveryRow, DeliveryStatus, EventRow, RouteTarget, WebhookEndpointState, WebhookStore } from './port.js';
import type { Database, EventsTable, WebhookDeliveriesTable } from './schema.js';
import { type DeliveredAttempt, markDeliveredStatement } from './webhook-mark-delivered.js';
import { insertDeliveries, markRouted, type NewDelivery } from './webhook-route-statements.js';
import { writeTransaction } from './write-transaction.js';

const STATUSES: readonly DeliveryStatus[] = ['pending', 'running', 'delivered', 'failed'];
const MAX_ERROR_LENGTH = 500;
/** Any constant: the advisory lock that makes one PostgreSQL router at a time ("weunion webhook router"). */
const ROUTER_LOCK = 0x7765_6268;
/** The events of a claim, by a JSON array of their ids (EXPLAIN QUERY PLAN on SQLite: each found by its key). */
const EVENTS_BY_ID: Record<DialectName, string> = {
  sqlite: 'select * from events where id in (select value from json_each(?))',
  postgres: 'select * from events where id in (select jsonb_array_elements_text($1::jsonb)::bigint)',
};

export class WebhookQueries implements WebhookStore {
  readonly #db: Kysely<Database>;
  readonly #dialect: DialectName;
  /** Successful attempts' UPDATE, one statement however many (the worker's hottest write). */
  readonly #markDelivered: ReturnType<typeof markDeliveredStatement>;

  constructor(db: Kysely<Database>, dialect: DialectName) {
    this.#db = db;
    this.#dialect = dialect;
    this.#markDelivered = markDeliveredStatement(dialect);
  }

  registerEndpoints(endpointIds: readonly string[], now: number): Promise<WebhookEndpointState[]> {
    return withDbErrors(async () => {
      if (endpointIds.length > 0) {
        await this.#db
          .insertInto('webhook_endpoints')
          .values(endpointIds.map((id) => ({ endpoint_id: id, first_seen_at: now, disabled_at: null, disabled_reason: null })))
          .onConflict((oc) => oc.column('endpoint_id').doNothing())
          .execute();
      }
      const rows = await this.#db.selectFrom('webhook_endpoints').selectAll().orderBy('endpoint_id').execute();
      return rows.map((r) => ({
        endpointId: r.endpoint_id,
        firstSeenAt: Number(r.first_seen_at),
        disabledAt: r.disabled_at === null ? null : Number(r.disabled_at),
        disabledReason: r.disabled_reason,
      }));
    });
  }

  async routeEvents(options: { now: number; limit: number; targets: readonly RouteTarget[] }): Promise<{ events: number; deliveries: number }> {
    const { now, limit, targets } = options;
    // Every instance polls this: an idle poll is one index read, not a write transaction (SQLite's write lock).
    const anyUnrouted = await withDbErrors(() => this.#db.selectFrom('events').select('id').where('routed_at', 'is', null).limit(1).executeTakeFirst());
    if (!anyUnrouted) return { events: 0, deliveries: 0 };
    return writeTransaction(this.#db, this.#dialect, async (trx) => {
      if (this.#dialect === 'postgres') {
        const { rows } = await sql<{ locked: boolean }>`select pg_try_advisory_xact_lock(${ROUTER_LOCK}) as locked`.execute(trx);
        if (!rows[0]?.locked) return { events: 0, deliveries: 0 }; // another instance is routing
      }
      const events = await trx.selectFrom('events').selectAll().where('routed_at', 'is', null).orderBy('id').limit(limit).execute();
      if (events.length === 0) return { events: 0, deliveries: 0 };
      const since = await firstSeen(trx, targets);
      const values = events.flatMap((e) => deliveriesFor(toEvent(e), targets, since));
      await insertDeliveries(trx, this.#dialect, values, now);
      await markRouted(
        trx,
        this.#dialect,
        events.map((e) => Number(e.id)),
        now,
      );
      return { events: events.length, deliveries: values.length };
    });
  }

  claimDeliveries(options: { now: number; limit: number; leaseMs: number; endpointIds: readonly string[] }): Promise<ClaimedDelivery[]> {
    const { now, limit, leaseMs, endpointIds } = options;
    if (endpointIds.length === 0) return Promise.resolve([]);
    // `status in (…)` is implied by the line after it, and spelled out so the planners use the partial index of
    // unfinished rows (0015) instead of walking every delivery the endpoint ever had.
    const due = sql`
      select d.id from webhook_deliveries d
      where d.endpoint_id in (${sql.join(endpointIds)})
        and d.status in ('pending', 'running')
        and ((d.status = 'pending' and d.next_at <= ${now}) or (d.status = 'running' and d.locked_until <= ${now}))
        and not exists (
          select 1 from webhook_deliveries e
          where e.endpoint_id = d.endpoint_id and e.order_key = d.order_key and e.event_id < d.event_id
            and e.status in ('pending', 'running'))
      order by d.next_at, d.id
      limit ${limit}`;
    const claim = async (trx: Kysely<Database>): Promise<Selectable<WebhookDeliveriesTable>[]> => {
      const lockClause = this.#dialect === 'postgres' ? sql`for update skip locked` : sql``;
      const { rows } = await sql<Selectable<WebhookDeliveriesTable>>`
        with due as ${this.#dialect === 'postgres' ? sql`materialized` : sql``} (${due} ${lockClause})
        update webhook_deliveries
        set status = 'running', attempts = attempts + 1, locked_until = ${now + leaseMs}, updated_at = ${now}
        where id in (select id from due)
        returning *`.execute(trx);
      return rows;
    };
    return withDbErrors(async () => {
      const rows = this.#dialect === 'postgres' ? await claim(this.#db) : await writeTransaction(this.#db, 'sqlite', claim);
      if (rows.length === 0) return [];
      // The ids as one JSON parameter: the same SQL text for any claim size, prepared once (a Kysely `in` list was a
      // new statement per size, built and compiled per claim).
      const ids = JSON.stringify(rows.map((r) => Number(r.event_id)));
      const { rows: events } = await this.#db.executeQuery<Selectable<EventsTable>>(CompiledQuery.raw(EVENTS_BY_ID[this.#dialect], [ids]));
      const byId = new Map<number, EventRow>(events.map((e: Selectable<EventsTable>) => [Number(e.id), toEvent(e)]));
      return rows
        .map(toDelivery)
        .sort((a, b) => a.nextAt - b.nextAt || Number(a.id) - Number(b.id))
        .flatMap((d) => {
          const event = byId.get(d.eventId);
          return event ? [{ ...d, event }] : [];
        });
    });
  }

  finishDelivery(id: string, outcome: DeliveryOutcome): Promise<boolean> {
    return withDbErrors(() => this.#finish(this.#db, id, outcome));
  }

  /** A success through the statement that marks a claim's successes (webhook-mark-delivered.ts); a failure built by finishOne. */
  async #finish(db: Kysely<Database>, id: string, o: DeliveryOutcome): Promise<boolean> {
    if (!o.delivered) return finishOne(db, id, o);
    const key = parseRowId(id);
    return key !== undefined && (await this.#markDelivered(db, [delivered(key, o)])) > 0;
  }

  /**
   * Several outcomes: the delivered ones in one statement (webhook-mark-delivered.ts), the failures one by one, all
   * in one write transaction when there is more than that one statement. Resolves with how many applied.
   */
  finishDeliveries(outcomes: readonly { id: string; outcome: DeliveryOutcome }[]): Promise<number> {
    if (outcomes.length === 0) return Promise.resolve(0);
    if (outcomes.length === 1) return this.finishDelivery(outcomes[0]!.id, outcomes[0]!.outcome).then(Number);
    const successes: DeliveredAttempt[] = [];
    const failures: { id: string; outcome: DeliveryOutcome }[] = [];
    for (const o of outcomes) {
      if (!o.outcome.delivered) failures.push(o);
      else {
        const key = parseRowId(o.id);
        if (key !== undefined) successes.push(delivered(key, o.outcome)); // an id that names no row applies to none
      }
    }
    const run = async (db: Kysely<Database>): Promise<number> => {
      let applied = await this.#markDelivered(db, successes);
      for (const { id, outcome } of failures) if (await finishOne(db, id, outcome)) applied++;
      return applied;
    };
    // One statement is atomic by itself: no transaction around it (on SQLite, a BEGIN and a COMMIT fewer).
    return withDbErrors(() => (failures.length === 0 ? run(this.#db) : writeTransaction(this.#db, this.#dialect, run)));
  }

  disableEndpoint(endpointId: string, now: number, reason: string): Promise<void> {
    return withDbErrors(async () => {
      await this.#db
        .insertInto('webhook_endpoints')
        .values({ endpoint_id: endpointId, first_seen_at: now, disabled_at: now, disabled_reason: reason })
        .onConflict((oc) => oc.column('endpoint_id').doUpdateSet({ disabled_at: now, disabled_reason: reason }))
        .execute();
    });
  }

  enableEndpoint(endpointId: string): Promise<boolean> {
    return withDbErrors(async () => {
      const r = await this.#db
        .updateTable('webhook_endpoints')
        .set({ disabled_at: null, disabled_reason: null })
        .where('endpoint_id', '=', endpointId)
        .where('disabled_at', 'is not', null)
        .executeTakeFirst();
      return r.numUpdatedRows > 0n;
    });
  }

  redeliver(options: { now: number; targets: readonly RouteTarget[]; eventId?: number; from?: number; to?: number }): Promise<number> {
    const { now, targets, eventId, from, to } = options;
    return writeTransaction(this.#db, this.#dialect, async (trx) => {
      let count = 0;
      let after = 0;
      for (;;) {
        let q = trx.selectFrom('events').selectAll().where('id', '>', after).orderBy('id').limit(500);
        if (eventId !== undefined) q = q.where('id', '=', eventId);
        if (from !== undefined) q = q.where('created_at', '>=', from);
        if (to !== undefined) q = q.where('created_at', '<', to);
        const events = await q.execute();
        if (events.length === 0) return count;
        after = Number(events[events.length - 1]!.id);
        // Redelivery is explicit: the endpoint's first sighting does not limit it.
        const values = events.flatMap((e) => deliveriesFor(toEvent(e), targets, new Map()));
        for (const v of values) {
          const r = await trx
            .insertInto('webhook_deliveries')
            .values({ ...v, status: 'pending', next_at: now, created_at: now, updated_at: now })
            .onConflict((oc) =>
              oc
                .columns(['endpoint_id', 'event_id'])
                // A delivery being sent right now keeps its claim; the retry window starts again.
                .doUpdateSet({ status: 'pending', next_at: now, created_at: now, updated_at: now, locked_until: null })
                .where('webhook_deliveries.status', '<>', 'running'),
            )
            .executeTakeFirst();
          count += Number(r.numInsertedOrUpdatedRows ?? 0n);
        }
        if (eventId !== undefined) return count;
      }
    });
  }

  listDeliveries(options: { eventId?: number; endpointId?: string; status?: DeliveryStatus; limit: number }): Promise<DeliveryRow[]> {
    return withDbErrors(async () => {
      let q = this.#db.selectFrom('webhook_deliveries').selectAll().orderBy('event_id').orderBy('endpoint_id').limit(options.limit);
      if (options.eventId !== undefined) q = q.where('event_id', '=', options.eventId);
      if (options.endpointId !== undefined) q = q.where('endpoint_id', '=', options.endpointId);
      if (options.status !== undefined) q = q.where('status', '=', options.status);
      return (await q.execute()).map(toDelivery);
    });
  }

  deliveryCounts(): Promise<Record<DeliveryStatus, number>> {
    return withDbErrors(async () => {
      const rows = await this.#db
        .selectFrom('webhook_deliveries')
        .select((eb) => ['status', eb.fn.countAll().as('n')])
        .groupBy('status')
        .execute();
      const counts = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<DeliveryStatus, number>;
      for (const r of rows) counts[r.status as DeliveryStatus] = Number(r.n);
      return counts;
    });
  }

  oldestUnfinishedDeliveries(): Promise<Map<string, number>> {
    return withDbErrors(async () => {
      const rows = await this.#db
        .selectFrom('webhook_deliveries')
        .select((eb) => ['endpoint_id', eb.fn.min('created_at').as('oldest')])
        .where('status', 'in', ['pending', 'running'])
        .groupBy('endpoint_id')
        .execute();
      return new Map(rows.map((r) => [r.endpoint_id, Number(r.oldest)]));
    });
  }
}

async function firstSeen(trx: Kysely<Database>, targets: readonly RouteTarget[]): Promise<Map<string, number>> {
  if (targets.length === 0) return new Map();
  const rows = await trx
    .selectFrom('webhook_endpoints')
    .select(['endpoint_id', 'first_seen_at'])
    .where(
      'endpoint_id',
      'in',
      targets.map((t) => t.endpointId),
    )
    .execute();
  return new Map(rows.map((r) => [r.endpoint_id, Number(r.first_seen_at)]));
}

/** The deliveries an event makes: one per target of its union and type (seen by then, when `since` knows the target). */
function deliveriesFor(event: EventRow, targets: readonly RouteTarget[], since: Map<string, number>): NewDelivery[] {
  const union = typeof event.data.unionKey === 'string' ? event.data.unionKey : null;
  return targets
    .filter((t) => t.union === union && (t.types.length === 0 || t.types.includes(event.type)))
    .filter((t) => since.size === 0 || event.createdAt >= (since.get(t.endpointId) ?? Number.POSITIVE_INFINITY))
    .map((t) => ({ event_id: event.id, endpoint_id: t.endpointId, order_key: event.userId }));
}

function delivered(id: number, o: DeliveryOutcome): DeliveredAttempt {
  return { id, attempt: o.attempt, status: o.status, now: o.now, nextAt: o.retryAt };
}

function toDelivery(r: Selectable<WebhookDeliveriesTable>): DeliveryRow {
  const num = (v: number | string | null): number | null => (v === null ? null : Number(v));
  return {
    id: String(r.id),
    eventId: Number(r.event_id),
    endpointId: r.endpoint_id,
    orderKey: r.order_key,
    status: r.status as DeliveryStatus,
    attempts: Number(r.attempts),
    nextAt: Number(r.next_at),
    lockedUntil: num(r.locked_until),
    lastStatus: num(r.last_status),
    lastError: r.last_error,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
    deliveredAt: num(r.delivered_at),
  };
}

/** One attempt's outcome, fenced by the claim's attempt number (a delivery claimed again since is left alone). */
async function finishOne(db: Kysely<Database>, id: string, o: DeliveryOutcome): Promise<boolean> {
  const key = parseRowId(id);
  if (key === undefined) return false;
  const error = o.error === null ? null : o.error.length > MAX_ERROR_LENGTH ? `${o.error.slice(0, MAX_ERROR_LENGTH - 1)}…` : o.error;
  const status: DeliveryStatus = o.delivered ? 'delivered' : o.retryAt === null ? 'failed' : 'pending';
  const r = await db
    .updateTable('webhook_deliveries')
    .set({
      status,
      locked_until: null,
      last_status: o.status,
      last_error: o.delivered ? null : error,
      updated_at: o.now,
      ...(o.delivered ? { delivered_at: o.now } : {}),
      ...(o.retryAt === null ? {} : { next_at: o.retryAt }),
    })
    .where('id', '=', key)
    .where('status', '=', 'running')
    .where('attempts', '=', o.attempt)
    .executeTakeFirst();
  return r.numUpdatedRows > 0n;
}
