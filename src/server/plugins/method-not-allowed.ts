/**
 * 405 for a known path asked with a method it does not serve (RFC 9110 §15.5.6: the answer MUST carry `Allow`),
 * instead of the router's 404 — a client that POSTs to `/readyz` or GETs `/v1/mp/:appid/login` learns what it did
 * wrong. Fastify's router only says "no route for this method and path", so the patterns are collected as routes are
 * registered (onRoute) and matched here, only on the not-found path (nothing is added to a matched request).
 */
import type { FastifyInstance } from 'fastify';

interface RoutePattern {
  regex: RegExp;
  methods: Set<string>;
}

/** `/v1/mp/:appid/login` → a regex matching one concrete path (a param is one segment, `*` the rest). */
function patternRegex(url: string): RegExp {
  const source = url
    .split('/')
    .map((segment) => {
      if (segment === '*') return '.*';
      if (segment.startsWith(':')) return '[^/]+';
      return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return new RegExp(`^${source}$`);
}

export interface RouteMethods {
  /** The methods some route serves on this concrete path (`request.url`, query ignored), sorted; empty = no route. */
  allowed(url: string): string[];
}

/**
 * Collects every route registered after the call (call it before the routes).
 * @example
 *   const methods = collectRouteMethods(app);
 *   const allow = methods.allowed('/readyz'); // ['GET', 'HEAD']
 */
export function collectRouteMethods(app: FastifyInstance): RouteMethods {
  const patterns = new Map<string, RoutePattern>();
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    let entry = patterns.get(route.url);
    if (entry === undefined) {
      entry = { regex: patternRegex(route.url), methods: new Set() };
      patterns.set(route.url, entry);
    }
    for (const m of methods) entry.methods.add(m.toUpperCase());
  });
  return {
    allowed(url) {
      const path = url.split('?')[0] ?? url;
      const found = new Set<string>();
      for (const p of patterns.values()) if (p.regex.test(path)) for (const m of p.methods) found.add(m);
      return [...found].sort();
    },
  };
}
