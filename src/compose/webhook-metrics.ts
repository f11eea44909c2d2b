/**
 * The webhook figures, per union and endpoint (label values bounded: the configured endpoints): every attempt by
 * how it ended (`weunion_webhook_attempts_total`, fed by the worker), and, read at scrape time, how long the oldest
 * unfinished (pending or running) delivery of each endpoint has waited since it was queued
 * (`weunion_webhook_lag_seconds`, 0 when none waits) — a receiver down, slow or disabled (410) shows as a lag that
 * grows.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { WebhookAttemptObserver } from '../webhooks/index.js';

export interface WebhookMetricsSources {
  /** The configured endpoints. */
  endpoints: readonly { id: string; union: string }[];
  /** Per endpoint with unfinished deliveries, when the oldest was queued (ms): the store's `oldestUnfinishedDeliveries`. */
  oldestUnfinished(): Promise<Map<string, number>>;
  now(): number;
}

/**
 * Registers both on `registry`; returns the worker's attempt observer.
 * @example
 *   const observe = registerWebhookMetrics(registry, { endpoints, oldestUnfinished: () => store.webhooks.oldestUnfinishedDeliveries(), now });
 */
export function registerWebhookMetrics(registry: Registry, sources: WebhookMetricsSources): WebhookAttemptObserver {
  const registers = [registry];
  const attempts = new Counter({
    name: 'weunion_webhook_attempts_total',
    help: 'Webhook delivery attempts, by union, endpoint and result (delivered, retry, failed = gave up, gone = 410).',
    labelNames: ['union', 'endpoint', 'result'] as const,
    registers,
  });
  new Gauge({
    name: 'weunion_webhook_lag_seconds',
    help: 'How long the oldest unfinished (pending or running) delivery of each endpoint has waited since it was queued (0 when none).',
    labelNames: ['union', 'endpoint'] as const,
    registers,
    async collect() {
      if (sources.endpoints.length === 0) return;
      const oldest = await sources.oldestUnfinished();
      const now = sources.now();
      for (const e of sources.endpoints) {
        const at = oldest.get(e.id);
        this.set({ union: e.union, endpoint: e.id }, at === undefined ? 0 : Math.max(0, (now - at) / 1000));
      }
    },
  });
  return ({ endpointId, union, result }) => attempts.inc({ union, endpoint: endpointId, result });
}
