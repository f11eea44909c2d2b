/**
 * wx.login codes: valid 5 minutes, single use ("有效期五分钟", "code 只能使用一次" —
 * https://developers.weixin.qq.com/miniprogram/dev/api/open-api/login/wx.login.html). Used codes are remembered
 * until they would have expired, so a reuse inside the window gets 40163 and a later one 40029.
 */
import type { Clock } from '../clock.js';
import type { IdMinter } from './ids.js';

export interface CodeRecord {
  readonly appid: string;
  readonly personId: string;
  readonly mintedAt: number;
  usedAt: number | null;
}

export type CodeLookup = { ok: true; record: CodeRecord } | { ok: false; errcode: 40029 | 40163 };

export class CodeStore {
  readonly #ttlMs: number;
  readonly #clock: Clock;
  readonly #ids: IdMinter;
  /** Insertion order = mint order, so expired codes sit at the front and the sweep stops at the first live one. */
  readonly #codes = new Map<string, CodeRecord>();

  constructor(ttlSeconds: number, clock: Clock, ids: IdMinter) {
    this.#ttlMs = ttlSeconds * 1000;
    this.#clock = clock;
    this.#ids = ids;
  }

  mint(appid: string, personId: string): string {
    const now = this.#clock.now();
    this.#sweep(now);
    const code = this.#ids.code();
    this.#codes.set(code, { appid, personId, mintedAt: now, usedAt: null });
    return code;
  }

  /** 40029 when unknown, expired or minted for another appid; 40163 when already used. Does not consume. */
  lookup(code: string, appid: string): CodeLookup {
    const now = this.#clock.now();
    this.#sweep(now);
    const record = this.#codes.get(code);
    if (record === undefined || record.appid !== appid || now >= record.mintedAt + this.#ttlMs) return { ok: false, errcode: 40029 };
    if (record.usedAt !== null) return { ok: false, errcode: 40163 };
    return { ok: true, record };
  }

  consume(record: CodeRecord): void {
    record.usedAt = this.#clock.now();
  }

  get size(): number {
    return this.#codes.size;
  }

  clear(): void {
    this.#codes.clear();
  }

  #sweep(now: number): void {
    for (const [code, record] of this.#codes) {
      if (now < record.mintedAt + this.#ttlMs) break;
      this.#codes.delete(code);
    }
  }
}
