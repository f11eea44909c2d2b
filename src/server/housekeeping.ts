/**
 * Periodic clean-up an instance does while it runs: expired one-time flow records (OAuth states, login codes,
 * scan-to-follow tickets) are deleted. Every instance may run it; the DELETE is idempotent.
 */
import type { AppDeps } from './deps.js';

export function startHousekeeping(deps: Pick<AppDeps, 'store' | 'clock'>, intervalMs = 60_000): () => void {
  const timer = setInterval(() => {
    deps.store.deleteExpiredFlows(deps.clock.now()).catch(() => undefined); // retried at the next tick
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
