/**
 * The `webhooks` section of the config: where events go (docs/events.md). Endpoints are per union; each has its
 * own Standard Webhooks secret (`whsec_` + base64, https://www.standardwebhooks.com/) and an event-type filter.
 */
import { z } from 'zod';
import { forbiddenWebhookUrl } from './webhook-address.js';

const endpointSchema = z.strictObject({
  /** Our name for the endpoint: deliveries are recorded under it, so keep it when the URL changes. */
  id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'an endpoint id is 1–64 characters of [A-Za-z0-9_-]'),
  /** The union (`unions[].id`) whose events it receives. */
  union: z.string().min(1),
  url: z.string(),
  /** Never logged, never answered. */
  secret: z.string().regex(/^whsec_[A-Za-z0-9+/]{22,}={0,2}$/, 'a webhook secret is whsec_ followed by at least 16 bytes of base64'),
  /** Event types to send (e.g. ["user.merged"]); empty = every type. */
  events: z.array(z.string().regex(/^[a-z]+\.[a-z_]+$/, 'an event type looks like user.merged')).default([]),
});

/** Deliveries a lane sends one after another under one claim, at most (webhook-worker.ts). */
export const WEBHOOK_PER_LANE = 8;

/** The claim lease when `webhooks.leaseMs` is not set: long enough for a full claim's requests one after another, plus 30 s. */
export function defaultWebhookLeaseMs(timeoutMs: number): number {
  return timeoutMs * WEBHOOK_PER_LANE + 30_000;
}

export const webhooksSchema = z
  .strictObject({
    endpoints: z.array(endpointSchema).default([]),
    /** Allow loopback and private addresses (tests, development); link-local / metadata addresses stay refused. */
    allowPrivateAddresses: z.boolean().default(false),
    /** A receiver slower than this is cut off and the delivery retried. */
    timeoutMs: z.number().int().min(100).max(60_000).default(10_000),
    /**
     * How long a worker's claim on deliveries lasts before another instance may take them over (an instance killed
     * mid-request is covered by another after this). Must exceed `timeoutMs`: a request only starts when it can end
     * within the lease. Default: `defaultWebhookLeaseMs(timeoutMs)` = timeoutMs × 8 + 30 s.
     */
    leaseMs: z.number().int().positive().max(86_400_000).optional(),
    /** How long a delivery is retried (exponential backoff with jitter) before it is marked failed. */
    retryWindowMs: z
      .number()
      .int()
      .min(1000)
      .max(7 * 86_400_000)
      .default(86_400_000),
    /** The first retry's delay ceiling; each failure doubles it (with jitter), up to an hour. */
    retryBaseMs: z.number().int().min(10).max(3_600_000).default(5000),
    pollMs: z.number().int().min(10).max(60_000).default(1000),
    concurrency: z.number().int().min(1).max(64).default(4),
  })
  .superRefine((w, ctx) => {
    if (w.leaseMs !== undefined && w.leaseMs <= w.timeoutMs) {
      ctx.addIssue({
        code: 'custom',
        path: ['leaseMs'],
        message: `the claim lease (${w.leaseMs} ms) must exceed the delivery timeout (timeoutMs ${w.timeoutMs} ms)`,
      });
    }
    const ids = new Set<string>();
    w.endpoints.forEach((e, i) => {
      if (ids.has(e.id)) ctx.addIssue({ code: 'custom', path: ['endpoints', i, 'id'], message: `duplicate endpoint id "${e.id}"` });
      ids.add(e.id);
      const why = forbiddenWebhookUrl(e.url, w.allowPrivateAddresses);
      if (why) ctx.addIssue({ code: 'custom', path: ['endpoints', i, 'url'], message: `the webhook URL ${why}` });
    });
  });

export type WebhooksConfig = z.output<typeof webhooksSchema>;
export type WebhookEndpointConfig = WebhooksConfig['endpoints'][number];
