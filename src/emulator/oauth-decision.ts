/**
 * What happens when a person answers WeChat's OAuth page (https://developers.weixin.qq.com/doc/oplatform/developers/dev/auth/web.md,
 * docs/wechat-api.md §4.1): consent → `redirect_uri?code=CODE&state=STATE`; refusal → `redirect_uri?state=STATE` only;
 * snapshot (the read-only page of snapshot mode) → a code whose exchange yields a virtual user. WeChat shows snapshot
 * pages for official-account web pages; the shared contract offers the decision on the website page too, so a
 * service's handling of `is_snapshotuser` can be tested on both roads.
 * Codes are single use and live 5 min (official account) or 10 min (website, mobile app) — `oauthCodeTtlSeconds`.
 * Consent to snsapi_userinfo / snsapi_login records the authorisation (the legacy unionid rule counts it);
 * snsapi_base is silent and records nothing.
 */
import { z } from 'zod';
import { AppError } from '../errors.js';
import type { EmulatorContext } from './context.js';
import { requireApp, requirePerson } from './control-request.js';
import type { OAuthScope } from './oauth-tokens.js';
import type { EmulatorApp } from './emulator-app.js';

export const OAUTH_DECISIONS = ['consent', 'refuse', 'snapshot'] as const;
export type OAuthDecision = (typeof OAUTH_DECISIONS)[number];

/** The scopes each kind of app may ask for on a browser page. */
export const PAGE_SCOPES: Partial<Record<EmulatorApp['kind'], readonly OAuthScope[]>> = {
  officialAccount: ['snsapi_base', 'snsapi_userinfo'],
  website: ['snsapi_login'],
};

export const oauthRequestSchema = z.strictObject({
  appid: z.string().min(1),
  person: z.string().min(1),
  scope: z.enum(['snsapi_base', 'snsapi_userinfo', 'snsapi_login']),
  redirectUri: z.url({ protocol: /^https?$/ }),
  // WeChat: state is [a-zA-Z0-9], at most 128 bytes; only the length is enforced here.
  state: z
    .string()
    .refine((s) => Buffer.byteLength(s, 'utf8') <= 128, 'state is at most 128 bytes')
    .default(''),
  decision: z.enum(OAUTH_DECISIONS),
});
export type OAuthRequest = z.output<typeof oauthRequestSchema>;

/** The OAuth code lifetime for an app, seconds. */
export function oauthCodeTtl(ctx: Pick<EmulatorContext, 'options'>, app: EmulatorApp): number {
  const t = ctx.options.oauthCodeTtlSeconds;
  return app.kind === 'officialAccount' ? t.oa : app.kind === 'website' ? t.web : t.app;
}

/** `redirectUri` with `code` (unless refused) and `state` appended. */
export function redirectWith(redirectUri: string, code: string | null, state: string): string {
  const url = new URL(redirectUri);
  if (code !== null) url.searchParams.append('code', code);
  url.searchParams.append('state', state);
  return url.href;
}

/** Applies a person's decision and returns where WeChat sends the browser. Bad requests → ERR_EMULATOR_* AppErrors. */
export function decideOAuth(ctx: EmulatorContext, req: OAuthRequest): string {
  const { state } = ctx;
  const app = requireApp(state, req.appid, ['officialAccount', 'website']);
  const person = requirePerson(state, req.person);
  if (!(PAGE_SCOPES[app.kind] ?? []).includes(req.scope)) {
    throw new AppError('ERR_EMULATOR_BAD_REQUEST', { message: `A ${app.kind} cannot ask for ${req.scope}.` });
  }
  // WeChat's page refuses a redirect_uri off the app's domain before anyone decides (10003, oauth-domain.ts).
  state.oauthDomains.require(app, req.redirectUri);
  if (req.decision === 'refuse') return redirectWith(req.redirectUri, null, req.state);
  const snapshot = req.decision === 'snapshot';
  if (!snapshot && req.scope !== 'snsapi_base') person.authorized.add(app.appid);
  const code = state.oauthCodes.mint(app.appid, { personId: person.id, scope: req.scope, snapshot }, oauthCodeTtl(ctx, app));
  return redirectWith(req.redirectUri, code, req.state);
}
