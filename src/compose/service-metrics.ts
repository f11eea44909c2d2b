/**
 * The service's Prometheus figures, on a Registry of its own (one per composed service: two in one process — tests,
 * a library user — never mix, and no module-level default registry is touched). Built only when
 * `config.metrics.enabled`; otherwise nothing observes anything. The server serves and feeds the HTTP part
 * (server/plugins/metrics.ts); the rest is fed by the parts compose() wires: logins (flows, with the unionid's
 * source), merges (the identity service), WeChat calls and access_token fetches (the gateway), webhook attempts
 * (the worker, webhook-metrics.ts), and, read at scrape time, the job queue, the webhook lag and the PostgreSQL pool.
 * Logins and merges carry the app's union (`(none)` for an app bound to none): one deployment may serve several.
 * Label values are bounded: route patterns (never URLs), configured appids, unions and endpoints, WeChat endpoint
 * paths and errcodes.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { LoginObserver } from '../flows/login-observer.js';
import type { PoolUse } from '../store/index.js';
import type { JobStatus } from '../store/port.js';
import type { WeChatCallObserver } from '../wechat/api/request.js';
import type { WebhookAttemptObserver } from '../webhooks/index.js';
import { registerWebhookMetrics, type WebhookMetricsSources } from './webhook-metrics.js';

/** The `union` label of an app bound to no union. */
export const NO_UNION = '(none)';

export interface ServiceMetricsSources {
  /** Job counts by status (the store's `jobCounts`). */
  jobs(): Promise<Record<JobStatus, number>>;
  /** The due time (ms) of the oldest due pending job, or null. */
  oldestDueJob(now: number): Promise<number | null>;
  now(): number;
  /** The union of a configured app (null: bound to none). */
  unionOf(appid: string): string | null;
  /** The webhook endpoints and their unfinished deliveries (webhook-metrics.ts). */
  webhooks: Omit<WebhookMetricsSources, 'now'>;
  /** The PostgreSQL pool's use; absent or undefined for SQLite. */
  pool?: (() => PoolUse | undefined) | undefined;
}

export interface ServiceMetrics {
  registry: Registry;
  /** One answered HTTP request: route pattern (or `(no route)`), method, status, seconds. */
  httpRequest(route: string, method: string, status: number, seconds: number): void;
  logins: LoginObserver;
  /** Users merged into another by one resolution in `union` (null: none). */
  merged(count: number, union: string | null): void;
  /** One webhook delivery attempt, by how it ended. */
  webhookAttempt: WebhookAttemptObserver;
  wechat: { call: WeChatCallObserver; tokenRefreshed(appid: string, from: string): void };
}

/**
 * @example
 *   const metrics = createServiceMetrics({ jobs: () => store.jobs.jobCounts(), oldestDueJob, now: () => clock.now(), unionOf, webhooks });
 *   const text = await metrics.registry.metrics();
 */
export function createServiceMetrics(sources: ServiceMetricsSources): ServiceMetrics {
  const registry = new Registry();
  const registers = [registry];
  const http = new Histogram({
    name: 'weunion_http_request_duration_seconds',
    help: 'HTTP requests answered, by route pattern, method and status.',
    labelNames: ['route', 'method', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });
  const logins = new Counter({
    name: 'weunion_logins_total',
    help: 'Logins that succeeded, by union, app, road, result (new_user / returning) and where the unionid came from.',
    labelNames: ['union', 'appid', 'road', 'result', 'unionid_source'] as const,
    registers,
  });
  const merges = new Counter({
    name: 'weunion_merges_total',
    help: 'Users merged into another (they now resolve to it), by union.',
    labelNames: ['union'] as const,
    registers,
  });
  const wechatCalls = new Counter({
    name: 'weunion_wechat_calls_total',
    help: 'Calls to WeChat (each attempt), by endpoint path and errcode (0 = success; http_<status>, timeout, unreachable, bad_body).',
    labelNames: ['endpoint', 'errcode'] as const,
    registers,
  });
  const refreshes = new Counter({
    name: 'weunion_access_token_refreshes_total',
    help: 'access_tokens fetched, by app and source (stable, token, url).',
    labelNames: ['appid', 'source'] as const,
    registers,
  });
  new Gauge({
    name: 'weunion_jobs',
    help: 'Durable jobs by status (pending = the queue depth).',
    labelNames: ['status'] as const,
    registers,
    async collect() {
      const counts = await sources.jobs();
      for (const status of ['pending', 'running', 'failed'] as const) this.set({ status }, counts[status]);
    },
  });
  new Gauge({
    name: 'weunion_job_queue_oldest_age_seconds',
    help: 'How long the oldest due pending job has waited past its due time (0 when none waits).',
    registers,
    async collect() {
      const now = sources.now();
      const oldest = await sources.oldestDueJob(now);
      this.set(oldest === null ? 0 : Math.max(0, (now - oldest) / 1000));
    },
  });
  if (sources.pool) {
    const pool = sources.pool;
    new Gauge({
      name: 'weunion_store_pool_connections',
      help: 'PostgreSQL pool: connections by state (total, idle, max) and requests waiting for one (waiting).',
      labelNames: ['state'] as const,
      registers,
      collect() {
        const use = pool();
        if (use === undefined) return;
        for (const state of ['total', 'idle', 'waiting', 'max'] as const) this.set({ state }, use[state]);
      },
    });
  }
  const webhookAttempt = registerWebhookMetrics(registry, { ...sources.webhooks, now: sources.now });
  return {
    registry,
    httpRequest: (route, method, status, seconds) => http.observe({ route, method, status: String(status) }, seconds),
    logins: {
      login: (e) =>
        logins.inc({
          union: sources.unionOf(e.appid) ?? NO_UNION,
          appid: e.appid,
          road: e.road,
          result: e.isNewUser ? 'new_user' : 'returning',
          unionid_source: e.unionidSource,
        }),
    },
    merged: (count, union) => {
      if (count > 0) merges.inc({ union: union ?? NO_UNION }, count);
    },
    webhookAttempt,
    wechat: {
      call: (c) => wechatCalls.inc({ endpoint: c.path, errcode: c.errcode }),
      tokenRefreshed: (appid, from) => refreshes.inc({ appid, source: from.startsWith('url:') ? 'url' : from }),
    },
  };
}
