/**
 * Every WeChat call the server makes, bound to the configured apps (`WeChatGateway` of deps.ts): mini program
 * login and extras, official-account user info and QR codes, OAuth. Token-taking calls go through the
 * access_token manager (refetch once on a token WeChat rejects); an app with `accessTokenUrl` gets its token from
 * that outside system; one-shot codes are exchanged with single flight.
 */
import type { Clock } from '../clock.js';
import type { AppConfig } from '../config/schema.js';
import type { HttpTransport } from '../wechat/api/http-transport.js';
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
  type TokenCache,
  type TokenSource,
  WeChatHttp,
} from '../wechat/index.js';
import type { WeChatGateway } from './deps.js';

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
  /** Where access tokens are shared; default in memory (one per gateway). */
  tokenCache?: TokenCache;
  /** Waits between retries of -1/-1000; injectable for tests. */
  sleep?: (ms: number) => Promise<void>;
}

/**
 * @example
 *   const wechat = createWeChatGateway({ baseUrl, timeoutMs, tokenMode, apps: config.apps, clock, mpBaseUrl });
 *   const { openid, unionid } = await wechat.exchangeOAuthCode(app, code);
 */
export function createWeChatGateway(options: WeChatGatewayOptions): WeChatGateway & { tokens: AccessTokenManager } {
  const transport = options.fetch ? { fetch: options.fetch } : {};
  const sleep = options.sleep ? { sleep: options.sleep } : {};
  const http = new WeChatHttp({ baseUrl: options.baseUrl, timeoutMs: options.timeoutMs, ...transport, ...sleep });
  const mpBaseUrl = options.mpBaseUrl ?? 'https://mp.weixin.qq.com';
  const byAppid = new Map(options.apps.map((a) => [a.appid, { appid: a.appid, secret: a.secret }]));
  const sources = new Map<string, TokenSource>();
  for (const a of options.apps) {
    if (a.accessTokenUrl) sources.set(a.appid, createUrlTokenSource({ url: a.accessTokenUrl, timeoutMs: options.timeoutMs, ...transport, ...sleep }));
  }
  const tokens = createAccessTokenManager({
    http,
    clock: options.clock,
    apps: (appid) => byAppid.get(appid),
    mode: options.tokenMode,
    tokenSource: (appid) => sources.get(appid),
    ...(options.tokenCache ? { cache: options.tokenCache } : {}),
  });
  const exchanger = createCodeExchanger(http);
  const oauth = createOAuthCodeExchanger(http);
  // Phone codes are single use too: a doubled request must not burn the code and hide the answer.
  const phoneFlight = createSingleFlight();

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
