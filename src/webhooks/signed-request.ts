/**
 * One delivery's HTTP request under the Standard Webhooks scheme (https://www.standardwebhooks.com/): the event's
 * JSON as the body, `webhook-id` (the event id, so receivers deduplicate retries), `webhook-timestamp` (seconds)
 * and `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, made by the `standardwebhooks` package
 * receivers verify with. The secret goes into the signature only: it is never logged nor part of the request.
 */
import { Webhook } from 'standardwebhooks';
import type { PublicEvent } from '../events/index.js';

export interface SignedRequest {
  body: string;
  headers: Record<string, string>;
}

/** Signs deliveries for one endpoint: `at` is the signing time (epoch ms, from the injected clock). */
export type WebhookSigner = (event: PublicEvent, at: number) => SignedRequest;

/** `secret`: the endpoint's `whsec_…`, decoded once here rather than for every delivery. */
export function webhookSigner(secret: string): WebhookSigner {
  const webhook = new Webhook(secret);
  return (event, at) => {
    const body = JSON.stringify(event);
    return {
      body,
      headers: {
        'content-type': 'application/json',
        'user-agent': 'weunion-webhooks',
        'webhook-id': event.id,
        'webhook-timestamp': String(Math.floor(at / 1000)),
        'webhook-signature': webhook.sign(event.id, new Date(at), body),
      },
    };
  };
}

/** One request signed with `secret` (a signer made for it alone). */
export function signedRequest(event: PublicEvent, secret: string, at: number): SignedRequest {
  return webhookSigner(secret)(event, at);
}
