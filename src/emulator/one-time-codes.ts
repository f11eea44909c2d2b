/**
 * Single-use codes with a lifetime each, for OAuth codes (official account 5 min, website / app 10 min) and phone
 * codes (5 min) — docs/wechat-api.md §1.6, §4.1. A used code is remembered until it would have expired, so a reuse can be
 * told apart from an unknown code (OAuth: 40163 vs 40029).
 */
import type { Clock } from '../clock.js';
import type { IdMinter } from './ids.js';

interface Entry<T> {
  readonly appid: string;
  readonly data: T;
  readonly expiresAt: number;
  used: boolean;
}

export type CodeTake<T> = { ok: true; data: T } | { ok: false; reason: 'unknown' | 'used' };

export class OneTimeCodes<T> {
  readonly #clock: Clock;
  readonly #ids: IdMinter;
  readonly #codes = new Map<string, Entry<T>>();

  constructor(clock: Clock, ids: IdMinter) {
    this.#clock = clock;
    this.#ids = ids;
  }

  mint(appid: string, data: T, ttlSeconds: number): string {
    const now = this.#clock.now();
    this.#sweep(now);
    const code = this.#ids.code();
    this.#codes.set(code, { appid, data, expiresAt: now + ttlSeconds * 1000, used: false });
    return code;
  }

  /** Spends `code` for `appid`: 'unknown' when never minted, minted for another app or expired; 'used' when spent. */
  take(code: string, appid: string): CodeTake<T> {
    const now = this.#clock.now();
    const entry = this.#codes.get(code);
    if (entry === undefined || entry.appid !== appid || now >= entry.expiresAt) return { ok: false, reason: 'unknown' };
    if (entry.used) return { ok: false, reason: 'used' };
    entry.used = true;
    return { ok: true, data: entry.data };
  }

  get size(): number {
    return this.#codes.size;
  }

  clear(): void {
    this.#codes.clear();
  }

  /** Lifetimes differ per code, so the sweep looks at every code (there are few). */
  #sweep(now: number): void {
    for (const [code, entry] of this.#codes) if (now >= entry.expiresAt) this.#codes.delete(code);
  }
}
