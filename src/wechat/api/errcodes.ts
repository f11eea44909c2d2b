/**
 * WeChat `errcode`s weunion cares about, and how each maps onto our `ErrorCode`s.
 * Global table: https://developers.weixin.qq.com/doc/offiaccount/Getting_Started/Global_Return_Code.html
 * (see docs/wechat-api.md §8 for where each one was observed).
 */
import type { ErrorCode } from '../../errors.js';

/** Named errcodes. Each links the page that documents (or the SDK that shows) it. */
export const WECHAT_ERRCODE = Object.freeze({
  /** "system error": busy, retry later. Global return codes page. */
  SYSTEM_BUSY: -1,
  /** Undocumented "system error" seen from /cgi-bin/token (docs/wechat-api.md §0). */
  SYSTEM_ERROR: -1000,
  OK: 0,
  /** access_token invalid or superseded. https://developers.weixin.qq.com/doc/service/guide/dev/api */
  INVALID_CREDENTIAL: 40001,
  /** openid not of this app (user/info, getpaidunionid) or an OAuth token that does not match it (sns/auth).
   *  https://developers.weixin.qq.com/doc/service/api/webdev/access/api_snsauth */
  INVALID_OPENID: 40003,
  /** grant_type is not client_credential. https://developers.weixin.qq.com/doc/service/en/Basic_Information/Get_access_token.html */
  INVALID_GRANT_TYPE: 40002,
  INVALID_APPID: 40013,
  /** Malformed access_token. Global return codes page. */
  INVALID_ACCESS_TOKEN: 40014,
  /** js_code invalid/expired. https://developers.weixin.qq.com/miniprogram/dev/server/API/user-login/api_code2session */
  INVALID_CODE: 40029,
  /** sns/oauth2/refresh_token: unknown refresh_token. https://developers.weixin.qq.com/doc/service/api/webdev/access/api_snsrefreshtoken */
  INVALID_REFRESH_TOKEN: 40030,
  INVALID_APPSECRET: 40125,
  /** "code been used": observed, not in the doc tables (docs/wechat-api.md §1.1). */
  CODE_USED: 40163,
  /** Caller IP not whitelisted (observed). */
  IP_NOT_WHITELISTED: 40164,
  /** Login intercepted by risk control. https://developers.weixin.qq.com/miniprogram/dev/server/API/user-login/api_code2session */
  CODE_BLOCKED: 40226,
  /** AppSecret frozen in the console. https://developers.weixin.qq.com/doc/service/guide/dev/api */
  APPSECRET_FROZEN: 40243,
  APPID_MISSING: 41002,
  APPSECRET_MISSING: 41004,
  ACCESS_TOKEN_EXPIRED: 42001,
  /** sns/oauth2/refresh_token: refresh_token past its 30 (or 180) days. */
  REFRESH_TOKEN_EXPIRED: 42002,
  OAUTH_CODE_EXPIRED: 42003,
  /** Daily quota exhausted. https://developers.weixin.qq.com/doc/offiaccount/Message_Management/API_Call_Limits.html */
  DAILY_QUOTA: 45009,
  /** Minute quota (code2Session: 100/min per user). https://developers.weixin.qq.com/miniprogram/dev/server/API/user-login/api_code2session */
  MINUTE_QUOTA: 45011,
  /** No permission: e.g. sns/userinfo with a snsapi_base token, or open/get with a non-authorizer token.
   *  https://developers.weixin.qq.com/doc/service/api/webdev/access/api_snsuserinfo */
  API_UNAUTHORIZED: 48001,
  /** IP not registered (newer docs' name for the whitelist failure). https://developers.weixin.qq.com/doc/service/guide/dev/api */
  CLIENT_IP_NOT_REGISTERED: 61004,
  INVALID_SIG_METHOD: 87008,
  /** checksession: the signature (i.e. the session_key) is wrong or stale.
   *  https://developers.weixin.qq.com/miniprogram/dev/server/API/user-login/api_checksessionkey */
  INVALID_SIGNATURE: 87009,
  /** The account is not bound to an Open Platform account (open/get, getpaidunionid).
   *  https://developers.weixin.qq.com/doc/oplatform/openApi/openplatform-management/api_getopenaccount.html */
  OPEN_NOT_EXISTS: 89002,
  /** getpaidunionid: unknown order, or paid more than 5 minutes ago.
   *  https://developers.weixin.qq.com/miniprogram/dev/server/API/user-info/basic-info/api_getpaidunionid */
  INVALID_TRADE: 89300,
});

