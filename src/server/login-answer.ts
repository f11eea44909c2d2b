/**
 * The answer every login route gives — mini program, mobile app, session exchange, paid unionid — so clients parse
 * one shape: `{ userId, openid, unionid, isNewUser, token, expiresIn }`.
 */
import type { AppDeps } from './deps.js';

export interface LoginOutcome {
  /** The live user. */
  userId: string;
  appid: string;
  openid: string;
  unionid: string | null;
  isNewUser: boolean;
}

export interface LoginAnswer {
  userId: string;
  openid: string;
  unionid: string | null;
  isNewUser: boolean;
  token: string;
  expiresIn: number;
}

/**
 * Issues a session for `outcome` and returns the answer body.
 * @example
 *   return loginAnswer(deps, { userId, appid, openid, unionid: null, isNewUser: true });
 */
export async function loginAnswer(deps: Pick<AppDeps, 'sessions'>, outcome: LoginOutcome): Promise<LoginAnswer> {
  const { token, expiresIn } = await deps.sessions.issue({ userId: outcome.userId, appid: outcome.appid, openid: outcome.openid });
  return { userId: outcome.userId, openid: outcome.openid, unionid: outcome.unionid, isNewUser: outcome.isNewUser, token, expiresIn };
}
