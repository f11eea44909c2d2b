/**
 * The admin API's key check, as a Fastify preHandler: `Authorization: Bearer <key>` whose SHA-256 is one of
 * `admin.keys[]` (config/admin-keys.ts), with the scope the route needs. The key itself is never stored, logged or
 * echoed; digests are compared in constant time. The matched key becomes the request's actor (its name is what
 * events record; its union, what it may see).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { AdminKeyConfig, AdminScope } from '../../config/admin-keys.js';
import { AppError } from '../../errors.js';
import type { AdminActor } from '../../flows/admin/admin-flows.js';

export interface AdminAuth {
  /** The preHandler of a route needing `scope`. */
  require(scope: AdminScope): preHandlerAsyncHookHandler;
  /** The actor a request was authenticated as (after `require`'s preHandler ran). */
  actor(request: FastifyRequest): AdminActor;
}

/**
 * @example
 *   const auth = createAdminAuth(config.admin.keys);
 *   app.get('/v1/admin/users/:id', { preHandler: auth.require('read') }, async (request) => show(auth.actor(request), …));
 */
export function createAdminAuth(keys: readonly AdminKeyConfig[]): AdminAuth {
  const digests = keys.map((k) => ({ key: k, digest: Buffer.from(k.sha256, 'hex') }));
  const actors = new WeakMap<FastifyRequest, AdminActor>();
  return {
    require(scope) {
      return async (request) => {
        const header = request.headers.authorization;
        const match = header === undefined ? null : /^Bearer ([\x21-\x7e]{1,512})$/.exec(header);
        if (!match) throw new AppError('ERR_ADMIN_UNAUTHORIZED');
        const digest = createHash('sha256').update(match[1]!).digest();
        // Every configured digest is compared, so the time taken says nothing about which one (nearly) matched.
        let found: AdminKeyConfig | undefined;
        for (const d of digests) if (timingSafeEqual(d.digest, digest) && !found) found = d.key;
        if (!found) throw new AppError('ERR_ADMIN_UNAUTHORIZED');
        if (!found.scopes.includes(scope)) throw new AppError('ERR_ADMIN_FORBIDDEN', { message: `This admin key lacks the "${scope}" scope.` });
        actors.set(request, { name: found.name, union: found.union ?? null });
      };
    },
    actor(request) {
      const actor = actors.get(request);
      if (!actor) throw new Error('admin route without the admin preHandler');
      return actor;
    },
  };
}
