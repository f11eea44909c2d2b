/**
 * POST /v1/mp/:appid/unionid — the decrypt road for a session that logged in without a unionid (client decides).
 * The login code is single-use, so the session_key stored (sealed) at login opens the data. Learning the unionid may
 * merge this openid-only user into the unionid's owner; the answer then carries the survivor's id and a new token.
 */
import type { FastifyInstance } from 'fastify';
import { AppError } from '../../errors.js';
import { resolveLogin, resolveUserId } from '../../identity/index.js';
import { requireApp, sessionKeyAad } from '../app-registry.js';
import { requireSession } from '../plugins/bearer-session.js';
import type { AppDeps } from '../deps.js';
import { openUserData } from '../open-user-data.js';
import { parseOrThrow } from '../validate.js';
import { appidParams, unionidBody } from './mp-schemas.js';

export function registerMpUnionid(app: FastifyInstance, deps: AppDeps): void {
  app.post('/v1/mp/:appid/unionid', async (request) => {
    const { appid } = parseOrThrow(appidParams, request.params, 'path');
    const wxApp = requireApp(deps.config, appid, 'miniprogram');
    const claims = await requireSession(request, deps.sessions);
    if (claims.appid !== appid) throw new AppError('ERR_AUTH_APP_MISMATCH');
    const body = parseOrThrow(unionidBody, request.body);

    const identity = await deps.store.findAppIdentity(appid, claims.openid);
    if (!identity) throw new AppError('ERR_AUTH_INVALID', { message: 'The session\u2019s identity no longer exists.' });
    if (wxApp.union === null) throw new AppError('ERR_UNIONID_UNAVAILABLE', { message: `The app ${appid} is not bound to an Open Platform account, so WeChat never discloses a unionid for it.` });

    const liveUserId = (await resolveUserId(deps.store, identity.userId)) ?? identity.userId;
    if (identity.unionid) {
      // Already known (another road got there first): nothing to decrypt.
      const { token, expiresIn } = await deps.sessions.issue({ userId: liveUserId, appid, openid: claims.openid });
      return { userId: liveUserId, openid: claims.openid, unionid: identity.unionid, isNewUser: false, token, expiresIn };
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
    if (!payload.unionId) throw new AppError('ERR_UNIONID_UNAVAILABLE');

    const result = await resolveLogin(
      { store: deps.store, clock: deps.clock, newId: deps.newId },
      { unionId: wxApp.union, appid, openid: claims.openid, unionid: payload.unionId },
    );
    const { token, expiresIn } = await deps.sessions.issue({ userId: result.userId, appid, openid: claims.openid });
    return { userId: result.userId, openid: claims.openid, unionid: payload.unionId, isNewUser: false, token, expiresIn };
  });
}
