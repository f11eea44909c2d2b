/**
 * GET /sns/userinfo and GET /sns/auth — calls made with a user's OAuth access_token
 * (https://developers.weixin.qq.com/doc/service/api/webdev/access/api_snsuserinfo, .../api_snsauth; docs/wechat-api.md §4.4–§4.5).
 * Token: missing 41001, unknown 40001, expired 42001; `openid` missing 41009, not the token's 40003.
 * userinfo needs snsapi_userinfo or snsapi_login: a snsapi_base token → 48001, and so does a snapshot-mode token
 * ([obs]). The profile: nickname = the person's name, the grey default avatar, sex 0, province/city/country "".
 * auth: `{ errcode: 0, errmsg: "ok" }` while the token is valid.
 */
import type { FastifyInstance } from 'fastify';
import type { EmulatorContext } from '../context.js';
import type { OAuthGrant } from '../oauth-tokens.js';
import { DEFAULT_AVATAR, DEFAULT_NICKNAME } from '../profile-defaults.js';
import { queryParam } from '../wechat-reply.js';

type GrantGate = { ok: true; grant: OAuthGrant } | { ok: false; errcode: number };

export function registerSnsUserinfo(app: FastifyInstance, ctx: EmulatorContext): void {
  const { state, wx } = ctx;

  const gate = (query: unknown): GrantGate => {
    const token = queryParam(query, 'access_token');
    if (token === undefined) return { ok: false, errcode: 41001 };
    const checked = state.oauthTokens.check(token);
    if (!checked.ok) return checked;
    const openid = queryParam(query, 'openid');
    if (openid === undefined) return { ok: false, errcode: 41009 };
    if (openid !== checked.grant.openid) return { ok: false, errcode: 40003 };
    return checked;
  };

  app.get('/sns/userinfo', async (request, reply) => {
    const g = gate(request.query);
    if (!g.ok) return wx.error(reply, g.errcode);
    const { grant } = g;
    if (grant.scope === 'snsapi_base' || grant.snapshot || grant.personId === null) return wx.error(reply, 48001);
    const person = state.persons.get(grant.personId);
    if (person === undefined) return wx.error(reply, 40003); // forgotten by a reset
    const openAppid = state.app(grant.appid)?.openAppid ?? null;
    return wx.ok(reply, {
      openid: grant.openid,
      nickname: person.name ?? DEFAULT_NICKNAME,
      sex: 0,
      province: '',
      city: '',
      country: '',
      headimgurl: DEFAULT_AVATAR,
      privilege: [],
      ...(openAppid === null ? {} : { unionid: state.persons.unionid(person.id, openAppid) }),
    });
  });

  app.get('/sns/auth', async (request, reply) => {
    const g = gate(request.query);
    if (!g.ok) return wx.error(reply, g.errcode);
    return wx.ok(reply, { errcode: 0, errmsg: 'ok' });
  });
}
