/**
 * The decrypt road, for a session that logged in without a unionid (client decides). The login code is single-use,
 * so the session_key stored (sealed) at login opens the data. A decrypted unionid is the app's word, not WeChat's
 * (docs/design.md "Whose word a unionid is"): it links a unionid nobody owns yet, and one another user owns is held
 * (ERR_UNIONID_UNCONFIRMED) — unless the app is trusted (`trustDecryptedUnionid`), when it may merge this
 * openid-only user into the unionid's owner (the answer then carries the survivor's id and a new token). A session
 * whose unionid is known already gets ERR_UNIONID_ALREADY_KNOWN and no new token: a session is renewed by wx.login.
 * https://developers.weixin.qq.com/miniprogram/dev/framework/open-ability/signature.html
 */
import type { Clock } from '../../clock.js';
import { AppError } from '../../errors.js';
import type { IdentityService } from '../../identity/index.js';
import type { AtRestCipher } from '../../secrets/at-rest-cipher.js';
import type { IdentityStore } from '../../store/port.js';
import { answerLogin, type LoginAnswer, type SessionIssuer } from '../login-answer.js';
import type { LoginObserver } from '../login-observer.js';
import type { SessionKeyCheck } from './session-key-check.js';
import { type MpSession, requireUnion, sessionIdentity, sessionKeyAad } from './mp-session.js';
import { openUserData, type UserDataInput } from './open-user-data.js';

export interface MpUnionidDeps {
  keyCheck: SessionKeyCheck;
  identity: Pick<IdentityService, 'resolve'>;
  identities: Pick<IdentityStore, 'findAppIdentity'>;
  atRest: Pick<AtRestCipher, 'open'>;
  sessions: SessionIssuer;
  clock: Clock;
  maxAgeSeconds: number;
  /** Told of every login and where its unionid came from (metrics); optional. */
  logins?: LoginObserver | undefined;
}

/**
 * Every failure to open the data is answered no sooner than this after the request began, whichever check failed:
 * the failure paths differ by tens of microseconds (padding vs. JSON), and a padding oracle lives on such a gap.
 */
export const FAILURE_FLOOR_MS = 5;

export function createMpUnionid(deps: MpUnionidDeps): { decrypt(session: MpSession, userData: UserDataInput): Promise<LoginAnswer> } {
  return Object.freeze({
    async decrypt(session: MpSession, userData: UserDataInput) {
      const { app, claims } = session;
      const { appid } = app;
      const identity = await sessionIdentity(deps.identities, session);
      const unionKey = requireUnion(app);
      // Known already (another road got there first): nothing to decrypt, and no token for a body nobody checked.
      if (identity.unionid) throw new AppError('ERR_UNIONID_ALREADY_KNOWN');
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
        isKeyCurrent: () => deps.keyCheck.isCurrent(app, claims.openid, sessionKey),
        failureFloorMs: FAILURE_FLOOR_MS,
      });
      if (!payload.unionid) throw new AppError('ERR_UNIONID_UNAVAILABLE');
      const result = await deps.identity.resolve({
        unionKey,
        appid,
        openid: claims.openid,
        unionid: payload.unionid,
        unionidTrusted: app.trustDecryptedUnionid,
      });
      if (result.held) throw new AppError('ERR_UNIONID_UNCONFIRMED');
      deps.logins?.login({ appid, road: 'mp_unionid', unionidSource: 'decrypt', isNewUser: false });
      return answerLogin(deps.sessions, {
        userId: result.userId,
        appid,
        openid: claims.openid,
        unionid: result.unionid,
        unionidConfirmed: result.unionidConfirmed,
        isNewUser: false,
      });
    },
  });
}
