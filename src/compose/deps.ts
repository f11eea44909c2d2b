/**
 * What the composition root hands out. `AppDeps` is what `buildApp` (server/app.ts) needs — the config, the
 * session verifier, the identity view and the flows —; `ComposedDeps` adds the parts behind them, for the entry
 * points (start the job runner, housekeeping) and for tests (drain the jobs, read the store, move the clock).
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Redis } from 'ioredis';
import type { Clock } from '../clock.js';
import type { Config } from '../config/schema.js';
import type { CallbackHooks } from '../flows/oa/callback-hooks.js';
import type { RandomBytes, WeChatGateway } from '../flows/ports.js';
import type { IdentityService } from '../identity/index.js';
import type { JobRunner, JobWake } from '../jobs/index.js';
import type { AtRestCipher } from '../secrets/at-rest-cipher.js';
import type { SessionService } from '../flows/sessions/session-service.js';
import type { WeunionStore } from '../store/port.js';
import type { WebhookWorker } from '../webhooks/index.js';
import type { Flows } from './flows.js';
import type { Readiness } from './readiness.js';
import type { ServiceMetrics } from './service-metrics.js';

export interface AppDeps {
  config: Config;
  /** Verifies Bearer sessions and publishes the JWKS. */
  sessions: Pick<SessionService, 'verify' | 'jwks' | 'refresh' | 'logout'>;
  identity: Pick<IdentityService, 'view'>;
  flows: Flows;
  /** A pino logger (or `false` for none). */
  logger: FastifyBaseLogger | false;
  /** Backs `/readyz`; without it only `/healthz` is served. */
  readiness?: Readiness | undefined;
  /** The shared Redis client (config.cache = redis://…) for cluster-wide rate limits; null = in-memory counters. */
  redis?: Redis | null | undefined;
  /** The Prometheus figures (config.metrics.enabled); null/absent = no /metrics and nothing observed. */
  metrics?: ServiceMetrics | null | undefined;
}

export interface ComposedDeps extends AppDeps {
  sessions: SessionService;
  identity: IdentityService;
  store: WeunionStore;
  wechat: WeChatGateway;
  atRest: AtRestCipher;
  clock: Clock;
  random: RandomBytes;
  /** Handlers library users register for official-account messages and events (passive replies). */
  hooks: CallbackHooks;
  wake: JobWake;
  /** The durable job runner (official-account lookups…): started by the entry point; tests drain it with runDue(). */
  jobs: JobRunner;
  /** The webhook worker (routing events, sending deliveries): started with the jobs; tests drain it with runDue(). */
  webhooks: WebhookWorker;
  readiness: Readiness;
  redis: Redis | null;
}
