/**
 * `weunion/fastify`: the Fastify plugin. `app.register(weunion, { config, prefix })`; `app.weunion` after it.
 * Documented in README.md ("Use it in your Fastify / Express / NestJS app").
 */
export { weunion, weunion as default, type WeunionHandle, type WeunionPluginOptions } from './server/embed/fastify-plugin.js';
export type { WeunionEmbedOptions } from './server/embed/embed-options.js';
