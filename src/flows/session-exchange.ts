/**
 * The last step of a browser login (OAuth callback, website QR login, scan-to-follow): the page's backend trades the
 * one-time login code from its redirect URL for a session, in the mini program login's answer shape.
 */
import { AppError } from '../errors.js';
import type { IdentityService } from '../identity/index.js';
import type { IdentityStore } from '../store/port.js';
import { answerLogin, type LoginAnswer, type SessionIssuer } from './login-answer.js';
import type { LoginCodes } from './login-codes.js';

export interface SessionExchangeDeps {
  loginCodes: Pick<LoginCodes, 'redeem'>;
  identity: Pick<IdentityService, 'liveUserId'>;
  identities: Pick<IdentityStore, 'findAppIdentity'>;
  sessions: SessionIssuer;
}

export function createSessionExchange(deps: SessionExchangeDeps): { exchange(code: string): Promise<LoginAnswer> } {
  return Object.freeze({
    async exchange(code: string) {
      const claims = await deps.loginCodes.redeem(code);
      // The user may have been merged (or the unionid learnt) between the callback and now: answer what is true now.
      const userId = await deps.identity.liveUserId(claims.userId);
      if (userId === undefined) throw new AppError('ERR_USER_NOT_FOUND');
      const identity = await deps.identities.findAppIdentity(claims.appid, claims.openid);
      return answerLogin(deps.sessions, {
        userId,
        appid: claims.appid,
        openid: claims.openid,
        unionid: identity?.unionid ?? claims.unionid,
        // Browser logins are OAuth and official-account roads: WeChat's own word (a decrypted claim is a mini
        // program's, never behind a login code); a unionid learnt since came by one of those roads too.
        unionidConfirmed: identity?.unionid != null && identity.unionid !== claims.unionid ? true : claims.unionidConfirmed === true,
        isNewUser: claims.isNewUser,
      });
    },
  });
}
