/**
 * A mini program user's unionid after a WeChat Pay payment (docs/wechat-api.md §1.5), even when the user never
 * followed or authorised anything. Works only within 5 minutes of the payment.
 * https://developers.weixin.qq.com/miniprogram/dev/server/API/user-info/basic-info/api_getpaidunionid
 */
import { z } from 'zod';
import { AppError } from '../../errors.js';
import type { WeChatHttp } from './request.js';
import { requireString } from './require.js';

export const PAID_UNIONID_PATH = '/wxa/getpaidunionid';

/** The payment: by WeChat Pay transaction id, or by merchant id + the merchant's order number. */
export type PaidOrder = { transactionId: string } | { mchId: string; outTradeNo: string };

const schema = z.object({ unionid: z.string().optional() });

function orderQuery(order: PaidOrder): Record<string, string> {
  if (typeof order !== 'object' || order === null) throw new TypeError('getPaidUnionid: order is required');
  if ('transactionId' in order) {
    requireString('getPaidUnionid', 'order.transactionId', order.transactionId);
    return { transaction_id: order.transactionId };
  }
  requireString('getPaidUnionid', 'order.mchId', order.mchId);
  requireString('getPaidUnionid', 'order.outTradeNo', order.outTradeNo);
  return { mch_id: order.mchId, out_trade_no: order.outTradeNo };
}

/**
 * GET /wxa/getpaidunionid. Errors: 89300 invalid trade (unknown order, or paid over 5 minutes ago), 89002 (not
 * bound to an Open Platform account), 40003, token errcodes; a success without a unionid → ERR_UNIONID_UNAVAILABLE.
 * @example
 *   const unionid = await tokens.withToken(appid, (accessToken) => getPaidUnionid(http, { accessToken, openid, order: { transactionId } }));
 */
export async function getPaidUnionid(http: WeChatHttp, input: { accessToken: string; openid: string; order: PaidOrder }): Promise<string> {
  requireString('getPaidUnionid', 'accessToken', input.accessToken);
  requireString('getPaidUnionid', 'openid', input.openid);
  const r = await http.request({
    method: 'GET',
    path: PAID_UNIONID_PATH,
    query: { access_token: input.accessToken, openid: input.openid, ...orderQuery(input.order) },
    schema,
    retryTransport: true, // a read
  });
  if (!r.unionid) throw new AppError('ERR_UNIONID_UNAVAILABLE', { details: { endpoint: `GET ${PAID_UNIONID_PATH}` } });
  return r.unionid;
}
