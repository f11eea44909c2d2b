/**
 * Browser logins through WeChat OAuth, one flow for two products: the official account's in-WeChat web pages
 * (`snsapi_base` / `snsapi_userinfo`) and a website app's QR login (`snsapi_login`). `start` checks the page the
 * browser will come back to, makes a single-use state bound to the browser, and gives WeChat's consent URL;
 * `finish` takes WeChat's callback, logs the person in and gives the URL the browser goes to: the allow-listed
 * redirect with `?code=<one-time login code>` (never a session token in a URL) or `?error=<ERR_…>`.
 * Nothing is stored for a failed login. https://developers.weixin.qq.com/doc/oplatform/developers/dev/auth/web.md
 */
import { createHash } from 'node:crypto';
import type { AppConfig } from '../../config/schema.js';
import { AppError } from '../../errors.js';
import { consentUrl } from '../../wechat/api/consent-url.js';
import type { LoginCodes } from '../login-codes.js';
import type { OAuthLogin } from './oauth-login.js';
import { consumeOAuthState, createOAuthState, type OAuthFlowKind, type OAuthScope, type OAuthStateDeps } from './oauth-state.js';
import { redirectWithOutcome, requireAllowedRedirect } from './redirect-allow-list.js';

const sha256 = (v: string) => createHash('sha256').update(v).digest('base64url');

export interface OAuthWebDeps {
  states: OAuthStateDeps;
  oauthLogin: Pick<OAuthLogin, 'login'>;
  loginCodes: Pick<LoginCodes, 'issue'>;
  /** `wechat.openBaseUrl`: where consent pages are (the emulator in the sandbox). */
  openBaseUrl: string;
}

export interface StartedOAuth {
  consentUrl: string;
  state: string;
  /** The random value the browser must bring back (its cookie); only its hash is stored with the state. */
  binding: string;
}

export interface FinishedOAuth {
  /** Where to send the browser. */
  location: string;
  /** Why the login failed, when it did (the location then carries `?error=`). */
  failure?: AppError;
}

export interface OAuthWeb {
  /** `redirectUri()`: our callback URL, asked for once the redirect is known to be allowed. */
  start(input: { app: AppConfig; kind: OAuthFlowKind; scope: OAuthScope; redirect: string; redirectUri: () => string }): Promise<StartedOAuth>;
  /** `browser(storedHash)`: whether the request carries the binding cookie whose hash was stored with the state. */
  finish(input: {
    app: AppConfig;
    kind: OAuthFlowKind;
    state: string | undefined;
    code: string | undefined;
    browser: (storedHash: unknown) => boolean;
  }): Promise<FinishedOAuth>;
}

export function createOAuthWeb(deps: OAuthWebDeps): OAuthWeb {
  const flow: OAuthWeb = {
    async start({ app, kind, scope, redirect, redirectUri }) {
      const target = requireAllowedRedirect(redirect, app.redirectAllowList);
      const callback = redirectUri();
      const binding = deps.states.random(16).toString('base64url');
      const state = await createOAuthState(deps.states, { appid: app.appid, kind, scope, redirect: target.href, browserHash: sha256(binding) });
      return { consentUrl: consentUrl(deps.openBaseUrl, { kind, appid: app.appid, redirectUri: callback, scope, state }), state, binding };
    },
    async finish({ app, kind, state, code, browser }) {
      const flow = await consumeOAuthState(deps.states, state, { appid: app.appid, kind, browser });
      // Checked again: the allow-list may have shrunk since the authorize request.
      const redirect = requireAllowedRedirect(flow.redirect, app.redirectAllowList);
      if (!code) return { location: redirectWithOutcome(redirect, { error: 'ERR_OAUTH_DENIED' }) };
      try {
        const outcome = await deps.oauthLogin.login(app, code);
        return { location: redirectWithOutcome(redirect, { code: await deps.loginCodes.issue(outcome) }) };
      } catch (e) {
        if (!(e instanceof AppError)) throw e;
        return { location: redirectWithOutcome(redirect, { error: e.code }), failure: e };
      }
    },
  };
  return Object.freeze(flow);
}
