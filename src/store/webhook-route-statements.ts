/**
 * The two writes of a routing batch (webhook-queries.ts `routeEvents`), each one statement whose rows travel as one
 * JSON parameter: the SQL text is the same for every batch, so SQLite prepares it once, where Kysely built and
 * compiled a 500-row INSERT of 5,500 parameters and a 500-id `in` list per batch. Which events go to which
 * endpoint is decided in code before this.
 */
import { CompiledQuery, type Kysely } from 'kysely';
import type { DialectName } from './dialects/dialect-name.js';
import type { Database } from './schema.js';

/** One delivery to queue: the event, the endpoint, the user whose deliveries go out in event order. */
export interface NewDelivery {
  event_id: number;
  endpoint_id: string;
  order_key: string;
}

const COLUMNS = 'event_id, endpoint_id, order_key, status, next_at, created_at, updated_at';

// `where true`: SQLite's parser would take the ON of an upsert after a bare SELECT … FROM for a join constraint.
const INSERT: Record<DialectName, string> = {
  sqlite: `insert into webhook_deliveries (${COLUMNS})
select value ->> 'event_id', value ->> 'endpoint_id', value ->> 'order_key', 'pending', ?, ?, ? from json_each(?) where true
on conflict (endpoint_id, event_id) do nothing`,
  postgres: `insert into webhook_deliveries (${COLUMNS})
select v.event_id, v.endpoint_id, v.order_key, 'pending', $1, $1, $1
from jsonb_to_recordset($2::jsonb) as v(event_id bigint, endpoint_id text, order_key text)
on conflict (endpoint_id, event_id) do nothing`,
};

const MARK_ROUTED: Record<DialectName, string> = {
  sqlite: 'update events set routed_at = ? where id in (select value from json_each(?))',
  postgres: 'update events set routed_at = $1 where id in (select jsonb_array_elements_text($2::jsonb)::bigint)',
};

/** Queues `deliveries` (pending, due `now`); one already queued for its event and endpoint is left as it is. */
export async function insertDeliveries(db: Kysely<Database>, dialect: DialectName, deliveries: readonly NewDelivery[], now: number): Promise<void> {
  if (deliveries.length === 0) return;
  const json = JSON.stringify(deliveries);
  await db.executeQuery(CompiledQuery.raw(INSERT[dialect], dialect === 'sqlite' ? [now, now, now, json] : [now, json]));
}

/** Marks the events `ids` routed at `now`. */
export async function markRouted(db: Kysely<Database>, dialect: DialectName, ids: readonly number[], now: number): Promise<void> {
  if (ids.length === 0) return;
  await db.executeQuery(CompiledQuery.raw(MARK_ROUTED[dialect], [now, JSON.stringify(ids)]));
}
