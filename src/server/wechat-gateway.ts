/**
 * The mini program calls weunion makes, bound to the configured apps: code exchange with single flight, and
 * `wxa/checksession` through the access_token manager (refetch once on a token WeChat rejects).
 */
import type { Clock } from '../clock.js';
import type { AppConfig } from '../config/schema.js';
import { checkSessionKey, createAccessTokenManager, createCodeExchanger, isStaleSessionKeyError, WeChatHttp } from '../wechat/index.js';
import type { HttpTransport } from '../wechat/api/http-transport.js';
import type { MiniProgramGateway } from './deps.js';

export function createWeChatGateway(options: {
  baseUrl: string;
  timeoutMs: number;
  tokenMode: 'stable' | 'token';
  apps: readonly AppConfig[];
  clock: Clock;
  fetch?: HttpTransport;
}): MiniProgramGateway & { tokens: ReturnType<typeof createAccessTokenManager> } {
  const http = new WeChatHttp({ baseUrl: options.baseUrl, timeoutMs: options.timeoutMs, ...(options.fetch ? { fetch: options.fetch } : {}) });
  const byAppid = new Map(options.apps.map((a) => [a.appid, { appid: a.appid, secret: a.secret }]));
  const exchanger = createCodeExchanger(http);
  const tokens = createAccessTokenManager({ http, clock: options.clock, apps: (appid) => byAppid.get(appid), mode: options.tokenMode });
  return Object.freeze({
    tokens,
    code2Session: (app: AppConfig, code: string) => exchanger.exchange({ appid: app.appid, secret: app.secret, code }),
    async isSessionKeyCurrent(app: AppConfig, openid: string, sessionKey: string): Promise<boolean> {
      try {
        await tokens.withToken(app.appid, (accessToken) => checkSessionKey(http, { accessToken, openid, sessionKey }));
        return true;
      } catch (e) {
        if (isStaleSessionKeyError(e)) return false;
        throw e;
      }
    },
  });
}
