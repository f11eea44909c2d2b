/**
 * A mini program user's phone number from a phone code (docs/wechat-api.md §1.6): the code comes from
 * `<button open-type="getPhoneNumber">` (single use, 5 minutes) — not the `wx.login` code.
 * https://developers.weixin.qq.com/miniprogram/dev/server/API/user-info/phone-number/api_getphonenumber
 */
import { z } from 'zod';
import type { WeChatHttp } from './request.js';
import { requireString } from './require.js';

export const PHONE_NUMBER_PATH = '/wxa/business/getuserphonenumber';

export interface PhoneNumber {
  /** With the country code for numbers outside mainland China. Personal data: do not log it. */
  phoneNumber: string;
  /** Without the country code. */
  purePhoneNumber: string;
  /** Documented as a string, sent as a number in every example: always a string here. */
  countryCode: string;
  watermark: { appid: string; timestamp: number };
}

const schema = z.object({
  phone_info: z.object({
    phoneNumber: z.string().min(1),
    purePhoneNumber: z.string().min(1),
    countryCode: z.union([z.string().min(1), z.number().int().nonnegative().transform(String)]),
    watermark: z.object({ appid: z.string(), timestamp: z.number() }),
  }),
});

/**
 * POST /wxa/business/getuserphonenumber with a JSON body (form-encoding gets 47001). `openid`, when given, makes
 * WeChat check that the code belongs to that user. Never retried on transport failure (the code is single use).
 * Errors: 40029 ERR_WECHAT_CODE_INVALID, 45011, token errcodes (use `withToken`).
 * @example
 *   const phone = await tokens.withToken(appid, (accessToken) => getPhoneNumber(http, { accessToken, code }));
 */
export async function getPhoneNumber(http: WeChatHttp, input: { accessToken: string; code: string; openid?: string | undefined }): Promise<PhoneNumber> {
  requireString('getPhoneNumber', 'accessToken', input.accessToken);
  requireString('getPhoneNumber', 'code', input.code);
  if (input.openid !== undefined) requireString('getPhoneNumber', 'openid', input.openid);
  const r = await http.request({
    method: 'POST',
    path: PHONE_NUMBER_PATH,
    query: { access_token: input.accessToken },
    body: { code: input.code, ...(input.openid !== undefined ? { openid: input.openid } : {}) },
    schema,
    retryTransport: false,
  });
  const p = r.phone_info;
  return { phoneNumber: p.phoneNumber, purePhoneNumber: p.purePhoneNumber, countryCode: p.countryCode, watermark: p.watermark };
}
