/**
 * The web SDK: a website's login through weunion — the scan-to-follow QR login of an official account (start it,
 * follow it, exchange its one-time code) and the official-account / website-app OAuth redirect (start it, finish it
 * on the page it comes back to) — and the session it leads to, kept in an injectable storage.
 * Serve weunion's `/v1/` on the page's own origin (the site's reverse proxy): weunion sends no CORS headers, and the
 * QR login's binding cookie is SameSite=Lax with `Path=/v1/qr-login/`.
 */
import { CLIENT_ERROR_CODES, WeUnionClientError } from '../errors.js';
import { createRenewal } from '../session-renewal.js';
import { isLoginResponse, type LoginResponse } from '../weunion-api.js';
import { type EventSourceConstructor, type FetchLike, type LocationLike, type LocksLike, memoryStorage, type StorageLike } from './browser-like.js';
import { type FollowOptions, followQrLogin, type QrLoginState } from './qr-follow.js';
import { type StorageEventTarget, tabLock } from './tab-lock.js';
import { createWebHttp } from './web-http.js';
import { createWebRequest, type WebRequestOptions, type WebResponse } from './web-request.js';
import { DEFAULT_WEB_STORAGE_KEY, type WebSession, createWebSessionStore } from './web-session.js';

export interface WebClientOptions {
  /** weunion's origin, e.g. `https://www.example.com` (default: the page's own). */
  baseUrl?: string;
  /** Default `globalThis.fetch`. */
  fetch?: FetchLike;
  /** Default `globalThis.EventSource`; `null` to follow QR logins by long poll only. */
  EventSource?: EventSourceConstructor | null;
  /** Where the session is kept; default `localStorage` when the page has one, else memory. */
  storage?: StorageLike;
  storageKey?: string;
  /** Default `globalThis.location`. */
  location?: LocationLike;
  /** Clock (epoch ms) for `expiresAt`; default `Date.now`. */
  now?: () => number;
  /**
   * Default `navigator.locks` when the page has it: the tabs sharing the storage refresh one at a time, so two never
   * send the same refresh token (which would revoke the session). `null` for none.
   */
  locks?: LocksLike | null;
}

/** `POST /v1/oa/:appid/qr-login`'s answer: show `qrUrl` as an image. */
export interface QrLoginStart {
  id: string;
  qrUrl: string;
  ticket: string;
  expiresAt: number;
  expiresIn: number;
}

export interface OAuthStart {
  appid: string;
  /** `officialAccount` (in-WeChat pages, default) or `website` (the website app's QR page, snsapi_login). */
  kind?: 'officialAccount' | 'website';
  /** Official account only: `base` (openid, silent) or `userinfo` (asks; gives the unionid); default `userinfo`. */
  scope?: 'base' | 'userinfo';
  /** The page WeChat sends the person back to (on the app's redirectAllowList); default the current page. */
  redirect?: string;
}

export interface WebClient {
  /** Creates a scan-to-follow QR login for official account `appid` (sets its binding cookie). */
  startQrLogin(appid: string): Promise<QrLoginStart>;
  /** Follows a started QR login to `done` (SSE, else long poll) and resolves its one-time login code. */
  followQrLogin(id: string, options?: FollowOptions): Promise<QrLoginState & { loginCode: string }>;
  /** Start, then follow, then exchange: resolves the session. `onStart` shows the QR code. */
  loginWithQr(appid: string, options?: FollowOptions & { onStart?(start: QrLoginStart): void }): Promise<LoginResponse>;
  /** Trades a one-time login code (QR or OAuth) for a session, and keeps it. */
  exchange(code: string): Promise<LoginResponse>;
  /** The authorize URL of an OAuth login. */
  oauthUrl(start: OAuthStart): string;
  /** Sends the browser to WeChat's consent page through weunion. */
  startOAuthLogin(start: OAuthStart): void;
  /** On the page OAuth came back to: exchanges its `?code=` (null when there is none); `?error=` rejects with that code. */
  completeOAuthLogin(href?: string): Promise<LoginResponse | null>;
  /**
   * `fetch` with the session's Bearer token: renews the session first when it is (nearly) expired and once more on
   * 401 ERR_AUTH_EXPIRED, then sends the call again once. Rejects ERR_CLIENT_LOGGED_OUT when there is no session or it
   * cannot be renewed, ERR_CLIENT_SESSION_REVOKED (session cleared) when the server revoked it.
   */
  request(options: WebRequestOptions): Promise<WebResponse>;
  /**
   * Renews the session now with its refresh token (`POST /v1/session/refresh`; concurrent callers share one call).
   * The new session names the live user (after a merge, the survivor). Rejects ERR_CLIENT_SESSION_REVOKED when the
   * refresh token was reused or its session revoked, ERR_CLIENT_LOGGED_OUT when there is none or it expired; both
   * clear the session.
   */
  refresh(): Promise<WebSession>;
  /** The kept session (possibly expired: compare `expiresAt`), or null. */
  session(): WebSession | null;
  /**
   * Forgets the session at once, then revokes it at the server. Never rejects: `revoked` is false when there was no
   * refresh token or the server could not be told.
   */
  logout(): Promise<{ revoked: boolean }>;
}

