/**
 * User-scoped OAuth tokens (`sns/oauth2/access_token`), distinct from the basic access_token and only good for
 * `sns/*` calls: access_token 7200 s, refresh_token 30 days (https://developers.weixin.qq.com/doc/service/api/webdev/access/api_snsrefreshtoken).
 * Refreshing while the access_token is still valid extends that same token; after it expired a new one is issued
 * (website/app docs). An unknown refresh_token → 40030, an expired one → 42002 (docs/wechat-api.md §4.3).
 */
import type { Clock } from '../clock.js';
import type { IdMinter } from './ids.js';

export type OAuthScope = 'snsapi_base' | 'snsapi_userinfo' | 'snsapi_login';

/** Who and what a token stands for. `personId` is null for a snapshot-mode virtual user. */
export interface OAuthGrant {
  readonly appid: string;
  readonly personId: string | null;
  readonly openid: string;
  readonly scope: OAuthScope;
  readonly snapshot: boolean;
}

interface AccessEntry {
  readonly grant: OAuthGrant;
  expiresAt: number;
}

interface RefreshEntry {
  readonly grant: OAuthGrant;
  readonly expiresAt: number;
  accessToken: string;
}

export interface IssuedOAuthTokens {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

export type OAuthTokenCheck = { ok: true; grant: OAuthGrant } | { ok: false; errcode: 40001 | 42001 };
export type OAuthRefresh = { ok: true; grant: OAuthGrant; tokens: IssuedOAuthTokens } | { ok: false; errcode: 40030 | 42002 };

/** Dead tokens are kept this long so they answer "expired" rather than "unknown". */
const RETAIN_MS = 24 * 3600_000;

export class OAuthTokenStore {
  readonly #clock: Clock;
  readonly #ids: IdMinter;
  readonly #ttlMs: number;
  readonly #refreshTtlMs: number;
  readonly #access = new Map<string, AccessEntry>();
  readonly #refresh = new Map<string, RefreshEntry>();

  constructor(o: { clock: Clock; ids: IdMinter; ttlSeconds: number; refreshTtlSeconds: number }) {
    this.#clock = o.clock;
    this.#ids = o.ids;
    this.#ttlMs = o.ttlSeconds * 1000;
    this.#refreshTtlMs = o.refreshTtlSeconds * 1000;
  }

  issue(grant: OAuthGrant): IssuedOAuthTokens {
    const now = this.#clock.now();
    this.#sweep(now);
    const accessToken = this.#ids.accessToken();
    const refreshToken = this.#ids.accessToken();
    this.#access.set(accessToken, { grant, expiresAt: now + this.#ttlMs });
    this.#refresh.set(refreshToken, { grant, expiresAt: now + this.#refreshTtlMs, accessToken });
    return { accessToken, refreshToken, expiresIn: this.#ttlMs / 1000 };
  }

  check(accessToken: string): OAuthTokenCheck {
    const entry = this.#access.get(accessToken);
    if (entry === undefined) return { ok: false, errcode: 40001 };
    if (this.#clock.now() >= entry.expiresAt) return { ok: false, errcode: 42001 };
    return { ok: true, grant: entry.grant };
  }

  refresh(appid: string, refreshToken: string): OAuthRefresh {
    const now = this.#clock.now();
    const entry = this.#refresh.get(refreshToken);
    if (entry === undefined || entry.grant.appid !== appid) return { ok: false, errcode: 40030 };
    if (now >= entry.expiresAt) return { ok: false, errcode: 42002 };
    const current = this.#access.get(entry.accessToken);
    if (current !== undefined && now < current.expiresAt) {
      current.expiresAt = now + this.#ttlMs;
    } else {
      entry.accessToken = this.#ids.accessToken();
      this.#access.set(entry.accessToken, { grant: entry.grant, expiresAt: now + this.#ttlMs });
    }
    return { ok: true, grant: entry.grant, tokens: { accessToken: entry.accessToken, refreshToken, expiresIn: this.#ttlMs / 1000 } };
  }

  get size(): number {
    return this.#access.size + this.#refresh.size;
  }

  clear(): void {
    this.#access.clear();
    this.#refresh.clear();
  }

  #sweep(now: number): void {
    for (const [t, e] of this.#access) if (now >= e.expiresAt + RETAIN_MS) this.#access.delete(t);
    for (const [t, e] of this.#refresh) if (now >= e.expiresAt + RETAIN_MS) this.#refresh.delete(t);
  }
}
