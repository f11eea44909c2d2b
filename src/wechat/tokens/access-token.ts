/**
 * One access_token per appid, shared through a `TokenCache`: refreshed ahead of expiry by one caller at a
 * time (in-process single flight, plus a `SharedLock` across instances when the cache is shared), invalidated
 * only if it is still the token that failed, and retried once on 40001/40014/42001 (docs/wechat-api.md §0, §2).
 * The token comes from WeChat (stable_token or token) or, per app, from an outside `TokenSource`.
 */
import type { SharedLock } from '../../cache/shared-lock.js';
import type { Clock } from '../../clock.js';
import { AppError } from '../../errors.js';
import { TOKEN_INVALID_ERRCODES } from '../api/errcodes.js';
import type { WeChatHttp } from '../api/request.js';
import { createSingleFlight, type SingleFlight } from '../../cache/single-flight.js';
import { type AccessTokenResult, type AppCredentials, fetchAccessToken, fetchStableAccessToken } from '../api/token.js';
import { WeChatApiError } from '../api/wechat-errors.js';
import { MemoryTokenCache } from './memory-token-cache.js';
import type { TokenCache } from './token-cache.js';
import type { TokenSource } from './token-source.js';

export interface AccessTokenManagerOptions {
  http: WeChatHttp;
  clock: Clock;
  /** Default: a MemoryTokenCache on `clock`. */
  cache?: TokenCache;
  /** The credentials of an appid we serve, or undefined (→ ERR_APP_UNKNOWN). */
  apps: (appid: string) => AppCredentials | undefined | Promise<AppCredentials | undefined>;
  /** `stable` (default): /cgi-bin/stable_token; `token`: /cgi-bin/token. */
  mode?: 'stable' | 'token';
  /** Start refreshing this long before expiry (capped at half the token's life). Default 300. */
  refreshAheadSeconds?: number;
  /** Default: in-process single flight. */
  flight?: SingleFlight;
  /**
   * With a cache shared by several instances: the cluster-wide lock a refresh runs under (key `<cache key>:lock`),
   * so one expiry costs one upstream call in the whole cluster; the others wait for the token it stores.
   * Default: none (one instance).
   */
  lock?: SharedLock;
  /**
   * Per app, an outside system that owns the token (e.g. `createUrlTokenSource` for `accessTokenUrl`); undefined
   * = fetch it from WeChat with the app's credentials (`mode`). Called on every refresh, so keep it cheap.
   */
  tokenSource?: (appid: string) => TokenSource | undefined;
  /** Told of every token fetched (metrics): the app and where from (`stable`, `token`, or the source's id). */
  onRefresh?: (appid: string, from: string) => void;
}

export interface AccessTokenManager {
  /** A valid token for `appid`, from the cache or freshly fetched. */
  get(appid: string): Promise<string>;
  /** Drops the cached token only if it is still `failedToken`; true when it did. */
  invalidate(appid: string, failedToken: string): Promise<boolean>;
  /** Runs `fn(token)`; on errcode 40001/40014/42001 invalidates that token and runs `fn` once more with a new one. */
  withToken<T>(appid: string, fn: (token: string) => Promise<T>): Promise<T>;
}

/**
 * @example
 *   const tokens = createAccessTokenManager({ http, clock, apps: (id) => config.apps.get(id) });
 *   const info = await tokens.withToken(appid, (t) => getUserInfo(http, { accessToken: t, openid }));
 */
