/**
 * Request logging without credentials. Fastify's default lines carry the raw URL, and some of ours are secrets:
 * `/v1/qr-login/<id>` returns a login code to whoever holds the id, OAuth callbacks carry `code`/`state`, callback
 * pushes carry `signature`/`nonce`. So we log the route PATTERN (`/v1/qr-login/:id`), never the URL or its query.
 */
import type { FastifyInstance } from 'fastify';

export function registerRequestLog(app: FastifyInstance): void {
  // Callback style, not async: a hook on every request should not cost a promise (bench/callback.ts).
  app.addHook('onResponse', (request, reply, done) => {
    request.log.info(
      {
        method: request.method,
        route: request.routeOptions.url ?? '(no route)',
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 10) / 10,
      },
      'request completed',
    );
    done();
  });
}
