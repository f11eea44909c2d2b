/**
 * How WeChatHttp sends one HTTP request: the part of `fetch` it uses. Global `fetch` fits (tests inject it, or a
 * fetch that refuses the network); the default is undici's `request()` on a keep-alive pool, which costs a fraction
 * of `fetch`'s CPU per call (no WHATWG streams, no Request/Response objects) — measured on the login path with
 * `BENCH_PROFILE=… npm run bench`, where fetch was the largest single cost.
 */
import { Agent, request } from 'undici';

export interface HttpResponseLike {
  status: number;
  text(): Promise<string>;
  body?: { cancel(): Promise<void> } | null;
}

export interface HttpRequestInit {
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  signal: AbortSignal;
  redirect: 'manual';
}

export type HttpTransport = (url: URL, init: HttpRequestInit) => Promise<HttpResponseLike>;

/**
 * A transport on an undici Agent (keep-alive, `connections` sockets per origin at most). Redirects are not followed.
 * @example new WeChatHttp({ baseUrl, fetch: createUndiciTransport() })
 */
export function createUndiciTransport(options: { connections?: number; keepAliveTimeoutMs?: number } = {}): HttpTransport & {
  close(): Promise<void>;
} {
  const dispatcher = new Agent({ connections: options.connections ?? 128, keepAliveTimeout: options.keepAliveTimeoutMs ?? 10_000 });
  const transport = async (url: URL, init: HttpRequestInit): Promise<HttpResponseLike> => {
    const res = await request(url, {
      method: init.method,
      headers: init.headers,
      ...(init.body !== undefined ? { body: init.body } : {}),
      signal: init.signal,
      dispatcher,
    });
    return {
      status: res.statusCode,
      text: () => res.body.text(),
      body: {
        // dump() discards the rest of the body and frees the socket; destroy() would emit an unhandled AbortError.
        cancel: async () => {
          await res.body.dump().catch(() => undefined);
        },
      },
    };
  };
  return Object.assign(transport, { close: () => dispatcher.close() });
}
