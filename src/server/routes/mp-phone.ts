/**
 * POST /v1/mp/:appid/phone (Bearer) { code } — the phone number behind a `<button open-type="getPhoneNumber">`
 * phone code (single use, 5 minutes; not the wx.login code), stored on the session's live user and returned.
 * https://developers.weixin.qq.com/miniprogram/dev/server/API/user-info/phone-number/api_getphonenumber
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppDeps } from '../../compose/deps.js';
import { appidParams } from '../http/mp-schemas.js';
import { mpSessionRequest } from '../http/mp-session-request.js';
import { described } from '../http/route-contract.js';

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

/** Registers `POST /v1/mp/:appid/phone` (flows/mp/mp-phone.ts). */
export function registerMpPhone(app: FastifyInstance, deps: Pick<AppDeps, 'config' | 'sessions' | 'flows'>): void {
  app.post(
    '/v1/mp/:appid/phone',
    described({ summary: 'Bind the phone number (getPhoneNumber code) to the session\u2019s user', params: appidParams, body: phoneBody, bearer: true }),
    async (request) => {
      const { session, body } = await mpSessionRequest(request, deps, phoneBody);
      return deps.flows.mpPhone.bind(session, body.code);
    },
  );
}