/** "The token is bad: invalidate, refetch, retry once" (WxJava ACCESS_TOKEN_ERROR_CODES, wechatpy). */
export const TOKEN_INVALID_ERRCODES: readonly number[] = Object.freeze([40001, 40014, 42001]);

/** The only errcodes worth retrying as-is: WeChat was busy. */
export const RETRYABLE_ERRCODES: readonly number[] = Object.freeze([-1, -1000]);

const MAPPING: ReadonlyMap<number, ErrorCode> = new Map<number, ErrorCode>([
  [40029, 'ERR_WECHAT_CODE_INVALID'],
  [42003, 'ERR_WECHAT_CODE_INVALID'],
  [40163, 'ERR_WECHAT_CODE_USED'],
  [40226, 'ERR_WECHAT_CODE_BLOCKED'],
  [45011, 'ERR_WECHAT_RATE_LIMITED'],
  [45009, 'ERR_WECHAT_QUOTA'],
  [-1, 'ERR_WECHAT_BUSY'],
  [-1000, 'ERR_WECHAT_BUSY'],
  // Configuration problems on our side: wrong appid/secret, frozen secret, IP whitelist, bad grant_type.
  ...[40013, 40125, 40164, 61004, 40243, 41002, 41004, 40002].map((c): [number, ErrorCode] => [c, 'ERR_WECHAT_CREDENTIALS']),
]);

const QUOTA_ADVICE =
  'WeChat\u2019s daily quota for this API is used up (45009). Reset it in the WeChat console (Development \u2192 API ' +
  'call limits \u2192 reset, or POST /cgi-bin/clear_quota; 10 resets a month) or wait for the next day.';
const WHITELIST_ADVICE =
  'WeChat refused this server\u2019s IP address (%d): add this server\u2019s outbound IP (WeChat\u2019s errmsg names it) ' +
  'to the app\u2019s IP whitelist in the WeChat console (Development \u2192 Basic configuration \u2192 IP whitelist).';

/**
 * For the errcodes an operator has to act on, a message that says what to do (docs/wechat-api.md §2.1); else undefined.
 * 45009: https://developers.weixin.qq.com/doc/offiaccount/Message_Management/API_Call_Limits.html;
 * 40164 / 61004: https://developers.weixin.qq.com/doc/service/guide/dev/api
 * @example
 *   errcodeAdvice(45009); // 'WeChat’s daily quota for this API is used up (45009). Reset it …'
 */
export function errcodeAdvice(errcode: number): string | undefined {
  if (errcode === WECHAT_ERRCODE.DAILY_QUOTA) return QUOTA_ADVICE;
  if (errcode === WECHAT_ERRCODE.IP_NOT_WHITELISTED || errcode === WECHAT_ERRCODE.CLIENT_IP_NOT_REGISTERED)
    return WHITELIST_ADVICE.replace('%d', String(errcode));
  return undefined;
}

/**
 * Our `ErrorCode` for a WeChat errcode; anything unlisted is `ERR_WECHAT_API`.
 * @example
 *   errcodeToErrorCode(40163); // 'ERR_WECHAT_CODE_USED'
 */
export function errcodeToErrorCode(errcode: number): ErrorCode {
  return MAPPING.get(errcode) ?? 'ERR_WECHAT_API';
}
