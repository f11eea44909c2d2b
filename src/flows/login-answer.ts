/**
 * The answer every login flow gives — mini program, mobile app, session exchange, paid unionid — so clients parse
 * one shape: `{ userId, openid, unionid, unionidConfirmed, isNewUser, token, expiresIn }`.
 */
import type { SessionTokens } from '../sessions/session-tokens.js';

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
}

/** How a flow issues the session of a login: `SessionTokens.issue`. */
export type SessionIssuer = Pick<SessionTokens, 'issue'>;

/**
 * Issues a session for `outcome` and returns the answer body.
 * @example
 *   return answerLogin(sessions, { userId, appid, openid, unionid: null, unionidConfirmed: false, isNewUser: true });
 */
export async function answerLogin(sessions: SessionIssuer, outcome: LoginOutcome): Promise<LoginAnswer> {
  const { token, expiresIn } = await sessions.issue({ userId: outcome.userId, appid: outcome.appid, openid: outcome.openid });
  return {
    userId: outcome.userId,
    openid: outcome.openid,
    unionid: outcome.unionid,
    unionidConfirmed: outcome.unionidConfirmed,
    isNewUser: outcome.isNewUser,
    token,
    expiresIn,
  };
}
