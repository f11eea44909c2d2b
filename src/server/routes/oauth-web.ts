/**
 * Browser logins through WeChat OAuth, one shape for two products:
 * - official account (in-WeChat web pages): `GET /v1/oa/:appid/authorize?scope=base|userinfo&redirect=<url>`;
 * - website app (QR login, `snsapi_login`): `GET /v1/web/:appid/authorize?redirect=<url>`.
 * Each sends the browser to WeChat's consent page with a single-use `state`; WeChat sends it back to
 * `…/:appid/oauth/callback?code&state`, where the code is exchanged, the person resolved to our user, and the
 * browser sent to the (allow-listed) redirect URL with `?code=<one-time login code>` — never a session token in a
 * URL — which the page's backend redeems at `POST /v1/session/exchange`.
 * Outcomes at the callback: a bad state → 400 JSON (there is no trusted page to go back to); otherwise always a 302
 * to the redirect URL, with `?code=` or `?error=<ERR_…>` (refusal: ERR_OAUTH_DENIED; snapshot-mode virtual user:
 * ERR_OAUTH_SNAPSHOT_USER; WeChat failures: their codes). Nothing is stored for a failed login.
 * https://developers.weixin.qq.com/doc/oplatform/developers/dev/auth/web.md
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { AppDeps } from '../../compose/deps.js';
import { requireApp } from '../../config/require-app.js';
import type { OAuthFlowKind, OAuthScope } from '../../flows/oauth/oauth-state.js';
import { parseOrThrow } from '../../parse-or-throw.js';
import { bindBrowser, browserMatches, unbindBrowser } from '../http/browser-binding.js';
import { appidParams } from '../http/mp-schemas.js';
import { callbackUrl, publicOrigin, ROUTE_PREFIX } from '../http/public-origin.js';
import { described } from '../http/route-contract.js';

const redirectField = z.string().min(1).max(4096);
const oaAuthorizeQuery = z.strictObject({ scope: z.enum(['base', 'userinfo']), redirect: redirectField });
const webAuthorizeQuery = z.strictObject({ redirect: redirectField });
// WeChat may add parameters of its own to the callback: unknown ones are ignored, not refused.
const callbackQuery = z.object({
  state: z.string().max(256).optional(),
  code: z
    .string()
    .max(512)
    .regex(/^[\x21-\x7e]*$/, 'printable ASCII')
    .optional(),
});

function redirectNoStore(reply: FastifyReply, location: string) {
  return reply.header('cache-control', 'no-store').redirect(location, 302);
}

function registerFlow(app: FastifyInstance, deps: Pick<AppDeps, 'config' | 'flows'>, kind: OAuthFlowKind): void {
  const prefix = ROUTE_PREFIX[kind];

  app.get(
    `${prefix}/:appid/authorize`,
    described({
      summary: 'Start a browser OAuth login: redirects to WeChat\u2019s consent page',
      params: appidParams,
      query: kind === 'officialAccount' ? oaAuthorizeQuery : webAuthorizeQuery,
      answers: '302 to WeChat',
    }),
    async (request, reply) => {
      const { appid } = parseOrThrow(appidParams, request.params, 'path');
      const wxApp = requireApp(deps.config, appid, kind);
      let scope: OAuthScope = 'snsapi_login';
      let redirect: string;
      if (kind === 'officialAccount') {
        const q = parseOrThrow(oaAuthorizeQuery, request.query, 'query');
        scope = q.scope === 'base' ? 'snsapi_base' : 'snsapi_userinfo';
        redirect = q.redirect;
      } else {
        redirect = parseOrThrow(webAuthorizeQuery, request.query, 'query').redirect;
      }
      const started = await deps.flows.oauthWeb.start({
        app: wxApp,
        kind,
        scope,
        redirect,
        redirectUri: () => callbackUrl(publicOrigin(deps.config.publicUrl, request), kind, appid),
      });
      bindBrowser(request, reply, started.state, started.binding, deps.config.flows.oauthStateTtlSeconds);
      return redirectNoStore(reply, started.consentUrl);
    },
  );

  app.get(
    `${prefix}/:appid/oauth/callback`,
    described({
      summary: 'WeChat\u2019s OAuth redirect back: redirects to the site with a login code',
      params: appidParams,
      query: callbackQuery,
      answers: '302 to the site',
    }),
    async (request, reply) => {
      const { appid } = parseOrThrow(appidParams, request.params, 'path');
      const wxApp = requireApp(deps.config, appid, kind);
      const query = parseOrThrow(callbackQuery, request.query, 'query');
      const finished = await deps.flows.oauthWeb.finish({
        app: wxApp,
        kind,
        state: query.state,
        code: query.code,
        browser: (h) => browserMatches(request, query.state!, h),
      });
      unbindBrowser(reply, query.state!);
      if (finished.failure) request.log.info({ code: finished.failure.code, wechat: finished.failure.wechat, appid }, 'oauth login failed');
      return redirectNoStore(reply, finished.location);
    },
  );
}

/** Registers the official-account and website-app OAuth routes (flows/oauth/oauth-web.ts). */
export function registerOAuthWeb(app: FastifyInstance, deps: Pick<AppDeps, 'config' | 'flows'>): void {
  registerFlow(app, deps, 'officialAccount');
  registerFlow(app, deps, 'website');
}
