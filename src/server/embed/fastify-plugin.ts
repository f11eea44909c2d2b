/**
 * `weunion/fastify`: weunion inside an existing Fastify app. `app.register(weunion, { config, prefix })` composes the
 * parts from the config (store, cache, WeChat gateway, sessions, jobs), mounts the routes under `prefix` in their own
 * encapsulated context (their error shape and 404s do not leak into the host's routes), logs through the host's
 * logger, decorates the app with `app.weunion`, and closes it all when the app closes. What belongs to the HTTP
 * server (trustProxy, connection caps, timeouts) stays the host's: set them on the host's Fastify.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { compose } from '../../compose/compose.js';
import type { ComposedDeps } from '../../compose/deps.js';
import { startHousekeeping } from '../../compose/housekeeping.js';
import type { Config } from '../../config/schema.js';
import type { SessionClaims } from '../../sessions/session-tokens.js';
import { registerWeunionRoutes } from '../app.js';
import { requireSession } from '../http/bearer-session.js';
import { checkEmbedOptions, type WeunionEmbedOptions } from './embed-options.js';

export type WeunionPluginOptions = WeunionEmbedOptions;

/** What `app.weunion` gives the host's own routes. */
export interface WeunionHandle {
  config: Config;
  /** The composed parts (identity service, store, flows…), as `compose()` returns them. */
  deps: ComposedDeps;
  /** The weunion session of a request (`Authorization: Bearer …`), or a 401 AppError (weunion's error shape). */
  requireSession(request: FastifyRequest): Promise<SessionClaims>;
}

declare module 'fastify' {
  interface FastifyInstance {
    weunion: WeunionHandle;
  }
}

async function weunionPlugin(app: FastifyInstance, rawOptions: WeunionPluginOptions): Promise<void> {
  const options = checkEmbedOptions('weunion/fastify', rawOptions);
  const composed = await compose(options.config, {
    logger: app.log,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.hooks ? { hooks: options.hooks } : {}),
  });
  const { deps } = composed;
  let stopHousekeeping = (): void => undefined;
  try {
    app.decorate('weunion', { config: options.config, deps, requireSession: (request) => requireSession(request, deps.sessions) } satisfies WeunionHandle);
    // Own context: the routes' error handler, not-found handler and hooks stay with them.
    await app.register(
      async (scope) => {
        await registerWeunionRoutes(scope, deps, { notFound: options.prefix !== '' });
      },
      { prefix: options.prefix },
    );
  } catch (e) {
    await composed.close();
    throw e;
  }
  app.addHook('onReady', async () => {
    if (!options.jobs) return;
    deps.jobs.start();
    deps.webhooks.start();
    stopHousekeeping = startHousekeeping(deps);
  });
  // The host's routes have stopped (onClose runs after the server closed): stop the jobs, then close the pools.
  app.addHook('onClose', async () => {
    stopHousekeeping();
    await composed.close();
  });
}

/**
 * @example
 *   const app = Fastify({ logger: true });
 *   await app.register(weunion, { config: JSON.parse(readFileSync('weunion.config.json', 'utf8')), prefix: '/auth' });
 *   app.get('/me', async (req) => app.weunion.deps.identity.view((await app.weunion.requireSession(req)).userId));
 */
export const weunion = fp(weunionPlugin, { fastify: '5.x', name: 'weunion' });
