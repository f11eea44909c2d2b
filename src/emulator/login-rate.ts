/**
 * code2Session's per-user minute quota: 100 calls per minute per user, then 45011
 * (https://developers.weixin.qq.com/minigame/dev/api-backend/open-api/login/auth.code2Session.html).
 * A sliding 60 s window over the virtual clock, so tests do not depend on where a wall-clock minute starts.
 */
import type { Clock } from '../clock.js';

const WINDOW_MS = 60_000;

export class LoginRateLimiter {
  readonly #limit: number;
  readonly #clock: Clock;
  readonly #hits = new Map<string, number[]>();

  constructor(limitPerMinute: number, clock: Clock) {
    this.#limit = limitPerMinute;
    this.#clock = clock;
  }

  /** Records a hit for `key` and returns true, or returns false (and records nothing) when the quota is used up. */
  tryAcquire(key: string): boolean {
    const now = this.#clock.now();
    const hits = (this.#hits.get(key) ?? []).filter((t) => t > now - WINDOW_MS);
    const allowed = hits.length < this.#limit;
    if (allowed) hits.push(now);
    this.#hits.set(key, hits);
    return allowed;
  }

  clear(): void {
    this.#hits.clear();
  }
}
