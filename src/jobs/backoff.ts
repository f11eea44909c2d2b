/** How long a failed job waits before its next attempt. */

export interface ExponentialBackoffOptions {
  /** Delay ceiling after the first failed attempt (ms). Default 1,000. */
  baseMs?: number;
  /** Largest ceiling (ms). Default 600,000 (10 minutes). */
  maxMs?: number;
  /** Uniform [0, 1) for the jitter. Default Math.random (jitter needs no cryptographic quality). */
  random?: () => number;
}

/**
 * Exponential backoff with "equal jitter": after attempt n the ceiling is min(maxMs, baseMs · 2^(n−1)) and the
 * delay is uniform in [ceiling/2, ceiling). Half the delay is guaranteed (an upstream outage is not hammered); the
 * other half spreads the jobs that failed together (one WeChat outage fails many at once).
 * @example
 *   const backoff = exponentialBackoff({ random: () => 0.5 });
 *   backoff(1); // 750
 *   backoff(3); // 3000
 */
export function exponentialBackoff(options: ExponentialBackoffOptions = {}): (attempt: number) => number {
  const baseMs = options.baseMs ?? 1000;
  const maxMs = options.maxMs ?? 600_000;
  const random = options.random ?? Math.random;
  if (!Number.isFinite(baseMs) || baseMs < 0) throw new TypeError('baseMs must be a number ≥ 0');
  if (!Number.isFinite(maxMs) || maxMs < baseMs) throw new TypeError('maxMs must be a number ≥ baseMs');
  if (typeof random !== 'function') throw new TypeError('random must be a function');
  return (attempt) => {
    if (!Number.isInteger(attempt) || attempt < 1) throw new TypeError('attempt must be an integer ≥ 1');
    // 2^(attempt−1) overflows to Infinity for huge attempts; min() still caps it.
    const ceiling = Math.min(maxMs, baseMs * 2 ** (attempt - 1));
    return Math.round(ceiling / 2 + random() * (ceiling / 2));
  };
}
