/**
 * One-time login codes: how a browser flow (OAuth redirect, scan-to-follow) hands a session to the page without
 * putting a session token in a URL. A code is random (128 bits), lives `flows.loginCodeTtlSeconds`, and is redeemed
 * once at `POST /v1/session/exchange`. Only a SHA-256 of the code is stored, so a database reader cannot redeem one.
 */

const flowId = (code: string): string => `lc_${createHash('sha256').update(code).digest('base64url')}`;
import { createHash } from 'node:crypto';
import { AppError } from '../errors.js';
import type { SessionClaims } from '../sessions/session-tokens.js';
import type { AppDeps } from './deps.js';

export async function issueLoginCode(
  deps: Pick<AppDeps, 'store' | 'clock' | 'random' | 'config'>,
  claims: SessionClaims & { unionid: string | null; isNewUser: boolean },
): Promise<string> {
  const code = deps.random(16).toString('base64url');
  const now = deps.clock.now();
  await deps.store.flows.putFlow(
    { id: flowId(code), kind: 'login_code', status: 'issued', data: { ...claims }, expiresAt: now + deps.config.flows.loginCodeTtlSeconds * 1000 },
    now,
  );
  return code;
}

/** Redeems a code once; an unknown, expired or already redeemed code is ERR_LOGIN_CODE_INVALID. */
export async function redeemLoginCode(
  deps: Pick<AppDeps, 'store' | 'clock'>,
  code: string,
): Promise<SessionClaims & { unionid: string | null; isNewUser: boolean }> {
  if (!/^[A-Za-z0-9_-]{22}$/.test(code)) throw new AppError('ERR_LOGIN_CODE_INVALID');
  const row = await deps.store.flows.consumeFlow(flowId(code), 'login_code', deps.clock.now());
  if (!row) throw new AppError('ERR_LOGIN_CODE_INVALID');
  const d = row.data as { userId: string; appid: string; openid: string; unionid: string | null; isNewUser: boolean };
  return { userId: d.userId, appid: d.appid, openid: d.openid, unionid: d.unionid ?? null, isNewUser: d.isNewUser === true };
}
