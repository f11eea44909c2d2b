/**
 * POST /cgi-bin/open/get — the Open Platform account an official account or mini program is bound to
 * (https://developers.weixin.qq.com/doc/oplatform/openApi/openplatform-management/api_getopenaccount.html; docs/wechat-api.md §5).
 * POST only (GET → 43002). JSON body `{ appid? }` (an empty body counts as `{}`); an appid other than the token's
 * → 40013; unbound → 89002 "open not exists"; else `{ open_appid, errcode: 0, errmsg: "ok" }`.
 */
import type { FastifyInstance } from 'fastify';
import type { EmulatorContext } from '../context.js';
import { checkAppToken } from '../token-check.js';
import { jsonObjectBody, str } from '../wechat-body.js';

export function registerOpenGet(app: FastifyInstance, ctx: EmulatorContext): void {
  const { state, wx } = ctx;
  app.post('/cgi-bin/open/get', async (request, reply) => {
    const gate = checkAppToken(state, request.query, ['officialAccount', 'miniprogram']);
    if (!gate.ok) return wx.error(reply, gate.errcode);
    const parsed = jsonObjectBody(request.body ?? {});
    if (!parsed.ok) return wx.error(reply, parsed.errcode);
    const asked = str(parsed.body.appid);
    if (asked !== undefined && asked !== gate.app.appid) return wx.error(reply, 40013);
    if (gate.app.openAppid === null) return wx.error(reply, 89002);
    return wx.ok(reply, { open_appid: gate.app.openAppid, errcode: 0, errmsg: 'ok' });
  });
}
