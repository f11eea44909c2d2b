/**
 * POST /v1/session/refresh { refreshToken } — a new access token and refresh token for the session (the one sent
 * works once; sending it again revokes the session: ERR_REFRESH_REUSED). The answer has the login answer's shape, for
 * the live user (a merged person's session refreshes to the survivor).
 * POST /v1/session/logout { refreshToken } — revokes the session: its refresh token and its access tokens stop working.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppDeps } from '../../compose/deps.js';
import { parseOrThrow } from '../../parse-or-throw.js';

const refreshBody = z.strictObject({ refreshToken: z.string().min(1).max(256) });

/** Registers `POST /v1/session/refresh` and `POST /v1/session/logout` (flows/sessions/session-service.ts). */
export function registerSessionRefresh(app: FastifyInstance, deps: Pick<AppDeps, 'sessions'>): void {
  app.post('/v1/session/refresh', async (request) => {
    const { refreshToken } = parseOrThrow(refreshBody, request.body);
    return deps.sessions.refresh(refreshToken);
  });
  app.post('/v1/session/logout', async (request, reply) => {
    const { refreshToken } = parseOrThrow(refreshBody, request.body);
    await deps.sessions.logout(refreshToken);
    return reply.code(204).send();
  });
}
