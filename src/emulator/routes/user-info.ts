/**
 * GET /cgi-bin/user/info and POST /cgi-bin/user/info/batchget — an official account's view of a person
 * (https://developers.weixin.qq.com/doc/offiaccount/User_Management/Get_users_basic_information_UnionID.html).
 * Official-account token only (else 48001); an openid that is not this account's → 40003 "invalid openid" (for
 * batchget the whole call fails). batchget takes at most 100 openids [doc]; beyond that WeChat's answer is not
 * documented [unconf] — the emulator answers 40097 "invalid args", as for a malformed `user_list`.
 */
import type { FastifyInstance } from 'fastify';
import type { EmulatorContext } from '../context.js';
import { oaUserInfo } from '../oa-user-info.js';
import { checkAppToken } from '../token-check.js';
import { jsonObjectBody, str } from '../wechat-body.js';
import { queryParam } from '../wechat-reply.js';

const BATCH_MAX = 100;

export function registerUserInfo(app: FastifyInstance, ctx: EmulatorContext): void {
  const { state, wx } = ctx;

  app.get('/cgi-bin/user/info', async (request, reply) => {
    const gate = checkAppToken(state, request.query, ['officialAccount']);
    if (!gate.ok) return wx.error(reply, gate.errcode);
    const openid = queryParam(request.query, 'openid');
    if (openid === undefined) return wx.error(reply, 41009);
    const person = state.persons.byOpenid(gate.app.appid, openid);
    if (person === undefined) return wx.error(reply, 40003);
    return wx.ok(reply, oaUserInfo(state, gate.app, person));
  });

  app.post('/cgi-bin/user/info/batchget', async (request, reply) => {
    const gate = checkAppToken(state, request.query, ['officialAccount']);
    if (!gate.ok) return wx.error(reply, gate.errcode);
    const parsed = jsonObjectBody(request.body);
    if (!parsed.ok) return wx.error(reply, parsed.errcode);
    const list = parsed.body.user_list;
    if (!Array.isArray(list) || list.length === 0 || list.length > BATCH_MAX) return wx.error(reply, 40097);
    const infos: Record<string, unknown>[] = [];
    for (const item of list) {
      const openid = typeof item === 'object' && item !== null ? str((item as Record<string, unknown>).openid) : undefined;
      if (openid === undefined) return wx.error(reply, 40097);
      const person = state.persons.byOpenid(gate.app.appid, openid);
      if (person === undefined) return wx.error(reply, 40003);
      infos.push(oaUserInfo(state, gate.app, person));
    }
    return wx.ok(reply, { user_info_list: infos });
  });
}
