/**
 * Every WeChat call the server makes, bound to the configured apps (`WeChatGateway` of flows/ports.ts): mini program
 * login and extras, official-account user info and QR codes, OAuth. Token-taking calls go through the
 * access_token manager (refetch once on a token WeChat rejects); an app with `accessTokenUrl` gets its token from
 * that outside system; one-shot codes are exchanged with single flight.
 *
 * Given a `sharedCache` (Redis in a cluster), all of that works across instances: one access_token per app in
 * the shared cache, refreshed under a cluster-wide lock (one upstream call per expiry for the whole cluster), and
 * one-shot codes exchanged once cluster-wide, their outcome kept sealed for 5 s for the other instances.
 */
import { createSharedFlight } from '../cache/shared-flight.js';
import { createSharedLock, type SharedLock } from '../cache/shared-lock.js';
import type { Sealer } from '../cache/sealer.js';
import type { SharedCache } from '../cache/shared-cache.js';
import type { Clock } from '../clock.js';
import type { AppConfig } from '../config/schema.js';
import type { HttpTransport } from '../wechat/api/http-transport.js';
import type { WeChatCallObserver } from '../wechat/api/request.js';
import {
  checkSessionKey,
  createAccessTokenManager,
  createCodeExchanger,
  createOAuthCodeExchanger,
  createSingleFlight,
  createTempQrCode,
  createUrlTokenSource,
  getOAuthUserInfo,
  getPaidUnionid,
  getPhoneNumber,
  getUserInfo,
  isStaleSessionKeyError,
  type AccessTokenManager,
  type SingleFlight,
  type TokenCache,
  type TokenSource,
  WeChatHttp,
} from '../wechat/index.js';
import { createSharedTokenCache } from '../wechat/tokens/shared-token-cache.js';
import type { WeChatGateway } from '../flows/ports.js';

export interface WeChatGatewayOptions {
  /** `config.wechat.baseUrl`: WeChat's API host or the emulator. */
  baseUrl: string;
  timeoutMs: number;
  tokenMode: 'stable' | 'token';
  apps: readonly AppConfig[];
  clock: Clock;
  fetch?: HttpTransport;
  /** `config.wechat.mpBaseUrl`: where QR images are shown (`showqrcode?ticket=`). Default https://mp.weixin.qq.com. */
  mpBaseUrl?: string;
  /** Where access tokens are kept; default in memory (one per gateway). Ignored when `sharedCache` is given. */
  tokenCache?: TokenCache;
  /**
   * The cache all instances share (`openCache(config.cache)`): access tokens, their refresh lock and one-shot code
   * flights go there. Requires `seal`. Default: everything in this process only.
   */
  sharedCache?: SharedCache;
  /** Seals what goes into `sharedCache` (session_keys, OAuth and access tokens): the at-rest cipher. */
  seal?: Sealer;
  /** Waits between retries of -1/-1000; injectable for tests. */
  sleep?: (ms: number) => Promise<void>;
  /** Told of every WeChat call attempt and every access_token fetched (metrics). Default: nobody. */
  observe?: { call: WeChatCallObserver; tokenRefreshed: (appid: string, from: string) => void } | undefined;
}

/**
 * @example
 *   const wechat = createWeChatGateway({ baseUrl, timeoutMs, tokenMode, apps: config.apps, clock, mpBaseUrl });
 *   const { openid, unionid } = await wechat.exchangeOAuthCode(app, code);
 */
