/**
 * OAuth code exchange with single flight: a browser that loads the callback twice, or a retrying proxy, may
 * present one code twice at once; calling WeChat twice would burn it and one caller would see 40163 instead of
 * the real answer. Concurrent exchanges of one (appid, code) share one upstream call (as code-exchange.ts does
 * for `wx.login` codes).
 */
import { exchangeOAuthCode, type OAuthToken } from './oauth.js';
import type { WeChatHttp } from './request.js';
import { createSingleFlight, type SingleFlight } from '../../cache/single-flight.js';

export interface OAuthCodeExchanger {
  /** sns/oauth2/access_token, de-duplicated per (appid, code) while a call is in flight. The result is frozen (shared). */
  exchange(input: { appid: string; secret: string; code: string }): Promise<Readonly<OAuthToken>>;
}

/**
 * @example
 *   const oauth = createOAuthCodeExchanger(http);
 *   const { openid, unionid, isSnapshotUser } = await oauth.exchange({ appid, secret, code });
 */
export function createOAuthCodeExchanger(http: WeChatHttp, deps: { flight?: SingleFlight } = {}): OAuthCodeExchanger {
  const flight = deps.flight ?? createSingleFlight();
  if (typeof flight.run !== 'function') throw new TypeError('createOAuthCodeExchanger: deps.flight must be a SingleFlight');
  return Object.freeze({
    exchange(input: { appid: string; secret: string; code: string }): Promise<Readonly<OAuthToken>> {
      // The key holds the code: the in-process flight keeps it in memory only while the call is in flight; a
      // shared flight (src/cache) stores only a digest of it, and the outcome sealed.
      const key = JSON.stringify(['sns/oauth2/access_token', input.appid, input.code]);
      // Frozen after the flight: another instance's answer arrives as a new object.
      return flight.run(key, () => exchangeOAuthCode(http, input)).then((r) => Object.freeze(r));
    },
  });
}
