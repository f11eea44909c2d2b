/**
 * The OpenAPI 3.1 document of the routes as registered: each route's path and methods from Fastify, its summary
 * and schemas from its contract (http/route-contract.ts), the schemas converted from the very zod schemas the
 * handler validates with (zod 4's `z.toJSONSchema`, JSON Schema 2020-12, which is OpenAPI 3.1's dialect). Error
 * answers share one schema: `{ error: { code, message, wechat?, details? } }` (docs/errors.md).
 * https://spec.openapis.org/oas/v3.1.0
 */
import { z } from 'zod';
import type { RouteContract } from '../http/route-contract.js';

export interface DocumentedRoute {
  method: string;
  /** Fastify's pattern, e.g. `/v1/mp/:appid/login`. */
  url: string;
  contract?: RouteContract | undefined;
}

type JsonSchema = Record<string, unknown>;

const toJson = (schema: z.ZodType): JsonSchema => {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', unrepresentable: 'any', io: 'input' }) as JsonSchema;
  return rest;
};

const ERROR_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', description: 'A stable code of docs/errors.md' },
        message: { type: 'string' },
        wechat: { type: 'object', properties: { errcode: { type: 'integer' }, errmsg: { type: 'string' } } },
        details: { type: 'object' },
      },
    },
  },
};

/** `/v1/mp/:appid/login` → `/v1/mp/{appid}/login`. */
export function openApiPath(url: string): string {
  return url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

function parameters(route: DocumentedRoute): JsonSchema[] {
  const out: JsonSchema[] = [];
  const params = route.contract?.params ? toJson(route.contract.params) : undefined;
  for (const name of route.url.match(/:([A-Za-z0-9_]+)/g)?.map((p) => p.slice(1)) ?? []) {
    const schema = (params?.properties as Record<string, JsonSchema> | undefined)?.[name] ?? { type: 'string' };
    out.push({ name, in: 'path', required: true, schema });
  }
  if (route.contract?.query) {
    const query = toJson(route.contract.query);
    const required = new Set((query.required as string[] | undefined) ?? []);
    for (const [name, schema] of Object.entries((query.properties as Record<string, JsonSchema> | undefined) ?? {})) {
      out.push({ name, in: 'query', required: required.has(name), schema });
    }
  }
  return out;
}

function operation(route: DocumentedRoute): JsonSchema {
  const c = route.contract;
  const success = c?.answers ? { description: c.answers } : { description: 'Success', content: { 'application/json': { schema: { type: 'object' } } } };
  return {
    summary: c?.summary ?? `${route.method} ${route.url}`,
    operationId: `${route.method.toLowerCase()}${route.url.replace(/[^A-Za-z0-9]+(.)?/g, (_, ch: string | undefined) => (ch ?? '').toUpperCase())}`,
    parameters: parameters(route),
    ...(c?.body ? { requestBody: { required: true, content: { 'application/json': { schema: toJson(c.body) } } } } : {}),
    ...(c?.bearer ? { security: [{ bearer: [] }] } : {}),
    responses: {
      [c?.answers?.startsWith('302') ? '302' : '200']: success,
      default: { description: 'A typed error (docs/errors.md)', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
    },
  };
}

/**
 * @example
 *   const doc = buildOpenApiDocument([{ method: 'GET', url: '/healthz' }], { title: 'weunion', version: '0.1.0' });
 */
export function buildOpenApiDocument(routes: readonly DocumentedRoute[], info: { title: string; version: string }): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of routes) {
    // Fastify answers HEAD with every GET handler: the GET stands for both.
    if (route.method === 'HEAD' || route.method === 'OPTIONS') continue;
    const path = openApiPath(route.url);
    paths[path] ??= {};
    paths[path][route.method.toLowerCase()] = operation(route);
  }
  return {
    openapi: '3.1.0',
    info,
    paths,
    components: {
      schemas: { Error: ERROR_SCHEMA },
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'A weunion session token (or, for the metrics, metrics.token).' } },
    },
  };
}
