/**
 * The common start of the mini program routes that act on an existing session (/unionid, /phone, /paid-unionid):
 * the app, the Bearer session (issued for this app), the body, and the session's app identity — in that order, so
 * every route reports the same first failure for the same bad request.
 */
import type { FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { AppConfig } from '../config/schema.js';
import { AppError } from '../errors.js';
import type { SessionClaims } from '../sessions/session-tokens.js';
import type { AppIdentityRow } from '../store/port.js';
import { requireApp } from './app-registry.js';
import type { AppDeps } from './deps.js';
import { requireSession } from './plugins/bearer-session.js';
import { appidParams } from './routes/mp-schemas.js';
import { parseOrThrow } from '../parse-or-throw.js';

export async function mpSessionRequest<S extends z.ZodType>(
  request: FastifyRequest,
  deps: Pick<AppDeps, 'config' | 'sessions' | 'store'>,
  bodySchema: S,
): Promise<{ appid: string; wxApp: AppConfig; claims: SessionClaims; body: z.output<S>; identity: AppIdentityRow }> {
  const { appid } = parseOrThrow(appidParams, request.params, 'path');
  const wxApp = requireApp(deps.config, appid, 'miniprogram');
  const claims = await requireSession(request, deps.sessions);
  if (claims.appid !== appid) throw new AppError('ERR_AUTH_APP_MISMATCH');
  const body = parseOrThrow(bodySchema, request.body);
  const identity = await deps.store.identity.findAppIdentity(appid, claims.openid);
  if (!identity) throw new AppError('ERR_AUTH_INVALID', { message: 'The session\u2019s identity no longer exists.' });
  return { appid, wxApp, claims, body, identity };
}

/** A mini program that is not bound to an Open Platform account never gets a unionid from WeChat. */
export function unboundAppError(appid: string): AppError {
  return new AppError('ERR_UNIONID_UNAVAILABLE', {
    message: `The app ${appid} is not bound to an Open Platform account, so WeChat never discloses a unionid for it.`,
  });
}
