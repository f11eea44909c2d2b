export { type SignedRequest, signedRequest } from './signed-request.js';
export {
  createWebhookWorker,
  type WebhookAttemptObserver,
  type WebhookAttemptResult,
  type WebhookWorker,
  type WebhookWorkerOptions,
} from './webhook-worker.js';
export { type AttemptOutcome, sendDelivery, type WebhookFetch, type WebhookRequestInit, type WebhookResponse } from './send-delivery.js';
