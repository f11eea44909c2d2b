/** Reads `Authorization: Bearer <token>` and verifies it as a weunion session. */
import type { FastifyRequest } from 'fastify';
import { AppError } from '../../errors.js';
import type { SessionClaims, SessionTokens } from '../../sessions/session-tokens.js';

export async function requireSession(request: FastifyRequest, sessions: Pick<SessionTokens, 'verify'>): Promise<SessionClaims> {
  const header = request.headers.authorization;
  if (!header) throw new AppError('ERR_AUTH_MISSING');
  const match = /^Bearer ([A-Za-z0-9_.-]{1,4096})$/.exec(header);
  if (!match) throw new AppError('ERR_AUTH_INVALID', { message: 'The Authorization header must be "Bearer <token>".' });
  return sessions.verify(match[1]!);
}
