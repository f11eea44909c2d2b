/**
 * Rate limiting of the login routes (mini program login and decrypt road, mobile app login, session exchange, OAuth
 * authorize, scan-to-follow creation) with
 * @fastify/rate-limit: per client IP (`rateLimit.perIpPerMinute`) and per appid across all clients
 * (`rateLimit.perAppPerMinute`), in fixed one-minute windows. Counters live in Redis when one is given (so the limits
 * hold for the whole cluster, not per instance) and in memory otherwise. Over a limit: 429 with `Retry-After` and
 * `{ error: { code: 'ERR_RATE_LIMITED', … } }`. If Redis fails, requests pass (logins must not depend on a counter).
 * Behind a proxy, set `server.trustProxy` so the client IP is the real one, not the proxy's.
 */
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import type { Redis } from 'ioredis';
import type { Config } from '../../config/schema.js';
import { AppError } from '../../errors.js';

/** The routes limited, as Fastify spells them (`METHOD url`). */
export const LOGIN_ROUTES: ReadonlySet<string> = new Set([
  'POST /v1/mp/:appid/login',
  // The decrypt road: each request is a decryption attempt (a padding oracle needs thousands) and may cost a checksession.
  'POST /v1/mp/:appid/unionid',
  // Each anonymous creation costs WeChat a qrcode/create.
  'POST /v1/oa/:appid/qr-login',
  'POST /v1/app/:appid/login',
  'POST /v1/session/exchange',
  'GET /v1/oa/:appid/authorize',
  'GET /v1/web/:appid/authorize',
]);

export interface LoginRateLimitOptions {
  limits: Config['rateLimit'];
  /** The appids we serve: only those get an app counter (a made-up appid must not create keys). */
  appids: readonly string[];
  /** A shared ioredis client, or null/undefined for in-memory counters (one instance). */
  redis?: Redis | null | undefined;
  /**
   * Key prefix in Redis. Default `weunion:rate-limit:`. (@fastify/rate-limit inserts `undefinedundefined-` after it
   * for limiters made with `createRateLimit`, whose keys it names as if they were a route's: the keys read
   * `weunion:rate-limit:undefinedundefined-ip:<ip>` / `…-app:<appid>`.)
   */
  nameSpace?: string;
}

const WINDOW_MS = 60_000;

/**
 * Registers the limiter and hooks it onto every route of `LOGIN_ROUTES` registered afterwards: call it before
 * the routes.
 * @example
 *   await registerLoginRateLimit(app, { limits: config.rateLimit, appids: config.apps.map((a) => a.appid), redis });
 */
export async function registerLoginRateLimit(app: FastifyInstance, options: LoginRateLimitOptions): Promise<void> {
  const { perIpPerMinute, perAppPerMinute } = options.limits ?? ({} as Config['rateLimit']);
  for (const [name, v] of [
    ['perIpPerMinute', perIpPerMinute],
    ['perAppPerMinute', perAppPerMinute],
  ] as const) {
    if (!Number.isSafeInteger(v) || v < 1) throw new TypeError(`registerLoginRateLimit: limits.${name} must be an integer ≥ 1`);
  }
  const appids = new Set(options.appids);
  await app.register(rateLimit, {
    global: false,
    skipOnError: true,
    ...(options.redis ? { redis: options.redis, nameSpace: options.nameSpace ?? 'weunion:rate-limit:' } : {}),
  });
  const perIp = app.createRateLimit({ max: perIpPerMinute, timeWindow: WINDOW_MS, keyGenerator: (req) => `ip:${req.ip}` });
  const perApp = app.createRateLimit({
    max: perAppPerMinute,
    timeWindow: WINDOW_MS,
    keyGenerator: (req) => `app:${appidOf(req)}`,
  });

  const limit: onRequestAsyncHookHandler = async (request, reply) => {
    const checks = [perIp(request)];
    const appid = appidOf(request);
    if (appid !== undefined && appids.has(appid)) checks.push(perApp(request));
    let retryAfter = 0;
    for (const r of await Promise.all(checks)) {
      if (!r.isAllowed && r.isExceeded) retryAfter = Math.max(retryAfter, r.ttlInSeconds, 1);
    }
    if (retryAfter === 0) return;
    reply.header('retry-after', String(retryAfter));
    throw new AppError('ERR_RATE_LIMITED', { details: { retryAfterSeconds: retryAfter } });
  };

  // Mounted under a prefix (weunion/fastify), a route's url starts with it: LOGIN_ROUTES are spelt without.
  const mountPrefix = app.prefix;
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const url = route.url.startsWith(mountPrefix) ? route.url.slice(mountPrefix.length) : route.url;
    // Fastify answers HEAD with the GET handler: limit it alike.
    if (!methods.some((m) => LOGIN_ROUTES.has(`${m === 'HEAD' ? 'GET' : m} ${url}`))) return;
    const existing = route.onRequest;
    route.onRequest = [...(existing === undefined ? [] : Array.isArray(existing) ? existing : [existing]), limit];
  });
}

function appidOf(request: FastifyRequest): string | undefined {
  const appid = (request.params as { appid?: unknown } | undefined)?.appid;
  return typeof appid === 'string' ? appid : undefined;
}
