/** JSON over fetch to weunion, cookies included (the QR login's binding cookie), errors as WeUnionClientError. */
import { CLIENT_ERROR_CODES, WeUnionClientError } from '../errors.js';
import { errorFromResponse } from '../weunion-api.js';
import type { FetchLike } from './browser-like.js';

export type WebHttp = (method: 'GET' | 'POST', url: string, options?: { body?: unknown; token?: string; signal?: AbortSignal }) => Promise<unknown>;

/** Resolves the parsed 2xx body (undefined for 204); rejects the server's `{ error }` as its code, no answer as ERR_CLIENT_NETWORK. */
export function createWebHttp(doFetch: FetchLike): WebHttp {
  return async (method, url, options = {}) => {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
    let status: number;
    let text: string;
    try {
      const res = await doFetch(url, {
        method,
        headers,
        // `include`: the binding cookie goes with the polls even when weunion is on another origin (with CORS).
        credentials: 'include',
        ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
        ...(options.signal ? { signal: options.signal } : {}),
      });
      status = res.status;
      text = await res.text();
    } catch (e) {
      if ((e as { name?: unknown } | null)?.name === 'AbortError') throw e;
      throw new WeUnionClientError(CLIENT_ERROR_CODES.NETWORK, { message: `${method} ${url} failed`, cause: e });
    }
    let data: unknown = text;
    try {
      data = text === '' ? undefined : JSON.parse(text);
    } catch {
      /* not JSON: left as text, refused below */
    }
    if (status < 200 || status >= 300) throw errorFromResponse(status, data);
    if (status === 204) return undefined; // logout
    if (typeof data !== 'object' || data === null)
      throw new WeUnionClientError(CLIENT_ERROR_CODES.BAD_RESPONSE, { status, message: `unexpected answer from ${url}` });
    return data;
  };
}
