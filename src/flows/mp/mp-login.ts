/**
 * A mini program login. The client sends the `wx.login` code; with `encryptedData` + `iv` (server decides) the
 * unionid is taken from the decrypted data when code2session did not hand it over; without them (client decides)
 * the answer says `unionid: null` and the client may follow up on the decrypt road (mp-unionid.ts).
 * https://developers.weixin.qq.com/miniprogram/dev/server/API/user-login/api_code2session
 */
import type { Clock } from '../../clock.js';
import type { AppConfig } from '../../config/schema.js';
import type { IdentityService } from '../../identity/index.js';
import type { AtRestCipher } from '../../secrets/at-rest-cipher.js';
import { answerLogin, type LoginAnswer, type SessionIssuer } from '../login-answer.js';
import type { LoginObserver } from '../login-observer.js';
import type { MiniProgramGateway } from '../ports.js';
import { sessionKeyAad } from './mp-session.js';
import { openUserData, type UserDataInput } from './open-user-data.js';

export interface MpLoginInput {
  code: string;
  /** Server decides: the user data to open when code2session carries no unionid. */
  userData?: UserDataInput | undefined;
}

export interface MpLoginDeps {
  wechat: Pick<MiniProgramGateway, 'code2Session'>;
  identity: Pick<IdentityService, 'resolve'>;
  atRest: Pick<AtRestCipher, 'seal'>;
  sessions: SessionIssuer;
  clock: Clock;
  /** `userData.maxAgeSeconds`: how old a decrypted watermark may be. */
  maxAgeSeconds: number;
  /** Told of every login and where its unionid came from (metrics); optional. */
  logins?: LoginObserver | undefined;
}

export function createMpLogin(deps: MpLoginDeps): { login(app: AppConfig, input: MpLoginInput): Promise<LoginAnswer> } {
  return Object.freeze({
    async login(app: AppConfig, input: MpLoginInput) {
      const { appid } = app;
      const session = await deps.wechat.code2Session(app, input.code);
      let unionid = app.union !== null ? (session.unionid ?? null) : null;
      // code2session's unionid is WeChat's own word; a decrypted one only the app's (mp-unionid.ts, design.md).
      let unionidTrusted = true;
      let decrypted = false;
      if (app.union !== null && unionid === null && input.userData !== undefined) {
        const payload = await openUserData({
          appid,
          openid: session.openid,
          sessionKey: session.sessionKey,
          input: input.userData,
          nowMs: deps.clock.now(),
          maxAgeSeconds: deps.maxAgeSeconds,
          // The key is fresh from code2session, so data that does not open was sealed before a rotation (or forged).
          isKeyCurrent: async () => false,
        });
        unionid = payload.unionid ?? null;
        decrypted = unionid !== null;
        unionidTrusted = app.trustDecryptedUnionid;
      }
      const result = await deps.identity.resolve({
        unionKey: app.union,
        appid,
        openid: session.openid,
        unionid,
        unionidTrusted,
        sessionKeyEnc: deps.atRest.seal(session.sessionKey, sessionKeyAad(appid, session.openid)),
      });
      deps.logins?.login({
        appid,
        road: 'mp_login',
        unionidSource: result.unionid === null ? 'none' : decrypted ? 'decrypt' : 'code2session',
        isNewUser: result.isNewUser,
      });
      // A held claim logs the person in by openid only: the answer says unionid null, as for an unbound app.
      return answerLogin(deps.sessions, {
        userId: result.userId,
        appid,
        openid: session.openid,
        unionid: result.unionid,
        unionidConfirmed: result.unionidConfirmed,
        isNewUser: result.isNewUser,
      });
    },
  });
}
