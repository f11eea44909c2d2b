/**
 * The OAuth endpoints shared by official-account web pages (snsapi_base / snsapi_userinfo), website QR login
 * (snsapi_login) and mobile apps (docs/wechat-api.md §4). Each app uses its own appid/secret; only the unionid links them.
 * The tokens here are per-user OAuth tokens, not the basic access_token: never pass them to `withToken`.
 */
import { z } from 'zod';
import type { WeChatHttp } from './request.js';
import { requireString } from './require.js';

/** https://developers.weixin.qq.com/doc/service/api/webdev/access/api_snsaccesstoken */
export const OAUTH_ACCESS_TOKEN_PATH = '/sns/oauth2/access_token';
/** https://developers.weixin.qq.com/doc/service/api/webdev/access/api_snsuserinfo */
export const SNS_USERINFO_PATH = '/sns/userinfo';
export interface OAuthToken {
  /** Secret: the user's OAuth token, usable only for sns/* calls. */
  accessToken: string;
  expiresIn: number;
  /** Secret. 30 days (official account, website) or 180 days (mobile app). */
  refreshToken: string;
  openid: string;
  /** Granted scope(s), comma-separated. */
  scope: string;
  /** When the app is bound to an Open Platform account (and, for official accounts, usually only with snsapi_userinfo). */
  unionid?: string;
  /** `is_snapshotuser: 1`: a virtual user of a snapshot page. Its openid/unionid are not a real person's. */
  isSnapshotUser: boolean;
}

const int = z.union([
  z.number(),
  z
    .string()
    .regex(/^-?\d+$/)
    .transform(Number),
]);

const tokenSchema = z.object({
  access_token: z.string().min(1),
  expires_in: int,
  refresh_token: z.string().min(1),
  openid: z.string().min(1),
  scope: z.string().default(''),
  unionid: z.string().optional(),
  is_snapshotuser: int.optional(),
});

function toToken(r: z.output<typeof tokenSchema>): OAuthToken {
  return {
    accessToken: r.access_token,
    expiresIn: r.expires_in,
    refreshToken: r.refresh_token,
    openid: r.openid,
    scope: r.scope,
    ...(r.unionid ? { unionid: r.unionid } : {}),
    isSnapshotUser: r.is_snapshotuser === 1,
  };
}

/**
 * GET /sns/oauth2/access_token: exchanges an authorisation code (single use; 5 min for official accounts,
 * 10 min for websites and apps). Never retried on transport failure: a repeated code answers 40163 and hides
 * the real answer. Use `createOAuthCodeExchanger` to share one call between concurrent exchanges of one code.
 * Errors: 40029 ERR_WECHAT_CODE_INVALID, 40163 ERR_WECHAT_CODE_USED, 40125 ERR_WECHAT_CREDENTIALS, …
 * @example
 *   const t = await exchangeOAuthCode(http, { appid, secret, code });
 *   if (t.isSnapshotUser) refuse();
 */
export async function exchangeOAuthCode(http: WeChatHttp, input: { appid: string; secret: string; code: string }): Promise<OAuthToken> {
  requireString('exchangeOAuthCode', 'appid', input.appid);
  requireString('exchangeOAuthCode', 'secret', input.secret);
  requireString('exchangeOAuthCode', 'code', input.code);
  const r = await http.request({
    method: 'GET',
    path: OAUTH_ACCESS_TOKEN_PATH,
    query: { appid: input.appid, secret: input.secret, code: input.code, grant_type: 'authorization_code' },
    schema: tokenSchema,
    retryTransport: false,
  });
  return toToken(r);
}

export interface OAuthUserInfo {
  openid: string;
  nickname: string;
  /** "" when none; the last path segment is the size (0 = 640×640). */
  headimgurl: string;
  /** Always 0 since 2021-10 (wechatpy's fixture sends it as a string: parsed leniently). */
  sex: number;
  privilege: string[];
  unionid?: string;
}

const userInfoSchema = z.object({
  openid: z.string().min(1),
  nickname: z.string().default(''),
  headimgurl: z.string().default(''),
  sex: int.catch(0).default(0),
  privilege: z.array(z.string()).catch([]).default([]),
  unionid: z.string().optional(),
});

/**
 * GET /sns/userinfo with an OAuth token of scope snsapi_userinfo or snsapi_login; a snsapi_base token answers
 * 48001 (ERR_WECHAT_API, `wechat.errcode` 48001).
 * @example
 *   const u = await getOAuthUserInfo(http, { accessToken: t.accessToken, openid: t.openid });
 */
export async function getOAuthUserInfo(
  http: WeChatHttp,
  input: { accessToken: string; openid: string; lang?: 'zh_CN' | 'zh_TW' | 'en' },
): Promise<OAuthUserInfo> {
  requireString('getOAuthUserInfo', 'accessToken', input.accessToken);
  requireString('getOAuthUserInfo', 'openid', input.openid);
  const r = await http.request({
    method: 'GET',
    path: SNS_USERINFO_PATH,
    query: { access_token: input.accessToken, openid: input.openid, lang: input.lang ?? 'zh_CN' },
    schema: userInfoSchema,
    retryTransport: true,
  });
  const { unionid, ...rest } = r;
  return { ...rest, ...(unionid ? { unionid } : {}) };
}
