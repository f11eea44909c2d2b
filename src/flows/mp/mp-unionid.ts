/**
 * The decrypt road, for a session that logged in without a unionid (client decides). The login code is single-use,
 * so the session_key stored (sealed) at login opens the data. Learning the unionid may merge this openid-only user
 * into the unionid's owner; the answer then carries the survivor's id and a new token.
 * https://developers.weixin.qq.com/miniprogram/dev/framework/open-ability/signature.html
 */
import type { Clock } from '../../clock.js';
import { AppError } from '../../errors.js';
import type { IdentityService } from '../../identity/index.js';
import type { AtRestCipher } from '../../secrets/at-rest-cipher.js';
import type { IdentityStore } from '../../store/port.js';
import { answerLogin, type LoginAnswer, type SessionIssuer } from '../login-answer.js';
import type { MiniProgramGateway } from '../ports.js';
import { type MpSession, requireUnion, sessionIdentity, sessionKeyAad } from './mp-session.js';
import { openUserData, type UserDataInput } from './open-user-data.js';

export interface MpUnionidDeps {
  wechat: Pick<MiniProgramGateway, 'isSessionKeyCurrent'>;
  identity: Pick<IdentityService, 'resolve' | 'liveUserId'>;
  identities: Pick<IdentityStore, 'findAppIdentity'>;
  atRest: Pick<AtRestCipher, 'open'>;
  sessions: SessionIssuer;
  clock: Clock;
  maxAgeSeconds: number;
}

export function createMpUnionid(deps: MpUnionidDeps): { decrypt(session: MpSession, userData: UserDataInput): Promise<LoginAnswer> } {
  return Object.freeze({
    async decrypt(session: MpSession, userData: UserDataInput) {
      const { app, claims } = session;
      const { appid } = app;
      const identity = await sessionIdentity(deps.identities, session);
      const unionKey = requireUnion(app);
      const liveUserId = (await deps.identity.liveUserId(identity.userId)) ?? identity.userId;
      if (identity.unionid) {
        // Already known (another road got there first): nothing to decrypt.
        return answerLogin(deps.sessions, { userId: liveUserId, appid, openid: claims.openid, unionid: identity.unionid, isNewUser: false });
      }
      const sessionKey = identity.sessionKeyEnc ? deps.atRest.open(identity.sessionKeyEnc, sessionKeyAad(appid, claims.openid)) : null;
      if (sessionKey === null)
        throw new AppError('ERR_SESSION_KEY_STALE', { message: 'No usable session_key is stored for this session: call wx.login again.' });
      const payload = await openUserData({
        appid,
        openid: claims.openid,
        sessionKey,
        input: userData,
        nowMs: deps.clock.now(),
        maxAgeSeconds: deps.maxAgeSeconds,
        isKeyCurrent: () => deps.wechat.isSessionKeyCurrent(app, claims.openid, sessionKey),
      });
      if (!payload.unionid) throw new AppError('ERR_UNIONID_UNAVAILABLE');
      const result = await deps.identity.resolve({ unionKey, appid, openid: claims.openid, unionid: payload.unionid });
      return answerLogin(deps.sessions, { userId: result.userId, appid, openid: claims.openid, unionid: payload.unionid, isNewUser: false });
    },
  });
}
