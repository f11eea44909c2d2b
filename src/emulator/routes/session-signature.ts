/**
 * The checks shared by /wxa/checksession and /wxa/resetusersessionkey: access_token, openid of the token's
 * app, `sig_method=hmac_sha256` (else 87008), and `signature = hex(HMAC-SHA256(key = session_key string,
 * msg = ""))` with the person's current key (else 87009)
 * (https://developers.weixin.qq.com/miniprogram/dev/server/API/user-login/api_checksessionkey).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { EmulatorState } from '../state.js';
import type { Person } from '../persons.js';
import { checkAccessToken } from '../token-check.js';
import { queryParam } from '../wechat-reply.js';

export type SignedSession = { ok: true; appid: string; person: Person; openid: string } | { ok: false; errcode: number };

/** hex HMAC-SHA256 over the empty message, keyed with the UTF-8 of the base64 session_key text. */
export function sessionSignature(sessionKey: string): string {
  return createHmac('sha256', Buffer.from(sessionKey, 'utf8')).update('').digest('hex');
}

export function checkSignedSession(state: EmulatorState, query: unknown): SignedSession {
  const gate = checkAccessToken(state.tokens, query);
  if (!gate.ok) return gate;
  const openid = queryParam(query, 'openid');
  if (openid === undefined) return { ok: false, errcode: 41009 };
  const person = state.persons.byOpenid(gate.appid, openid);
  if (person === undefined) return { ok: false, errcode: 40003 };
  if (queryParam(query, 'sig_method') !== 'hmac_sha256') return { ok: false, errcode: 87008 };
  const key = state.sessionKeys.current(person.id, gate.appid);
  const given = Buffer.from(queryParam(query, 'signature') ?? '', 'utf8');
  const expected = key === undefined ? undefined : Buffer.from(sessionSignature(key), 'utf8');
  if (expected === undefined || given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, errcode: 87009 };
  return { ok: true, appid: gate.appid, person, openid };
}
