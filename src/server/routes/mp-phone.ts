/**
 * POST /v1/mp/:appid/phone (Bearer) { code } — the phone number behind a `<button open-type="getPhoneNumber">`
 * phone code (single use, 5 minutes; not the wx.login code), stored on the session's live user and returned.
 * https://developers.weixin.qq.com/miniprogram/dev/server/API/user-info/phone-number/api_getphonenumber
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { resolveUserId } from '../../identity/index.js';
import type { AppDeps } from '../deps.js';
import { mpSessionRequest } from '../mp-session-request.js';

const phoneBody = z.strictObject({
  code: z
    .string()
    .min(1)
    .max(128)
    .regex(/^[\x21-\x7e]+$/, 'printable ASCII'),
  // The button's event detail, often forwarded whole: the old encrypted fields are accepted and ignored.
  errMsg: z.string().max(256).optional(),
  encryptedData: z.string().max(16_384).optional(),
  iv: z.string().max(64).optional(),
  cloudID: z.string().max(1024).optional(),
});

/** Registers `POST /v1/mp/:appid/phone`. */
export function registerMpPhone(app: FastifyInstance, deps: AppDeps): void {
  app.post('/v1/mp/:appid/phone', async (request) => {
    const { wxApp, claims, body, identity } = await mpSessionRequest(request, deps, phoneBody);
    const { code } = body;
    const userId = (await resolveUserId(deps.store.identity, identity.userId)) ?? identity.userId;

    // The openid lets WeChat check that the phone code was minted for this very person.
    const phone = await deps.wechat.getPhoneNumber(wxApp, code, claims.openid);
    // setUserPhone follows merges made meanwhile and answers the live user it stored the phone on.
    const liveUserId = await deps.store.profile.setUserPhone(userId, phone, deps.clock.now());
    return { userId: liveUserId, phoneNumber: phone.phoneNumber, purePhoneNumber: phone.purePhoneNumber, countryCode: phone.countryCode };
  });
}
