/**
 * `webClient.request()`: a call to the site's API with the session's Bearer token. The session is renewed first
 * when it is (nearly) expired and once more on 401 ERR_AUTH_EXPIRED, then the call is sent again once; a revoked
 * session is forgotten (ERR_CLIENT_SESSION_REVOKED). Any other answer is the caller's, whatever its status.
 */
import { CLIENT_ERROR_CODES, SERVER_ERROR_CODES, WeUnionClientError } from '../errors.js';
import { type Renewal, isRevokedAnswer, sessionRevokedError } from '../session-renewal.js';
import { errorFromResponse } from '../weunion-api.js';
import type { FetchLike } from './browser-like.js';
import type { WebSession } from './web-session.js';

/** A path (joined to the client's baseUrl) or an absolute URL; `body` is sent as JSON. */
export interface WebRequestOptions {
  url: string;
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  headers?: Record<string, string>;
}

/** The answer: its status and its body (parsed when JSON, else text; undefined when empty). */
export interface WebResponse {
  status: number;
  data: unknown;
}

export interface WebRequestDeps {
  fetch: FetchLike;
  root: string;
  read(): WebSession | null;
  renewal: Renewal<WebSession>;
  now(): number;
}

/** Tokens this close to expiry are renewed before use rather than sent to fail. */
const EXPIRY_SKEW_MS = 10_000;

export function createWebRequest(deps: WebRequestDeps): (options: WebRequestOptions) => Promise<WebResponse> {
  return async (options) => {
    if (!options || typeof options.url !== 'string') throw new TypeError('request() needs a url');
    const url = /^https?:\/\//.test(options.url) ? options.url : `${deps.root}${options.url.startsWith('/') ? '' : '/'}${options.url}`;
    const method = options.method ?? 'GET';
    const send = async (token: string): Promise<WebResponse> => {
      const headers: Record<string, string> = { accept: 'application/json' };
      if (options.body !== undefined) headers['content-type'] = 'application/json';
      for (const [k, v] of Object.entries(options.headers ?? {})) if (k.toLowerCase() !== 'authorization') headers[k] = v;
      headers.authorization = `Bearer ${token}`;
      let status: number;
      let text: string;
      try {
        const res = await deps.fetch(url, {
          method,
          headers,
          credentials: 'same-origin',
          ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
        });
        status = res.status;
        text = await res.text();
      } catch (e) {
        throw new WeUnionClientError(CLIENT_ERROR_CODES.NETWORK, { message: `${method} ${url} failed`, cause: e });
      }
      return { status, data: parseMaybeJson(text) };
    };

    const stored = deps.read();
    const fresh = stored !== null && stored.expiresAt - EXPIRY_SKEW_MS > deps.now();
    let token = fresh ? stored.token : (await (stored ? deps.renewal.renewAfter(stored.token) : deps.renewal.renew())).token;
    let res = await send(token);
    if (res.status === 401 && errorCode(res.data) === SERVER_ERROR_CODES.AUTH_EXPIRED) {
      token = (await deps.renewal.renewAfter(token)).token;
      res = await send(token);
    }
    if (res.status === 401 && isRevokedAnswer(errorCode(res.data))) {
      if (deps.read()?.token === token) deps.renewal.forget();
      throw sessionRevokedError(errorFromResponse(res.status, res.data));
    }
    return res;
  };
}

function parseMaybeJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function errorCode(data: unknown): unknown {
  return (data as { error?: { code?: unknown } } | null)?.error?.code;
}
