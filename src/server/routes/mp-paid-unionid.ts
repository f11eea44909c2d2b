/**
 * POST /v1/mp/:appid/paid-unionid (Bearer) { transactionId } | { mchId, outTradeNo } — one more road to the
 * unionid: within 5 minutes of a WeChat Pay payment, `wxa/getpaidunionid` discloses the payer's unionid even when
 * code2session did not. Learning it links the session's openid, or merges its openid-only user into the unionid's
 * owner; the answer has the login shape with a new token (the user id may have changed). An order WeChat does not
 * know for this person (89300) is 422 ERR_UNIONID_UNAVAILABLE, with WeChat's errcode kept.
 * https://developers.weixin.qq.com/miniprogram/dev/server/API/user-info/basic-info/api_getpaidunionid
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppDeps } from '../../compose/deps.js';
import { appidParams } from '../http/mp-schemas.js';
import { mpSessionRequest } from '../http/mp-session-request.js';
import { described } from '../http/route-contract.js';

// WeChat Pay: transaction_id is 32 digits, mch_id digits, out_trade_no 6–32 of [A-Za-z0-9_-|*@]; bounds are lenient.
const paidBody = z.union([
  z.strictObject({ transactionId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'a WeChat Pay transaction id') }),
  z.strictObject({
    mchId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'a merchant id'),
    outTradeNo: z.string().regex(/^[A-Za-z0-9_\-|*@]{1,64}$/, 'an out_trade_no'),
  }),
]);

/** Registers `POST /v1/mp/:appid/paid-unionid` (flows/mp/mp-paid-unionid.ts). */
export function registerMpPaidUnionid(app: FastifyInstance, deps: Pick<AppDeps, 'config' | 'sessions' | 'flows'>): void {
  app.post(
    '/v1/mp/:appid/paid-unionid',
    described({ summary: 'Learn the unionid from a recent payment (getpaidunionid)', params: appidParams, body: paidBody, bearer: true }),
    async (request) => {
      const { session, body: order } = await mpSessionRequest(request, deps, paidBody);
      return deps.flows.mpPaidUnionid.learn(session, order);
    },
  );
}
