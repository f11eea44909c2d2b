/**
 * The durable job runner: claims due jobs from the shared store (`JobStore.claimJobs`, safe across instances),
 * runs their handlers with bounded concurrency, and records the outcome — done, retried with backoff, or failed.
 * Delivery is at least once (a worker that dies mid-job leaves a lease that runs out, and another worker runs the
 * job again), so handlers must be idempotent.
 */
import type { JobRow, JobStatus } from '../store/port.js';
import { exponentialBackoff } from './backoff.js';
import { describeJobError } from './describe-job-error.js';
import { checkOptions, type JobHandler, type JobRunnerOptions, type JobTimers } from './job-runner-options.js';
import { PermanentJobError } from './permanent-job-error.js';

export type { JobContext, JobHandler, JobRunnerLogger, JobRunnerOptions, JobTimers } from './job-runner-options.js';

/** Job counts by status, plus the jobs this runner is running now. */
export type JobRunnerCounts = Record<JobStatus, number> & { inFlight: number };

/** A job runner; matches `JobRunnerControl` (src/server/deps.ts) and adds poke() and counts(). */
export interface JobRunner {
  /** Starts polling (at once, then every pollMs while idle). Idempotent; restarts a stopped runner. */
  start(): void;
  /** Stops claiming and resolves once the jobs in flight have finished. */
  stop(): Promise<void>;
  /** Claims every due job and runs it now (in batches of `concurrency`); resolves with how many ran. */
  runDue(): Promise<number>;
  /** Look for due jobs now rather than at the next poll (e.g. right after an enqueue). No-op unless started. */
  poke(): void;
  counts(): Promise<JobRunnerCounts>;
}

