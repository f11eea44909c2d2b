/**
 * The global ("basic") access_token endpoints (docs/wechat-api.md §2). Prefer `fetchStableAccessToken`:
 * `/cgi-bin/token` mints a new token on every call and kills the previous one five minutes later.
 */
import { z } from 'zod';
import type { WeChatHttp } from './request.js';

/** https://developers.weixin.qq.com/doc/service/en/Basic_Information/Get_access_token.html */
export const TOKEN_PATH = '/cgi-bin/token';
/** https://developers.weixin.qq.com/doc/service/api/base/api_getstableaccesstoken.html */
export const STABLE_TOKEN_PATH = '/cgi-bin/stable_token';

export interface AppCredentials {
  appid: string;
  secret: string;
}

export interface AccessTokenResult {
  /** Secret. Needs up to 512 characters of storage. */
  accessToken: string;
  /** Seconds of validity from now (≤ 7200). */
  expiresIn: number;
}

const tokenSchema = z.object({
  access_token: z.string().min(1),
  // Always a number in practice; a numeric string is accepted the way errcode is.
  expires_in: z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]).pipe(z.number().int().positive()),
});

function check(fn: string, { appid, secret }: AppCredentials): void {
  if (typeof appid !== 'string' || appid === '') throw new TypeError(`${fn}: appid must be a non-empty string`);
  if (typeof secret !== 'string' || secret === '') throw new TypeError(`${fn}: secret must be a non-empty string`);
}

const toResult = (r: z.output<typeof tokenSchema>): AccessTokenResult => ({ accessToken: r.access_token, expiresIn: r.expires_in });

/**
 * GET /cgi-bin/token (grant_type=client_credential). Each call issues a new token (2,000/day quota).
 * @example
 *   const { accessToken, expiresIn } = await fetchAccessToken(http, { appid, secret });
 */
export async function fetchAccessToken(http: WeChatHttp, creds: AppCredentials): Promise<AccessTokenResult> {
  check('fetchAccessToken', creds);
  const r = await http.request({
    method: 'GET',
    path: TOKEN_PATH,
    query: { grant_type: 'client_credential', appid: creds.appid, secret: creds.secret },
    schema: tokenSchema,
    retryTransport: true, // the previous token stays valid 5 minutes, so a duplicate issue is harmless
  });
  return toResult(r);
}

/**
 * POST /cgi-bin/stable_token. In normal mode repeated calls return the same token until its last 5 minutes;
 * `forceRefresh` kills the current one (20/day, ≥ 30 s apart), so it is never retried on transport failure.
 * @example
 *   const { accessToken } = await fetchStableAccessToken(http, { appid, secret });
 */
export async function fetchStableAccessToken(http: WeChatHttp, creds: AppCredentials & { forceRefresh?: boolean }): Promise<AccessTokenResult> {
  check('fetchStableAccessToken', creds);
  const forceRefresh = creds.forceRefresh === true;
  const r = await http.request({
    method: 'POST',
    path: STABLE_TOKEN_PATH,
    body: { grant_type: 'client_credential', appid: creds.appid, secret: creds.secret, force_refresh: forceRefresh },
    schema: tokenSchema,
    retryTransport: !forceRefresh,
  });
  return toResult(r);
}
