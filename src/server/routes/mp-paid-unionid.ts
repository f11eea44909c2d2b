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
import { AppError } from '../../errors.js';
import { resolveLogin } from '../../identity/index.js';
import { WECHAT_ERRCODE } from '../../wechat/api/errcodes.js';
import type { AppDeps } from '../deps.js';
import { mpSessionRequest, unboundAppError } from '../mp-session-request.js';
import { loginAnswer } from '../login-answer.js';

// WeChat Pay: transaction_id is 32 digits, mch_id digits, out_trade_no 6–32 of [A-Za-z0-9_-|*@]; bounds are lenient.
const paidBody = z.union([
  z.strictObject({ transactionId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'a WeChat Pay transaction id') }),
  z.strictObject({
    mchId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'a merchant id'),
    outTradeNo: z.string().regex(/^[A-Za-z0-9_\-|*@]{1,64}$/, 'an out_trade_no'),
  }),
]);

/** Registers `POST /v1/mp/:appid/paid-unionid`. */
export function registerMpPaidUnionid(app: FastifyInstance, deps: AppDeps): void {
  app.post('/v1/mp/:appid/paid-unionid', async (request) => {
    const { appid, wxApp, claims, body: order } = await mpSessionRequest(request, deps, paidBody);
    if (wxApp.union === null) throw unboundAppError(appid);

    const unionid = await deps.wechat.getPaidUnionid(wxApp, claims.openid, order).catch((e: unknown) => {
      // 89300 is about the order the client named (unknown, someone else's, or paid over 5 minutes ago): a client
      // error, not a WeChat failure — a made-up transactionId must not answer 502 (found by test/fuzz).
      if (e instanceof AppError && e.wechat?.errcode === WECHAT_ERRCODE.INVALID_TRADE) {
        throw new AppError('ERR_UNIONID_UNAVAILABLE', {
          message: 'WeChat knows no payment by this person for this order in the last 5 minutes (89300 invalid trade).',
          wechat: e.wechat,
        });
      }
      throw e;
    });
    const result = await resolveLogin(
      { store: deps.store.identity, clock: deps.clock, newId: deps.newId },
      { unionKey: wxApp.union, appid, openid: claims.openid, unionid },
    );
    return loginAnswer(deps, { userId: result.userId, appid, openid: claims.openid, unionid, isNewUser: result.isNewUser });
  });
}
