/**
 * Which Open Platform account an official account or mini program is bound to (docs/wechat-api.md §5).
 * https://developers.weixin.qq.com/doc/oplatform/openApi/openplatform-management/api_getopenaccount.html
 * Documented as a third-party-platform API: with an account's own basic token WeChat may answer 48001, so
 * weunion records the binding in configuration and uses this only as a check.
 */
import { z } from 'zod';
import { WECHAT_ERRCODE } from './errcodes.js';
import type { WeChatHttp } from './request.js';
import { requireString } from './require.js';
import { WeChatApiError } from './wechat-errors.js';

export const OPEN_GET_PATH = '/cgi-bin/open/get';

const schema = z.object({ open_appid: z.string().min(1) });

/**
 * POST /cgi-bin/open/get (POST, not GET): the bound Open Platform appid, or null when not bound (89002).
 * `appid`, if given, must be the token's own appid (else 40013).
 * @example
 *   const openAppid = await tokens.withToken(appid, (accessToken) => getOpenAccount(http, { accessToken, appid }));
 */
export async function getOpenAccount(http: WeChatHttp, input: { accessToken: string; appid?: string }): Promise<string | null> {
  requireString('getOpenAccount', 'accessToken', input.accessToken);
  if (input.appid !== undefined) requireString('getOpenAccount', 'appid', input.appid);
  try {
    const r = await http.request({
      method: 'POST',
      path: OPEN_GET_PATH,
      query: { access_token: input.accessToken },
      body: input.appid !== undefined ? { appid: input.appid } : {},
      schema,
      retryTransport: true,
    });
    return r.open_appid;
  } catch (e) {
    if (e instanceof WeChatApiError && e.wechat.errcode === WECHAT_ERRCODE.OPEN_NOT_EXISTS) return null;
    throw e;
  }
}
