/**
 * The admin API's reads (docs/admin.md): `GET /v1/admin/users/find?id=&appid=&union=` finds users by any id;
 * `GET /v1/admin/users/:id` shows one (identities per app, union identities, phone, first/last seen, the timeline).
 * Scope `read`; a key limited to one union sees nothing of the others.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppDeps } from '../../compose/deps.js';
import { parseOrThrow } from '../../parse-or-throw.js';
import type { AdminAuth } from '../http/admin-auth.js';

const findQuery = z.strictObject({
  id: z.string().min(1).max(128),
  appid: z.string().min(1).max(64).optional(),
  union: z.string().min(1).max(64).optional(),
});
export const adminUserParams = z.strictObject({ id: z.string().min(1).max(128) });

export function registerAdminUsers(app: FastifyInstance, deps: Pick<AppDeps, 'flows'>, auth: AdminAuth): void {
  const admin = deps.flows.admin;
  app.get('/v1/admin/users/find', { preHandler: auth.require('read') }, async (request) => {
    const query = parseOrThrow(findQuery, request.query, 'query');
    return { matches: await admin.find(auth.actor(request), query) };
  });
  app.get('/v1/admin/users/:id', { preHandler: auth.require('read') }, async (request) => {
    const { id } = parseOrThrow(adminUserParams, request.params, 'path');
    return admin.show(auth.actor(request), id);
  });
}
