/**
 * The shared cache could not be reached (Redis down, reconnecting, or closed). What is built on the cache
 * treats it as "no cache" and goes on (a lock runs its work unlocked, a flight runs its call, access tokens fall
 * back to this instance's memory): an outage costs the cluster-wide guarantees, not the logins. `/readyz` says so.
 */
export class CacheUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CacheUnavailableError';
  }
}
