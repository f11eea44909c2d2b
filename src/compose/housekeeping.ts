/**
 * Periodic clean-up an instance does while it runs: expired one-time flow records (OAuth states, login codes,
 * scan-to-follow tickets, plain-mode signatures) and jobs finished more than a week ago (a job row only needs to
 * outlive WeChat's push retries, seconds, to deduplicate them). Every instance may run it; the DELETEs are idempotent.
 */
import type { Clock } from '../clock.js';
import type { WeunionStore } from '../store/port.js';

export const DONE_JOB_RETENTION_MS = 7 * 86_400_000;

export function startHousekeeping(deps: { store: Pick<WeunionStore, 'flows' | 'jobs'>; clock: Clock }, intervalMs = 60_000): () => void {
  const timer = setInterval(() => {
    const now = deps.clock.now();
    deps.store.flows.deleteExpiredFlows(now).catch(() => undefined); // retried at the next tick
    deps.store.jobs.deleteDoneJobs(now - DONE_JOB_RETENTION_MS).catch(() => undefined);
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
