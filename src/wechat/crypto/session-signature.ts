/**
 * The "login state signature" used by `/wxa/checksession` and `/wxa/resetusersessionkey`:
 * hex HMAC-SHA256 with key = the session_key **string as received** (the UTF-8 of its base64 text,
 * not the decoded bytes) — pinned by the official vector in test/vectors/session-signature.json.
 * https://developers.weixin.qq.com/miniprogram/dev/server/API/user-login/api_checksessionkey
 */
import { createHmac } from 'node:crypto';

/**
 * Lowercase-hex HMAC-SHA256(key = sessionKey text, message). checksession signs the empty message.
 * @example
 *   sessionKeySignature('o0q0otL8aEzpcZL/FT9WsQ==', '{"foo":"bar"}'); // '654571f7…'
 */
export function sessionKeySignature(sessionKey: string, message = ''): string {
  if (typeof sessionKey !== 'string' || sessionKey === '') throw new TypeError('sessionKeySignature: sessionKey must be a non-empty string');
  if (typeof message !== 'string') throw new TypeError('sessionKeySignature: message must be a string');
  return createHmac('sha256', Buffer.from(sessionKey, 'utf8')).update(message, 'utf8').digest('hex');
}
