/**
 * One attempt at one delivery: POST the signed event to the endpoint and judge the answer. Only the status matters
 * (Standard Webhooks: any 2xx is success), so the response body is never read — a receiver answering with a huge
 * or endless body costs nothing — and redirects are not followed (a 3xx is a failure to retry: following one would
 * let a receiver send weunion's signed request anywhere, past the config's address checks). A receiver slower than
 * `timeoutMs` is cut off and the delivery retried.
 */
import type { SignedRequest } from './signed-request.js';

/** The part of a `fetch` Response a delivery reads: the status, and the body only to discard it. */
export interface WebhookResponse {
  status: number;
  body?: { cancel(): Promise<void> } | null;
}

/** What a delivery sends: a POST that follows no redirect and gives up with `signal`. */
export interface WebhookRequestInit {
  method: 'POST';
  headers: Record<string, string>;
  body: string;
  redirect: 'manual';
  signal: AbortSignal;
}

/**
 * How a delivery is POSTed. The global `fetch` fits (tests inject one, and it is the worker's default); compose()
 * gives the worker undici's `request()` instead (wechat/api/http-transport.ts), far cheaper per POST.
 */
export type WebhookFetch = (url: string, init: WebhookRequestInit) => Promise<WebhookResponse>;

export type AttemptOutcome =
  | { kind: 'delivered'; status: number }
  /** 410 Gone: the receiver says the endpoint no longer exists. */
  | { kind: 'gone'; status: 410 }
  | { kind: 'retry'; status: number | null; error: string };

export async function sendDelivery(fetch: WebhookFetch, url: string, request: SignedRequest, timeoutMs: number): Promise<AttemptOutcome> {
  let response: WebhookResponse;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: request.headers,
      body: request.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (e) {
    return { kind: 'retry', status: null, error: describeFailure(e, timeoutMs) };
  }
  // Drop the body unread (and free the socket).
  await response.body?.cancel().catch(() => undefined);
  const status = response.status;
  if (status >= 200 && status < 300) return { kind: 'delivered', status };
  if (status === 410) return { kind: 'gone', status };
  return { kind: 'retry', status, error: `the receiver answered HTTP ${status}` };
}

/** Secret-free: the URL's host is named by the caller's log, never the request. */
function describeFailure(e: unknown, timeoutMs: number): string {
  const err = e as { name?: string; code?: string; cause?: { code?: string } };
  if (err?.name === 'TimeoutError' || err?.name === 'AbortError') return `no answer within ${timeoutMs} ms`;
  // fetch wraps the socket's error (`cause.code`); undici's request() throws it as is (`code`).
  const code = err?.cause?.code ?? (err?.code?.startsWith('UND_ERR_') ? undefined : err?.code);
  return code ? `connection failed (${code})` : 'connection failed';
}
