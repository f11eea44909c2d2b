/**
 * GET /wxa/checksession — checkSessionKey
 * (https://developers.weixin.qq.com/miniprogram/dev/server/API/user-login/api_checksessionkey).
 * `{ errcode: 0, errmsg: 'ok' }` when the signature was made with the current session_key.
 */
import type { FastifyInstance } from 'fastify';
import type { EmulatorContext } from '../context.js';
import { checkSignedSession } from './session-signature.js';

export function registerChecksession(app: FastifyInstance, ctx: EmulatorContext): void {
  const { state, wx } = ctx;
  app.get('/wxa/checksession', async (request, reply) => {
    const checked = checkSignedSession(state, request.query);
    if (!checked.ok) return wx.error(reply, checked.errcode);
    return wx.ok(reply, { errcode: 0, errmsg: 'ok' });
  });
}
