/**
 * Our own side of a browser login: this service's public origin and the callback URL WeChat sends the browser
 * back to (the `redirect_uri` of the consent page, `wechat/api/consent-url.ts`).
 */
import type { FastifyRequest } from 'fastify';
import { AppError } from '../../errors.js';
import type { ConsentPage } from '../../wechat/api/consent-url.js';

/** Our route prefix per flow: `/v1/oa/:appid/…` for official accounts, `/v1/web/:appid/…` for website apps. */
export const ROUTE_PREFIX: Record<ConsentPage, string> = { officialAccount: '/v1/oa', website: '/v1/web' };

const trimSlash = (s: string) => s.replace(/\/+$/, '');

/**
 * This service's public origin: `publicUrl` from the config, else the request's own — the scheme from the connection
 * (or, behind a trusted proxy, X-Forwarded-Proto) and the Host header **as the client sent it**. Never
 * X-Forwarded-Host, even from a trusted proxy: a proxy that passes it on unchecked would let any client choose the
 * `redirect_uri` WeChat sends the OAuth code to. Production must set `publicUrl` (`weunion start` refuses to run an
 * official account or website app without it under NODE_ENV=production): the Host header is the client's to choose
 * too; WeChat only redirects to the domain registered for the app, which bounds the damage.
 * https://developers.weixin.qq.com/doc/offiaccount/OA_Web_Apps/Wechat_webpage_authorization.html
 */
export function publicOrigin(publicUrl: string | undefined, request: FastifyRequest): string {
  if (publicUrl !== undefined) return trimSlash(publicUrl);
  let origin: URL | null = null;
  try {
    // request.host would prefer X-Forwarded-Host behind a trusted proxy; the Host header alone is read.
    origin = new URL(`${request.protocol}://${request.headers.host ?? ''}`);
  } catch {
    origin = null;
  }
  if (origin?.username !== '' || origin.password !== '' || origin.pathname !== '/' || origin.search !== '') {
    throw new AppError('ERR_VALIDATION', { message: 'The Host header is not a valid host[:port]; set publicUrl in the config.' });
  }
  return origin.origin;
}

/** Our callback URL for `kind` and `appid`, the `redirect_uri` WeChat sends the browser back to. */
export function callbackUrl(origin: string, kind: ConsentPage, appid: string): string {
  return `${origin}${ROUTE_PREFIX[kind]}/${encodeURIComponent(appid)}/oauth/callback`;
}
