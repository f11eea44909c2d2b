/**
 * GET /cgi-bin/user/get — the follower list, in pages of 10,000 openids (option `userGetPageSize`)
 * (https://developers.weixin.qq.com/doc/service/api/usermanage/userinfo/api_getfans).
 * `{ total, count, data: { openid: [...] }, next_openid }` with next_openid = the page's last openid; asking past
 * the end gives `{ total, count: 0, next_openid: "" }` without `data` (the observed last-page shape, [unconf]).
 * Followers are listed in a stable order (person creation), so a walk survives people unfollowing mid-way; a
 * `next_openid` that is not this account's → 40003.
 */
import type { FastifyInstance } from 'fastify';
import type { EmulatorContext } from '../context.js';
import { checkAppToken } from '../token-check.js';
import { queryParam } from '../wechat-reply.js';

export function registerUserGet(app: FastifyInstance, ctx: EmulatorContext): void {
  const { state, wx, options } = ctx;
  app.get('/cgi-bin/user/get', async (request, reply) => {
    const gate = checkAppToken(state, request.query, ['officialAccount']);
    if (!gate.ok) return wx.error(reply, gate.errcode);
    const appid = gate.app.appid;
    const everyone = state.persons.list();
    let start = 0;
    const next = queryParam(request.query, 'next_openid');
    if (next !== undefined) {
      const after = state.persons.byOpenid(appid, next);
      if (after === undefined) return wx.error(reply, 40003);
      start = everyone.indexOf(after) + 1;
    }
    const followers = everyone.filter((p) => p.follows.has(appid));
    const page = everyone
      .slice(start)
      .filter((p) => p.follows.has(appid))
      .slice(0, options.userGetPageSize)
      .map((p) => state.persons.openid(p.id, appid));
    if (page.length === 0) return wx.ok(reply, { total: followers.length, count: 0, next_openid: '' });
    return wx.ok(reply, { total: followers.length, count: page.length, data: { openid: page }, next_openid: page[page.length - 1] });
  });
}
