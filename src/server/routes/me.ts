/** GET /v1/me — the live user behind a session (a merged user's old token resolves to the survivor). */
import type { FastifyInstance } from 'fastify';
import { AppError } from '../../errors.js';
import { getUserView } from '../../identity/index.js';
import { requireSession } from '../plugins/bearer-session.js';
import type { AppDeps } from '../deps.js';

export function registerMe(app: FastifyInstance, deps: AppDeps): void {
  app.get('/v1/me', async (request) => {
    const claims = await requireSession(request, deps.sessions);
    const view = await getUserView(deps.store, claims.userId);
    if (!view) throw new AppError('ERR_USER_NOT_FOUND');
    return view;
  });
}