const defaultTimers: JobTimers = {
  setTimeout(fn, ms) {
    const handle = setTimeout(fn, ms);
    handle.unref();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * A runner over `store`. Several runners (in one process or many) may share one store: each job runs in one of
 * them at a time.
 * @example
 *   const runner = createJobRunner({
 *     store, clock: systemClock, pollMs: 500, leaseMs: 30_000, maxAttempts: 8, concurrency: 4,
 *     handlers: { 'oa.lookup': async (payload, { attempt }) => lookUp(payload) },
 *   });
 *   runner.start();
 *   await store.enqueueJob({ kind: 'oa.lookup', payload, runAt: Date.now() });
 *   runner.poke();
 *   await runner.stop();
 */
export function createJobRunner(options: JobRunnerOptions): JobRunner {
  const o = checkOptions(options);
  const { store, clock, handlers, pollMs, leaseMs, maxAttempts, concurrency } = o;
  const logger = o.logger || undefined;
  const timers = o.timers ?? defaultTimers;
  const backoff = o.backoff ?? exponentialBackoff(o.random ? { random: o.random } : {});
  const timeoutMs = o.timeoutMs ?? leaseMs;

  let state: 'idle' | 'running' | 'stopped' = 'idle';
  let timer: { handle: unknown; ms: number } | undefined;
  let ticking: Promise<void> | undefined;
  let tickAgain = false;
  /** The last claim filled every free slot: more may be due, so a finished job should look again at once. */
  let saturated = false;
  const inFlight = new Set<Promise<void>>();
  o.wake?.listen(() => schedule(0)); // a no-op unless started, like poke()

  function schedule(ms: number): void {
    if (state !== 'running') return;
    if (timer) {
      if (timer.ms <= ms) return; // an earlier look is already planned
      timers.clearTimeout(timer.handle);
    }
    const handle = timers.setTimeout(() => {
      timer = undefined;
      tick();
    }, ms);
    timer = { handle, ms };
  }

  function tick(): void {
    if (ticking) {
      tickAgain = true;
      return;
    }
    ticking = (async () => {
      do {
        tickAgain = false;
        const free = concurrency - inFlight.size;
        if (state !== 'running' || free <= 0) break; // a finishing job looks again
        let jobs: JobRow[];
        try {
          jobs = await store.claimJobs({ now: clock.now(), limit: free, leaseMs });
        } catch (e) {
          logger?.error({ error: describeJobError(e) }, 'claiming jobs failed; trying again at the next poll');
          break;
        }
        saturated = jobs.length === free;
        for (const job of jobs) launch(job);
      } while (tickAgain);
    })().finally(() => {
      ticking = undefined;
      schedule(pollMs);
    });
  }

  function launch(job: JobRow): Promise<void> {
    const run = execute(job).finally(() => {
      inFlight.delete(run);
      if (saturated) schedule(0);
    });
    inFlight.add(run);
    return run;
  }

  /** Runs one claimed job and records the outcome. Never rejects. */
  async function execute(job: JobRow): Promise<void> {
    const { id: jobId, kind, attempts: attempt } = job;
    const log = { jobId, kind, attempt };
    try {
      if (attempt > maxAttempts) {
        // Claimed more often than allowed without a recorded failure: its workers died (or ran past the lease).
        await fail(job, 'ERR_JOB_ABANDONED: the lease ran out on the last attempt (worker died or ran too long)', true);
        return;
      }
      const handler = Object.hasOwn(handlers, kind) ? handlers[kind] : undefined;
      if (!handler) {
        await fail(job, `ERR_JOB_UNKNOWN_KIND: no handler for job kind "${kind}"`, true);
        return;
      }
      const outcome = await runHandler(handler, job);
      if (outcome.ok) {
        const marked = await store.completeJob(jobId, clock.now(), { attempt });
        if (!marked) logger?.warn(log, 'job finished after its lease ran out; another worker owns it now');
        return;
      }
      await fail(job, describeJobError(outcome.error), outcome.error instanceof PermanentJobError);
    } catch (e) {
      // The store failed to record the outcome: the lease will run out and the job run again.
      logger?.error({ ...log, error: describeJobError(e) }, 'recording a job outcome failed; it will run again after its lease');
    }
  }

  async function runHandler(handler: JobHandler, job: JobRow): Promise<{ ok: true } | { ok: false; error: unknown }> {
    const controller = new AbortController();
    let timeout: unknown;
    const timedOut = new Promise<{ ok: false; error: unknown }>((resolve) => {
      timeout = timers.setTimeout(() => {
        controller.abort();
        resolve({ ok: false, error: Object.assign(new Error(`the run took longer than ${timeoutMs} ms`), { code: 'ERR_JOB_TIMEOUT' }) });
      }, timeoutMs);
    });
    const ran = Promise.resolve()
      .then(() => handler(job.payload, { jobId: job.id, kind: job.kind, attempt: job.attempts, signal: controller.signal }))
      .then(
        () => ({ ok: true }) as const,
        (error: unknown) => ({ ok: false, error }) as const,
      );
    try {
      return await Promise.race([ran, timedOut]);
    } finally {
      timers.clearTimeout(timeout);
    }
  }

  async function fail(job: JobRow, error: string, permanent: boolean): Promise<void> {
    const final = permanent || job.attempts >= maxAttempts;
    const now = clock.now();
    const retryAt = final ? null : now + Math.max(0, Math.round(backoff(job.attempts)));
    const changed = await store.failJob(job.id, { now, error, retryAt, attempt: job.attempts });
    const log = { jobId: job.id, kind: job.kind, attempt: job.attempts, error, retryAt };
    if (!changed) logger?.warn(log, 'job failed after its lease ran out; another worker owns it now');
    else if (final) logger?.error(log, 'job failed for good');
    else logger?.warn(log, 'job failed; retrying later');
  }

  async function drain(): Promise<void> {
    while (ticking || inFlight.size > 0) {
      await ticking;
      await Promise.all([...inFlight]);
    }
  }

  return {
    start() {
      if (state === 'running') return;
      state = 'running';
      schedule(0);
    },
    async stop() {
      state = 'stopped';
      if (timer) timers.clearTimeout(timer.handle);
      timer = undefined;
      await drain();
    },
    async runDue() {
      let count = 0;
      // Ends: a job that fails is due again only after a backoff, or never after maxAttempts.
      while (state !== 'stopped') {
        const jobs = await store.claimJobs({ now: clock.now(), limit: concurrency, leaseMs });
        if (jobs.length === 0) break;
        count += jobs.length;
        await Promise.all(jobs.map(launch));
      }
      return count;
    },
    poke() {
      schedule(0);
    },
    async counts() {
      return { ...(await store.jobCounts()), inFlight: inFlight.size };
    },
  };
}
