/**
 * The HTTP start of the mini program routes that act on an existing session (/unionid, /phone, /paid-unionid):
 * the app, the Bearer session (issued for this app) and the body — in that order, so every route reports the same
 * first failure for the same bad request. The flow then checks the session's identity still exists.
 */
import type { FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { AppDeps } from '../../compose/deps.js';
import { requireApp } from '../../config/require-app.js';
import { AppError } from '../../errors.js';
import type { MpSession } from '../../flows/mp/mp-session.js';
import { parseOrThrow } from '../../parse-or-throw.js';
import { requireSession } from './bearer-session.js';
import { appidParams } from './mp-schemas.js';

export async function mpSessionRequest<S extends z.ZodType>(
  request: FastifyRequest,
  deps: Pick<AppDeps, 'config' | 'sessions'>,
  bodySchema: S,
): Promise<{ session: MpSession; body: z.output<S> }> {
  const { appid } = parseOrThrow(appidParams, request.params, 'path');
  const app = requireApp(deps.config, appid, 'miniprogram');
  const claims = await requireSession(request, deps.sessions);
  if (claims.appid !== appid) throw new AppError('ERR_AUTH_APP_MISMATCH');
  const body = parseOrThrow(bodySchema, request.body);
  return { session: { app, claims }, body };
}
