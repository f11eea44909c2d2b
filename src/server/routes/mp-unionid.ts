/**
 * POST /v1/mp/:appid/unionid — the decrypt road for a session that logged in without a unionid (client decides).
 * The login code is single-use, so the session_key stored (sealed) at login opens the data. Learning the unionid may
 * merge this openid-only user into the unionid's owner; the answer then carries the survivor's id and a new token.
 */
import type { FastifyInstance } from 'fastify';
import { AppError } from '../../errors.js';
import { resolveLogin, resolveUserId } from '../../identity/index.js';
import { sessionKeyAad } from '../app-registry.js';
import type { AppDeps } from '../deps.js';
import { loginAnswer } from '../login-answer.js';
import { mpSessionRequest, unboundAppError } from '../mp-session-request.js';
import { openUserData } from '../open-user-data.js';
import { unionidBody } from './mp-schemas.js';

export function registerMpUnionid(app: FastifyInstance, deps: AppDeps): void {
  app.post('/v1/mp/:appid/unionid', async (request) => {
    const { appid, wxApp, claims, body, identity } = await mpSessionRequest(request, deps, unionidBody);
    if (wxApp.union === null) throw unboundAppError(appid);

    const liveUserId = (await resolveUserId(deps.store.identity, identity.userId)) ?? identity.userId;
    if (identity.unionid) {
      // Already known (another road got there first): nothing to decrypt.
      return loginAnswer(deps, { userId: liveUserId, appid, openid: claims.openid, unionid: identity.unionid, isNewUser: false });
    }

    const sessionKey = identity.sessionKeyEnc ? deps.atRest.open(identity.sessionKeyEnc, sessionKeyAad(appid, claims.openid)) : null;
    if (sessionKey === null) throw new AppError('ERR_SESSION_KEY_STALE', { message: 'No usable session_key is stored for this session: call wx.login again.' });

    const payload = await openUserData({
      appid,
      openid: claims.openid,
      sessionKey,
      input: { encryptedData: body.encryptedData, iv: body.iv, rawData: body.rawData, signature: body.signature },
      nowMs: deps.clock.now(),
      maxAgeSeconds: deps.config.userData.maxAgeSeconds,
      isKeyCurrent: () => deps.wechat.isSessionKeyCurrent(wxApp, claims.openid, sessionKey),
    });
    if (!payload.unionid) throw new AppError('ERR_UNIONID_UNAVAILABLE');

    const result = await resolveLogin(
      { store: deps.store.identity, clock: deps.clock, newId: deps.newId },
      { unionKey: wxApp.union, appid, openid: claims.openid, unionid: payload.unionid },
    );
    return loginAnswer(deps, { userId: result.userId, appid, openid: claims.openid, unionid: payload.unionid, isNewUser: false });
  });
}
