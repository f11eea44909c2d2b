/**
 * `GET /v1/admin/stats` (docs/admin.md): the dashboard's figures — users by state, unionid coverage per app, merges
 * per day over two weeks, the job queue. Scope `read`; a key limited to one union gets that union's figures only.
 */
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../compose/deps.js';
import type { AdminAuth } from '../http/admin-auth.js';
import { described } from '../http/route-contract.js';

export function registerAdminStats(app: FastifyInstance, deps: Pick<AppDeps, 'flows'>, auth: AdminAuth): void {
  app.get(
    '/v1/admin/stats',
    {
      ...described({ summary: 'Dashboard figures: users, unionid coverage per app, merges per day, jobs (admin key, scope read)' }),
      preHandler: auth.require('read'),
    },
    async (request) => deps.flows.adminStats(auth.actor(request)),
  );
}
