/**
 * The SQLite side of the enqueue group commit (job-enqueue-batch.ts): one batch of jobs inserted in one
 * BEGIN IMMEDIATE … COMMIT, synchronously on the better-sqlite3 connection. Through Kysely each row was its own
 * chain of promises (executor, connection provider, driver) and each batch compiled BEGIN and COMMIT again; this
 * is two prepared statements reused for every row. Same SQL, same outcome per job as the Kysely path PostgreSQL
 * takes.
 */
import type { Database as BetterSqlite3Database, Statement, Transaction } from 'better-sqlite3';
import { type EnqueuedJob, FIND_JOB_BY_KEY, INSERT_JOB, type NewJob } from './job-insert-sql.js';

export class SqliteJobInsert {
  readonly #insertAll: Transaction<(jobs: NewJob[]) => EnqueuedJob[]>;

  /** The connection the statements were prepared on. */
  constructor(readonly raw: BetterSqlite3Database) {
    const insert: Statement = raw.prepare(INSERT_JOB.sqlite);
    const find: Statement<[string | null], number | bigint> = raw.prepare<[string | null], number | bigint>(FIND_JOB_BY_KEY.sqlite).pluck();
    this.#insertAll = raw.transaction((jobs: NewJob[]) =>
      jobs.map((job): EnqueuedJob => {
        const { changes, lastInsertRowid } = insert.run(job.kind, job.payload, job.runAt, job.dedupKey, job.createdAt, job.createdAt);
        if (changes === 1) return { id: String(lastInsertRowid), inserted: true };
        // The key is taken. We hold the write lock, so the row holding it cannot go away before this read.
        const id = find.get(job.dedupKey);
        if (id === undefined) throw new Error(`jobs: no row holds dedup key ${job.dedupKey ?? '(null)'} after a conflict on it`);
        return { id: String(id), inserted: false };
      }),
    );
  }

  /** Inserts `jobs` in one write transaction (rolled back whole when any row throws). */
  run(jobs: NewJob[]): EnqueuedJob[] {
    // better-sqlite3 would nest into a transaction someone began on the connection outside the store (a SAVEPOINT),
    // and a rollback of theirs would then drop jobs already answered as committed: refuse instead, as Kysely's path
    // does ("cannot start a transaction within a transaction").
    if (this.raw.inTransaction) throw new Error('jobs: a transaction begun outside the store is open on the SQLite connection');
    return this.#insertAll.immediate(jobs);
  }
}
