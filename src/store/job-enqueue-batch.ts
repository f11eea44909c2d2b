/**
 * Group commit for `enqueueJob`: the jobs enqueued while the event loop turns once (every official-account push
 * that arrived in that turn) are inserted in one write transaction, and each caller's promise settles when that
 * transaction has committed — so an accepted push is still durable before WeChat hears `success`, but a burst of
 * pushes pays for one commit instead of one each (on SQLite one WAL append of the touched pages, on PostgreSQL one
 * WAL flush). Measured with bench/callback.ts (BENCHMARKS.md). The insert is a fixed SQL text per dialect run as a
 * prepared statement, so no query is built per job.
 */
import { CompiledQuery, type Kysely } from 'kysely';
import { isAppError } from '../errors.js';
import { mapDbError } from './db-errors.js';
import type { DialectName } from './dialects/dialect-name.js';
import type { SqliteConnection } from './dialects/sqlite-connection.js';
import { RetryableTransactionError } from './port.js';
import type { Database } from './schema.js';
import { type EnqueuedJob, FIND_JOB_BY_KEY, INSERT_JOB, type NewJob } from './job-insert-sql.js';
import { SqliteJobInsert } from './sqlite-job-insert.js';
import { writeTransaction } from './write-transaction.js';

interface Waiting {
  job: NewJob;
  resolve(result: EnqueuedJob): void;
  reject(error: unknown): void;
}

export class JobEnqueueBatch {
  readonly #db: Kysely<Database>;
  readonly #dialect: DialectName;
  readonly #maxBatch: number;
  readonly #sqlite: SqliteConnection | undefined;
  #sqliteInsert: SqliteJobInsert | undefined;
  #queue: Waiting[] = [];
  #busy = false;

  /** `sqlite`: the raw connection of a SQLite store, for the synchronous batch insert. */
  constructor(db: Kysely<Database>, dialect: DialectName, options: { maxBatch?: number; sqlite?: SqliteConnection } = {}) {
    this.#db = db;
    this.#dialect = dialect;
    this.#maxBatch = options.maxBatch ?? 256;
    this.#sqlite = dialect === 'sqlite' ? options.sqlite : undefined;
  }

  /** Settles once the job's transaction has committed (or failed). */
  enqueue(job: NewJob): Promise<EnqueuedJob> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ job, resolve, reject });
      if (this.#busy) return; // the running flush takes it next
      this.#busy = true;
      // setImmediate, not a microtask: the other requests already read in this turn of the loop join the batch.
      setImmediate(() => void this.#flush());
    });
  }

  async #flush(): Promise<void> {
    try {
      while (this.#queue.length > 0) {
        const batch = this.#queue.splice(0, this.#maxBatch);
        try {
          const results = await this.#insert(batch.map((w) => w.job));
          for (const [i, w] of batch.entries()) w.resolve(results[i]!);
        } catch (e) {
          // One job the database refuses must not fail the others: each alone, in its own transaction. But when the
          // database itself is away or locked, every retry would wait as long again: the whole batch fails at once
          // (WeChat retries the pushes).
          if (batch.length === 1 || isStoreWide(e)) for (const w of batch) w.reject(e);
          else
            for (const w of batch)
              await this.#insert([w.job]).then(
                ([r]) => w.resolve(r!),
                (err: unknown) => w.reject(err),
              );
        }
      }
    } finally {
      this.#busy = false;
    }
  }

  /**
   * One transaction. Keys are inserted in sorted order, so two instances' batches lock unique-index entries in the
   * same order on PostgreSQL (a concurrent inserter of a key waits for the other's commit instead of deadlocking).
   */
  #insert(jobs: NewJob[]): Promise<EnqueuedJob[]> {
    if (this.#sqlite) {
      return this.#sqlite.run(this.#db, (raw) => {
        try {
          if (this.#sqliteInsert?.raw !== raw) this.#sqliteInsert = new SqliteJobInsert(raw);
          return this.#sqliteInsert.run(jobs);
        } catch (e) {
          throw mapDbError(e);
        }
      });
    }
    const order = jobs.map((_, i) => i).sort((a, b) => compareKeys(jobs[a]!.dedupKey, jobs[b]!.dedupKey));
    return writeTransaction(this.#db, this.#dialect, async (trx) => {
      const results: EnqueuedJob[] = new Array(jobs.length);
      for (const i of order) results[i] = await this.#insertOne(trx, jobs[i]!);
      return results;
    });
  }

  async #insertOne(trx: Kysely<Database>, job: NewJob): Promise<EnqueuedJob> {
    const params = [job.kind, job.payload, job.runAt, job.dedupKey, job.createdAt, job.createdAt];
    // Twice at most: a row holding the key may be deleted (done jobs expire) between the conflict and the read.
    for (let attempt = 0; ; attempt++) {
      const { rows, numAffectedRows, insertId } = await trx.executeQuery<{ id: number | string }>(CompiledQuery.raw(INSERT_JOB[this.#dialect], params));
      if (rows[0]) return { id: String(rows[0].id), inserted: true };
      if (numAffectedRows === 1n && insertId !== undefined) return { id: String(insertId), inserted: true };
      const found = await trx.executeQuery<{ id: number | string }>(CompiledQuery.raw(FIND_JOB_BY_KEY[this.#dialect], [job.dedupKey]));
      if (found.rows[0]) return { id: String(found.rows[0].id), inserted: false };
      if (attempt > 0) throw new Error(`jobs: the row holding dedup key ${job.dedupKey} vanished twice`);
    }
  }
}

/** Errors about the database as a whole rather than one row: unavailable, or busy past its timeout. */
function isStoreWide(e: unknown): boolean {
  return e instanceof RetryableTransactionError || (isAppError(e) && e.code === 'ERR_STORE_UNAVAILABLE');
}

function compareKeys(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -1 : 1;
}
