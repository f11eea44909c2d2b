/**
 * The two statements of a job enqueue, per dialect: insert unless the dedup key is taken, and find the row that holds
 * it. One fixed SQL text each (no query builder per job), shared by the Kysely path (job-enqueue-batch.ts) and the
 * synchronous SQLite path (sqlite-job-insert.ts).
 */
import type { DialectName } from './dialects/dialect-name.js';

const COLUMNS = '"kind", "payload", "status", "attempts", "run_at", "locked_until", "last_error", "dedup_key", "created_at", "updated_at"';

/**
 * Parameters: kind, payload, run_at, dedup_key, created_at, updated_at. SQLite: no RETURNING, a plain run() reports
 * the changes and the new rowid without reading a row back per insert.
 */
export const INSERT_JOB: Readonly<Record<DialectName, string>> = {
  sqlite: `insert into "jobs" (${COLUMNS}) values (?, ?, 'pending', 0, ?, null, null, ?, ?, ?) on conflict ("dedup_key") do nothing`,
  postgres: `insert into "jobs" (${COLUMNS}) values ($1, $2, 'pending', 0, $3, null, null, $4, $5, $6) on conflict ("dedup_key") do nothing returning "id"`,
};

/** Parameter: dedup_key. */
export const FIND_JOB_BY_KEY: Readonly<Record<DialectName, string>> = {
  sqlite: 'select "id" from "jobs" where "dedup_key" = ?',
  postgres: 'select "id" from "jobs" where "dedup_key" = $1',
};

/** A job row to insert, in the shape both insert paths (Kysely, synchronous SQLite) take. */
export interface NewJob {
  kind: string;
  /** JSON text. */
  payload: string;
  runAt: number;
  dedupKey: string | null;
  createdAt: number;
}

export interface EnqueuedJob {
  id: string;
  inserted: boolean;
}
