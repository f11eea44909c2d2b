/**
 * POST /v1/app/:appid/login { code } — a mobile app login: the app got `code` from the WeChat OpenSDK (`SendAuth`,
 * scope `snsapi_userinfo`) and sends it here; weunion exchanges it with the app's own appid/secret, resolves the
 * person (the unionid links them to the mini programs and official account) and answers a session.
 * https://developers.weixin.qq.com/doc/oplatform/Mobile_App/WeChat_Login/Authorized_API_call_UnionID.html
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppDeps } from '../../compose/deps.js';
import { requireApp } from '../../config/require-app.js';
import { parseOrThrow } from '../../parse-or-throw.js';
import { appidParams } from '../http/mp-schemas.js';
import { described } from '../http/route-contract.js';

const appLoginBody = z.strictObject({
  code: z
    .string()
    .min(1)
    .max(512)
    .regex(/^[\x21-\x7e]+$/, 'printable ASCII'),
  // SendAuth.Resp also carries the state the app chose, its language and country: accepted and ignored.
  state: z.string().max(1024).optional(),
  lang: z.string().max(32).optional(),
  country: z.string().max(32).optional(),
});

/** Registers `POST /v1/app/:appid/login` (flows/oauth/oauth-login.ts). */
export function registerAppLogin(app: FastifyInstance, deps: Pick<AppDeps, 'config' | 'flows'>): void {
  app.post(
    '/v1/app/:appid/login',
    described({ summary: 'Mobile app login (OpenSDK SendAuth code)', params: appidParams, body: appLoginBody }),
    async (request) => {
      const { appid } = parseOrThrow(appidParams, request.params, 'path');
      const wxApp = requireApp(deps.config, appid, 'mobile');
      const { code } = parseOrThrow(appLoginBody, request.body);
      return deps.flows.oauthLogin.answer(wxApp, code);
    },
  );
}
