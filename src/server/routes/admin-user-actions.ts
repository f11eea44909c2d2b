/**
 * The admin API's actions (docs/admin.md), scope `write`, each recorded as an event with the key's name as actor
 * and the body's reason: link an app identity to a user, unlink (split) one out, merge two users, erase a person, revoke all of a person's sessions;
 * and export one person's data as JSON. A refused action changes nothing and answers a code saying why.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppDeps } from '../../compose/deps.js';
import { parseOrThrow } from '../../parse-or-throw.js';
import type { AdminAuth } from '../http/admin-auth.js';
import { adminUserParams } from './admin-users.js';

const reason = z.string().trim().min(1).max(500);
const wechatId = z.string().min(1).max(128);
const linkBody = z.strictObject({ appid: z.string().min(1).max(64), openid: wechatId, reason });
const unlinkBody = linkBody;
const mergeBody = z.strictObject({ survivorId: z.string().min(1).max(128), loserId: z.string().min(1).max(128), reason });
const eraseBody = z.strictObject({ reason });

export function registerAdminUserActions(app: FastifyInstance, deps: Pick<AppDeps, 'flows'>, auth: AdminAuth): void {
  const admin = deps.flows.admin;
  const write = { preHandler: auth.require('write') };
  app.post('/v1/admin/users/:id/link', write, async (request) => {
    const { id } = parseOrThrow(adminUserParams, request.params, 'path');
    const body = parseOrThrow(linkBody, request.body);
    return admin.link(auth.actor(request), { userId: id, ...body });
  });
  app.post('/v1/admin/identities/unlink', write, async (request) => admin.unlink(auth.actor(request), parseOrThrow(unlinkBody, request.body)));
  app.post('/v1/admin/users/merge', write, async (request) => admin.merge(auth.actor(request), parseOrThrow(mergeBody, request.body)));
  app.post('/v1/admin/users/:id/erase', write, async (request) => {
    const { id } = parseOrThrow(adminUserParams, request.params, 'path');
    return admin.erase(auth.actor(request), { userId: id, ...parseOrThrow(eraseBody, request.body) });
  });
  app.post('/v1/admin/users/:id/revoke-sessions', write, async (request) => {
    const { id } = parseOrThrow(adminUserParams, request.params, 'path');
    return admin.revokeSessions(auth.actor(request), { userId: id, ...parseOrThrow(eraseBody, request.body) });
  });
  app.get('/v1/admin/users/:id/export', write, async (request, reply) => {
    const { id } = parseOrThrow(adminUserParams, request.params, 'path');
    const actor = auth.actor(request);
    const data = await admin.export(actor, id);
    // Who took a person's data out is worth a log line (ids only: the data itself never goes to the log).
    request.log.info({ actor: actor.name, userId: data.user.userId }, 'admin export');
    return reply.header('content-disposition', `attachment; filename="${data.user.userId}.json"`).send(data);
  });
}
