/**
 * The access_token check every token-taking endpoint runs first: missing → 41001, not shaped like an access_token →
 * 40014 "invalid access_token", well-formed but unknown or superseded → 40001, expired → 42001 (https://developers.weixin.qq.com/doc/offiaccount/Getting_Started/Global_Return_Code.html).
 * An endpoint of another kind of account (e.g. `cgi-bin/user/info` with a mini program's token) → 48001 "api unauthorized".
 */
import type { EmulatorApp } from './emulator-app.js';
import type { EmulatorState } from './state.js';
import type { TokenStore } from './tokens.js';
import { queryParam } from './wechat-reply.js';

export type TokenGate = { ok: true; appid: string } | { ok: false; errcode: 41001 | 40014 | 40001 | 42001 };

/**
 * What an access_token looks like (`<digits>_` then URL-safe characters, 130–160 in all for real ones; the emulator's
 * are 143). WeChat tells a garbled or truncated token (40014) from a well-formed one it no longer accepts (40001).
 */
export const ACCESS_TOKEN_SHAPE = /^\d{1,4}_[A-Za-z0-9_-]{64,508}$/;

/** Resolves `?access_token=` to the appid it was issued for. */
export function checkAccessToken(tokens: TokenStore, query: unknown): TokenGate {
  const token = queryParam(query, 'access_token');
  if (token === undefined) return { ok: false, errcode: 41001 };
  if (!ACCESS_TOKEN_SHAPE.test(token)) return { ok: false, errcode: 40014 };
  return tokens.check(token);
}

export type AppTokenGate = { ok: true; app: EmulatorApp } | { ok: false; errcode: 41001 | 40014 | 40001 | 42001 | 48001 };

/** `checkAccessToken`, then the token's app must be one of `kinds` (else 48001). */
export function checkAppToken(state: EmulatorState, query: unknown, kinds: readonly EmulatorApp['kind'][]): AppTokenGate {
  const gate = checkAccessToken(state.tokens, query);
  if (!gate.ok) return gate;
  const app = state.app(gate.appid);
  if (app === undefined || !kinds.includes(app.kind)) return { ok: false, errcode: 48001 };
  return { ok: true, app };
}
