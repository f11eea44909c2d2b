/**
 * WeChat's consent page a browser login starts at: the official account's in-WeChat `oauth2/authorize`, where
 * `#wechat_redirect` is mandatory, and the website app's `qrconnect` (docs/wechat-api.md §4.1).
 * https://developers.weixin.qq.com/doc/oplatform/developers/dev/auth/web.md
 */

/** Which consent page: the official account's web authorisation, or a website app's QR login. */
export type ConsentPage = 'officialAccount' | 'website';

export type OAuthScope = 'snsapi_base' | 'snsapi_userinfo' | 'snsapi_login';

const CONSENT_PATH: Record<ConsentPage, string> = {
  officialAccount: '/connect/oauth2/authorize',
  website: '/connect/qrconnect',
};

/**
 * WeChat's consent URL. Parameters go in the documented order (WeChat's page has been reported to reject
 * reordered ones) and `#wechat_redirect` ends it.
 * @example
 *   consentUrl('https://open.weixin.qq.com', { kind: 'officialAccount', appid, redirectUri, scope: 'snsapi_base', state })
 */
export function consentUrl(openBaseUrl: string, p: { kind: ConsentPage; appid: string; redirectUri: string; scope: OAuthScope; state: string }): string {
  const query = [
    `appid=${encodeURIComponent(p.appid)}`,
    `redirect_uri=${encodeURIComponent(p.redirectUri)}`,
    'response_type=code',
    `scope=${p.scope}`,
    `state=${p.state}`,
  ].join('&');
  return `${openBaseUrl.replace(/\/+$/, '')}${CONSENT_PATH[p.kind]}?${query}#wechat_redirect`;
}
