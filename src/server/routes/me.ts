/** GET /v1/me — the live user behind a session (a merged user's old token resolves to the survivor). */
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../compose/deps.js';
import { AppError } from '../../errors.js';
import { requireSession } from '../http/bearer-session.js';
import { described } from '../http/route-contract.js';

export function registerMe(app: FastifyInstance, deps: Pick<AppDeps, 'sessions' | 'identity'>): void {
  app.get('/v1/me', described({ summary: 'The live user behind the session: identities per app and union', bearer: true }), async (request) => {
    const claims = await requireSession(request, deps.sessions);
    const view = await deps.identity.view(claims.userId);
    if (!view) throw new AppError('ERR_USER_NOT_FOUND');
    return view;
  });
}
