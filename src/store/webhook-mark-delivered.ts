/**
 * The worker's hottest write: successful attempts marked delivered (a claim's worth, or `finishDelivery`'s one), in
 * one statement. Each row is fenced as every outcome is (still `running`, under the attempt that sent it), so an
 * outcome that lost its claim changes nothing. The outcomes travel as one JSON parameter, so the SQL text is the same for every
 * claim (prepared once by SQLite's statement cache, planned once by PostgreSQL) whatever its size. It replaced 32
 * single-row UPDATEs in a transaction (bench/webhook-phases.ts, 2,000 deliveries: 23–24 ms of successes, 16–17 after).
 */
import { CompiledQuery, type Kysely } from 'kysely';
import type { DialectName } from './dialects/dialect-name.js';
import type { Database } from './schema.js';

/** One delivered attempt: the row, the attempt number that claimed it, the receiver's status, when, and the next_at to keep. */
export interface DeliveredAttempt {
  id: number;
  attempt: number;
  status: number | null;
  now: number;
  nextAt: number | null;
}

const SET = `status = 'delivered', locked_until = null, last_status = v.status, last_error = null,
  updated_at = v.now, delivered_at = v.now, next_at = coalesce(v.next_at, d.next_at)`;
/**
 * SQLite: the unary `+` keeps the planner off any index on status. With 0012's (status, next_at) index (dropped
 * by 0016) it walked every running row and probed the JSON list for each, slower than the 32 UPDATEs it replaced;
 * with the `+` the list drives and each row is found by its key (EXPLAIN QUERY PLAN: `SCAN json_each`, then
 * `SEARCH d USING INTEGER PRIMARY KEY`).
 */
const WHERE: Record<DialectName, string> = {
  sqlite: `d.id = v.id and +d.status = 'running' and d.attempts = v.attempt`,
  postgres: `d.id = v.id and d.status = 'running' and d.attempts = v.attempt`,
};

const SQL: Record<DialectName, string> = {
  sqlite: `update webhook_deliveries as d set ${SET}
from (select value ->> 'id' as id, value ->> 'attempt' as attempt, value ->> 'status' as status,
             value ->> 'now' as now, value ->> 'next_at' as next_at from json_each(?)) as v
where ${WHERE.sqlite}
returning id`, // RETURNING in SQLite sees only the updated table, and not by its alias
  postgres: `update webhook_deliveries as d set ${SET}
from jsonb_to_recordset($1::jsonb) as v(id bigint, attempt integer, status integer, now bigint, next_at bigint)
where ${WHERE.postgres}
returning d.id`,
};

/** Marks `attempts` delivered in one statement; resolves with how many rows it changed. */
export function markDeliveredStatement(dialect: DialectName): (db: Kysely<Database>, attempts: readonly DeliveredAttempt[]) => Promise<number> {
  const text = SQL[dialect];
  return async (db, attempts) => {
    if (attempts.length === 0) return 0;
    const json = JSON.stringify(attempts.map((a) => ({ id: a.id, attempt: a.attempt, status: a.status, now: a.now, next_at: a.nextAt })));
    const { rows } = await db.executeQuery(CompiledQuery.raw(text, [json]));
    return rows.length;
  };
}
