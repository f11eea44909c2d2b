/**
 * `weunion/node`: a `(req, res[, next])` handler for Express, Koa, NestJS or `http.createServer`.
 * Documented in README.md ("Use it in your Fastify / Express / NestJS app").
 */
export { createWeunionHandler, type WeunionHandler, type WeunionHandlerOptions } from './server/embed/node-handler.js';
export type { WeunionEmbedOptions } from './server/embed/embed-options.js';
