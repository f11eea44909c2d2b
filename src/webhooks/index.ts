export { type SignedRequest, signedRequest, type WebhookSigner, webhookSigner } from './signed-request.js';
export {
  createWebhookWorker,
  type WebhookAttemptObserver,
  type WebhookAttemptResult,
  type WebhookWorker,
  type WebhookWorkerOptions,
} from './webhook-worker.js';
export { type AttemptOutcome, sendDelivery, type WebhookFetch, type WebhookRequestInit, type WebhookResponse } from './send-delivery.js';
