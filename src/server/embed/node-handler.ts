/**
 * `weunion/node`: weunion as a plain `(req, res[, next])` handler for Express, Koa, NestJS or `http.createServer`.
 * A Fastify instance that never listens holds the routes (the `weunion/fastify` plugin inside it) and answers the
 * requests handed to it (`fastify.routing`). A URL that is not weunion's goes to `next` when the framework gives
 * one (Express, NestJS), else is answered 404 in weunion's error shape.
 *
 * Express strips its mount path from `req.url` (`app.use('/auth', handler)`): the handler routes on `originalUrl`
 * when there is one, so give the same path as `prefix`. Mount it before any body parser: weunion reads the body
 * itself (a consumed stream would leave nothing to read).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import Fastify, { type FastifyInstance } from 'fastify';
import { AppError } from '../../errors.js';
import { checkEmbedOptions, type WeunionEmbedOptions } from './embed-options.js';
import { type WeunionHandle, weunion } from './fastify-plugin.js';

export type WeunionHandlerOptions = WeunionEmbedOptions & {
  /** A pino-compatible logger (default: none). */
  logger?: import('fastify').FastifyBaseLogger | false;
};

export interface WeunionHandler {
  (req: IncomingMessage, res: ServerResponse, next?: (err?: unknown) => void): void;
  /** The composed parts and the session check, as `app.weunion` in the Fastify plugin. */
  weunion: WeunionHandle;
  /** Stops the jobs, closes the pools. Close your server first. */
  close(): Promise<void>;
}

const NEXT = Symbol('weunion.next');
type WithNext = IncomingMessage & { [NEXT]?: (err?: unknown) => void; originalUrl?: string };

/**
 * @example
 *   const handler = await createWeunionHandler({ config, prefix: '/auth' });
 *   expressApp.use('/auth', handler);                     // Express / NestJS: app.use(...)
 *   http.createServer(handler).listen(8080);              // plain Node
 *   koa.use((ctx) => { ctx.respond = false; handler(ctx.req, ctx.res); });
 */
export async function createWeunionHandler(options: WeunionHandlerOptions): Promise<WeunionHandler> {
  const { logger, ...embed } = options ?? ({} as WeunionHandlerOptions);
  checkEmbedOptions('weunion/node', embed); // fail here, before a Fastify instance exists
  const app: FastifyInstance = (logger ? Fastify({ loggerInstance: logger }) : Fastify({ logger: false })) as unknown as FastifyInstance;
  app.setNotFoundHandler((request, reply) => {
    const next = (request.raw as WithNext)[NEXT];
    if (!next) return reply.status(404).send(new AppError('ERR_NOT_FOUND').toBody());
    reply.hijack(); // the framework answers
    next();
  });
  let handle: WeunionHandle | undefined;
  try {
    // Mounted in a context of its own under the prefix, so that every URL not weunion's, under the prefix or not,
    // reaches the root's not-found handler above (and so `next`).
    const { prefix = '', ...unprefixed } = embed;
    await app.register(
      async (scope) => {
        await scope.register(weunion, unprefixed);
        handle = scope.weunion;
      },
      { prefix },
    );
    await app.ready();
  } catch (e) {
    await app.close();
    throw e;
  }
  const handler = ((req: WithNext, res: ServerResponse, next?: (err?: unknown) => void) => {
    const url = req.url;
    if (typeof req.originalUrl === 'string') req.url = req.originalUrl;
    // Express puts its mount path back in front of req.url when next() is called: give it back the url it gave.
    if (next)
      req[NEXT] = (err?: unknown) => {
        req.url = url;
        next(err);
      };
    res.statusCode = 200; // Koa sets 404 before its middleware runs; Fastify's reply starts from res.statusCode
    app.routing(req, res);
  }) as WeunionHandler;
  handler.weunion = handle!;
  handler.close = () => app.close();
  return handler;
}
