/**
 * Everything the emulator makes up: openids, unionids, session keys, codes, tokens, request ids. All
 * randomness comes from the injected `random`, so a seeded source reproduces a whole run.
 */
import { createHmac } from 'node:crypto';
import type { RandomBytes } from './options.js';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Mints identifiers. openid/unionid are derived (HMAC of a per-run seed), so they are stable without a table. */
export class IdMinter {
  readonly #random: RandomBytes;
  #seed: Buffer;

  constructor(random: RandomBytes) {
    this.#random = random;
    this.#seed = this.bytes(32);
  }

  /** `n` random bytes from the injected source (checked: a short buffer is a programmer error). */
  bytes(n: number): Buffer {
    const b = this.#random(n);
    if (!Buffer.isBuffer(b) || b.length < n) throw new TypeError(`emulator random(${n}) must return a Buffer of ${n} bytes`);
    return b.length === n ? b : b.subarray(0, n);
  }

  /** A uniform-ish number in [0, 1), for fault rates. */
  fraction(): number {
    return this.bytes(4).readUInt32BE(0) / 2 ** 32;
  }

  /** New seed: after a reset, persons p_1… get fresh openids, so a server's old rows do not match them. */
  reseed(): void {
    this.#seed = this.bytes(32);
  }

  /** 28 chars, `o` + 27 url-safe chars, like `oGZUI0egBJY1zhBYw2KhdUfwVJJE`. Stable per (person, appid). */
  openid(personId: string, appid: string): string {
    return this.#derive(`openid\n${appid}\n${personId}`);
  }

  /** Same shape as an openid; stable per (person, Open Platform account). */
  unionid(personId: string, openAppid: string): string {
    return this.#derive(`unionid\n${openAppid}\n${personId}`);
  }

  /** base64 of 16 random bytes (24 chars), as WeChat's session_key. */
  sessionKey(): string {
    return this.bytes(16).toString('base64');
  }

  /** A wx.login code: 32 alphanumerics. */
  code(): string {
    return [...this.bytes(32)].map((b) => ALNUM[b % ALNUM.length]).join('');
  }

  /** An access_token: `<n>_` + url-safe chars, ~143 chars (real ones are 130–160; stores need 512). */
  accessToken(): string {
    return `80_${this.bytes(105).toString('base64url')}`;
  }

  /** `rid` as in current errmsgs: 8 hex (unix seconds) - 8 hex - 8 hex, e.g. `6129ee10-272863a4-64d75414`. */
  rid(nowMs: number): string {
    const secs = (Math.floor(nowMs / 1000) >>> 0).toString(16).padStart(8, '0');
    return `${secs}-${this.bytes(4).toString('hex')}-${this.bytes(4).toString('hex')}`;
  }

  #derive(label: string): string {
    return `o${createHmac('sha256', this.#seed).update(label).digest('base64url').slice(0, 27)}`;
  }
}
