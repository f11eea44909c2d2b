/**
 * The two URLs of a browser login: WeChat's consent page we send the person to, and our own callback that WeChat
 * sends them back to.
 * https://developers.weixin.qq.com/doc/oplatform/developers/dev/auth/web.md (in-WeChat `oauth2/authorize`, where
 * `#wechat_redirect` is mandatory, and the website app's `qrconnect`)
 */
import type { FastifyRequest } from 'fastify';
import { AppError } from '../../errors.js';
import type { OAuthFlowKind, OAuthScope } from './oauth-state.js';

const CONSENT_PATH: Record<OAuthFlowKind, string> = {
  officialAccount: '/connect/oauth2/authorize',
  website: '/connect/qrconnect',
};

/** Our route prefix per flow: `/v1/oa/:appid/…` for official accounts, `/v1/web/:appid/…` for website apps. */
export const ROUTE_PREFIX: Record<OAuthFlowKind, string> = { officialAccount: '/v1/oa', website: '/v1/web' };

const trimSlash = (s: string) => s.replace(/\/+$/, '');

/**
 * WeChat's consent URL. Parameters go in the documented order (WeChat's page has been reported to reject
 * reordered ones) and `#wechat_redirect` ends it.
 * @example
 *   consentUrl('https://open.weixin.qq.com', { kind: 'officialAccount', appid, redirectUri, scope: 'snsapi_base', state })
 */
export function consentUrl(openBaseUrl: string, p: { kind: OAuthFlowKind; appid: string; redirectUri: string; scope: OAuthScope; state: string }): string {
  const query = [
    `appid=${encodeURIComponent(p.appid)}`,
    `redirect_uri=${encodeURIComponent(p.redirectUri)}`,
    'response_type=code',
    `scope=${p.scope}`,
    `state=${p.state}`,
  ].join('&');
  return `${trimSlash(openBaseUrl)}${CONSENT_PATH[p.kind]}?${query}#wechat_redirect`;
}

/**
 * This service's public origin: `publicUrl` from the config, else the request's own (scheme from the connection
 * or, behind a trusted proxy, X-Forwarded-Proto). Production should set `publicUrl`: the Host header is the
 * client's to choose (WeChat only redirects to the domain registered for the app, which bounds the damage).
 */
export function publicOrigin(publicUrl: string | undefined, request: FastifyRequest): string {
  if (publicUrl !== undefined) return trimSlash(publicUrl);
  let origin: URL | null = null;
  try {
    origin = new URL(`${request.protocol}://${request.host}`);
  } catch {
    origin = null;
  }
  if (origin?.username !== '' || origin.password !== '' || origin.pathname !== '/' || origin.search !== '') {
    throw new AppError('ERR_VALIDATION', { message: 'The Host header is not a valid host[:port]; set publicUrl in the config.' });
  }
  return origin.origin;
}

/** Our callback URL for `kind` and `appid`, the `redirect_uri` WeChat sends the browser back to. */
export function callbackUrl(origin: string, kind: OAuthFlowKind, appid: string): string {
  return `${origin}${ROUTE_PREFIX[kind]}/${encodeURIComponent(appid)}/oauth/callback`;
}
