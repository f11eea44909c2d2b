/**
 * Official-account user management (docs/wechat-api.md §3.1): one person's info and, when the account is bound, unionid.
 * All take the account's basic access_token: call them through `AccessTokenManager.withToken`.
 */
import { z } from 'zod';
import type { WeChatHttp } from './request.js';
import { requireString } from './require.js';

/** https://developers.weixin.qq.com/doc/offiaccount/User_Management/Get_users_basic_information_UnionID.html */
export const USER_INFO_PATH = '/cgi-bin/user/info';
export type UserInfoLang = 'zh_CN' | 'zh_TW' | 'en';

/** A user as the official account sees them. Nickname/avatar/sex/region are no longer real (2021-12) and left out. */
export interface OaUserInfo {
  /** Following now. A non-follower's object is reduced to openid (+ unionid). */
  subscribe: boolean;
  openid: string;
  /** Only when the account is bound to an Open Platform account; never an empty string. */
  unionid?: string;
  language?: string;
  /** Unix seconds of the last follow. */
  subscribeTime?: number;
  remark?: string;
  tagidList?: number[];
  subscribeScene?: string;
  qrScene?: number;
  qrSceneStr?: string;
}

const num = z.union([
  z.number(),
  z
    .string()
    .regex(/^-?\d+$/)
    .transform(Number),
]);

export const userInfoSchema = z.object({
  subscribe: num.pipe(z.number().int().min(0).max(1)),
  openid: z.string().min(1),
  unionid: z.string().optional(),
  language: z.string().optional(),
  subscribe_time: num.optional(),
  remark: z.string().optional(),
  tagid_list: z.array(z.number()).optional(),
  subscribe_scene: z.string().optional(),
  qr_scene: num.optional(),
  qr_scene_str: z.string().optional(),
});

function toUserInfo(r: z.output<typeof userInfoSchema>): OaUserInfo {
  const out: OaUserInfo = { subscribe: r.subscribe === 1, openid: r.openid };
  if (r.unionid) out.unionid = r.unionid;
  if (r.language) out.language = r.language;
  if (r.subscribe_time !== undefined) out.subscribeTime = r.subscribe_time;
  if (r.remark !== undefined) out.remark = r.remark;
  if (r.tagid_list) out.tagidList = r.tagid_list;
  if (r.subscribe_scene) out.subscribeScene = r.subscribe_scene;
  if (r.qr_scene !== undefined) out.qrScene = r.qr_scene;
  if (r.qr_scene_str) out.qrSceneStr = r.qr_scene_str;
  return out;
}

/**
 * GET /cgi-bin/user/info: a follower's (or former follower's) state and unionid. Errors: 40003 (not this
 * account's openid), token errcodes, 45009.
 * @example
 *   const info = await tokens.withToken(appid, (accessToken) => getUserInfo(http, { accessToken, openid }));
 */
export async function getUserInfo(http: WeChatHttp, input: { accessToken: string; openid: string; lang?: UserInfoLang }): Promise<OaUserInfo> {
  requireString('getUserInfo', 'accessToken', input.accessToken);
  requireString('getUserInfo', 'openid', input.openid);
  const r = await http.request({
    method: 'GET',
    path: USER_INFO_PATH,
    query: { access_token: input.accessToken, openid: input.openid, lang: input.lang ?? 'zh_CN' },
    schema: userInfoSchema,
    retryTransport: true, // a read
  });
  return toUserInfo(r);
}
