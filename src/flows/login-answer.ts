/**
 * The answer every login flow gives — mini program, mobile app, session exchange, paid unionid — so clients parse
 * one shape: `{ userId, openid, unionid, unionidConfirmed, isNewUser, token, expiresIn, refreshToken, refreshExpiresIn }`.
 */
import type { SessionService } from './sessions/session-service.js';

export interface LoginOutcome {
  /** The live user. */
  userId: string;
  appid: string;
  openid: string;
  unionid: string | null;
  /** WeChat's own word stands behind `unionid` (false for a decrypted claim nobody confirmed yet, and for null). */
  unionidConfirmed: boolean;
  isNewUser: boolean;
}

export interface LoginAnswer {
  userId: string;
  openid: string;
  unionid: string | null;
  unionidConfirmed: boolean;
  isNewUser: boolean;
  token: string;
  expiresIn: number;
  /** Opaque; trade it at `POST /v1/session/refresh` for a new pair (it works once). */
  refreshToken: string;
  refreshExpiresIn: number;
}

/** How a flow issues the session of a login: `SessionService.issue` (a new session family). */
export type SessionIssuer = Pick<SessionService, 'issue'>;

/**
 * Issues a session for `outcome` and returns the answer body.
 * @example
 *   return answerLogin(sessions, { userId, appid, openid, unionid: null, unionidConfirmed: false, isNewUser: true });
 */
export async function answerLogin(sessions: SessionIssuer, outcome: LoginOutcome): Promise<LoginAnswer> {
  const { token, expiresIn, refreshToken, refreshExpiresIn } = await sessions.issue({ userId: outcome.userId, appid: outcome.appid, openid: outcome.openid });
  return {
    userId: outcome.userId,
    openid: outcome.openid,
    unionid: outcome.unionid,
    unionidConfirmed: outcome.unionidConfirmed,
    isNewUser: outcome.isNewUser,
    token,
    expiresIn,
    refreshToken,
    refreshExpiresIn,
  };
}
