/** The mini program SDK: log in to weunion, get the unionid by either strategy, call APIs with the token. */
import { SERVER_ERROR_CODES } from './errors.js';
import { clientDecidesLogin, requestUnionIdFor, serverDecidesLogin, silentLogin, type FlowDeps, type LoginResult } from './login-flows.js';
import { createRenewal, isRevokedAnswer, sessionRevokedError } from './session-renewal.js';
import { DEFAULT_STORAGE_KEY, createSessionStore, type StoredSession } from './session-store.js';
import { createWeUnionApi, errorFromResponse, type LoginResponse } from './weunion-api.js';
import { DEFAULT_PROFILE_DESC, wxGetUserData, wxLogin, wxRequest, type UserInfoApi } from './wx-calls.js';
import type { WxLike, WxRequestOptions } from './wx-like.js';

/** `client-decides` (前端判断, default) or `server-decides` (后端判断); see the design doc. */
export type LoginStrategy = 'client-decides' | 'server-decides';

export interface MiniProgramClientOptions {
  /** weunion's base URL, e.g. `https://id.example.com` (must be in the mini program's request domains). */
  baseUrl: string;
  appid: string;
  wx: WxLike;
  strategy?: LoginStrategy;
  /** wx storage key for the session; default `weunion:session`. */
  storageKey?: string;
  /** Which wx API yields the encrypted data; default `getUserInfo`. */
  userInfoApi?: UserInfoApi;
  /** The `desc` wx.getUserProfile shows in its consent sheet. */
  profileDesc?: string;
  /** Clock (epoch ms) for `expiresAt`; default `Date.now`. */
  now?: () => number;
}

/** Options of `client.request()`: a path (joined to baseUrl) or an absolute URL. */
export type ClientRequestOptions = Pick<WxRequestOptions, 'url' | 'method' | 'data' | 'header'>;

export interface MiniProgramClient {
  /** Logs in by the configured strategy; stores and returns the session. */
  login(): Promise<LoginResult>;
  /** Makes sure the stored session carries the unionid if the user agrees (asks for the user data). */
  requestUnionId(): Promise<LoginResult>;
  /**
   * wx.request with `Authorization: Bearer`. Renews the session first if it is (nearly) expired, and once more on
   * 401 ERR_AUTH_EXPIRED, then sends the request again once. Rejects ERR_CLIENT_SESSION_REVOKED (the session is
   * cleared) when the server revoked the session.
   */
  request(options: ClientRequestOptions): Promise<{ statusCode: number; data: unknown }>;
  /**
   * Renews the session now: `POST /v1/session/refresh` with the stored refresh token (concurrent callers share one
   * call), or a silent login (wx.login, no prompt) when there is none or it expired. The new session names the live
   * user: after a merge, the survivor. Rejects ERR_CLIENT_SESSION_REVOKED, clearing the session, when the refresh
   * token was reused or its session revoked.
   */
  refresh(): Promise<StoredSession>;
  /** The stored session (possibly expired: compare `expiresAt`), or null. */
  session(): StoredSession | null;
  /**
   * Forgets the stored session at once, then revokes it at the server. Never rejects: `revoked` is false when there
   * was no refresh token or the server could not be told (the refresh token then lives out its TTL unused).
   */
  logout(): Promise<{ revoked: boolean }>;
}

/** Tokens this close to expiry are renewed before use rather than sent to fail. */
const EXPIRY_SKEW_MS = 10_000;

/**
 * Creates the SDK for one mini program.
 * @example
 *   const client = createMiniProgramClient({ baseUrl: 'https://id.example.com', appid: 'wx123', wx });
 *   const { userId, unionid, unionidDeclined } = await client.login();
 *   const me = await client.request({ url: '/v1/me' }); // renews the session itself when it expires
 *   await client.logout(); // forgets the session, then revokes it at the server
 */
