/**
 * The `rawData` signature a mini program sends next to `wx.getUserInfo`'s data:
 * `signature = sha1_hex(rawData + session_key)`, both strings exactly as received.
 * https://developers.weixin.qq.com/miniprogram/dev/framework/open-ability/signature.html
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { AppError } from '../../errors.js';

/**
 * Computes the lowercase-hex SHA-1 of `rawData + sessionKey`.
 * @example
 *   rawDataSignature('{"nickName":"Band",…}', 'HyVFkGl5F5OQWJZZaNzBBg=='); // '75e81ced…'
 */
export function rawDataSignature(rawData: string, sessionKey: string): string {
  if (typeof rawData !== 'string' || typeof sessionKey !== 'string') {
    throw new TypeError('rawDataSignature: rawData and sessionKey must be strings');
  }
  return createHash('sha1')
    .update(rawData + sessionKey, 'utf8')
    .digest('hex');
}

export interface VerifyRawDataSignatureInput {
  rawData: string;
  signature: string;
  sessionKey: string;
}

/**
 * Returns true when `signature` matches, else throws `AppError('ERR_CRYPTO_SIGNATURE')`.
 * Constant-time compare; the signature must be lowercase hex as WeChat sends it.
 * @example
 *   verifyRawDataSignature({ rawData: body.rawData, signature: body.signature, sessionKey });
 */
export function verifyRawDataSignature({ rawData, signature, sessionKey }: VerifyRawDataSignatureInput): true {
  if (typeof sessionKey !== 'string') throw new TypeError('verifyRawDataSignature: sessionKey must be a string');
  // rawData and signature come from the client: a wrong type is a bad signature, not a programming error.
  if (typeof rawData !== 'string' || typeof signature !== 'string') throw new AppError('ERR_CRYPTO_SIGNATURE');
  const expected = Buffer.from(rawDataSignature(rawData, sessionKey), 'utf8');
  const given = Buffer.from(signature, 'utf8');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new AppError('ERR_CRYPTO_SIGNATURE');
  return true;
}
