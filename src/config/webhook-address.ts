/**
 * Which webhook URLs a config may name. A webhook makes weunion send requests wherever the config says, so a URL is
 * refused when it points at the cloud metadata service or at link-local addresses (169.254.0.0/16, fe80::/10: that
 * is where instance credentials live), and at loopback or private networks unless `webhooks.allowPrivateAddresses`
 * says so (tests, a receiver on the same host). Only literal addresses and well-known names are judged here: a name
 * that resolves to a private address is not caught (resolve-time checks belong to the network's egress rules).
 */
import { isIP } from 'node:net';

/** Why `url` may not be a webhook target, or null when it may. */
export function forbiddenWebhookUrl(url: string, allowPrivate: boolean): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return 'is not a URL';
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return `must be http(s), not ${u.protocol.replace(':', '')}`;
  if (u.username || u.password) return 'must not carry credentials (put them in the signature secret)';
  const host = u.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'metadata.google.internal' || host === 'metadata' || isLinkLocal(host)) return 'points at a link-local / metadata address';
  if (!allowPrivate && (host === 'localhost' || host.endsWith('.localhost') || isLoopbackOrPrivate(host))) {
    return 'points at a loopback or private address (set webhooks.allowPrivateAddresses for tests and development)';
  }
  return null;
}

function ipv4(host: string): number[] | null {
  if (isIP(host) !== 4) return null;
  return host.split('.').map(Number);
}

/** An IPv4-mapped IPv6 address (::ffff:a.b.c.d, as URL writes it: ::ffff:xxxx:xxxx) as its IPv4 part. */
function mappedIpv4(host: string): number[] | null {
  const m = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(host);
  if (!m) return null;
  const hi = Number.parseInt(m[1]!, 16);
  const lo = Number.parseInt(m[2]!, 16);
  return [hi >> 8, hi & 255, lo >> 8, lo & 255];
}

function isLinkLocal(host: string): boolean {
  const v4 = ipv4(host) ?? mappedIpv4(host);
  if (v4) return v4[0] === 169 && v4[1] === 254;
  return isIP(host) === 6 && /^fe[89ab][0-9a-f]:/.test(host);
}

function isLoopbackOrPrivate(host: string): boolean {
  const v4 = ipv4(host) ?? mappedIpv4(host);
  if (v4) {
    const [a, b] = v4 as [number, number];
    return a === 127 || a === 10 || a === 0 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127);
  }
  if (isIP(host) !== 6) return false;
  return host === '::1' || host === '::' || /^f[cd][0-9a-f]{2}:/.test(host);
}
