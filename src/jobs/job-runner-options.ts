/** The options of `createJobRunner` (and the handler and logger shapes it takes), checked once at creation. */
import type { JobWake } from './job-wake.js';
import type { Clock } from '../clock.js';
import type { JobStore } from '../store/port.js';

/** What a handler learns about the run besides the payload. */
export interface JobContext {
  jobId: string;
  kind: string;
  /** 1 on the first run; the job's claim count. */
  attempt: number;
  /** Aborted when the run exceeds `timeoutMs` (its result is then ignored and the job retried). */
  signal: AbortSignal;
}

/** Runs one job. Throw to retry (with backoff), or throw `PermanentJobError` to fail at once. */
export type JobHandler = (payload: Record<string, unknown>, ctx: JobContext) => Promise<void>;

/** The slice of a pino-like logger the runner uses. Nothing secret is ever passed to it. */
export interface JobRunnerLogger {
  warn(obj: Record<string, unknown>, msg: string): void;
  error(obj: Record<string, unknown>, msg: string): void;
}

/** Timer functions (injectable for tests); the defaults unref their timers so an idle runner never holds the process. */
export interface JobTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface JobRunnerOptions {
  store: JobStore;
  /** Job times (runAt, leases, retries) are read from it; a ManualClock moves them in tests. */
  clock: Clock;
  /** Handlers by job kind. A claimed job of any other kind is marked failed. */
  handlers: Readonly<Record<string, JobHandler>>;
  logger?: JobRunnerLogger | false;
  /** How often an idle runner looks for due jobs (ms). */
  pollMs: number;
  /** How long a claim holds a job (ms); after it another worker may run the job again. */
  leaseMs: number;
  /** Runs in total, the first included; the last failure marks the job failed. */
  maxAttempts: number;
  /** Jobs run at once by this runner. */
  concurrency: number;
  /** Delay before the next attempt after `attempt` failed (ms). Default: exponentialBackoff({ random }). */
  backoff?: (attempt: number) => number;
  /** Uniform [0, 1) for the default backoff's jitter. Default Math.random. */
  random?: () => number;
  /** A run taking longer is abandoned and retried (ms). Default leaseMs: past it, another worker may claim the job. */
  timeoutMs?: number;
  timers?: JobTimers;
  /** A wake-up line (job-wake.ts): each poke makes the runner look for due jobs now, like `poke()`. */
  wake?: JobWake;
}

/** Throws a TypeError for options a programmer got wrong; returns them unchanged. */
export function checkOptions(options: JobRunnerOptions): JobRunnerOptions {
  if (!options || typeof options !== 'object') throw new TypeError('createJobRunner needs an options object');
  const { store, clock, handlers } = options;
  if (!store || typeof store.claimJobs !== 'function') throw new TypeError('options.store must be a JobStore');
  if (!clock || typeof clock.now !== 'function') throw new TypeError('options.clock must be a Clock');
  if (!handlers || typeof handlers !== 'object') throw new TypeError('options.handlers must be an object of functions');
  for (const [kind, handler] of Object.entries(handlers)) {
    if (typeof handler !== 'function') throw new TypeError(`handler for job kind "${kind}" must be a function`);
  }
  for (const key of ['pollMs', 'leaseMs', 'maxAttempts', 'concurrency'] as const) {
    if (!Number.isSafeInteger(options[key]) || options[key] < 1) throw new TypeError(`options.${key} must be an integer ≥ 1`);
  }
  if (options.timeoutMs !== undefined && (!Number.isSafeInteger(options.timeoutMs) || options.timeoutMs < 1)) {
    throw new TypeError('options.timeoutMs must be an integer ≥ 1');
  }
  if (options.backoff !== undefined && typeof options.backoff !== 'function') throw new TypeError('options.backoff must be a function');
  return options;
}
