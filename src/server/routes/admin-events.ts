/**
 * `GET /v1/admin/events?after=<cursor>&limit=&types=&wait=` (docs/events.md "Pull feed"): the outbox for businesses
 * that pull rather than receive webhooks. Scope `read`; a key limited to one union gets that union's events only.
 * `wait` (seconds, ≤ 30) holds the request until an event lands; a client that leaves ends the wait (no timer left).
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { AppDeps } from '../../compose/deps.js';
import { parseOrThrow } from '../../parse-or-throw.js';
import type { AdminAuth } from '../http/admin-auth.js';
import { described } from '../http/route-contract.js';
import { createWaiterBudget } from '../http/waiter-budget.js';

const MAX_WAIT_SECONDS = 30;

const eventsQuery = z.strictObject({
  after: z.string().min(1).max(128).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  wait: z.coerce.number().int().min(0).max(MAX_WAIT_SECONDS).default(0),
  /** Comma-separated event types, e.g. `user.merged,user.erased`; absent = every type. */
  types: z
    .string()
    .regex(/^[a-z]+\.[a-z_]+(,[a-z]+\.[a-z_]+){0,31}$/, 'comma-separated event types like user.merged')
    .optional(),
});

/** Aborts when the client goes away (the response closes before it ends) or the server shuts down. */
function requestSignal(reply: FastifyReply, closing: AbortSignal): AbortSignal {
  const gone = new AbortController();
  reply.raw.once('close', () => gone.abort());
  return AbortSignal.any([gone.signal, closing]);
}

export function registerAdminEvents(app: FastifyInstance, deps: Pick<AppDeps, 'config' | 'flows'>, auth: AdminAuth): void {
  // Long polls hold sockets and timers: capped like the scan-to-follow polls (security finding #6), with its limits.
  const budget = createWaiterBudget({ total: deps.config.flows.qrLoginMaxWaiters, perIp: deps.config.flows.qrLoginMaxWaitersPerIp });
  const closing = new AbortController();
  app.addHook('preClose', (done) => {
    closing.abort();
    done();
  });
  app.get(
    '/v1/admin/events',
    {
      ...described({ summary: 'The event feed: events after a cursor, long-polling with wait= (admin key, scope read)', query: eventsQuery }),
      preHandler: auth.require('read'),
    },
    async (request, reply) => {
      const q = parseOrThrow(eventsQuery, request.query, 'query');
      reply.header('cache-control', 'no-store');
      const query = { after: q.after, limit: q.limit, types: q.types?.split(','), waitMs: q.wait * 1000 };
      if (q.wait === 0) return deps.flows.eventFeed.read(auth.actor(request), query, closing.signal);
      let release: () => void;
      try {
        release = budget.enter(request.ip);
      } catch (e) {
        reply.header('retry-after', '2');
        throw e;
      }
      try {
        return await deps.flows.eventFeed.read(auth.actor(request), query, requestSignal(reply, closing.signal));
      } finally {
        release();
      }
    },
  );
}
