/**
 * GET /sns/jscode2session — code2Session
 * (https://developers.weixin.qq.com/miniprogram/dev/server/API/user-login/api_code2session).
 * Success `{ openid, session_key, unionid? }` without errcode and without expires_in (current docs omit it).
 */
import type { FastifyInstance } from 'fastify';
import type { EmulatorContext } from '../context.js';
import { disclosesUnionid } from '../unionid-rule.js';
import { queryParam } from '../wechat-reply.js';
import { checkAppCredentials } from './app-credentials.js';

export function registerJscode2session(app: FastifyInstance, ctx: EmulatorContext): void {
  const { state, wx, options } = ctx;
  app.get('/sns/jscode2session', async (request, reply) => {
    const q = request.query;
    const creds = checkAppCredentials(
      state,
      { appid: queryParam(q, 'appid'), secret: queryParam(q, 'secret'), grantType: queryParam(q, 'grant_type') },
      'authorization_code',
    );
    if (!creds.ok) return wx.error(reply, creds.errcode);
    const jsCode = queryParam(q, 'js_code');
    if (jsCode === undefined) return wx.error(reply, 41008);
    const found = state.codes.lookup(jsCode, creds.app.appid); // 40029 unknown/expired/other app, 40163 reused
    if (!found.ok) return wx.error(reply, found.errcode);
    const person = state.persons.get(found.record.personId);
    if (person === undefined) return wx.error(reply, 40029);
    if (person.riskBlocked) return wx.error(reply, 40226); // risk control intercepts; the code stays unspent
    if (!state.loginRate.tryAcquire(`${person.id}\n${creds.app.appid}`)) return wx.error(reply, 45011);
    state.codes.consume(found.record);
    const sessionKey = state.sessionKeys.current(person.id, creds.app.appid) ?? state.sessionKeys.rotate(person.id, creds.app.appid);
    const openAppid = creds.app.openAppid;
    const unionid =
      openAppid !== null && disclosesUnionid(options.unionidRule, creds.app, person, state.apps) ? state.persons.unionid(person.id, openAppid) : undefined;
    return wx.ok(reply, {
      openid: state.persons.openid(person.id, creds.app.appid),
      session_key: sessionKey,
      ...(unionid === undefined ? {} : { unionid }),
    });
  });
}
