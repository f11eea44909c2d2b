/**
 * The composition root: from a parsed Config to the running pieces — store behind its schema guard, shared cache,
 * WeChat gateway, sessions, at-rest cipher, identity service, flows, job runner, readiness — built once, in the
 * order their dependencies allow (the runner after the handlers it runs; no late binding). Used by `weunion
 * start`, the demo, the tests' stack and the benchmarks, so all run the same wiring; `overrides` replaces a part
 * (a scripted WeChat gateway, say) without re-wiring the rest.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import { sql } from 'kysely';
import type { OpenedCache } from '../cache/index.js';
import { type Clock, systemClock } from '../clock.js';
import { loadOrCreateDataKeys } from '../config/data-keys.js';
import type { Config } from '../config/schema.js';
import { type CallbackHooks, createCallbackHooks } from '../flows/oa/callback-hooks.js';
import type { RandomBytes, WeChatGateway } from '../flows/ports.js';
import { createSessionService } from '../flows/sessions/session-service.js';
import { createIdentityService, createUserId } from '../identity/index.js';
import { createJobRunner, createJobWake } from '../jobs/index.js';
import { createAtRestCipher } from '../secrets/at-rest-cipher.js';
import { createWebhookWorker } from '../webhooks/index.js';
import { resolveAdminUser } from '../flows/admin/live-user.js';
import { createSessionTokens, type SessionTokens } from '../sessions/session-tokens.js';
import { seedSigningKey } from '../sessions/signing-key-rotation.js';
import { createStoredKeyring } from '../sessions/stored-keyring.js';
import { oldestDueJobRunAt, openStore } from '../store/index.js';
import { createUndiciTransport, type HttpTransport } from '../wechat/api/http-transport.js';
import type { ComposedDeps } from './deps.js';
import { createLocalFlowSignals, createRedisFlowSignals } from './flow-signals.js';
import { createFlows } from './flows.js';
import { createReadiness } from './readiness.js';
import { countMerges } from './count-merges.js';
import { createServiceMetrics } from './service-metrics.js';
import { guardSchema, type MigrationsMode, migrationsModeFor } from './schema-guard.js';
import { closeSharedCache, openSharedCache } from './shared-cache.js';
import { createWeChatGateway } from './wechat-gateway.js';

export interface Composed {
  deps: ComposedDeps;
  close(): Promise<void>;
}

/** Parts a caller may supply instead of the ones compose() would build. */
export interface ComposeOverrides {
  /** WeChat as the flows see it: a gateway of your own (a scripted one in tests), or a wrapper of the one built. */
  wechat?: WeChatGateway | ((built: WeChatGateway) => WeChatGateway);
  sessions?: SessionTokens;
  random?: RandomBytes;
  /** New user ids. */
  newId?: () => string;
}

export interface ComposeOptions {
  clock?: Clock;
  logger?: FastifyBaseLogger | false;
  /** The HTTP transport of the WeChat gateway compose() builds. */
  fetch?: HttpTransport;
  /**
   * Overrides `config.migrations`: true = migrate at start (`auto`), false = do not look at the schema at all (a
   * caller that migrated itself). Default: `migrationsModeFor(config)` (auto for SQLite, check for PostgreSQL).
   */
  migrate?: boolean;
  /** Official-account message/event handlers of the embedding application. */
  hooks?: CallbackHooks;
  overrides?: ComposeOverrides;
  /**
   * Opens the active signing key before returning (default true), so an instance whose at-rest key differs from the
   * one that sealed it refuses to start (ERR_SIGNING_KEY_UNAVAILABLE) rather than at its first login; the configured
   * key is seeded first. false: a caller that never signs (`weunion sessions revoke`): neither.
   */
  checkSigningKey?: boolean;
}

/**
 * @example
 *   const composed = await compose(config, { clock, logger });
 *   const app = await buildApp(composed.deps);
 *   composed.deps.jobs.start();
 */
