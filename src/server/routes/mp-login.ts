/**
 * POST /v1/mp/:appid/login — a mini program login. The client sends the `wx.login` code; with `encryptedData` + `iv`
 * (server decides) the unionid is taken from the decrypted data when code2session did not hand it over; without
 * them (client decides) the answer says `unionid: null` and the client may follow up on /unionid.
 * https://developers.weixin.qq.com/miniprogram/dev/server/API/user-login/api_code2session
 */
import type { FastifyInstance } from 'fastify';
import { resolveLogin } from '../../identity/index.js';
import { requireApp, sessionKeyAad } from '../app-registry.js';
import type { AppDeps } from '../deps.js';
import { loginAnswer } from '../login-answer.js';
import { openUserData } from '../open-user-data.js';
import { parseOrThrow } from '../../parse-or-throw.js';
import { appidParams, loginBody } from './mp-schemas.js';

export function registerMpLogin(app: FastifyInstance, deps: AppDeps): void {
  app.post('/v1/mp/:appid/login', async (request) => {
    const { appid } = parseOrThrow(appidParams, request.params, 'path');
    const wxApp = requireApp(deps.config, appid, 'miniprogram');
    const body = parseOrThrow(loginBody, request.body);

    const session = await deps.wechat.code2Session(wxApp, body.code);
    const bound = wxApp.union !== null;
    let unionid = bound ? (session.unionid ?? null) : null;

    if (bound && unionid === null && body.encryptedData !== undefined && body.iv !== undefined) {
      const payload = await openUserData({
        appid,
        openid: session.openid,
        sessionKey: session.sessionKey,
        input: { encryptedData: body.encryptedData, iv: body.iv, rawData: body.rawData, signature: body.signature },
        nowMs: deps.clock.now(),
        maxAgeSeconds: deps.config.userData.maxAgeSeconds,
        // The key is fresh from code2session, so data that does not open was sealed before a rotation (or forged).
        isKeyCurrent: async () => false,
      });
      unionid = payload.unionid ?? null;
    }

    const result = await resolveLogin(
      { store: deps.store.identity, clock: deps.clock, newId: deps.newId },
      {
        unionKey: wxApp.union,
        appid,
        openid: session.openid,
        unionid,
        sessionKeyEnc: deps.atRest.seal(session.sessionKey, sessionKeyAad(appid, session.openid)),
      },
    );
    return loginAnswer(deps, { userId: result.userId, appid, openid: session.openid, unionid, isNewUser: result.isNewUser });
  });
}