export function createWeChatGateway(options: WeChatGatewayOptions): WeChatGateway & { tokens: AccessTokenManager } {
  const transport = options.fetch ? { fetch: options.fetch } : {};
  const sleep = options.sleep ? { sleep: options.sleep } : {};
  const observe = options.observe;
  const http = new WeChatHttp({
    baseUrl: options.baseUrl,
    timeoutMs: options.timeoutMs,
    ...transport,
    ...sleep,
    ...(observe ? { observe: observe.call } : {}),
  });
  const mpBaseUrl = options.mpBaseUrl ?? 'https://mp.weixin.qq.com';
  const byAppid = new Map(options.apps.map((a) => [a.appid, { appid: a.appid, secret: a.secret }]));
  const sources = new Map<string, TokenSource>();
  for (const a of options.apps) {
    if (a.accessTokenUrl) sources.set(a.appid, createUrlTokenSource({ url: a.accessTokenUrl, timeoutMs: options.timeoutMs, ...transport, ...sleep }));
  }
  const shared = sharedPieces(options);
  const tokens = createAccessTokenManager({
    http,
    clock: options.clock,
    apps: (appid) => byAppid.get(appid),
    mode: options.tokenMode,
    tokenSource: (appid) => sources.get(appid),
    ...(observe ? { onRefresh: observe.tokenRefreshed } : {}),
    ...(shared ? { cache: shared.tokenCache, lock: shared.lock } : options.tokenCache ? { cache: options.tokenCache } : {}),
  });
  const exchanger = createCodeExchanger(http, { flight: shared?.flight() ?? createSingleFlight() });
  const oauth = createOAuthCodeExchanger(http, { flight: shared?.flight() ?? createSingleFlight() });
  // Phone codes are single use too: a doubled request must not burn the code and hide the answer.
  const phoneFlight = shared?.flight() ?? createSingleFlight();

  const gateway: WeChatGateway & { tokens: AccessTokenManager } = {
    tokens,
    code2Session: (app, code) => exchanger.exchange({ appid: app.appid, secret: app.secret, code }),

    async isSessionKeyCurrent(app, openid, sessionKey) {
      try {
        await tokens.withToken(app.appid, (accessToken) => checkSessionKey(http, { accessToken, openid, sessionKey }));
        return true;
      } catch (e) {
        if (isStaleSessionKeyError(e)) return false;
        throw e;
      }
    },

    async getPhoneNumber(app, code, openid) {
      const key = JSON.stringify(['getuserphonenumber', app.appid, code, openid ?? null]);
      const p = await phoneFlight.run(key, () => tokens.withToken(app.appid, (accessToken) => getPhoneNumber(http, { accessToken, code, openid })));
      return { phoneNumber: p.phoneNumber, purePhoneNumber: p.purePhoneNumber, countryCode: p.countryCode };
    },

    getPaidUnionid: (app, openid, order) => tokens.withToken(app.appid, (accessToken) => getPaidUnionid(http, { accessToken, openid, order })),

    userInfo: (app, openid) => tokens.withToken(app.appid, (accessToken) => getUserInfo(http, { accessToken, openid })),

    async createTempQrCode(app, sceneStr, expireSeconds) {
      const qr = await tokens.withToken(app.appid, (accessToken) => createTempQrCode(http, { accessToken, sceneStr, expireSeconds, mpBaseUrl }));
      // `url` is the image to show; the ticket is what the scan push carries back.
      return { ticket: qr.ticket, expireSeconds: qr.expireSeconds, url: qr.imageUrl };
    },

    async exchangeOAuthCode(app, code) {
      const { unionid, ...t } = await oauth.exchange({ appid: app.appid, secret: app.secret, code });
      // A snapshot-page user's ids are virtual: their unionid must never become a join key.
      return { ...t, ...(unionid && !t.isSnapshotUser ? { unionid } : {}) };
    },

    // The OAuth token is the user's, not the app's basic token: no withToken here.
    async oauthUserInfo(_app, accessToken, openid) {
      const u = await getOAuthUserInfo(http, { accessToken, openid });
      return { openid: u.openid, nickname: u.nickname, headimgurl: u.headimgurl, ...(u.unionid ? { unionid: u.unionid } : {}) };
    },
  };
  return Object.freeze(gateway);
}

/** The pieces over `sharedCache`, or undefined without one. */
function sharedPieces(options: WeChatGatewayOptions): { tokenCache: TokenCache; lock: SharedLock; flight: () => SingleFlight } | undefined {
  const cache = options.sharedCache;
  if (cache === undefined) return undefined;
  if (typeof cache?.setIfAbsent !== 'function') throw new TypeError('createWeChatGateway: sharedCache must be a SharedCache');
  const seal = options.seal;
  if (typeof seal?.seal !== 'function' || typeof seal.open !== 'function') {
    throw new TypeError('createWeChatGateway: sharedCache needs seal ({ seal, open }: the at-rest cipher), session_keys are stored only sealed');
  }
  // A holder keeps the lock longer than its WeChat call can take (3 attempts with backoff); a dead one frees it then.
  const ttlMs = 3 * options.timeoutMs + 5_000;
  // `options.sleep` (WeChat retry backoff) is not used for polling: waiting for another instance takes real time.
  return {
    tokenCache: createSharedTokenCache(cache, { clock: options.clock, seal }),
    lock: createSharedLock(cache, { ttlMs }),
    // The shared answer only has to outlive a double submit racing the first (seconds). Kept longer, anyone holding
    // a copy of a used code could replay it for a session within that window; WeChat itself answers 40163.
    flight: () => createSharedFlight(cache, { seal, ttlMs, resultTtlMs: 5_000 }),
  };
}
