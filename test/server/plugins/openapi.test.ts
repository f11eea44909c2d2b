/**
 * /openapi.json and /docs through app.inject() on the real app (metrics on, so its route is there too): every route
 * Fastify has (read back from `printRoutes`, not from the plugin's own list) is in the document with each of its
 * methods, the schemas are the ones the handlers validate with, and the docs page lists them without scripts.
 */
import { describe, expect, it } from 'vitest';
import { loginBody } from '../../../src/server/http/mp-schemas.js';
import { useRouteApp } from '../../helpers/route-app.js';

const api = useRouteApp({ configure: (c) => ({ ...c, metrics: { ...c.metrics, enabled: true, token: 'metrics-token-0123456789' } }) });

/**
 * Fastify's own view of its routes: `├── /v1/mp/:appid/login (POST)` lines; a route that extends another is printed
 * under it (`│   └── /link (POST)` below `/v1/admin/users/:id`), so each line's URL is its parents' plus its own.
 */
function fastifyRoutes(printed: string): { url: string; method: string }[] {
  const out: { url: string; method: string }[] = [];
  const parents: string[] = [];
  for (const line of printed.split('\n')) {
    const m = /^(.*?)[├└]── (\S+)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!m) continue;
    const depth = m[1]!.length / 4;
    const url = (depth > 0 ? parents[depth - 1]! : '') + m[2]!;
    parents[depth] = url;
    parents.length = depth + 1;
    for (const method of m[3]?.split(', ') ?? []) out.push({ url, method });
  }
  return out;
}

describe('GET /openapi.json', () => {
  it('documents every route Fastify registered, with each method but HEAD', async () => {
    const res = await api().call('GET', '/openapi.json');
    expect(res.status).toBe(200);
    const doc = res.body;
    expect(doc.openapi).toBe('3.1.0');
    const routes = fastifyRoutes(api().app.printRoutes({ commonPrefix: false }));
    expect(routes.length).toBeGreaterThan(15);
    const missing = routes
      .filter((r) => r.method !== 'HEAD')
      .filter((r) => doc.paths[r.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}')]?.[r.method.toLowerCase()] === undefined)
      .map((r) => `${r.method} ${r.url}`);
    expect(missing).toEqual([]);
    for (const path of ['/v1/mp/{appid}/login', '/metrics', '/openapi.json', '/docs', '/v1/oa/{appid}/callback', '/readyz'])
      expect(doc.paths).toHaveProperty([path]);
  });

  it('takes the schemas from the zod schemas the routes validate with', async () => {
    const doc = (await api().call('GET', '/openapi.json')).body;
    const login = doc.paths['/v1/mp/{appid}/login'].post;
    const { $schema: _, ...expected } = (await import('zod')).z.toJSONSchema(loginBody, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
    expect(login.requestBody.content['application/json'].schema).toEqual(expected);
    expect(login.requestBody.content['application/json'].schema.required).toEqual(['code']);
    expect(login.parameters).toEqual([{ name: 'appid', in: 'path', required: true, schema: expect.objectContaining({ type: 'string', maxLength: 64 }) }]);
    expect(doc.paths['/v1/me'].get.security).toEqual([{ bearer: [] }]);
    const poll = doc.paths['/v1/qr-login/{id}'].get.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`);
    expect(poll).toContain('path:id');
    expect(doc.paths['/v1/oa/{appid}/authorize'].get.parameters.map((p: { name: string }) => p.name)).toEqual(['appid', 'scope', 'redirect']);
    expect(doc.components.schemas.Error.required).toEqual(['error']);
  });
});

describe('GET /docs', () => {
  it('is a static HTML page listing the routes, without scripts, under a strict CSP', async () => {
    const res = await api().call('GET', '/docs');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect(res.text).toContain('POST /v1/mp/{appid}/login');
    expect(res.text).toContain('/openapi.json');
    expect(res.text).not.toMatch(/<script/i);
  });
});