/**
 * @example
 *   const client = createWebClient();
 *   const session = await client.loginWithQr('wxOA', { onStart: ({ qrUrl }) => (img.src = qrUrl) });
 *   console.log(session.userId);
 *   const orders = await client.request({ url: '/api/orders' }); // renews the session itself when it expires
 *   await client.logout();
 */
export function createWebClient(options: WebClientOptions = {}): WebClient {
  const g = globalThis as {
    fetch?: FetchLike;
    EventSource?: EventSourceConstructor;
    localStorage?: StorageLike;
    location?: LocationLike;
    navigator?: { locks?: LocksLike };
    addEventListener?: StorageEventTarget['addEventListener'];
    removeEventListener?: StorageEventTarget['removeEventListener'];
  };
  const location = options.location ?? g.location;
  const base = (options.baseUrl ?? location?.href ?? '').replace(/\/+$/, '');
  if (!/^https?:\/\//.test(base)) throw new TypeError('baseUrl must be an http(s) URL (or run on a page)');
  const root = options.baseUrl === undefined ? new URL(base).origin : base;
  const doFetch = options.fetch ?? g.fetch?.bind(globalThis);
  if (typeof doFetch !== 'function') throw new TypeError('fetch is missing');
  const ES = options.EventSource === undefined ? (g.EventSource ?? null) : options.EventSource;
  const now = options.now ?? (() => Date.now());
  const storageKey = options.storageKey ?? DEFAULT_WEB_STORAGE_KEY;
  const store = createWebSessionStore(options.storage ?? defaultStorage(g), storageKey, now);
  const locks = options.locks === undefined ? (g.navigator?.locks ?? null) : options.locks;
  const http = createWebHttp(doFetch);
  const renewal = createRenewal<WebSession>({
    read: () => store.read(),
    save: (res) => store.save(res),
    clear: () => store.clear(),
    async refresh(refreshToken) {
      const res = await http('POST', `${root}/v1/session/refresh`, { body: { refreshToken } });
      if (!isLoginResponse(res)) throw new WeUnionClientError(CLIENT_ERROR_CODES.BAD_RESPONSE, { message: 'unexpected refresh answer' });
      return res;
    },
    ...(locks
      ? { exclusive: tabLock(locks, `weunion:refresh:${storageKey}`, storageKey, typeof g.addEventListener === 'function' ? (g as StorageEventTarget) : null) }
      : {}),
  });
  const request = createWebRequest({ fetch: doFetch, root, read: () => store.read(), renewal, now });
  const follow = (id: string, o?: FollowOptions) => followQrLogin(http, ES, `${root}/v1/qr-login/${encodeURIComponent(id)}`, o);

  async function exchange(code: string): Promise<LoginResponse> {
    const res = (await http('POST', `${root}/v1/session/exchange`, { body: { code } })) as LoginResponse;
    if (typeof res.token !== 'string' || typeof res.userId !== 'string' || typeof res.expiresIn !== 'number') {
      throw new WeUnionClientError(CLIENT_ERROR_CODES.BAD_RESPONSE, { message: 'unexpected session answer' });
    }
    store.save(res);
    return res;
  }

  function oauthUrl(start: OAuthStart): string {
    const redirect = start.redirect ?? location?.href;
    if (typeof redirect !== 'string') throw new TypeError('redirect is required outside a page');
    const q = new URLSearchParams(start.kind === 'website' ? { redirect } : { scope: start.scope ?? 'userinfo', redirect });
    return `${root}${start.kind === 'website' ? '/v1/web' : '/v1/oa'}/${encodeURIComponent(start.appid)}/authorize?${q}`;
  }

  const startQrLogin = async (appid: string) => (await http('POST', `${root}/v1/oa/${encodeURIComponent(appid)}/qr-login`, { body: {} })) as QrLoginStart;

  return {
    startQrLogin,
    followQrLogin: follow,
    async loginWithQr(appid, o = {}) {
      const start = await startQrLogin(appid);
      o.onStart?.(start);
      return exchange((await follow(start.id, o)).loginCode);
    },
    exchange,
    oauthUrl,
    startOAuthLogin(start) {
      if (!location) throw new TypeError('startOAuthLogin needs a location');
      location.assign(oauthUrl(start));
    },
    async completeOAuthLogin(href) {
      const q = new URL(href ?? location?.href ?? '').searchParams;
      const error = q.get('error');
      if (error !== null) throw new WeUnionClientError(error, { message: `OAuth login failed: ${error}` });
      const code = q.get('code');
      return code === null ? null : exchange(code);
    },
    request,
    refresh: () => renewal.renew(),
    session: () => store.read(),
    async logout() {
      const refreshToken = store.read()?.refreshToken;
      renewal.forget();
      if (refreshToken === undefined) return { revoked: false };
      try {
        await http('POST', `${root}/v1/session/logout`, { body: { refreshToken } });
        return { revoked: true };
      } catch {
        return { revoked: false };
      }
    },
  };
}

function defaultStorage(g: { localStorage?: StorageLike }): StorageLike {
  try {
    if (g.localStorage) return g.localStorage;
  } catch {
    /* reading localStorage throws where storage is blocked */
  }
  return memoryStorage();
}
