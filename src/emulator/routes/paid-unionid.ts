/**
 * GET /wxa/getpaidunionid — the unionid of a person who just paid
 * (https://developers.weixin.qq.com/miniprogram/dev/server/API/user-info/basic-info/api_getpaidunionid; docs/wechat-api.md §1.5).
 * Mini program token only (else 48001); `openid` missing 41009, not this app's 40003; the app not bound to an Open
 * Platform account → 89002; no payment by this person in this app matching `transaction_id` (or `mch_id` +
 * `out_trade_no`), or more than 5 minutes (`paidUnionidWindowSeconds`) after it → 89300 "invalid trade".
 */
import type { FastifyInstance } from 'fastify';
import type { EmulatorContext } from '../context.js';
import { checkAppToken } from '../token-check.js';
import { queryParam } from '../wechat-reply.js';

export function registerPaidUnionid(app: FastifyInstance, ctx: EmulatorContext): void {
  const { state, wx, clock, options } = ctx;
  app.get('/wxa/getpaidunionid', async (request, reply) => {
    const q = request.query;
    const gate = checkAppToken(state, q, ['miniprogram']);
    if (!gate.ok) return wx.error(reply, gate.errcode);
    const openid = queryParam(q, 'openid');
    if (openid === undefined) return wx.error(reply, 41009);
    const person = state.persons.byOpenid(gate.app.appid, openid);
    if (person === undefined) return wx.error(reply, 40003);
    const openAppid = gate.app.openAppid;
    if (openAppid === null) return wx.error(reply, 89002);
    const payment = state.payments.find({
      transactionId: queryParam(q, 'transaction_id'),
      mchId: queryParam(q, 'mch_id'),
      outTradeNo: queryParam(q, 'out_trade_no'),
    });
    const fresh = payment !== undefined && clock.now() < payment.paidAt + options.paidUnionidWindowSeconds * 1000;
    if (!fresh || payment.appid !== gate.app.appid || payment.personId !== person.id) return wx.error(reply, 89300);
    return wx.ok(reply, { unionid: state.persons.unionid(person.id, openAppid), errcode: 0, errmsg: 'ok' });
  });
}
