/**
 * `server.trustProxy` (config/trust-proxy.ts) as Fastify's `trustProxy` option, which decides `request.ip` (the
 * per-IP login limit's key, plugins/rate-limit.ts) and `request.protocol`.
 *
 * Fastify 5.12 no longer takes a bare number as a hop count: it trusts nothing then ("hop-count-only trust cannot
 * validate the immediate peer"), so every client behind the proxy would share the proxy's address and one budget.
 * A hop count is therefore given as the trust function proxy-addr documents for it: hops `0 … n-1` (the socket's
 * peer and the proxies' own appended entries, read from the right) are proxies, the next address is the client.
 * Addresses/CIDRs go to Fastify as they are (proxy-addr compiles them).
 * https://fastify.dev/docs/latest/Reference/Server/#trustproxy
 */
import type { TrustProxy } from '../../config/trust-proxy.js';

/** What Fastify's `trustProxy` option receives. */
export type FastifyTrustProxy = false | string[] | ((address: string, hop: number) => boolean);

/**
 * @example
 *   Fastify({ trustProxy: fastifyTrustProxy(1) }) // X-Forwarded-For: forged, 203.0.113.7 → request.ip 203.0.113.7
 */
export function fastifyTrustProxy(setting: TrustProxy): FastifyTrustProxy {
  if (setting === false) return false;
  if (typeof setting === 'number') {
    const hops = setting;
    return (_address, hop) => hop < hops;
  }
  return [...setting];
}
