/**
 * WeChat's OAuth browser pages, emulated: GET /connect/oauth2/authorize (official account, snsapi_base /
 * snsapi_userinfo) and GET /connect/qrconnect (website app, snsapi_login)
 * (https://developers.weixin.qq.com/doc/oplatform/developers/dev/auth/web.md; docs/wechat-api.md §4.1).
 * Instead of a phone, a tiny page lists every person with one form each — consent / refuse / snapshot — submitting to GET /__emulator/oauth/decide, which answers the 302 WeChat would send. Bad requests get
 * WeChat's error page shape with its code (10003 redirect_uri invalid or off the app's `oauthDomain`, 10005 scope, 10010 scope empty, 10011 redirect_uri
 * empty, 10012 appid empty, 10013 state, 10016 wrong kind of appid, 40013 unknown appid).
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { CONTROL_PREFIX, type EmulatorContext } from '../context.js';
import { parseBody } from '../control-request.js';
import { escapeHtml, hidden, page } from '../html.js';
import { decideOAuth, OAUTH_DECISIONS, oauthRequestSchema, PAGE_SCOPES } from '../oauth-decision.js';
import type { OAuthScope } from '../oauth-tokens.js';
import type { EmulatorApp } from '../emulator-app.js';
import { queryParam } from '../wechat-reply.js';

const DECIDE_PATH = `${CONTROL_PREFIX}/oauth/decide`;

function errorPage(reply: FastifyReply, code: number, text: string): FastifyReply {
  const body = `<h1>Oops! Something went wrong :(</h1><p data-errcode="${code}">${code} ${escapeHtml(text)}</p>`;
  return reply.code(200).type('text/html; charset=utf-8').send(page('WeChat', body));
}

type PageKind = 'officialAccount' | 'website';

function personForms(ctx: EmulatorContext, app: EmulatorApp, p: { scope: OAuthScope; redirectUri: string; state: string }): string {
  const persons = ctx.state.persons.list();
  if (persons.length === 0) return '<p>No persons yet: create one with POST /__emulator/persons.</p>';
  return persons
    .map((person) => {
      const label = person.name === null ? person.id : `${person.id} (${person.name})`;
      const fields =
        hidden('appid', app.appid) + hidden('person', person.id) + hidden('scope', p.scope) + hidden('redirectUri', p.redirectUri) + hidden('state', p.state);
      const buttons = OAUTH_DECISIONS.map((d) => `<button type="submit" name="decision" value="${d}">${d}</button>`).join(' ');
      return `<form method="get" action="${DECIDE_PATH}"><span>${escapeHtml(label)}</span> ${fields}${buttons}</form>`;
    })
    .join('\n');
}

export function registerOAuthPages(app: FastifyInstance, ctx: EmulatorContext): void {
  const { state } = ctx;

  const render = (kind: PageKind) => async (request: { query: unknown }, reply: FastifyReply) => {
    const q = request.query;
    const appid = queryParam(q, 'appid');
    if (appid === undefined) return errorPage(reply, 10012, 'appid is empty');
    const target = state.app(appid);
    if (target === undefined) return errorPage(reply, 40013, 'invalid appid');
    if (target.kind !== kind) return errorPage(reply, 10016, `this page does not serve a ${target.kind} appid`);
    const redirectUri = queryParam(q, 'redirect_uri');
    if (redirectUri === undefined) return errorPage(reply, 10011, 'redirect_uri is empty');
    if (!URL.canParse(redirectUri) || !/^https?:$/.test(new URL(redirectUri).protocol)) return errorPage(reply, 10003, 'redirect_uri is invalid');
    // Off the app's 网页授权域名 / 授权回调域: WeChat's "redirect_uri 参数错误" page, 10003 (oauth-domain.ts).
    if (!state.oauthDomains.admits(target, redirectUri)) return errorPage(reply, 10003, 'redirect_uri 参数错误');
    const scope = queryParam(q, 'scope');
    if (scope === undefined) return errorPage(reply, 10010, 'scope is empty');
    const allowed: readonly string[] = PAGE_SCOPES[kind] ?? [];
    if (!allowed.includes(scope)) return errorPage(reply, 10005, 'no permission for this scope');
    const st = queryParam(q, 'state') ?? '';
    if (Buffer.byteLength(st, 'utf8') > 128) return errorPage(reply, 10013, 'state is longer than 128 bytes');
    const title = kind === 'officialAccount' ? 'Authorize (official account)' : 'Log in with WeChat (website)';
    const body =
      `<h1>${escapeHtml(title)}</h1>` +
      `<p>appid <code>${escapeHtml(appid)}</code> asks for <code>${escapeHtml(scope)}</code>; ` +
      `back to <code>${escapeHtml(redirectUri)}</code> with state <code>${escapeHtml(st)}</code>.</p>` +
      personForms(ctx, target, { scope: scope as OAuthScope, redirectUri, state: st });
    return reply.code(200).type('text/html; charset=utf-8').send(page(title, body));
  };

  app.get('/connect/oauth2/authorize', render('officialAccount'));
  app.get('/connect/qrconnect', render('website'));

  /** The pages' forms land here: the same decision as POST /__emulator/oauth/authorize, answered as a redirect. */
  app.get(DECIDE_PATH, async (request, reply) => {
    const location = decideOAuth(ctx, parseBody(oauthRequestSchema, request.query));
    return reply.redirect(location, 302);
  });
}
