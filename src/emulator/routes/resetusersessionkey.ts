/**
 * GET /wxa/resetusersessionkey — ResetUserSessionKey
 * (https://developers.weixin.qq.com/miniprogram/dev/server/API/user-login/api_resetusersessionkey).
 * Signed like checksession with the current key; the old key dies at once; answers the new one.
 */
import type { FastifyInstance } from 'fastify';
import type { EmulatorContext } from '../context.js';
import { checkSignedSession } from './session-signature.js';

export function registerResetUserSessionKey(app: FastifyInstance, ctx: EmulatorContext): void {
  const { state, wx } = ctx;
  app.get('/wxa/resetusersessionkey', async (request, reply) => {
    const checked = checkSignedSession(state, request.query);
    if (!checked.ok) return wx.error(reply, checked.errcode);
    const sessionKey = state.sessionKeys.rotate(checked.person.id, checked.appid);
    return wx.ok(reply, { errcode: 0, errmsg: 'ok', openid: checked.openid, session_key: sessionKey });
  });
}
