/**
 * POST /v1/mp/:appid/phone (Bearer) { code } — the phone number behind a `<button open-type="getPhoneNumber">`
 * phone code (single use, 5 minutes; not the wx.login code), stored on the session's live user and returned.
 * https://developers.weixin.qq.com/miniprogram/dev/server/API/user-info/phone-number/api_getphonenumber
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { AppError } from '../../errors.js';
import { resolveUserId } from '../../identity/index.js';
import { requireApp } from '../app-registry.js';
import type { AppDeps } from '../deps.js';
import { requireSession } from '../plugins/bearer-session.js';
import { parseOrThrow } from '../validate.js';
import { appidParams } from './mp-schemas.js';

const phoneBody = z.strictObject({
  code: z.string().min(1).max(128).regex(/^[\x21-\x7e]+$/, 'printable ASCII'),
  // The button's event detail, often forwarded whole: the old encrypted fields are accepted and ignored.
  errMsg: z.string().max(256).optional(),
  encryptedData: z.string().max(16_384).optional(),
  iv: z.string().max(64).optional(),
  cloudID: z.string().max(1024).optional(),
});

/** Registers `POST /v1/mp/:appid/phone`. */
export function registerMpPhone(app: FastifyInstance, deps: AppDeps): void {
  app.post('/v1/mp/:appid/phone', async (request) => {
    const { appid } = parseOrThrow(appidParams, request.params, 'path');
    const wxApp = requireApp(deps.config, appid, 'miniprogram');
    const claims = await requireSession(request, deps.sessions);
    if (claims.appid !== appid) throw new AppError('ERR_AUTH_APP_MISMATCH');
    const { code } = parseOrThrow(phoneBody, request.body);

    const identity = await deps.store.findAppIdentity(appid, claims.openid);
    if (!identity) throw new AppError('ERR_AUTH_INVALID', { message: 'The session\u2019s identity no longer exists.' });
    const userId = (await resolveUserId(deps.store, identity.userId)) ?? identity.userId;

    // The openid lets WeChat check that the phone code was minted for this very person.
    const phone = await deps.wechat.getPhoneNumber(wxApp, code, claims.openid);
    // setUserPhone follows merges made meanwhile and answers the live user it stored the phone on.
    const liveUserId = await deps.store.setUserPhone(userId, phone, deps.clock.now());
    return { userId: liveUserId, phoneNumber: phone.phoneNumber, purePhoneNumber: phone.purePhoneNumber, countryCode: phone.countryCode };
  });
}
