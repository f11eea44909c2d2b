/**
 * The SQL of the job queue (`JobStore`), for both dialects. Claiming is the one place they differ: PostgreSQL
 * picks rows with `FOR UPDATE SKIP LOCKED` (concurrent claimers on any instance skip each other's rows instead of
 * waiting), SQLite runs the same pick-and-update under BEGIN IMMEDIATE (one writer per database file).
 */
import { sql, type Kysely, type Selectable } from 'kysely';
import { withDbErrors } from './db-errors.js';
import { parseRowId } from './row-id.js';
import type { DialectName } from './dialects/dialect-name.js';
import type { SqliteConnection } from './dialects/sqlite-connection.js';
import { JobEnqueueBatch } from './job-enqueue-batch.js';
import type { Database, JobsTable } from './schema.js';
import { writeTransaction } from './write-transaction.js';
import type { JobRow, JobStatus, JobStore, EnqueueJobInput } from './port.js';

const STATUSES: readonly JobStatus[] = ['pending', 'running', 'done', 'failed'];
/** last_error is a diagnostic, not a log: long texts are cut. */
const MAX_ERROR_LENGTH = 2000;

/** `JobStore` over the pool (`db`); each method is one statement or one short transaction (enqueues: one per batch). */
export class JobQueries implements JobStore {
  readonly #db: Kysely<Database>;
  readonly #dialect: DialectName;
  readonly #batch: JobEnqueueBatch;

  constructor(db: Kysely<Database>, dialect: DialectName, sqlite?: SqliteConnection) {
    this.#db = db;
    this.#dialect = dialect;
    this.#batch = new JobEnqueueBatch(db, dialect, sqlite ? { sqlite } : {});
  }

  enqueueJob(job: EnqueueJobInput): Promise<{ id: string; inserted: boolean }> {
    if (!job || typeof job.kind !== 'string' || job.kind === '') return Promise.reject(new TypeError('job.kind must be a non-empty string'));
    if (typeof job.payload !== 'object' || job.payload === null || Array.isArray(job.payload)) {
      return Promise.reject(new TypeError('job.payload must be a plain object'));
    }
    if (!Number.isSafeInteger(job.runAt)) return Promise.reject(new TypeError('job.runAt must be an integer (epoch ms)'));
    const createdAt = job.now ?? job.runAt;
    if (!Number.isSafeInteger(createdAt)) return Promise.reject(new TypeError('job.now must be an integer (epoch ms) or absent'));
    const dedupKey = job.dedupKey ?? null;
    if (dedupKey !== null && (typeof dedupKey !== 'string' || dedupKey === '')) {
      return Promise.reject(new TypeError('job.dedupKey must be a non-empty string, null or absent'));
    }
    let payload: string;
    try {
      payload = JSON.stringify(job.payload);
    } catch (e) {
      return Promise.reject(new TypeError('job.payload must be JSON-serialisable', { cause: e })); // a BigInt, a cycle
    }
    // A push retried by WeChat (or an enqueue racing one on another instance) meets the unique key and inserts
    // nothing; PostgreSQL waits for a concurrent inserter of the same key to commit before deciding.
    return this.#batch.enqueue({ kind: job.kind, payload, runAt: job.runAt, dedupKey, createdAt });
  }

  claimJobs(options: { now: number; limit: number; leaseMs: number; kinds?: string[] }): Promise<JobRow[]> {
    const { now, limit, leaseMs, kinds } = options ?? {};
    if (!Number.isSafeInteger(now)) return Promise.reject(new TypeError('now must be an integer (epoch ms)'));
    if (!Number.isSafeInteger(limit) || limit < 1) return Promise.reject(new TypeError('limit must be an integer ≥ 1'));
    if (!Number.isSafeInteger(leaseMs) || leaseMs < 1) return Promise.reject(new TypeError('leaseMs must be an integer ≥ 1'));
    if (kinds !== undefined && (!Array.isArray(kinds) || kinds.some((k) => typeof k !== 'string'))) {
      return Promise.reject(new TypeError('kinds must be an array of strings'));
    }
    if (kinds?.length === 0) return Promise.resolve([]);
    return this.#dialect === 'postgres' ? this.#claimPostgres(now, limit, leaseMs, kinds) : this.#claimSqlite(now, limit, leaseMs, kinds);
  }

  /**
   * One statement. The CTE is MATERIALIZED so the locked pick runs exactly once (an inlined `IN (…)` subquery may
   * be re-evaluated by the planner); SKIP LOCKED rows are another claimer's, and a row updated since our snapshot
   * is re-checked against the WHERE after locking (READ COMMITTED), so a job is never claimed twice.
   */
  #claimPostgres(now: number, limit: number, leaseMs: number, kinds: string[] | undefined): Promise<JobRow[]> {
    return withDbErrors(async () => {
      const kindFilter = kinds ? sql`and kind = any(${kinds})` : sql``;
      const { rows } = await sql<Selectable<JobsTable>>`
        with due as materialized (
          select id from jobs
          where ((status = 'pending' and run_at <= ${now}) or (status = 'running' and locked_until <= ${now})) ${kindFilter}
          order by run_at, id
          limit ${limit}
          for update skip locked
        )
        update jobs set status = 'running', attempts = jobs.attempts + 1, locked_until = ${now + leaseMs}, updated_at = ${now}
        from due
        where jobs.id = due.id
        returning jobs.*`.execute(this.#db);
      return sortClaimed(rows.map(toJob));
    });
  }

