/**
 * The official-account callback signatures (docs/wechat-api.md §6.1, §6.3): `sha1_hex(concat(sort([token, timestamp,
 * nonce])))` for `signature` (URL verification and every push), and the same over four items, the `Encrypt` text
 * included, for `msg_signature` and an encrypted passive reply's `MsgSignature`.
 * https://developers.weixin.qq.com/doc/subscription/guide/dev/push/encryption.html
 */
import { hash } from 'node:crypto';

/**
 * Lowercase-hex SHA-1 of the lexicographically sorted, concatenated items (3 without `encrypt`, 4 with it).
 * @example
 *   callbackSignature('AAAAA', '1714037059', '486452656'); // '899cf89e464efb63f54ddac96b0a0a235f53aa78'
 */
export function callbackSignature(token: string, timestamp: string | number, nonce: string, encrypt?: string): string {
  if (typeof token !== 'string' || token === '') throw new TypeError('callbackSignature: token must be a non-empty string');
  if (typeof timestamp === 'number') timestamp = Number.isSafeInteger(timestamp) ? String(timestamp) : '';
  if (typeof timestamp !== 'string') throw new TypeError('callbackSignature: timestamp must be a string or an integer');
  if (typeof nonce !== 'string') throw new TypeError('callbackSignature: nonce must be a string');
  if (encrypt !== undefined && typeof encrypt !== 'string') throw new TypeError('callbackSignature: encrypt must be a string');
  const items = encrypt === undefined ? [token, timestamp, nonce] : [token, timestamp, nonce, encrypt];
  // Default sort compares UTF-16 code units: the same order as the byte order of WeChat's ASCII inputs.
  items.sort();
  // One-shot hash (Node ≥ 20.12): no Hash object per push.
  return hash('sha1', items.join(''), 'hex');
}

/**
 * Constant-time comparison of a received signature with the expected lowercase hex (WeChat sends lowercase).
 * Anything that is not a string of the same length is simply unequal: query parameters come from the network. Every
 * character is compared whatever the outcome (no early exit), on the strings themselves: two Buffers and a
 * `timingSafeEqual` per signature were ~2 % of a safe-mode push, which checks two (bench/callback.ts).
 */
export function signaturesEqual(expected: string, received: unknown): boolean {
  if (typeof received !== 'string' || received.length !== expected.length) return false;
  let diff = 0;
  for (let i = 0; i < expected.length; i++) diff |= expected.charCodeAt(i) ^ received.charCodeAt(i);
  return diff === 0;
}
