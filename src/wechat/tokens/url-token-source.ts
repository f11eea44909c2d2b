/**
 * A `TokenSource` over HTTP: `GET <url>` answers `{ access_token, expires_in }` (WeChat's own shape; an
 * `errcode` is understood the same way). Configured per app as `accessTokenUrl`.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { HttpTransport } from '../api/http-transport.js';
import { WeChatHttp } from '../api/request.js';
import type { TokenSource } from './token-source.js';

const schema = z.object({
  access_token: z.string().min(1),
  expires_in: z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]).pipe(z.number().int().positive()),
});

export interface UrlTokenSourceOptions {
  /** http(s) URL; its query is sent as is (put any API key of the token server there, not in userinfo). */
  url: string;
  fetch?: HttpTransport;
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * @example
 *   const source = createUrlTokenSource({ url: 'https://tokens.internal/wechat/wx123?key=…' });
 *   createAccessTokenManager({ http, clock, apps, tokenSource: (appid) => (appid === 'wx123' ? source : undefined) });
 */
export function createUrlTokenSource(options: UrlTokenSourceOptions): TokenSource {
  let url: URL;
  try {
    url = new URL(options?.url);
  } catch {
    throw new TypeError('createUrlTokenSource: url is not a valid URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError('createUrlTokenSource: url must be http(s)');
  if (url.username || url.password) throw new TypeError('createUrlTokenSource: put credentials in the query, not in the URL userinfo');
  const http = new WeChatHttp({
    baseUrl: url.origin,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.sleep ? { sleep: options.sleep } : {}),
  });
  const query = Object.fromEntries(url.searchParams);
  // A digest, not the URL: the query may carry the token server's key.
  const id = `url:${createHash('sha256').update(url.href).digest('hex').slice(0, 16)}`;
  return Object.freeze({
    id,
    async fetch() {
      const r = await http.request({ method: 'GET', path: url.pathname, query, schema, retryTransport: true });
      return { accessToken: r.access_token, expiresIn: r.expires_in };
    },
  });
}
