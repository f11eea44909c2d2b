/** GET /.well-known/jwks.json (public session keys, for offline verification). /healthz lives in health.ts. */
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../compose/deps.js';
import { described } from '../http/route-contract.js';

export function registerWellKnown(app: FastifyInstance, deps: Pick<AppDeps, 'sessions'>): void {
  app.get('/.well-known/jwks.json', described({ summary: 'The public keys (JWKS) that verify weunion session tokens' }), async (_request, reply) => {
    reply.header('cache-control', 'public, max-age=300');
    return deps.sessions.jwks();
  });
}
