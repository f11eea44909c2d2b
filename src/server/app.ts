/**
 * buildApp(deps): the weunion HTTP API as a Fastify instance, without listening (tests use it over real HTTP or
 * inject(); `main.ts` listens). All I/O arrives in `deps`.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import type { AppDeps } from './deps.js';
import { registerErrorHandler } from './plugins/error-handler.js';
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

/** Field paths pino must never print. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  '*.secret',
  '*.sessionKey',
  '*.session_key',
  '*.access_token',
  '*.accessToken',
  '*.token',
];

/**
 * @example
 *   const app = await buildApp(deps);
 *   await app.listen({ port: 3000 });
 */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const common = { bodyLimit: 64 * 1024, trustProxy: deps.config.server.trustProxy };
  const app: FastifyInstance = (
    deps.logger === false ? Fastify({ ...common, logger: false }) : Fastify({ ...common, loggerInstance: deps.logger })
  ) as unknown as FastifyInstance;
  registerErrorHandler(app);
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
  await app.ready();
  return app;
}