export function createAccessTokenManager(options: AccessTokenManagerOptions): AccessTokenManager {
  const { http, clock, apps } = options;
  if (typeof http?.request !== 'function') throw new TypeError('createAccessTokenManager: http is required');
  if (typeof clock?.now !== 'function') throw new TypeError('createAccessTokenManager: clock is required');
  if (typeof apps !== 'function') throw new TypeError('createAccessTokenManager: apps must be a function');
  const mode = options.mode ?? 'stable';
  if (mode !== 'stable' && mode !== 'token') throw new TypeError("createAccessTokenManager: mode must be 'stable' or 'token'");
  const refreshAheadMs = (options.refreshAheadSeconds ?? 300) * 1000;
  if (!Number.isFinite(refreshAheadMs) || refreshAheadMs < 0) throw new TypeError('createAccessTokenManager: refreshAheadSeconds must be >= 0');
  const cache = options.cache ?? new MemoryTokenCache({ clock });
  const flight = options.flight ?? createSingleFlight();
  const lock = options.lock;
  if (lock !== undefined && typeof lock?.run !== 'function') throw new TypeError('createAccessTokenManager: lock must be a SharedLock');
  const sourceOf = options.tokenSource ?? (() => undefined);
  if (typeof sourceOf !== 'function') throw new TypeError('createAccessTokenManager: tokenSource must be a function');

  function sourceFor(appid: string): TokenSource | undefined {
    const source = sourceOf(appid);
    if (source !== undefined && (typeof source?.fetch !== 'function' || typeof source.id !== 'string' || source.id === '')) {
      throw new TypeError('createAccessTokenManager: tokenSource() must return a TokenSource or undefined');
    }
    return source;
  }

  // stable and plain tokens are independent at WeChat, and an outside source's are its own: never a shared entry.
  const keyOf = (appid: string): string => `wechat:access_token:${sourceFor(appid)?.id ?? mode}:${appid}`;

  async function fetchToken(appid: string): Promise<AccessTokenResult> {
    const source = sourceFor(appid);
    if (source) return source.fetch(appid);
    const creds = await apps(appid);
    if (!creds) throw new AppError('ERR_APP_UNKNOWN', { details: { appid } });
    return mode === 'stable' ? fetchStableAccessToken(http, creds) : fetchAccessToken(http, creds);
  }

  async function refresh(appid: string): Promise<string> {
    const key = keyOf(appid);
    if (!lock) return refreshNow(appid, key);
    return lock.run(`${key}:lock`, () => refreshNow(appid, key), {
      // Another instance holds the lock: take its token as soon as it is stored, or, while the current token is
      // still valid (a refresh ahead of expiry), that one at once. Never a call to WeChat of our own meanwhile.
      peek: async () => {
        const cached = await cache.get(key);
        return cached && clock.now() < cached.expiresAt ? cached.token : undefined;
      },
    });
  }

  async function refreshNow(appid: string, key: string): Promise<string> {
    // Someone (another flight, another instance) may have refreshed while we waited for the flight or the lock.
    const again = await cache.get(key);
    if (again && clock.now() < again.refreshAt) return again.token;
    const startedAt = clock.now(); // count the lifetime from before the call: conservative
    const r = await fetchToken(appid);
    if (typeof r?.accessToken !== 'string' || r.accessToken === '' || !Number.isFinite(r.expiresIn) || r.expiresIn <= 0) {
      throw new TypeError('createAccessTokenManager: a token source must resolve { accessToken, expiresIn > 0 }');
    }
    options.onRefresh?.(appid, sourceFor(appid)?.id ?? mode);
    const lifeMs = r.expiresIn * 1000;
    const expiresAt = startedAt + lifeMs;
    // A stable token fetched in its last minutes comes back with little life left: refresh at half of it,
    // not immediately again on every call.
    const refreshAt = expiresAt - Math.min(refreshAheadMs, lifeMs / 2);
    await cache.set(key, { token: r.accessToken, expiresAt, refreshAt });
    return r.accessToken;
  }

  async function get(appid: string): Promise<string> {
    if (typeof appid !== 'string' || appid === '') throw new TypeError('AccessTokenManager.get: appid must be a non-empty string');
    const cached = await cache.get(keyOf(appid));
    if (cached && clock.now() < cached.refreshAt) return cached.token;
    try {
      return await flight.run(keyOf(appid), () => refresh(appid));
    } catch (e) {
      // Refreshing early failed, but the token we hold is still valid: use it and try again next time.
      if (cached && clock.now() < cached.expiresAt) return cached.token;
      throw e;
    }
  }

  async function invalidate(appid: string, failedToken: string): Promise<boolean> {
    return cache.compareAndDelete(keyOf(appid), failedToken);
  }

  async function withToken<T>(appid: string, fn: (token: string) => Promise<T>): Promise<T> {
    const token = await get(appid);
    try {
      return await fn(token);
    } catch (e) {
      if (!(e instanceof WeChatApiError) || !TOKEN_INVALID_ERRCODES.includes(e.wechat.errcode)) throw e;
      await invalidate(appid, token);
      return fn(await get(appid));
    }
  }

  return Object.freeze({ get, invalidate, withToken });
}
