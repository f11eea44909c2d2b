/**
 * `server.trustProxy`: which proxies in front of weunion may say who the client is (X-Forwarded-For, -Proto).
 *
 * Each proxy *appends* the address it received the connection from, so only the right-most entries of
 * X-Forwarded-For were written by proxies; everything to their left is whatever the client sent. The setting
 * therefore says how far from the right to believe the header:
 * - `false` (the default): no proxy; the client is the socket's address.
 * - a number `n`: `n` proxies (hops) sit in front of weunion; the client is the `n`-th address from the right.
 *   Only right when weunion cannot be reached except through them (a direct client could then write the header).
 * - addresses or CIDRs (`"10.0.0.0/8"`, `["10.0.0.7", "fd00::/8"]`, or `loopback`, `linklocal`, `uniquelocal`):
 *   the header is believed only on a connection from one of them, and hop by hop while the hops are theirs.
 * `true` used to trust every hop, so the left-most, client-written address became the client: one client could
 * then pass as any number of IPs and dodge the per-IP login limit. It is refused, saying what to write instead.
 * https://developer.mozilla.org/en-US/docs/Web/HTTP/Reference/Headers/X-Forwarded-For#security_and_privacy_concerns
 */
import { isIP } from 'node:net';
import { z } from 'zod';

/** The parsed setting: no proxy, a hop count, or the proxies' addresses/CIDRs. */
export type TrustProxy = false | number | readonly string[];

/** The names proxy-addr (Fastify's) knows for address ranges. */
const NAMED_RANGES: ReadonlySet<string> = new Set(['loopback', 'linklocal', 'uniquelocal']);

export const TRUST_PROXY_TRUE_REFUSED =
  'trustProxy: true is refused: it trusted every X-Forwarded-For hop, including the ones the client writes. Write the ' +
  'number of proxies in front of weunion (1 for a single reverse proxy, when weunion is reachable only through it) or ' +
  'the proxies\u2019 addresses/CIDRs, e.g. "10.0.0.0/8" or ["10.0.0.7", "10.0.0.8"]';

/** True for an IPv4/IPv6 address, an address/prefix CIDR, or a named range. */
export function isProxyAddress(text: string): boolean {
  if (NAMED_RANGES.has(text)) return true;
  const [address = '', prefix, extra] = text.split('/');
  if (extra !== undefined) return false;
  const family = isIP(address);
  if (family === 0) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}

export const trustProxySchema = z
  .union([z.boolean(), z.number(), z.string(), z.array(z.string())], {
    error: 'trustProxy is false, a number of proxies, or their addresses/CIDRs',
  })
  .transform((value, ctx): TrustProxy => {
    if (value === true) {
      ctx.addIssue({ code: 'custom', message: TRUST_PROXY_TRUE_REFUSED });
      return z.NEVER;
    }
    if (value === false) return false;
    if (typeof value === 'number') {
      if (!Number.isInteger(value) || value < 1 || value > 16) {
        ctx.addIssue({ code: 'custom', message: 'trustProxy as a number is the count of proxies in front of weunion: an integer from 1 to 16' });
        return z.NEVER;
      }
      return value;
    }
    const list = (typeof value === 'string' ? value.split(',') : value).map((s) => s.trim());
    const bad = list.filter((s) => !isProxyAddress(s));
    if (list.length === 0 || bad.length > 0) {
      ctx.addIssue({
        code: 'custom',
        message: `trustProxy lists proxy addresses or CIDRs (or loopback, linklocal, uniquelocal); not one: ${JSON.stringify(bad.length > 0 ? bad : list)}`,
      });
      return z.NEVER;
    }
    return Object.freeze(list);
  });
