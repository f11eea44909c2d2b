/**
 * The OAuth `state`: a random, single-use token that ties WeChat's callback to the authorize request weunion
 * itself started (CSRF protection for the callback). It is 160 random bits in hex — WeChat accepts at most 128
 * characters of `[A-Za-z0-9]` — and its meaning (app, scope, where to send the browser) stays server-side in a
 * FlowStore 'oauth_state' row, so nothing in the URL can be altered to change it.
 * https://developers.weixin.qq.com/doc/oplatform/developers/dev/auth/web.md (state: `[a-zA-Z0-9]`, at most 128 bytes)
 */
import { AppError } from '../../errors.js';
import type { Clock } from '../../clock.js';
import type { FlowStore } from '../../store/port.js';
import type { ConsentPage, OAuthScope } from '../../wechat/api/consent-url.js';
import type { RandomBytes } from '../ports.js';

/** Which browser flow a state belongs to: the official account's in-WeChat OAuth or a website app's QR login. */
export type OAuthFlowKind = ConsentPage;
export type { OAuthScope };

/** What states are made of: the flow store, the clock, random bytes, and how long a state lives. */
export interface OAuthStateDeps {
  flows: Pick<FlowStore, 'putFlow' | 'findFlow' | 'consumeFlow'>;
  clock: Clock;
  random: RandomBytes;
  ttlSeconds: number;
}

export interface OAuthStateData {
  appid: string;
  kind: OAuthFlowKind;
  scope: OAuthScope;
  /** The normalised redirect URL, already checked against the app's allow-list. */
  redirect: string;
  /** SHA-256 of the browser-binding cookie (browser-binding.ts). */
  browserHash?: string;
}

const STATE_PATTERN = /^[0-9a-f]{40}$/;
const flowId = (state: string) => `os_${state}`;

/**
 * Stores a new state for `data`, valid `flows.oauthStateTtlSeconds`, and returns it.
 * @example
 *   const state = await createOAuthState(deps, { appid, kind: 'website', scope: 'snsapi_login', redirect: url.href });
 */
export async function createOAuthState(deps: OAuthStateDeps, data: OAuthStateData): Promise<string> {
  const state = deps.random(20).toString('hex');
  const now = deps.clock.now();
  await deps.flows.putFlow({ id: flowId(state), kind: 'oauth_state', status: 'issued', data: { ...data }, expiresAt: now + deps.ttlSeconds * 1000 }, now);
  return state;
}

/**
 * Consumes a state once. Unknown, malformed, expired, already used, or issued for another app or flow →
 * ERR_OAUTH_STATE_INVALID; a state presented on the wrong app's callback is left unconsumed (a stray or forged
 * request must not burn the real browser's login).
 */
export async function consumeOAuthState(
  deps: Pick<OAuthStateDeps, 'flows' | 'clock'>,
  state: string | undefined,
  expected: { appid: string; kind: OAuthFlowKind; browser: (storedHash: unknown) => boolean },
): Promise<OAuthStateData> {
  if (state === undefined || !STATE_PATTERN.test(state)) throw new AppError('ERR_OAUTH_STATE_INVALID');
  const found = await deps.flows.findFlow(flowId(state));
  if (found?.kind !== 'oauth_state') throw new AppError('ERR_OAUTH_STATE_INVALID');
  const data = found.data as Partial<OAuthStateData>;
  if (data.appid !== expected.appid || data.kind !== expected.kind) throw new AppError('ERR_OAUTH_STATE_INVALID');
  if (found.consumedAt !== null || found.expiresAt <= deps.clock.now()) throw new AppError('ERR_OAUTH_STATE_INVALID');
  // Checked before consuming: a forged landing in another browser must not spoil the real person's login.
  if (!expected.browser(data.browserHash)) throw new AppError('ERR_OAUTH_BROWSER_MISMATCH');
  const row = await deps.flows.consumeFlow(flowId(state), 'oauth_state', deps.clock.now());
  if (!row) throw new AppError('ERR_OAUTH_STATE_INVALID');
  const d = row.data as unknown as OAuthStateData;
  return { appid: d.appid, kind: d.kind, scope: d.scope, redirect: d.redirect };
}
