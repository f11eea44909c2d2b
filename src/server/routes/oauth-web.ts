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
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { AppError } from '../../errors.js';
import { requireApp } from '../app-registry.js';
import type { AppDeps } from '../deps.js';
import { issueLoginCode } from '../login-codes.js';
import { callbackUrl, consentUrl, publicOrigin, ROUTE_PREFIX } from '../oauth/authorize-url.js';
import { loginWithOAuthCode } from '../oauth/oauth-login.js';
import { bindBrowser, browserMatches, unbindBrowser } from '../oauth/browser-binding.js';
import { consumeOAuthState, createOAuthState, type OAuthFlowKind, type OAuthScope } from '../oauth/oauth-state.js';

import { redirectWithOutcome, requireAllowedRedirect } from '../oauth/redirect-allow-list.js';
import { parseOrThrow } from '../../parse-or-throw.js';
import { appidParams } from './mp-schemas.js';

const sha256 = (v: string) => createHash('sha256').update(v).digest('base64url');

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

function registerFlow(app: FastifyInstance, deps: AppDeps, kind: OAuthFlowKind): void {
  const prefix = ROUTE_PREFIX[kind];

  app.get(`${prefix}/:appid/authorize`, async (request, reply) => {
    const { appid } = parseOrThrow(appidParams, request.params, 'path');
    const wxApp = requireApp(deps.config, appid, kind);
    let scope: OAuthScope = 'snsapi_login';
    let redirectText: string;
    if (kind === 'officialAccount') {
      const q = parseOrThrow(oaAuthorizeQuery, request.query, 'query');
      scope = q.scope === 'base' ? 'snsapi_base' : 'snsapi_userinfo';
      redirectText = q.redirect;
    } else {
      redirectText = parseOrThrow(webAuthorizeQuery, request.query, 'query').redirect;
    }
    const redirect = requireAllowedRedirect(redirectText, wxApp.redirectAllowList);
    const redirectUri = callbackUrl(publicOrigin(deps.config.publicUrl, request), kind, appid);
    const binding = deps.random(16).toString('base64url');
    const state = await createOAuthState(deps, { appid, kind, scope, redirect: redirect.href, browserHash: sha256(binding) });
    bindBrowser(request, reply, state, binding, deps.config.flows.oauthStateTtlSeconds);
    return redirectNoStore(reply, consentUrl(deps.config.wechat.openBaseUrl, { kind, appid, redirectUri, scope, state }));
  });

  app.get(`${prefix}/:appid/oauth/callback`, async (request, reply) => {
    const { appid } = parseOrThrow(appidParams, request.params, 'path');
    const wxApp = requireApp(deps.config, appid, kind);
    const query = parseOrThrow(callbackQuery, request.query, 'query');
    const flow = await consumeOAuthState(deps, query.state, { appid, kind, browser: (h) => browserMatches(request, query.state!, h) });
    unbindBrowser(reply, query.state!);
    // Checked again: the allow-list may have shrunk since the authorize request.
    const redirect = requireAllowedRedirect(flow.redirect, wxApp.redirectAllowList);

    if (!query.code) return redirectNoStore(reply, redirectWithOutcome(redirect, { error: 'ERR_OAUTH_DENIED' }));
    try {
      const outcome = await loginWithOAuthCode(deps, wxApp, query.code);
      const code = await issueLoginCode(deps, outcome);
      return redirectNoStore(reply, redirectWithOutcome(redirect, { code }));
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
      request.log.info({ code: e.code, wechat: e.wechat, appid }, 'oauth login failed');
      return redirectNoStore(reply, redirectWithOutcome(redirect, { error: e.code }));
    }
  });
}

/** Registers the official-account and website-app OAuth routes. */
export function registerOAuthWeb(app: FastifyInstance, deps: AppDeps): void {
  registerFlow(app, deps, 'officialAccount');
  registerFlow(app, deps, 'website');
}
