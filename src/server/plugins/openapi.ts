/**
 * `GET /openapi.json`: the OpenAPI 3.1 document of every route this app registered (collected as they are, by an
 * onRoute hook: a route cannot be left out), built once on first request (openapi-document.ts). `GET /docs`: a
 * static HTML page of the same document — each route, its summary, parameters and body schema — rendered here,
 * with no script and nothing fetched from a CDN.
 */
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { described } from '../http/route-contract.js';
import { renderDocsPage } from './docs-page.js';
import { buildOpenApiDocument, type DocumentedRoute } from './openapi-document.js';

/** The package's version (src/ and dist/ sit at the same depth under the package root). */
function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/** Call before the routes (it documents the routes registered afterwards, and its own two). */
export function registerOpenApi(app: FastifyInstance): void {
  const routes: DocumentedRoute[] = [];
  app.addHook('onRoute', (route) => {
    for (const method of Array.isArray(route.method) ? route.method : [route.method]) {
      routes.push({ method: method.toUpperCase(), url: route.url, contract: route.config?.contract });
    }
  });
  let document: Record<string, unknown> | undefined;
  let page: string | undefined;
  const built = (): Record<string, unknown> => {
    document ??= buildOpenApiDocument(routes, { title: 'weunion', version: packageVersion() });
    return document;
  };
  app.get('/openapi.json', described({ summary: 'This document (OpenAPI 3.1)' }), async () => built());
  app.get('/docs', described({ summary: 'The API, as a static HTML page', answers: 'text/html' }), async (_request, reply) => {
    page ??= renderDocsPage(built());
    return reply.type('text/html; charset=utf-8').header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'").send(page);
  });
}
