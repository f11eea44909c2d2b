/**
 * POST /wxa/business/getuserphonenumber — the phone number behind a phone code
 * (https://developers.weixin.qq.com/miniprogram/dev/server/API/user-info/phone-number/api_getphonenumber; docs/wechat-api.md §1.6).
 * Mini program token only (else 48001). JSON body `{ code, openid? }`: a body that is not JSON (e.g. form-encoded)
 * → 47001; no code → 41008; an unknown, expired, used or other app's code → 40029; an `openid` that is not the
 * code's person → 40003 [unconf: the exact code is not documented]. `countryCode` is sent as the number 86, as in
 * every published example (the field table says string).
 */
import type { FastifyInstance } from 'fastify';
import type { EmulatorContext } from '../context.js';
import { checkAppToken } from '../token-check.js';
import { jsonObjectBody, str } from '../wechat-body.js';

export function registerPhoneNumber(app: FastifyInstance, ctx: EmulatorContext): void {
  const { state, wx, clock } = ctx;
  app.post('/wxa/business/getuserphonenumber', async (request, reply) => {
    const gate = checkAppToken(state, request.query, ['miniprogram']);
    if (!gate.ok) return wx.error(reply, gate.errcode);
    const parsed = jsonObjectBody(request.body);
    if (!parsed.ok) return wx.error(reply, parsed.errcode);
    const code = str(parsed.body.code);
    if (code === undefined) return wx.error(reply, 41008);
    const taken = state.phoneCodes.take(code, gate.app.appid);
    if (!taken.ok) return wx.error(reply, 40029);
    const person = state.persons.get(taken.data.personId);
    if (person === undefined) return wx.error(reply, 40029);
    const openid = str(parsed.body.openid);
    if (openid !== undefined && openid !== state.persons.openid(person.id, gate.app.appid)) return wx.error(reply, 40003);
    const { countryCode, number } = person.phone;
    return wx.ok(reply, {
      errcode: 0,
      errmsg: 'ok',
      phone_info: {
        // WeChat prefixes foreign numbers with their country code; Chinese ones come bare.
        phoneNumber: countryCode === '86' ? number : `+${countryCode}${number}`,
        purePhoneNumber: number,
        countryCode: Number(countryCode),
        watermark: { timestamp: Math.floor(clock.now() / 1000), appid: gate.app.appid },
      },
    });
  });
}
