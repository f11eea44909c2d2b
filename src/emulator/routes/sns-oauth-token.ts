/**
 * GET /sns/oauth2/access_token and GET /sns/oauth2/refresh_token — the OAuth code exchange shared by official-account
 * web pages, website QR login and mobile apps (https://developers.weixin.qq.com/doc/service/api/webdev/access/api_snsaccesstoken,
 * .../api_snsrefreshtoken; docs/wechat-api.md §4.2–§4.3).
 * access_token: appid/secret/grant_type checks (41002, 41004, 40002, 40013, 40125), 41008 without a code, 40029 for
 * an unknown, expired or other app's code, 40163 for a reused one. The unionid comes with snsapi_userinfo /
 * snsapi_login when the app is bound; with snsapi_base only under `unionidForBaseScope`. A snapshot-mode virtual user
 * gets `is_snapshotuser: 1`, a virtual openid and never a unionid.
 * refresh_token: no secret; 40030 unknown / other app's refresh_token, 42002 expired. Answers without unionid.
 */
import type { FastifyInstance } from 'fastify';
import type { EmulatorContext } from '../context.js';
import type { IssuedOAuthTokens, OAuthGrant } from '../oauth-tokens.js';
import { queryParam } from '../wechat-reply.js';
import { checkAppCredentials } from './app-credentials.js';

const tokenBody = (t: IssuedOAuthTokens, g: OAuthGrant): Record<string, unknown> => ({
  access_token: t.accessToken,
  expires_in: t.expiresIn,
  refresh_token: t.refreshToken,
  openid: g.openid,
  scope: g.scope,
});

export function registerSnsOAuthToken(app: FastifyInstance, ctx: EmulatorContext): void {
  const { state, wx, options, ids } = ctx;

  app.get('/sns/oauth2/access_token', async (request, reply) => {
    const q = request.query;
    const creds = checkAppCredentials(
      state,
      { appid: queryParam(q, 'appid'), secret: queryParam(q, 'secret'), grantType: queryParam(q, 'grant_type') },
      'authorization_code',
    );
    if (!creds.ok) return wx.error(reply, creds.errcode);
    const code = queryParam(q, 'code');
    if (code === undefined) return wx.error(reply, 41008);
    const taken = state.oauthCodes.take(code, creds.app.appid);
    if (!taken.ok) return wx.error(reply, taken.reason === 'used' ? 40163 : 40029);
    const { personId, scope, snapshot } = taken.data;
    const { openAppid } = creds.app;
    const grant: OAuthGrant = {
      appid: creds.app.appid,
      personId: snapshot ? null : personId,
      // A snapshot user is virtual: an openid that belongs to nobody.
      openid: snapshot ? `o${ids.bytes(20).toString('base64url')}` : state.persons.openid(personId, creds.app.appid),
      scope,
      snapshot,
    };
    const disclose = !snapshot && openAppid !== null && (scope !== 'snsapi_base' || options.unionidForBaseScope);
    const tokens = state.oauthTokens.issue(grant);
    return wx.ok(reply, {
      ...tokenBody(tokens, grant),
      ...(snapshot ? { is_snapshotuser: 1 } : {}),
      ...(disclose ? { unionid: state.persons.unionid(personId, openAppid) } : {}),
    });
  });

  app.get('/sns/oauth2/refresh_token', async (request, reply) => {
    const q = request.query;
    const appid = queryParam(q, 'appid');
    if (appid === undefined) return wx.error(reply, 41002);
    if (queryParam(q, 'grant_type') !== 'refresh_token') return wx.error(reply, 40002);
    if (state.app(appid) === undefined) return wx.error(reply, 40013);
    const refreshToken = queryParam(q, 'refresh_token');
    if (refreshToken === undefined) return wx.error(reply, 40030);
    const refreshed = state.oauthTokens.refresh(appid, refreshToken);
    if (!refreshed.ok) return wx.error(reply, refreshed.errcode);
    return wx.ok(reply, tokenBody(refreshed.tokens, refreshed.grant));
  });
}
