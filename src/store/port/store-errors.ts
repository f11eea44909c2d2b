/**
 * The two failures of a write the identity layer handles itself: a unique violation and a lost race.
 */

/** Thrown by any write that hits a unique constraint; the identity layer retries the transaction. */
export class UniqueViolationError extends Error {
  constructor(
    readonly constraint: string,
    options?: { cause?: unknown },
  ) {
    super(`unique constraint violated: ${constraint}`, options);
    this.name = 'UniqueViolationError';
  }
}

/**
 * Thrown when a transaction lost a race with a concurrent one and may be retried as a whole:
 * PostgreSQL serialization failure (40001) or deadlock (40P01), SQLite SQLITE_BUSY, or `stale` —
 * raised by the identity layer itself when a row it read changed before it could lock it.
 */
export class RetryableTransactionError extends Error {
  constructor(
    readonly reason: 'serialization' | 'deadlock' | 'busy' | 'stale',
    options?: { cause?: unknown },
  ) {
    super(`transaction aborted by a concurrent one (${reason}); retry it`, options);
    this.name = 'RetryableTransactionError';
  }
}
