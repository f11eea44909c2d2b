/**
 * GET /cgi-bin/token — getAccessToken
 * (https://developers.weixin.qq.com/doc/service/en/Basic_Information/Get_access_token.html).
 * A new token on every call; the previous one stays valid for the overlap (5 min).
 */
import type { FastifyInstance } from 'fastify';
import type { EmulatorContext } from '../context.js';
import { queryParam } from '../wechat-reply.js';
import { checkAppCredentials } from './app-credentials.js';

export function registerToken(app: FastifyInstance, ctx: EmulatorContext): void {
  const { state, wx } = ctx;
  app.get('/cgi-bin/token', async (request, reply) => {
    const q = request.query;
    const creds = checkAppCredentials(
      state,
      { appid: queryParam(q, 'appid'), secret: queryParam(q, 'secret'), grantType: queryParam(q, 'grant_type') },
      'client_credential',
    );
    if (!creds.ok) return wx.error(reply, creds.errcode);
    const issued = state.tokens.issueBasic(creds.app.appid);
    return wx.ok(reply, { access_token: issued.accessToken, expires_in: issued.expiresIn });
  });
}
