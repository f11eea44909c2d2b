/**
 * The webhook worker's HTTP client: undici's `request()` on a keep-alive Agent of its own, the client the WeChat
 * calls already use (wechat/api/http-transport.ts), instead of the global `fetch`. `fetch` builds WHATWG
 * Request/Response objects and streams for every POST, and in a login process, where only a few deliveries a second
 * go out, that code stays cold: with it, each delivery cost the login process several logins' worth of CPU
 * (BENCHMARKS.md, "login with webhooks"). Redirects are not followed (undici's `request` follows none unless told),
 * the answer's body is discarded unread (`dump()`), and the timeout is the caller's AbortSignal.
 */
import { Agent, request } from 'undici';
import type { WebhookFetch, WebhookResponse } from './send-delivery.js';

/**
 * @example
 *   const send = createUndiciWebhookFetch();
 *   createWebhookWorker({ ...options, fetch: send }); // and `await send.close()` after the worker stops
 */
export function createUndiciWebhookFetch(options: { connections?: number; keepAliveTimeoutMs?: number } = {}): WebhookFetch & {
  close(): Promise<void>;
} {
  const dispatcher = new Agent({ connections: options.connections ?? 64, keepAliveTimeout: options.keepAliveTimeoutMs ?? 10_000 });
  const send = async (url: string, init: RequestInit): Promise<WebhookResponse> => {
    const res = await request(url, {
      method: 'POST',
      headers: init.headers as Record<string, string>,
      body: init.body as string,
      signal: init.signal ?? null,
      dispatcher,
    });
    return {
      status: res.statusCode,
      // dump() discards the rest of the body and frees the socket (a huge or endless body costs nothing).
      body: { cancel: () => res.body.dump().then(() => undefined) },
    };
  };
  return Object.assign(send, { close: () => dispatcher.close() });
}
