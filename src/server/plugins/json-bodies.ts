/**
 * The JSON routes take JSON only. Fastify parses `text/plain` by default and hands the route a string, which the
 * route's schema then refuses as ERR_VALIDATION ("expected object, received string") — a confusing answer for the
 * commonest client slip, `fetch(url, { method: 'POST', body: JSON.stringify(x) })` without a Content-Type (sent
 * as text/plain). Without that parser every non-JSON body is answered 415 ERR_UNSUPPORTED_MEDIA_TYPE, naming the
 * type that was sent (error-handler.ts). The official-account callback keeps its own parsers (its XML scope).
 */
import type { FastifyInstance } from 'fastify';

/** Call on the root instance before the routes. */
export function acceptJsonBodiesOnly(app: FastifyInstance): void {
  app.removeContentTypeParser('text/plain');
}