  #claimSqlite(now: number, limit: number, leaseMs: number, kinds: string[] | undefined): Promise<JobRow[]> {
    return writeTransaction(this.#db, 'sqlite', async (trx) => {
      let due = trx
        .selectFrom('jobs')
        .select('id')
        .where((eb) =>
          eb.or([eb.and([eb('status', '=', 'pending'), eb('run_at', '<=', now)]), eb.and([eb('status', '=', 'running'), eb('locked_until', '<=', now)])]),
        )
        .orderBy('run_at')
        .orderBy('id')
        .limit(limit);
      if (kinds) due = due.where('kind', 'in', kinds);
      const rows = await trx
        .updateTable('jobs')
        .set((eb) => ({ status: 'running', attempts: eb('attempts', '+', 1), locked_until: now + leaseMs, updated_at: now }))
        .where('id', 'in', due)
        .returningAll()
        .execute();
      return sortClaimed(rows.map(toJob));
    });
  }

  completeJob(id: string, now: number, options: { attempt?: number } = {}): Promise<boolean> {
    return this.#finish(id, options.attempt, { status: 'done', locked_until: null, updated_at: now });
  }

  failJob(id: string, options: { now: number; error: string; retryAt: number | null; attempt?: number }): Promise<boolean> {
    const { now, error, retryAt, attempt } = options ?? {};
    if (typeof error !== 'string') return Promise.reject(new TypeError('error must be a string'));
    if (retryAt !== null && !Number.isSafeInteger(retryAt)) return Promise.reject(new TypeError('retryAt must be an integer or null'));
    const lastError = error.length > MAX_ERROR_LENGTH ? `${error.slice(0, MAX_ERROR_LENGTH - 1)}…` : error;
    return this.#finish(id, attempt, {
      status: retryAt === null ? 'failed' : 'pending',
      ...(retryAt === null ? {} : { run_at: retryAt }),
      locked_until: null,
      last_error: lastError,
      updated_at: now,
    });
  }

  /** Changes a running job (the claim `attempt`'s, when given); true when a row changed. */
  #finish(
    id: string,
    attempt: number | undefined,
    set: Partial<Pick<JobsTable, 'status' | 'run_at' | 'locked_until' | 'last_error' | 'updated_at'>>,
  ): Promise<boolean> {
    if (!Number.isSafeInteger(set.updated_at)) return Promise.reject(new TypeError('now must be an integer (epoch ms)'));
    if (attempt !== undefined && !Number.isSafeInteger(attempt)) return Promise.reject(new TypeError('attempt must be an integer'));
    const key = parseRowId(id);
    if (key === undefined) return Promise.resolve(false);
    return withDbErrors(async () => {
      let query = this.#db.updateTable('jobs').set(set).where('id', '=', key).where('status', '=', 'running');
      if (attempt !== undefined) query = query.where('attempts', '=', attempt);
      const result = await query.executeTakeFirst();
      return result.numUpdatedRows > 0n;
    });
  }

  findJob(id: string): Promise<JobRow | undefined> {
    const key = parseRowId(id);
    if (key === undefined) return Promise.resolve(undefined);
    return withDbErrors(async () => {
      const row = await this.#db.selectFrom('jobs').selectAll().where('id', '=', key).executeTakeFirst();
      return row && toJob(row);
    });
  }

  deleteDoneJobs(finishedBefore: number): Promise<number> {
    return withDbErrors(async () => {
      const r = await this.#db.deleteFrom('jobs').where('status', '=', 'done').where('updated_at', '<', finishedBefore).executeTakeFirst();
      return Number(r.numDeletedRows);
    });
  }

  jobCounts(): Promise<Record<JobStatus, number>> {
    return withDbErrors(async () => {
      const rows = await this.#db
        .selectFrom('jobs')
        .select((eb) => ['status', eb.fn.countAll().as('n')])
        .groupBy('status')
        .execute();
      const counts = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<JobStatus, number>;
      for (const row of rows) counts[row.status as JobStatus] = Number(row.n);
      return counts;
    });
  }
}

/** RETURNING gives no order: hand jobs out oldest first, as picked. */
function sortClaimed(rows: JobRow[]): JobRow[] {
  return rows.sort((a, b) => a.runAt - b.runAt || Number(a.id) - Number(b.id));
}

function toJob(r: Selectable<JobsTable>): JobRow {
  return {
    id: String(r.id),
    kind: r.kind,
    payload: JSON.parse(r.payload) as Record<string, unknown>,
    status: r.status as JobStatus,
    attempts: Number(r.attempts),
    runAt: Number(r.run_at),
    lockedUntil: r.locked_until === null ? null : Number(r.locked_until),
    lastError: r.last_error,
    dedupKey: r.dedup_key,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}
