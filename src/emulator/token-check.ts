/**
 * The access_token check every token-taking endpoint runs first: missing → 41001, unknown or superseded →
 * 40001, expired → 42001 (https://developers.weixin.qq.com/doc/offiaccount/Getting_Started/Global_Return_Code.html).
 */
import type { TokenStore } from './tokens.js';
import { queryParam } from './wechat-reply.js';

export type TokenGate = { ok: true; appid: string } | { ok: false; errcode: 41001 | 40001 | 42001 };

/** Resolves `?access_token=` to the appid it was issued for. */
export function checkAccessToken(tokens: TokenStore, query: unknown): TokenGate {
  const token = queryParam(query, 'access_token');
  if (token === undefined) return { ok: false, errcode: 41001 };
  return tokens.check(token);
}
