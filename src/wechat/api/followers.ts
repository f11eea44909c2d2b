/**
 * Walking an official account's followers (docs/wechat-api.md §3): the follower list, page by page, and the
 * user info of up to 100 of them per call — what `weunion backfill followers` links every unionid with.
 * Both take the account's basic access_token: call them through `AccessTokenManager.withToken`.
 * Quota: both count against the account's daily API quota; past it WeChat answers 45009 (the caller backs off).
 */
import { z } from 'zod';
import type { WeChatHttp } from './request.js';
import { requireString } from './require.js';
import { type OaUserInfo, type UserInfoLang, userInfoSchema } from './user-info.js';

/** https://developers.weixin.qq.com/doc/service/api/usermanage/userinfo/api_getfans */
export const USER_GET_PATH = '/cgi-bin/user/get';
/** https://developers.weixin.qq.com/doc/offiaccount/User_Management/Get_users_basic_information_UnionID.html ("batch"). */
export const USER_INFO_BATCH_PATH = '/cgi-bin/user/info/batchget';

/** The most openids `user/info/batchget` takes in one call. */
export const USER_INFO_BATCH_MAX = 100;
/** The most openids `user/get` returns per page. */
export const FOLLOWER_PAGE_SIZE = 10_000;

/** One page of the follower list. */
export interface FollowerPage {
  /** All followers of the account (not just this page). */
  total: number;
  openids: string[];
  /** Pass back for the next page; null when this page is the last. */
  nextOpenid: string | null;
}

const num = z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]);

const followersSchema = z.object({
  total: num,
  count: num,
  // The last page may come back with count 0 and no data (docs/wechat-api.md §3.3).
  data: z.object({ openid: z.array(z.string()).optional() }).optional(),
  next_openid: z.string().optional(),
});

/**
 * GET /cgi-bin/user/get: one page of up to 10,000 follower openids, starting after `nextOpenid`.
 * `nextOpenid` is null when there is no further page (an empty page, or no next_openid). A short page is not
 * taken as the end: WeChat's page size is not a promise, and asking once more past the end costs one empty page.
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
    retryTransport: true, // a read
  });
  const openids = r.data?.openid ?? [];
  const more = openids.length > 0 && !!r.next_openid && r.next_openid !== input.nextOpenid;
  return { total: r.total, openids, nextOpenid: more ? r.next_openid! : null };
}

const batchSchema = z.object({ user_info_list: z.array(userInfoSchema) });

/**
 * POST /cgi-bin/user/info/batchget: the user info of 1–100 openids in one call, in the order asked. An openid
 * that is not this account's fails the whole call (40003).
 * @example
 *   const infos = await tokens.withToken(appid, (accessToken) => batchGetUserInfo(http, { accessToken, openids }));
 */
export async function batchGetUserInfo(
  http: WeChatHttp,
  input: { accessToken: string; openids: readonly string[]; lang?: UserInfoLang },
): Promise<OaUserInfo[]> {
  requireString('batchGetUserInfo', 'accessToken', input.accessToken);
  if (!Array.isArray(input.openids) || input.openids.length === 0 || input.openids.length > USER_INFO_BATCH_MAX) {
    throw new TypeError(`batchGetUserInfo: openids must be an array of 1–${USER_INFO_BATCH_MAX}`);
  }
  for (const o of input.openids) requireString('batchGetUserInfo', 'every openid', o);
  const lang = input.lang ?? 'zh_CN';
  const r = await http.request({
    method: 'POST',
    path: USER_INFO_BATCH_PATH,
    query: { access_token: input.accessToken },
    body: { user_list: input.openids.map((openid) => ({ openid, lang })) },
    schema: batchSchema,
    retryTransport: true, // a read
  });
  return r.user_info_list.map((u) =>
    u.unionid ? { subscribe: u.subscribe === 1, openid: u.openid, unionid: u.unionid } : { subscribe: u.subscribe === 1, openid: u.openid },
  );
}
