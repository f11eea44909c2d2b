/**
 * The durable jobs part of the storage port (the official-account lookups, claimed across instances).
 */

export type JobStatus = 'pending' | 'running' | 'done' | 'failed';

export interface JobRow {
  id: string;
  /** e.g. 'oa.lookup' */
  kind: string;
  /** JSON-serialisable, secret-free. */
  payload: Record<string, unknown>;
  status: JobStatus;
  /** How many times it has been claimed. */
  attempts: number;
  runAt: number;
  /** While running: the lease; a job whose lease ran out (its worker died) is claimable again. */
  lockedUntil: number | null;
  lastError: string | null;
  /** Unique when set: a second enqueue with the same key is a no-op (WeChat's push retries). */
  dedupKey: string | null;
  createdAt: number;
  updatedAt: number;
}

/** A job to enqueue: its kind, payload (JSON, secret-free), when it is due, and its dedup key. */
export interface EnqueueJobInput {
  kind: string;
  payload: Record<string, unknown>;
  runAt: number;
  dedupKey?: string | null;
  /** The createdAt; default runAt. */
  now?: number;
}

export interface JobStore {
  /**
   * Inserts a pending job; with a `dedupKey` already present (whatever that job's status) it inserts nothing and
   * returns the existing id with `inserted: false`. Never throws on a duplicate key. `now` (default runAt) is the
   * createdAt.
   */
  enqueueJob(job: EnqueueJobInput): Promise<{ id: string; inserted: boolean }>;
  /**
   * Atomically claims up to `limit` due jobs (pending with runAt ≤ now, or running with lockedUntil ≤ now), oldest
   * runAt first: status → running, lockedUntil = now + leaseMs, attempts + 1. Two callers — in one process or in
   * several — never get the same job for the same lease. `kinds`: only these kinds (an empty list claims nothing).
   */
  claimJobs(options: { now: number; limit: number; leaseMs: number; kinds?: string[] }): Promise<JobRow[]>;
  /**
   * Marks a running job done. `attempt` (the JobRow.attempts of the claim) fences a stale worker: when the job was
   * re-claimed since (its lease ran out), nothing changes. True when the job was marked.
   */
  completeJob(id: string, now: number, options?: { attempt?: number }): Promise<boolean>;
  /**
   * A running job back to pending at `retryAt`, or `failed` when retryAt is null; records `error` (secret-free, cut
   * to 2,000 characters). Fenced by `attempt` like completeJob. True when the job was changed.
   */
  failJob(id: string, options: { now: number; error: string; retryAt: number | null; attempt?: number }): Promise<boolean>;
  findJob(id: string): Promise<JobRow | undefined>;
  /** Deletes jobs that finished (`done`) before the given time; returns how many. Failed jobs stay for inspection. */
  deleteDoneJobs(finishedBefore: number): Promise<number>;
  /** How many jobs are in each status (every status present, 0 when none). */
  jobCounts(): Promise<Record<JobStatus, number>>;
}
