/**
 * Official-account user management (docs/wechat-api.md §3): one user's info, up to 100 at a time, the follower list.
 * All take the account's basic access_token: call them through `AccessTokenManager.withToken`.
 */
import { z } from 'zod';
import type { WeChatHttp } from './request.js';
import { requireString } from './require.js';

/** https://developers.weixin.qq.com/doc/offiaccount/User_Management/Get_users_basic_information_UnionID.html */
export const USER_INFO_PATH = '/cgi-bin/user/info';
/** Same page, "batch" section: at most 100 openids per call. */
export const USER_INFO_BATCH_PATH = '/cgi-bin/user/info/batchget';
/** https://developers.weixin.qq.com/doc/service/api/usermanage/userinfo/api_getfans */
export const USER_GET_PATH = '/cgi-bin/user/get';

/** The most openids `user/info/batchget` takes in one call. */
export const USER_INFO_BATCH_MAX = 100;

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

const batchSchema = z.object({ user_info_list: z.array(userInfoSchema) });

/**
 * POST /cgi-bin/user/info/batchget for any number of openids: sent in chunks of 100, one after another, the
 * answers concatenated in order. No openids, no call.
 * @example
 *   const users = await tokens.withToken(appid, (accessToken) => batchGetUserInfo(http, { accessToken, openids }));
 */
export async function batchGetUserInfo(
  http: WeChatHttp,
  input: { accessToken: string; openids: readonly string[]; lang?: UserInfoLang },
): Promise<OaUserInfo[]> {
  requireString('batchGetUserInfo', 'accessToken', input.accessToken);
  if (!Array.isArray(input.openids)) throw new TypeError('batchGetUserInfo: openids must be an array');
  for (const o of input.openids) requireString('batchGetUserInfo', 'every openid', o);
  const lang = input.lang ?? 'zh_CN';
  const out: OaUserInfo[] = [];
  for (let i = 0; i < input.openids.length; i += USER_INFO_BATCH_MAX) {
    const chunk = input.openids.slice(i, i + USER_INFO_BATCH_MAX);
    const r = await http.request({
      method: 'POST',
      path: USER_INFO_BATCH_PATH,
      query: { access_token: input.accessToken },
      body: { user_list: chunk.map((openid) => ({ openid, lang })) },
      schema: batchSchema,
      retryTransport: true,
    });
    out.push(...r.user_info_list.map(toUserInfo));
  }
  return out;
}

/** One page of the follower list. */
export interface FollowerPage {
  /** All followers of the account (not just this page). */
  total: number;
  openids: string[];
  /** Pass back for the next page; null when this page is the last. */
  nextOpenid: string | null;
}

/** The most openids `user/get` returns per page. */
export const FOLLOWER_PAGE_SIZE = 10_000;

const followersSchema = z.object({
  total: num,
  count: num,
  // The last page may come back with count 0 and no data (docs/wechat-api.md §3.3).
  data: z.object({ openid: z.array(z.string()).optional() }).optional(),
  next_openid: z.string().optional(),
});

/**
 * GET /cgi-bin/user/get: one page of up to 10,000 follower openids, starting after `nextOpenid`.
 * `nextOpenid` is null when there is no further page (short or empty page, or no next_openid).
 * @example
 *   const page = await tokens.withToken(appid, (accessToken) => getFollowers(http, { accessToken }));
 */
export async function getFollowers(http: WeChatHttp, input: { accessToken: string; nextOpenid?: string | undefined }): Promise<FollowerPage> {
  requireString('getFollowers', 'accessToken', input.accessToken);
  const r = await http.request({
    method: 'GET',
    path: USER_GET_PATH,
    query: { access_token: input.accessToken, ...(input.nextOpenid ? { next_openid: input.nextOpenid } : {}) },
    schema: followersSchema,
    retryTransport: true,
  });
  const openids = r.data?.openid ?? [];
  const more = openids.length >= FOLLOWER_PAGE_SIZE && !!r.next_openid && r.next_openid !== input.nextOpenid;
  return { total: r.total, openids, nextOpenid: more ? r.next_openid! : null };
}

/**
 * Every page of the follower list, in order (resumable: pass the last `nextOpenid` you processed as `after`).
 * `fetchPage` does one `getFollowers` call, typically inside `withToken`.
 * @example
 *   for await (const page of followerPages((next) => tokens.withToken(appid, (t) => getFollowers(http, { accessToken: t, nextOpenid: next })))) {
 *     await link(page.openids);
 *   }
 */
export async function* followerPages(fetchPage: (nextOpenid: string | undefined) => Promise<FollowerPage>, after?: string): AsyncGenerator<FollowerPage> {
  if (typeof fetchPage !== 'function') throw new TypeError('followerPages: fetchPage must be a function');
  let next: string | undefined = after;
  for (;;) {
    const page = await fetchPage(next);
    yield page;
    if (page.nextOpenid === null) return;
    next = page.nextOpenid;
  }
}
