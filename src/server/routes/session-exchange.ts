/**
 * POST /v1/session/exchange { code } — the last step of a browser login (OAuth callback, website QR login,
 * scan-to-follow): the page's backend trades the one-time login code from its redirect URL for a session. The
 * answer has the mini program login's shape. A code works once and lives `flows.loginCodeTtlSeconds`.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { AppError } from '../../errors.js';
import { resolveUserId } from '../../identity/index.js';
import type { AppDeps } from '../deps.js';
import { redeemLoginCode } from '../login-codes.js';
import { loginAnswer } from '../login-answer.js';
import { parseOrThrow } from '../../parse-or-throw.js';

const exchangeBody = z.strictObject({ code: z.string().min(1).max(128) });

/** Registers `POST /v1/session/exchange`. */
export function registerSessionExchange(app: FastifyInstance, deps: AppDeps): void {
  app.post('/v1/session/exchange', async (request) => {
    const { code } = parseOrThrow(exchangeBody, request.body);
    const claims = await redeemLoginCode(deps, code);
    // The user may have been merged (or the unionid learnt) between the callback and now: answer what is true now.
    const userId = await resolveUserId(deps.store.identity, claims.userId);
    if (userId === undefined) throw new AppError('ERR_USER_NOT_FOUND');
    const identity = await deps.store.identity.findAppIdentity(claims.appid, claims.openid);
    return loginAnswer(deps, {
      userId,
      appid: claims.appid,
      openid: claims.openid,
      unionid: identity?.unionid ?? claims.unionid,
      isNewUser: claims.isNewUser,
    });
  });
}
