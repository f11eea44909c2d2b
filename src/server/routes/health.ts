/**
 * GET /healthz — liveness: the process answers (never touches the database, so a load balancer does not restart
 * every instance when PostgreSQL blinks). GET /readyz — readiness: the database answers, the shared cache answers
 * (when one is configured), the schema is exactly this build's; 200 with the details and the job counts, otherwise
 * 503 with the same shape, so the balancer stops sending traffic to this instance but keeps it alive. While the
 * instance shuts down it is not ready either (the balancer drains it before the socket closes).
 */
import type { FastifyInstance } from 'fastify';
import type { Readiness } from '../../compose/readiness.js';
import { described } from '../http/route-contract.js';

/** Registers `/healthz` and, when given a readiness check, `/readyz` (both uncached). */
export function registerHealth(app: FastifyInstance, readiness?: Readiness): void {
  app.get('/healthz', described({ summary: 'Liveness: the process answers' }), async (_request, reply) => {
    reply.header('cache-control', 'no-store');
    return { status: 'ok' };
  });
  if (!readiness) return;
  app.addHook('preClose', (done) => {
    readiness.markClosing();
    done();
  });
  app.get('/readyz', described({ summary: 'Readiness: database, cache and schema (200), else 503 with the same shape' }), async (_request, reply) => {
    const report = await readiness.check();
    reply.header('cache-control', 'no-store');
    return reply.status(report.ready ? 200 : 503).send({ status: report.ready ? 'ready' : 'not ready', ...report });
  });
}
