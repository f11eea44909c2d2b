/**
 * Mini program login endpoints: code2Session and checkSessionKey (docs/wechat-api.md §1).
 */
import { z } from 'zod';
import { sessionKeySignature } from '../crypto/session-signature.js';
import { WECHAT_ERRCODE } from './errcodes.js';
import type { WeChatHttp } from './request.js';
import { WeChatApiError } from './wechat-errors.js';

/** https://developers.weixin.qq.com/miniprogram/dev/server/API/user-login/api_code2session */
export const CODE2SESSION_PATH = '/sns/jscode2session';
/** https://developers.weixin.qq.com/miniprogram/dev/server/API/user-login/api_checksessionkey */
export const CHECK_SESSION_PATH = '/wxa/checksession';

export interface Code2SessionInput {
  appid: string;
  secret: string;
  /** The `wx.login` code: single use, valid 5 minutes. */
  code: string;
}

export interface Code2SessionResult {
  openid: string;
  /** Secret: never log it, never send it to the client. */
  sessionKey: string;
  /** Present only when the mini program is bound to an Open Platform account. */
  unionid?: string;
}

const code2SessionSchema = z.object({
  openid: z.string().min(1),
  session_key: z.string().min(1),
  unionid: z.string().optional(),
});

function requireString(fn: string, name: string, v: unknown): void {
  if (typeof v !== 'string' || v === '') throw new TypeError(`${fn}: ${name} must be a non-empty string`);
}

/**
 * Exchanges a `wx.login` code for `{ openid, sessionKey, unionid? }` (GET /sns/jscode2session).
 * Never retried on transport failure: the code may already be spent. Errors: WeChatApiError
 * (40029 ERR_WECHAT_CODE_INVALID, 40163 ERR_WECHAT_CODE_USED, 40226 ERR_WECHAT_CODE_BLOCKED, 45011 …) and the
 * other WeChat*Error classes.
 * @example
 *   const { openid, sessionKey, unionid } = await code2Session(http, { appid, secret, code });
 */
export async function code2Session(http: WeChatHttp, { appid, secret, code }: Code2SessionInput): Promise<Code2SessionResult> {
  requireString('code2Session', 'appid', appid);
  requireString('code2Session', 'secret', secret);
  requireString('code2Session', 'code', code);
  const r = await http.request({
    method: 'GET',
    path: CODE2SESSION_PATH,
    query: { appid, secret, js_code: code, grant_type: 'authorization_code' },
    schema: code2SessionSchema,
    retryTransport: false,
  });
  // An empty unionid must never become a join key: treat it as absent.
  return { openid: r.openid, sessionKey: r.session_key, ...(r.unionid ? { unionid: r.unionid } : {}) };
}

export interface CheckSessionKeyInput {
  accessToken: string;
  openid: string;
  sessionKey: string;
}

const checkSessionSchema = z.object({}).loose();

/**
 * Asks WeChat whether `sessionKey` is still the user's current one (GET /wxa/checksession,
 * sig_method=hmac_sha256 over the empty string). Resolves true, or throws; a stale key is errcode 87009,
 * see `isStaleSessionKeyError`.
 * @example
 *   try { await checkSessionKey(http, { accessToken, openid, sessionKey }); }
 *   catch (e) { if (isStaleSessionKeyError(e)) askClientToLogInAgain(); else throw e; }
 */
export async function checkSessionKey(http: WeChatHttp, { accessToken, openid, sessionKey }: CheckSessionKeyInput): Promise<true> {
  requireString('checkSessionKey', 'accessToken', accessToken);
  requireString('checkSessionKey', 'openid', openid);
  requireString('checkSessionKey', 'sessionKey', sessionKey);
  await http.request({
    method: 'GET',
    path: CHECK_SESSION_PATH,
    query: { access_token: accessToken, openid, signature: sessionKeySignature(sessionKey, ''), sig_method: 'hmac_sha256' },
    schema: checkSessionSchema,
    retryTransport: true, // a pure check: repeating it is harmless
  });
  return true;
}

/**
 * True when `e` is checksession's 87009 "invalid signature": the session_key is wrong or no longer current.
 * @example
 *   if (isStaleSessionKeyError(e)) throw new AppError('ERR_SESSION_KEY_STALE');
 */
export function isStaleSessionKeyError(e: unknown): e is WeChatApiError {
  return e instanceof WeChatApiError && e.wechat.errcode === WECHAT_ERRCODE.INVALID_SIGNATURE;
}
