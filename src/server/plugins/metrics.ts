/**
 * `GET /metrics` (config.metrics.path) in Prometheus text format, and the HTTP part of the figures: every answered
 * request by route pattern (never the URL: some carry login ids and codes, see request-log.ts), method and status.
 * Registered only when config.metrics.enabled (compose() then built `deps.metrics`); otherwise neither the route nor
 * the hook exists and requests pay nothing.
 *
 * Who may read it: with `metrics.token`, only a request carrying `Authorization: Bearer <token>`; without one, only
 * a loopback client (a Prometheus agent or sidecar on the same host or pod). Anyone else gets 403
 * ERR_METRICS_FORBIDDEN — the figures name apps and traffic. Behind a proxy set `server.trustProxy`, or the proxy's
 * own loopback address would pass for the client's.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppDeps } from '../../compose/deps.js';
import { AppError } from '../../errors.js';
import { described } from '../http/route-contract.js';

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

function mayRead(request: FastifyRequest, token: string | undefined): boolean {
  if (token === undefined) return LOOPBACK.has(request.ip);
  const header = request.headers.authorization ?? '';
  const given = header.startsWith('Bearer ') ? header.slice('Bearer '.length) : '';
  // Equal-length digests: the comparison takes the same time whatever was sent.
  return given !== '' && timingSafeEqual(digest(given), digest(token));
}

/**
 * Call before the routes (the hook counts the routes registered afterwards too, but registering first keeps it so).
 * @example
 *   registerMetrics(app, deps); // no-op unless deps.metrics
 */
export function registerMetrics(app: FastifyInstance, deps: Pick<AppDeps, 'config' | 'metrics'>): void {
  const metrics = deps.metrics;
  if (!metrics) return;
  const { path, token } = deps.config.metrics;
  // Callback style, not async: this runs for every response (bench/callback.ts).
  app.addHook('onResponse', (request, reply, done) => {
    metrics.httpRequest(request.routeOptions.url ?? '(no route)', request.method, reply.statusCode, reply.elapsedTime / 1000);
    done();
  });
  app.get(path, described({ summary: 'Prometheus metrics (config.metrics)', bearer: true, answers: 'text/plain; version=0.0.4' }), async (request, reply) => {
    if (!mayRead(request, token)) throw new AppError('ERR_METRICS_FORBIDDEN');
    const text = await metrics.registry.metrics();
    return reply.header('cache-control', 'no-store').type(metrics.registry.contentType).send(text);
  });
}
