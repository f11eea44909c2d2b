/**
 * POST /v1/mp/:appid/login — a mini program login (flows/mp/mp-login.ts): `{ code }` (client decides) or
 * `{ code, encryptedData, iv[, rawData, signature] }` (server decides).
 * https://developers.weixin.qq.com/miniprogram/dev/server/API/user-login/api_code2session
 */
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../compose/deps.js';
import { requireApp } from '../../config/require-app.js';
import { parseOrThrow } from '../../parse-or-throw.js';
import { appidParams, loginBody } from '../http/mp-schemas.js';
import { described } from '../http/route-contract.js';

export function registerMpLogin(app: FastifyInstance, deps: Pick<AppDeps, 'config' | 'flows'>): void {
  app.post(
    '/v1/mp/:appid/login',
    described({ summary: 'Mini program login (wx.login code; with encryptedData + iv the server decides)', params: appidParams, body: loginBody }),
    async (request) => {
      const { appid } = parseOrThrow(appidParams, request.params, 'path');
      const wxApp = requireApp(deps.config, appid, 'miniprogram');
      const body = parseOrThrow(loginBody, request.body);
      const userData =
        body.encryptedData !== undefined && body.iv !== undefined
          ? { encryptedData: body.encryptedData, iv: body.iv, rawData: body.rawData, signature: body.signature }
          : undefined;
      return deps.flows.mpLogin.login(wxApp, { code: body.code, userData });
    },
  );
}
