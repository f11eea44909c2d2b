/**
 * Where weunion's routes are mounted: '' for its own server, the prefix a host gave `app.register(weunion, { prefix })`
 * (`weunion/fastify`). Cookies scoped to our paths (`Path=/v1/…`) must carry it, or the browser would not send them
 * back to `/auth/v1/…`.
 */
import type { FastifyRequest } from 'fastify';

/** The prefix before `/v1/` in the matched route's pattern (e.g. `/auth` for `/auth/v1/qr-login/:id`). */
export function mountPath(request: FastifyRequest): string {
  const url = request.routeOptions.url ?? '';
  const at = url.indexOf('/v1/');
  return at > 0 ? url.slice(0, at) : '';
}
