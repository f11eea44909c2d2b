/**
 * buildApp(deps): the weunion HTTP API as a Fastify instance, without listening (tests use it over real HTTP or
 * inject(); `main.ts` listens). All I/O arrives in `deps`.
 */
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import type { AppDeps } from '../compose/deps.js';
import { fastifyTrustProxy } from './http/trust-proxy.js';
import { registerCloseConnections } from './plugins/close-connections.js';
import { registerErrorHandler } from './plugins/error-handler.js';
import { capConnectionsPerIp } from './plugins/connection-cap.js';
import { answerClientError, answerFrameworkError, answerUnmetExpectation, httpServerOptions, requireHost } from './plugins/framework-errors.js';
import { registerRequestLog } from './plugins/request-log.js';
import { acceptJsonBodiesOnly } from './plugins/json-bodies.js';
import { registerMetrics } from './plugins/metrics.js';
import { registerOpenApi } from './plugins/openapi.js';
import { registerLoginRateLimit } from './plugins/rate-limit.js';
import { registerHealth } from './routes/health.js';
import { registerMe } from './routes/me.js';
import { registerMpLogin } from './routes/mp-login.js';
import { registerMpUnionid } from './routes/mp-unionid.js';
import { registerWellKnown } from './routes/well-known.js';
import { registerAppLogin } from './routes/app-login.js';
import { registerMpPaidUnionid } from './routes/mp-paid-unionid.js';
import { registerMpPhone } from './routes/mp-phone.js';
import { registerOaCallback } from './routes/oa-callback.js';
import { registerOAuthWeb } from './routes/oauth-web.js';
import { registerQrLogin } from './routes/qr-login.js';
import { registerSessionExchange } from './routes/session-exchange.js';
import { registerSessionRefresh } from './routes/session-refresh.js';
import { createAdminAuth } from './http/admin-auth.js';
import { registerAdminUserActions } from './routes/admin-user-actions.js';
import { registerAdminUsers } from './routes/admin-users.js';
import { registerAdminStats } from './routes/admin-stats.js';
import { registerAdminEvents } from './routes/admin-events.js';
import { registerAdminConsole } from './routes/admin-console.js';

const BODY_LIMIT = 64 * 1024;

/**
 * @example
 *   const app = await buildApp(deps);
 *   await app.listen({ port: 3000 });
 */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  // Fastify's own request lines print raw URLs (ids, OAuth codes, signatures): see plugins/request-log.ts.
  const common = {
    bodyLimit: BODY_LIMIT,
    trustProxy: fastifyTrustProxy(deps.config.server.trustProxy),
    logController: new LogController({ disableRequestLogging: true }),
    // What Fastify's router and Node's parser refuse before any route runs, in our error shape (framework-errors.ts).
    frameworkErrors: answerFrameworkError,
    clientErrorHandler: answerClientError,
    // Fastify's own default is 0 (never): a body trickled byte by byte held its socket for ever (#5).
    requestTimeout: deps.config.server.requestTimeoutMs,
    http: httpServerOptions(deps.config.server),
  };
  const app: FastifyInstance = (deps.logger === false
    ? Fastify({ ...common, logger: false })
    : Fastify({ ...common, loggerInstance: deps.logger })) as unknown as FastifyInstance;
  requireHost(app.server);
  capConnectionsPerIp(app.server, deps.config.server.maxConnectionsPerIp, app.log);
  app.server.on('checkExpectation', answerUnmetExpectation);
  registerCloseConnections(app);
  await registerWeunionRoutes(app, deps);
  await app.ready();
  return app;
}

/**
 * weunion's routes, their error shape and request log, and the login rate limit, on any Fastify instance: buildApp's
 * own, or an encapsulated context of a host application (`weunion/fastify`). What belongs to the HTTP server itself
 * (Host required, connections per IP, body limit, trust proxy) is buildApp's, or the host's to decide.
 * `notFound: false` leaves 404s to the host (mounted without a prefix, every unknown URL of the host is not ours).
 */
export async function registerWeunionRoutes(app: FastifyInstance, deps: AppDeps, options: { notFound?: boolean } = {}): Promise<void> {
  registerErrorHandler(app, { notFound: options.notFound ?? true });
  acceptJsonBodiesOnly(app);
  registerRequestLog(app);
  registerOpenApi(app);
  registerMetrics(app, deps);
  // buildApp's server-wide limit, kept inside a host whose own default is larger (a route may set its own).
  app.addHook('onRoute', (route) => {
    route.bodyLimit ??= BODY_LIMIT;
  });
  // Before the routes: it hooks itself onto the login routes as they are registered.
  await registerLoginRateLimit(app, { limits: deps.config.rateLimit, appids: deps.config.apps.map((a) => a.appid), redis: deps.redis ?? null });
  registerHealth(app, deps.readiness);
  registerWellKnown(app, deps);
  registerMpLogin(app, deps);
  registerMpUnionid(app, deps);
  registerMe(app, deps);
  registerMpPhone(app, deps);
  registerMpPaidUnionid(app, deps);
  registerOaCallback(app, deps);
  registerQrLogin(app, deps);
  registerOAuthWeb(app, deps);
  registerAppLogin(app, deps);
  registerSessionExchange(app, deps);
  const adminAuth = createAdminAuth(deps.config.admin.keys);
  registerAdminUsers(app, deps, adminAuth);
  registerAdminUserActions(app, deps, adminAuth);
  registerAdminStats(app, deps, adminAuth);
  registerAdminEvents(app, deps, adminAuth);
  registerAdminConsole(app);
  registerSessionRefresh(app, deps);
}
