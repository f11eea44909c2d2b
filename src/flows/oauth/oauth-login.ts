/**
 * The step every Open Platform road shares — official-account web pages, website QR login, mobile app: an OAuth
 * code becomes an (openid, unionid) through `sns/oauth2/access_token` (and `sns/userinfo` when the token answer
 * left the unionid out but the scope allows asking), and that resolves to our user.
 * https://developers.weixin.qq.com/doc/service/api/webdev/access/api_snsaccesstoken
 * https://developers.weixin.qq.com/doc/service/api/webdev/access/api_snsuserinfo
 */
import type { AppConfig } from '../../config/schema.js';
import { AppError } from '../../errors.js';
import type { IdentityService } from '../../identity/index.js';
import { answerLogin, type LoginAnswer, type LoginOutcome, type SessionIssuer } from '../login-answer.js';
import { type LoginObserver, sourceOf } from '../login-observer.js';
import type { OAuthGateway } from '../ports.js';

export interface OAuthLoginDeps {
  wechat: OAuthGateway;
  identity: Pick<IdentityService, 'resolve'>;
  sessions: SessionIssuer;
  /** Told of every login and where its unionid came from (metrics); optional. */
  logins?: LoginObserver | undefined;
}

export interface OAuthLogin {
  /** The code's person as our user (the browser flows hand it on as a one-time login code). */
  login(app: AppConfig, code: string): Promise<LoginOutcome>;
  /** A mobile app's login (OpenSDK `SendAuth` code): the person, with a session. */
  answer(app: AppConfig, code: string): Promise<LoginAnswer>;
}

/** Scopes whose token may call `sns/userinfo` (a `snsapi_base` token gets 48001 there). */
const USERINFO_SCOPES: ReadonlySet<string> = new Set(['snsapi_userinfo', 'snsapi_login']);

function allowsUserInfo(grantedScope: string): boolean {
  return grantedScope.split(',').some((s) => USERINFO_SCOPES.has(s.trim()));
}

/**
 * A snapshot-mode virtual user (`is_snapshotuser: 1`: its openid/unionid are not the person's) is refused with
 * ERR_OAUTH_SNAPSHOT_USER before anything is stored. WeChat errors surface as the gateway's AppErrors
 * (40029 → ERR_WECHAT_CODE_INVALID, 40163 → ERR_WECHAT_CODE_USED…).
 * @example
 *   const oauthLogin = createOAuthLogin({ wechat, identity, sessions });
 *   const outcome = await oauthLogin.login(app, code); // { userId, appid, openid, unionid, isNewUser }
 */
export function createOAuthLogin(deps: OAuthLoginDeps): OAuthLogin {
  async function login(app: AppConfig, code: string): Promise<LoginOutcome> {
    const token = await deps.wechat.exchangeOAuthCode(app, code);
    if (token.isSnapshotUser) throw new AppError('ERR_OAUTH_SNAPSHOT_USER');
    let unionid: string | null = null;
    if (app.union !== null) {
      unionid = token.unionid ?? null;
      if (unionid === null && allowsUserInfo(token.scope)) {
        const info = await deps.wechat.oauthUserInfo(app, token.accessToken, token.openid);
        if (info.openid !== token.openid) {
          throw new AppError('ERR_WECHAT_BAD_RESPONSE', { message: 'sns/userinfo answered for another openid than the token\u2019s.' });
        }
        unionid = info.unionid ?? null;
      }
    }
    const result = await deps.identity.resolve({ unionKey: app.union, appid: app.appid, openid: token.openid, unionid });
    deps.logins?.login({ appid: app.appid, road: 'oauth', unionidSource: sourceOf(unionid, 'oauth'), isNewUser: result.isNewUser });
    return { userId: result.userId, appid: app.appid, openid: token.openid, unionid, unionidConfirmed: result.unionidConfirmed, isNewUser: result.isNewUser };
  }
  return Object.freeze({
    login,
    answer: async (app: AppConfig, code: string) => answerLogin(deps.sessions, await login(app, code)),
  });
}
