/**
 * access_tokens, two separate stores per appid (doc: fetching one never invalidates the other):
 * - `basic` — GET /cgi-bin/token: a new token on every call; the previous one keeps working for the overlap
 *   (5 min) and then answers 40001 "not latest"
 *   (https://developers.weixin.qq.com/doc/service/en/Basic_Information/Get_access_token.html).
 * - `stable` — POST /cgi-bin/stable_token: the same token while ≥ 5 min are left, renewed in the last 5 min;
 *   force_refresh rotates (at most once per 30 s). Reading of the doc's "two force calls 30 s apart kill a leaked
 *   token": a forced refresh gives the current token the overlap and kills anything older at once
 *   (https://developers.weixin.qq.com/doc/service/api/base/api_getstableaccesstoken.html).
 * A token past its natural expiry answers 42001.
 */
import type { Clock } from '../clock.js';
import type { IdMinter } from './ids.js';

type TokenKind = 'basic' | 'stable';

interface TokenRecord {
  readonly appid: string;
  readonly kind: TokenKind;
  readonly expiresAt: number;
  /** Set when superseded: the token stops working at this instant (40001). */
  revokedAt: number | null;
}

export interface IssuedToken {
  accessToken: string;
  expiresIn: number;
}

export type TokenCheck = { ok: true; appid: string } | { ok: false; errcode: 40001 | 42001 };

export interface TokenStoreOptions {
  ttlSeconds: number;
  overlapSeconds: number;
  clock: Clock;
  ids: IdMinter;
}

const FORCE_DEBOUNCE_MS = 30_000;
/** How long dead tokens are kept so they answer 40001/42001 rather than "unknown" (also 40001). */
const RETAIN_MS = 24 * 3600_000;

export class TokenStore {
  readonly #ttlMs: number;
  readonly #overlapMs: number;
  readonly #clock: Clock;
  readonly #ids: IdMinter;
  readonly #tokens = new Map<string, TokenRecord>();
  readonly #current = new Map<string, string>(); // `${kind}\n${appid}` → token
  readonly #lastForce = new Map<string, number>(); // appid → time of the last effective force_refresh

  constructor(o: TokenStoreOptions) {
    this.#ttlMs = o.ttlSeconds * 1000;
    this.#overlapMs = o.overlapSeconds * 1000;
    this.#clock = o.clock;
    this.#ids = o.ids;
  }

  /** GET /cgi-bin/token: always a new token; the previous one lives `overlap` more. */
  issueBasic(appid: string): IssuedToken {
    const now = this.#clock.now();
    this.#supersede('basic', appid, now + this.#overlapMs);
    return this.#issue('basic', appid, now);
  }

  /** POST /cgi-bin/stable_token. */
  stable(appid: string, forceRefresh: boolean): IssuedToken {
    const now = this.#clock.now();
    const currentToken = this.#current.get(`stable\n${appid}`);
    const current = currentToken === undefined ? undefined : this.#tokens.get(currentToken);
    const lastForce = this.#lastForce.get(appid);
    // Two forced refreshes less than 30 s apart do not refresh again (doc).
    const force = forceRefresh && (lastForce === undefined || now - lastForce >= FORCE_DEBOUNCE_MS);
    const fresh = current !== undefined && current.revokedAt === null && current.expiresAt - now >= this.#overlapMs;
    if (currentToken !== undefined && current !== undefined && fresh && !force) {
      return { accessToken: currentToken, expiresIn: Math.floor((current.expiresAt - now) / 1000) };
    }
    if (force) {
      this.#lastForce.set(appid, now);
      for (const record of this.#tokens.values()) {
        if (record.kind === 'stable' && record.appid === appid && record !== current) {
          record.revokedAt = Math.min(record.revokedAt ?? Number.POSITIVE_INFINITY, now);
        }
      }
    }
    // The outgoing token keeps working until its natural expiry (≤ overlap left) or, when forced, for the overlap.
    this.#supersede('stable', appid, force ? now + this.#overlapMs : Number.POSITIVE_INFINITY);
    return this.#issue('stable', appid, now);
  }

  check(token: string): TokenCheck {
    const record = this.#tokens.get(token);
    if (record === undefined) return { ok: false, errcode: 40001 };
    const now = this.#clock.now();
    const revokedFirst = record.revokedAt !== null && record.revokedAt < record.expiresAt;
    if (revokedFirst && now >= (record.revokedAt as number)) return { ok: false, errcode: 40001 };
    if (now >= record.expiresAt) return { ok: false, errcode: 42001 };
    return { ok: true, appid: record.appid };
  }

  get size(): number {
    return this.#tokens.size;
  }

  clear(): void {
    this.#tokens.clear();
    this.#current.clear();
    this.#lastForce.clear();
  }

  #supersede(kind: TokenKind, appid: string, until: number): void {
    const token = this.#current.get(`${kind}\n${appid}`);
    const record = token === undefined ? undefined : this.#tokens.get(token);
    if (record !== undefined) record.revokedAt = Math.min(record.revokedAt ?? Number.POSITIVE_INFINITY, until, record.expiresAt);
  }

  #issue(kind: TokenKind, appid: string, now: number): IssuedToken {
    this.#sweep(now);
    const accessToken = this.#ids.accessToken();
    this.#tokens.set(accessToken, { appid, kind, expiresAt: now + this.#ttlMs, revokedAt: null });
    this.#current.set(`${kind}\n${appid}`, accessToken);
    return { accessToken, expiresIn: Math.floor(this.#ttlMs / 1000) };
  }

  /** Issue order = expiry order (one ttl), so the sweep stops at the first token still worth remembering. */
  #sweep(now: number): void {
    for (const [token, record] of this.#tokens) {
      if (now < record.expiresAt + RETAIN_MS) break;
      this.#tokens.delete(token);
    }
  }
}
