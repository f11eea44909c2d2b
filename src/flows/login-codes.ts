/**
 * One-time login codes: how a browser flow (OAuth redirect, scan-to-follow) hands a session to the page without
 * putting a session token in a URL. A code is random (128 bits), lives `flows.loginCodeTtlSeconds`, and is redeemed
 * once at `POST /v1/session/exchange`. Only a SHA-256 of the code is stored, so a database reader cannot redeem one.
 */
import { createHash } from 'node:crypto';
import type { Clock } from '../clock.js';
import { AppError } from '../errors.js';
import type { SessionClaims } from '../sessions/session-tokens.js';
import type { FlowStore } from '../store/port.js';
import type { RandomBytes } from './ports.js';

/** What a login code stands for: the session to issue, and what the login answer says. */
export type LoginCodeClaims = SessionClaims & { unionid: string | null; unionidConfirmed?: boolean; isNewUser: boolean };

export interface LoginCodes {
  /** A fresh code for `claims`. */
  issue(claims: LoginCodeClaims): Promise<string>;
  /** Redeems a code once; an unknown, expired or already redeemed code is ERR_LOGIN_CODE_INVALID. */
  redeem(code: string): Promise<LoginCodeClaims>;
}

const flowId = (code: string): string => `lc_${createHash('sha256').update(code).digest('base64url')}`;

export function createLoginCodes(deps: {
  flows: Pick<FlowStore, 'putFlow' | 'consumeFlow'>;
  clock: Clock;
  random: RandomBytes;
  ttlSeconds: number;
}): LoginCodes {
  const { flows, clock, random, ttlSeconds } = deps;
  return Object.freeze({
    async issue(claims: LoginCodeClaims) {
      const code = random(16).toString('base64url');
      const now = clock.now();
      await flows.putFlow({ id: flowId(code), kind: 'login_code', status: 'issued', data: { ...claims }, expiresAt: now + ttlSeconds * 1000 }, now);
      return code;
    },
    async redeem(code: string) {
      if (!/^[A-Za-z0-9_-]{22}$/.test(code)) throw new AppError('ERR_LOGIN_CODE_INVALID');
      const row = await flows.consumeFlow(flowId(code), 'login_code', clock.now());
      if (!row) throw new AppError('ERR_LOGIN_CODE_INVALID');
      const d = row.data as { userId: string; appid: string; openid: string; unionid: string | null; unionidConfirmed?: boolean; isNewUser: boolean };
      const unionid = d.unionid ?? null;
      return { userId: d.userId, appid: d.appid, openid: d.openid, unionid, unionidConfirmed: d.unionidConfirmed === true, isNewUser: d.isNewUser === true };
    },
  });
}