export async function compose(config: Config, options: ComposeOptions = {}): Promise<Composed> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? false;
  const overrides = options.overrides ?? {};
  const keys = await loadOrCreateDataKeys(config);
  const opened = await openStore(config.storage, { poolSize: config.storagePoolSize, ...(logger ? { logger } : {}) });
  let cache: OpenedCache | null = null;
  let closeSignals = async (): Promise<void> => undefined;
  let closeWebhookFetch = async (): Promise<void> => undefined;
  try {
    if (options.migrate !== false) {
      const mode: MigrationsMode = options.migrate === true ? 'auto' : migrationsModeFor(config);
      await guardSchema(opened, mode); // refuses to start on a schema this build does not match
    }
    const shared = openSharedCache(config.cache, clock, logger);
    cache = shared;
    const store = opened.store;
    // Only when asked for (config.metrics): otherwise no part observes anything.
    const metrics = config.metrics.enabled
      ? createServiceMetrics({
          jobs: () => store.jobs.jobCounts(),
          oldestDueJob: (now) => oldestDueJobRunAt(opened.db, now),
          now: () => clock.now(),
          unionOf: (appid) => config.apps.find((a) => a.appid === appid)?.union ?? null,
          webhooks: { endpoints: config.webhooks.endpoints, oldestUnfinished: () => store.webhooks.oldestUnfinishedDeliveries() },
          pool: opened.poolUse,
        })
      : null;
    const atRest = createAtRestCipher(keys.atRestKey);
    const random = overrides.random ?? randomBytes;
    const tokens = overrides.sessions ?? (await storedSessionTokens());
    /** Tokens signed with the database's keys, which every instance shares (the configured key seeds them). */
    async function storedSessionTokens(): Promise<SessionTokens> {
      const { ttlSeconds, issuer, keyCacheSeconds } = config.session;
      // A caller that never signs does not seed either: its keys may not be the instances' (a CLI with its own keys.json).
      if (options.checkSigningKey !== false)
        await seedSigningKey({ store: store.signingKeys, cipher: atRest, clock }, keys.signingJwk, keys.signingJwkFromConfig);
      const keyring = createStoredKeyring({ store: store.signingKeys, cipher: atRest, clock, ttlSeconds, refreshSeconds: keyCacheSeconds });
      if (options.checkSigningKey !== false) await keyring.signingKey();
      return createSessionTokens({ keyring, issuer, ttlSeconds, clock });
    }
    const wechat = typeof overrides.wechat === 'object' ? overrides.wechat : buildGateway();
    function buildGateway(): WeChatGateway {
      const built = createWeChatGateway({
        baseUrl: config.wechat.baseUrl,
        mpBaseUrl: config.wechat.mpBaseUrl,
        timeoutMs: config.wechat.timeoutMs,
        tokenMode: config.wechat.tokenMode,
        apps: config.apps,
        clock,
        ...(options.fetch ? { fetch: options.fetch } : {}),
        // One access_token refresh and one code exchange cluster-wide; what goes into Redis is sealed.
        ...(shared ? { sharedCache: shared, seal: atRest } : {}),
        ...(metrics ? { observe: metrics.wechat } : {}),
      });
      return typeof overrides.wechat === 'function' ? overrides.wechat(built) : built;
    }
    const identity = countMerges(
      metrics,
      createIdentityService({ identity: store.identity, profile: store.profile, clock, newId: overrides.newId ?? createUserId }),
    );
    // Session families and refresh tokens over the signing keys (flows/sessions/session-service.ts).
    const sessions = createSessionService({
      tokens,
      store: store.sessions,
      identity,
      identities: store.identity,
      clock,
      random,
      refreshTtlSeconds: config.session.refreshTtlSeconds,
    });
    const hooks = options.hooks ?? createCallbackHooks();
    const wake = createJobWake();
    // Scan-to-follow waiters wake on a change from any instance (Redis) or this one.
    const signals = shared?.redis ? createRedisFlowSignals(shared.redis) : createLocalFlowSignals();
    closeSignals = () => signals.close();
    const flows = createFlows({
      config,
      store,
      wechat,
      sessions,
      atRest,
      identity,
      clock,
      random,
      hooks,
      wake,
      signals,
      ...(metrics ? { logins: metrics.logins } : {}),
    });
    const jobs = createJobRunner({
      store: store.jobs,
      clock,
      handlers: flows.oaJobs,
      wake,
      ...(logger ? { logger } : {}),
      pollMs: config.jobs.pollMs,
      leaseMs: config.jobs.leaseMs,
      // A run is abandoned before its lease ends, so no second worker takes it while the first still runs.
      timeoutMs: Math.max(config.jobs.leaseMs - 5000, Math.floor(config.jobs.leaseMs * 0.8)),
      maxAttempts: config.jobs.maxAttempts,
      concurrency: config.jobs.concurrency,
    });
    // Events out (docs/events.md): started with the jobs by the entry point; idle when no endpoint is configured.
    // The POSTs go out on an undici Agent of their own, the transport the WeChat calls use, not the global fetch:
    // fetch's per-request WHATWG objects, cold in a process sending a few deliveries a second, cost each delivery
    // several logins' worth of CPU (BENCHMARKS.md, "login with webhooks").
    const webhookHttp = createUndiciTransport({ connections: 64 });
    closeWebhookFetch = () => webhookHttp.close();
    const webhooks = createWebhookWorker({
      store: store.webhooks,
      fetch: (url, init) => webhookHttp(new URL(url), init),
      endpoints: config.webhooks.endpoints,
      clock,
      liveUserId: async (id) => (await resolveAdminUser(store.admin, id))?.user.id ?? id,
      timeoutMs: config.webhooks.timeoutMs,
      ...(config.webhooks.leaseMs !== undefined ? { leaseMs: config.webhooks.leaseMs } : {}),
      retryWindowMs: config.webhooks.retryWindowMs,
      retryBaseMs: config.webhooks.retryBaseMs,
      pollMs: config.webhooks.pollMs,
      concurrency: config.webhooks.concurrency,
      ...(logger ? { logger } : {}),
      ...(metrics ? { observe: metrics.webhookAttempt } : {}),
    });
    const readiness = createReadiness({
      database: () => sql`select 1`.execute(opened.db),
      schema: () => opened.checkSchema(),
      cache: shared ? () => shared.ping() : undefined,
      jobs: () => store.jobs.jobCounts(),
    });
    const deps: ComposedDeps = {
      config,
      sessions,
      identity,
      flows,
      logger,
      readiness,
      redis: shared?.redis ?? null,
      metrics,
      store,
      wechat,
      atRest,
      clock,
      random,
      hooks,
      wake,
      jobs,
      webhooks,
    };
    return {
      deps,
      // Jobs in flight finish first (they need the store and the cache), then the pools close.
      close: async () => {
        await Promise.all([jobs.stop(), webhooks.stop()]);
        await Promise.all([closeSignals(), closeWebhookFetch()]);
        await Promise.all([opened.close(), closeSharedCache(cache)]);
      },
    };
  } catch (e) {
    await Promise.all([closeSignals(), closeWebhookFetch()]);
    await Promise.all([opened.close(), closeSharedCache(cache)]);
    throw e;
  }
}
