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

/** `secret`: the endpoint's `whsec_…`; `at`: the signing time (epoch ms, from the injected clock). */
export function signedRequest(event: PublicEvent, secret: string, at: number): SignedRequest {
  const body = JSON.stringify(event);
  const signature = new Webhook(secret).sign(event.id, new Date(at), body);
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'user-agent': 'weunion-webhooks',
      'webhook-id': event.id,
      'webhook-timestamp': String(Math.floor(at / 1000)),
      'webhook-signature': signature,
    },
  };
}
