/**
 * The composition root: from a parsed Config to the running pieces (store behind its schema guard, shared cache,
 * WeChat gateway, sessions, at-rest cipher, job runner, callback hooks, readiness). Used by `weunion start`, the demo, the tests' stack helper and the
 * benchmarks, so all run the same wiring.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import { sql } from 'kysely';
import { openCache, type OpenedCache } from '../cache/index.js';
import { systemClock, type Clock } from '../clock.js';
import { loadOrCreateDataKeys } from '../config/data-keys.js';
import type { Config } from '../config/schema.js';
import { createUserId } from '../identity/index.js';
import { createJobRunner } from '../jobs/index.js';
import { createAtRestCipher } from '../secrets/at-rest-cipher.js';
import { createSessionTokens } from '../sessions/session-tokens.js';
import { openStore } from '../store/index.js';
import type { HttpTransport } from '../wechat/api/http-transport.js';
import type { OpsDeps } from './app.js';
import type { AppDeps } from './deps.js';
import { createJobHandlers } from './jobs/handlers.js';
import { createCallbackHooks, type CallbackHooks } from './oa/callback-hooks.js';
import { createReadiness } from './routes/health.js';
import { guardSchema, migrationsModeFor, type MigrationsMode } from './schema-guard.js';
import { createWeChatGateway } from './wechat-gateway.js';

export interface Composed {
  deps: AppDeps & OpsDeps;
  close(): Promise<void>;
}

export interface ComposeOptions {
  clock?: Clock;
  logger?: FastifyBaseLogger | false;
  fetch?: HttpTransport;
  /**
   * Overrides `config.migrations`: true = migrate at start (`auto`), false = do not look at the schema at all (a
   * caller that migrated itself). Default: `migrationsModeFor(config)` (auto for SQLite, check for PostgreSQL).
   */
  migrate?: boolean;
  /** Official-account message/event handlers of the embedding application. */
  hooks?: CallbackHooks;
}

export async function compose(config: Config, options: ComposeOptions = {}): Promise<Composed> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? false;
  const keys = await loadOrCreateDataKeys(config);
  const opened = await openStore(config.storage, { poolSize: config.storagePoolSize, ...(logger ? { logger } : {}) });
  let cache: OpenedCache | null = null;
  try {
    if (options.migrate !== false) {
      const mode: MigrationsMode = options.migrate === true ? 'auto' : migrationsModeFor(config);
      await guardSchema(opened, mode); // refuses to start on a schema this build does not match
    }
    const shared = openSharedCache(config.cache, clock, logger);
    cache = shared;
    const atRest = createAtRestCipher(keys.atRestKey);
    const sessions = await createSessionTokens({
      signingJwk: keys.signingJwk,
      issuer: config.session.issuer,
      ttlSeconds: config.session.ttlSeconds,
      clock,
    });
    const gateway = createWeChatGateway({
      baseUrl: config.wechat.baseUrl,
      mpBaseUrl: config.wechat.mpBaseUrl,
      timeoutMs: config.wechat.timeoutMs,
      tokenMode: config.wechat.tokenMode,
      apps: config.apps,
      clock,
      ...(options.fetch ? { fetch: options.fetch } : {}),
      // One access_token refresh and one code exchange cluster-wide; what goes into Redis is sealed.
      ...(shared ? { sharedCache: shared, seal: atRest } : {}),
    });
    const readiness = createReadiness({
      database: () => sql`select 1`.execute(opened.db),
      schema: () => opened.checkSchema(),
      cache: shared ? () => shared.ping() : undefined,
      jobs: () => opened.store.jobs.jobCounts(),
    });
    const deps = {
      config,
      store: opened.store,
      wechat: gateway,
      sessions,
      atRest,
      clock,
      newId: createUserId,
      random: randomBytes,
      hooks: options.hooks ?? createCallbackHooks(),
      logger,
      readiness,
      redis: shared?.redis ?? null,
    } as Omit<AppDeps & OpsDeps, 'jobs'> as AppDeps & OpsDeps;
    const runner = createJobRunner({
      store: opened.store.jobs,
      clock,
      handlers: createJobHandlers(deps),
      ...(logger ? { logger } : {}),
      pollMs: config.jobs.pollMs,
      leaseMs: config.jobs.leaseMs,
      // A run is abandoned before its lease ends, so no second worker takes it while the first still runs.
      timeoutMs: Math.max(config.jobs.leaseMs - 5000, Math.floor(config.jobs.leaseMs * 0.8)),
      maxAttempts: config.jobs.maxAttempts,
      concurrency: config.jobs.concurrency,
    });
    (deps as { jobs: AppDeps['jobs'] }).jobs = runner;
    return {
      deps,
      // Jobs in flight finish first (they need the store and the cache), then the pools close.
      close: async () => {
        await runner.stop();
        await Promise.all([opened.close(), closeSharedCache(cache)]);
      },
    };
  } catch (e) {
    await Promise.all([opened.close(), closeSharedCache(cache)]);
    throw e;
  }
}

/**
 * The cache every instance shares for `cache: redis://…` (its ioredis client also backs the rate limiter), or null
 * for `memory`: one instance keeps tokens, locks and flights in process, as before. Redis outages are logged once
 * per outage; commands fail fast meanwhile (the rate limiter lets requests through, /readyz reports it).
 */
function openSharedCache(url: string, clock: Clock, logger: FastifyBaseLogger | false): OpenedCache | null {
  if (url === 'memory') return null;
  const cache = openCache(url, { clock });
  let down = false;
  cache.redis?.on('error', (err: Error & { code?: string }) => {
    if (down) return;
    down = true;
    if (logger) logger.warn({ code: err.code ?? err.name }, 'Redis (shared cache) is unreachable; retrying');
  });
  cache.redis?.on('ready', () => void (down = false));
  return cache;
}

/** Closes the shared cache; a Redis that is away is dropped at once (QUIT would wait for a reconnection). */
async function closeSharedCache(cache: OpenedCache | null): Promise<void> {
  if (!cache) return;
  if (cache.redis && cache.redis.status !== 'ready' && cache.redis.status !== 'wait') cache.redis.disconnect();
  await cache.close();
}
