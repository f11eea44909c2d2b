/**
 * POST /cgi-bin/stable_token — getStableAccessToken
 * (https://developers.weixin.qq.com/doc/service/api/base/api_getstableaccesstoken.html).
 * JSON body `{ grant_type, appid, secret, force_refresh? }`; a store separate from /cgi-bin/token.
 * GET answers 43002 "require POST method"; an empty body 44002; a body that is not a JSON object 47001.
 */
import type { FastifyInstance } from 'fastify';
import type { EmulatorContext } from '../context.js';
import { checkAppCredentials } from './app-credentials.js';

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

export function registerStableToken(app: FastifyInstance, ctx: EmulatorContext): void {
  const { state, wx } = ctx;
  app.post('/cgi-bin/stable_token', async (request, reply) => {
    const body = request.body;
    if (body === undefined) return wx.error(reply, 44002);
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return wx.error(reply, 47001);
    const b = body as Record<string, unknown>;
    const creds = checkAppCredentials(state, { appid: str(b.appid), secret: str(b.secret), grantType: str(b.grant_type) }, 'client_credential');
    if (!creds.ok) return wx.error(reply, creds.errcode);
    const issued = state.tokens.stable(creds.app.appid, b.force_refresh === true);
    return wx.ok(reply, { access_token: issued.accessToken, expires_in: issued.expiresIn });
  });
}
