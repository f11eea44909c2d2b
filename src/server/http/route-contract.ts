/**
 * What a route says about itself for the OpenAPI document (server/plugins/openapi.ts): a summary and the very zod
 * schemas its handler parses with (`parseOrThrow`), so the document cannot drift from what is validated. Carried in
 * Fastify's route `config` (not `schema`: Fastify would try to compile that itself); a route without one still
 * appears in the document, with its path parameters only.
 */
import type { z } from 'zod';

export interface RouteContract {
  summary: string;
  params?: z.ZodType;
  query?: z.ZodType;
  /** The JSON body. */
  body?: z.ZodType;
  /** Takes `Authorization: Bearer <weunion session>` (or, for /metrics, the metrics token). */
  bearer?: boolean;
  /** What a success answers, when not JSON (a redirect, XML, text, Prometheus text). */
  answers?: string;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    contract?: RouteContract;
  }
}

/**
 * The route options carrying `c`.
 * @example
 *   app.post('/v1/mp/:appid/login', described({ summary: 'Mini program login', params: appidParams, body: loginBody }), handler);
 */
export function described(c: RouteContract): { config: { contract: RouteContract } } {
  return { config: { contract: c } };
}
