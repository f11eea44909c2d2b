/**
 * Runs a store transaction again when it lost a race: a unique violation (a concurrent transaction
 * inserted the same identity first) or a retryable abort (serialization failure, deadlock, busy).
 * The retry re-reads everything, so it sees the winner's rows and takes another case of the algorithm.
 */
import { AppError } from '../errors.js';
import { RetryableTransactionError, UniqueViolationError, type IdentityStore, type IdentityTx } from '../store/port.js';

export interface RetryOptions {
  /** Total tries, the first included. Default 10. */
  attempts?: number;
  /** Backoff ceiling of the first retry (ms); doubles per retry up to `maxDelayMs`. Default 4. */
  baseDelayMs?: number;
  /** Default 250. */
  maxDelayMs?: number;
  /** Default: setTimeout. */
  sleep?: (ms: number) => Promise<void>;
  /** Uniform [0, 1) for the jitter. Default Math.random (jitter needs no cryptographic quality). */
  random?: () => number;
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** True for the errors a retry of the whole transaction can cure. */
export function isRetryableStoreError(e: unknown): boolean {
  return e instanceof UniqueViolationError || e instanceof RetryableTransactionError;
}

/**
 * `store.transaction(fn)`, retried with "full jitter" exponential backoff (the delay is uniform in
 * [0, ceiling) so colliding callers spread out). Out of attempts → AppError('ERR_STORE_CONFLICT').
 * @example
 *   const user = await transactionWithRetries(store, (tx) => tx.findUser(id));
 */
export async function transactionWithRetries<T, Tx = IdentityTx>(
  store: Pick<IdentityStore, 'transaction'> | { transaction<R>(fn: (tx: Tx) => Promise<R>): Promise<R> },
  fn: (tx: Tx) => Promise<T>,
  options: RetryOptions = {},
): Promise<T> {
  const attempts = options.attempts ?? 10;
  const baseDelayMs = options.baseDelayMs ?? 4;
  const maxDelayMs = options.maxDelayMs ?? 250;
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;
  if (!Number.isInteger(attempts) || attempts < 1) throw new TypeError('attempts must be an integer ≥ 1');
  for (let attempt = 1; ; attempt++) {
    try {
      return await (store as { transaction<R>(fn: (tx: Tx) => Promise<R>): Promise<R> }).transaction(fn);
    } catch (e) {
      if (!isRetryableStoreError(e)) throw e;
      if (attempt >= attempts) {
        throw new AppError('ERR_STORE_CONFLICT', { cause: e, details: { attempts } });
      }
      const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
      await sleep(random() * ceiling);
    }
  }
}