export function createMiniProgramClient(options: MiniProgramClientOptions): MiniProgramClient {
  const { baseUrl, appid, wx } = options;
  if (typeof baseUrl !== 'string' || !/^https?:\/\//.test(baseUrl)) throw new TypeError('baseUrl must be an http(s) URL');
  if (typeof appid !== 'string' || appid === '') throw new TypeError('appid must be a non-empty string');
  if (!wx || typeof wx.login !== 'function' || typeof wx.request !== 'function') throw new TypeError('wx must provide login and request');
  const strategy = options.strategy ?? 'client-decides';
  if (strategy !== 'client-decides' && strategy !== 'server-decides') throw new TypeError(`unknown strategy ${String(strategy)}`);
  const userInfoApi = options.userInfoApi ?? 'getUserInfo';
  if (typeof wx[userInfoApi] !== 'function') throw new TypeError(`wx.${userInfoApi} is missing`);
  const now = options.now ?? (() => Date.now());
  const base = baseUrl.replace(/\/+$/, '');
  const store = createSessionStore(wx, options.storageKey ?? DEFAULT_STORAGE_KEY);
  const profileDesc = options.profileDesc ?? DEFAULT_PROFILE_DESC;

  const api = createWeUnionApi(wx, base, appid);
  const save = (res: LoginResponse): StoredSession => {
    const { token, userId, openid, unionid, refreshToken } = res;
    const s: StoredSession = { token, userId, openid, unionid, expiresAt: now() + res.expiresIn * 1000 };
    if (typeof refreshToken === 'string') s.refreshToken = refreshToken;
    store.write(s);
    return s;
  };
  const deps: FlowDeps = {
    api,
    wxLogin: () => wxLogin(wx),
    getUserData: () => wxGetUserData(wx, userInfoApi, profileDesc),
    save,
  };

  const fresh = (s: StoredSession | null): s is StoredSession => s !== null && s.expiresAt - EXPIRY_SKEW_MS > now();
  // One flight per operation, so concurrent callers share one wx.login and one consent prompt.
  const login = singleFlight(() => (strategy === 'server-decides' ? serverDecidesLogin(deps) : clientDecidesLogin(deps)));
  const renewal = createRenewal({
    read: () => store.read(),
    save,
    clear: () => store.clear(),
    refresh: (refreshToken) => api.refresh(refreshToken),
    fallback: async () => {
      const res = await silentLogin(deps);
      return store.read() ?? save(res);
    },
  });
  const requestUnionId = singleFlight(async (): Promise<LoginResult> => {
    const s = store.read();
    if (!fresh(s)) return clientDecidesLogin(deps);
    const { token, userId, openid, unionid } = s;
    const current: LoginResponse = { token, userId, openid, unionid, isNewUser: false, expiresIn: Math.floor((s.expiresAt - now()) / 1000) };
    if (s.unionid !== null) return { ...current, unionidDeclined: false, unionidUnavailable: false, unionidUnconfirmed: false };
    return requestUnionIdFor(deps, current);
  });

  async function request(opts: ClientRequestOptions): Promise<{ statusCode: number; data: unknown }> {
    if (!opts || typeof opts.url !== 'string') throw new TypeError('request() needs a url');
    const url = /^https?:\/\//.test(opts.url) ? opts.url : `${base}${opts.url.startsWith('/') ? '' : '/'}${opts.url}`;
    const send = (token: string) =>
      wxRequest(wx, {
        url,
        method: opts.method ?? 'GET',
        ...(opts.data === undefined ? {} : { data: opts.data }),
        header: { 'content-type': 'application/json', ...withoutAuthorization(opts.header), authorization: `Bearer ${token}` },
      });
    const stored = store.read();
    const staleToken = stored?.token;
    let token = fresh(stored) ? stored.token : (await (staleToken === undefined ? renewal.renew() : renewal.renewAfter(staleToken))).token;
    let res = await send(token);
    if (res.statusCode === 401 && errorCode(res.data) === SERVER_ERROR_CODES.AUTH_EXPIRED) {
      token = (await renewal.renewAfter(token)).token;
      res = await send(token);
    }
    if (res.statusCode === 401 && isRevokedAnswer(errorCode(res.data))) {
      // Only the session this token belongs to: one stored meanwhile (a new login) stays.
      if (store.read()?.token === token) renewal.forget();
      throw sessionRevokedError(errorFromResponse(res.statusCode, res.data));
    }
    return res;
  }

  async function logout(): Promise<{ revoked: boolean }> {
    const refreshToken = store.read()?.refreshToken;
    renewal.forget();
    if (refreshToken === undefined) return { revoked: false };
    try {
      await api.logout(refreshToken);
      return { revoked: true };
    } catch {
      return { revoked: false };
    }
  }

  return {
    login,
    requestUnionId,
    request,
    refresh: () => renewal.renew(),
    session: () => store.read(),
    logout,
  };
}

function withoutAuthorization(header: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(header ?? {})) if (k.toLowerCase() !== 'authorization') out[k] = v;
  return out;
}

function errorCode(data: unknown): unknown {
  return (data as { error?: { code?: unknown } } | null)?.error?.code;
}

function singleFlight<T>(fn: () => Promise<T>): () => Promise<T> {
  let inflight: Promise<T> | null = null;
  return () => {
    if (inflight === null) {
      inflight = fn().finally(() => {
        inflight = null;
      });
    }
    return inflight;
  };
}
