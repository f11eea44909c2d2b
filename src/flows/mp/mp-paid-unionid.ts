/**
 * One more road to the unionid: within 5 minutes of a WeChat Pay payment, `wxa/getpaidunionid` discloses the
 * payer's unionid even when code2session did not. Learning it links the session's openid, or merges its openid-only
 * user into the unionid's owner; the answer has the login shape with a new token (the user id may have changed). An
 * order WeChat does not know for this person (89300) is 422 ERR_UNIONID_UNAVAILABLE, with WeChat's errcode kept.
 * https://developers.weixin.qq.com/miniprogram/dev/server/API/user-info/basic-info/api_getpaidunionid
 */
import { AppError } from '../../errors.js';
import type { IdentityService } from '../../identity/index.js';
import type { IdentityStore } from '../../store/port.js';
import { WECHAT_ERRCODE } from '../../wechat/api/errcodes.js';
import { answerLogin, type LoginAnswer, type SessionIssuer } from '../login-answer.js';
import { type LoginObserver, sourceOf } from '../login-observer.js';
import type { MiniProgramGateway } from '../ports.js';
import { type MpSession, requireUnion, sessionIdentity } from './mp-session.js';

export type PaidOrder = { transactionId: string } | { mchId: string; outTradeNo: string };

export interface MpPaidUnionidDeps {
  wechat: Pick<MiniProgramGateway, 'getPaidUnionid'>;
  identity: Pick<IdentityService, 'resolve'>;
  identities: Pick<IdentityStore, 'findAppIdentity'>;
  sessions: SessionIssuer;
  /** Told of every login and where its unionid came from (metrics); optional. */
  logins?: LoginObserver | undefined;
}

export function createMpPaidUnionid(deps: MpPaidUnionidDeps): { learn(session: MpSession, order: PaidOrder): Promise<LoginAnswer> } {
  return Object.freeze({
    async learn(session: MpSession, order: PaidOrder) {
      const { app, claims } = session;
      await sessionIdentity(deps.identities, session);
      const unionKey = requireUnion(app);
      const unionid = await deps.wechat.getPaidUnionid(app, claims.openid, order).catch((e: unknown) => {
        // 89300 is about the order the client named (unknown, someone else's, or paid over 5 minutes ago): a client
        // error, not a WeChat failure — a made-up transactionId must not answer 502 (found by test/fuzz).
        if (e instanceof AppError && e.wechat?.errcode === WECHAT_ERRCODE.INVALID_TRADE) {
          throw new AppError('ERR_UNIONID_UNAVAILABLE', {
            message: 'WeChat knows no payment by this person for this order in the last 5 minutes (89300 invalid trade).',
            wechat: e.wechat,
          });
        }
        throw e;
      });
      const result = await deps.identity.resolve({ unionKey, appid: app.appid, openid: claims.openid, unionid });
      deps.logins?.login({ appid: app.appid, road: 'mp_paid_unionid', unionidSource: sourceOf(unionid, 'paid_unionid'), isNewUser: result.isNewUser });
      return answerLogin(deps.sessions, {
        userId: result.userId,
        appid: app.appid,
        openid: claims.openid,
        unionid,
        unionidConfirmed: result.unionidConfirmed,
        isNewUser: result.isNewUser,
      });
    },
  });
}
