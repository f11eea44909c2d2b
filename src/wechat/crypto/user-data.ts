/**
 * WXBizDataCrypt: decrypting a mini program's `encryptedData` with the user's `session_key`.
 * https://developers.weixin.qq.com/miniprogram/dev/framework/open-ability/signature.html
 * AES-128-CBC, key = base64(session_key) (16 bytes), iv = base64(iv) (16 bytes), PKCS#7 padding;
 * the plaintext is JSON carrying a `watermark { appid, timestamp }` we check against our appid.
 */
import { createDecipheriv } from 'node:crypto';
import { AppError } from '../../errors.js';
import { AES_BLOCK, unpaddedLength } from './pkcs7.js';
import { canonicalBase64Length, decodeStrictBase64 } from './strict-base64.js';
import { strictUtf8Text } from './strict-utf8.js';

/**
 * The decrypted user data (getUserInfo / getUserProfile / legacy getPhoneNumber payload). WeChat spells the ids
 * `openId` / `unionId` in this JSON and `openid` / `unionid` everywhere else: they are normalised here, at the
 * boundary, to the spelling the rest of weunion uses (the original object stays in `raw`).
 */
export interface UserDataPayload {
  /** WeChat's `openId`. */
  openid: string;
  /** WeChat's `unionId`: absent unless the mini program is bound to an Open Platform account (and never in getUserProfile data). */
  unionid?: string;
  nickName?: string;
  avatarUrl?: string;
  /** 0 unknown, 1 male, 2 female (always 0 since 2021-10). */
  gender?: number;
  language?: string;
  city?: string;
  province?: string;
  country?: string;
  phoneNumber?: string;
  purePhoneNumber?: string;
  /** Documented as a string, sent as a number in every example: normalised to a string. */
  countryCode?: string;
  watermark: { appid: string; timestamp: number };
  /** The whole decrypted object, as WeChat sent it. */
  raw: Record<string, unknown>;
}

export interface DecryptUserDataInput {
  /** Our appid: the watermark must carry it. */
  appid: string;
  /** The session_key from code2Session (base64 of 16 bytes). */
  sessionKey: string;
  encryptedData: string;
  iv: string;
  /** Current time, epoch ms. Required when `maxAgeSeconds` is given. */
  now?: number;
  /** Reject a watermark more than this far from `now`, in either direction. */
  maxAgeSeconds?: number;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function payloadError(why: string): AppError {
  return new AppError('ERR_CRYPTO_PAYLOAD', { message: `The decrypted data is not the expected JSON: ${why}.` });
}

/**
 * AES-128-CBC over the base64 `encryptedData`, returning the padded plaintext and where its padding starts. The text
 * goes to the decipher as base64, decoded natively without a Buffer of its own, and there is no `final()` nor
 * `Buffer.concat`: with the plaintext read by range (strictUtf8Text), 0.66× → 0.74× of the bare AES loop in
 * bench/decrypt.ts. Strictness is kept: the text-only checks run first, and a decoded length short of the canonical
 * one means Buffer's decoder skipped a character; either way the strict decoder then names the defect.
 */
function aesDecrypt(key: Buffer, iv: Buffer, encryptedData: string): { padded: Buffer; end: number } {
  const length = typeof encryptedData === 'string' ? canonicalBase64Length(encryptedData) : -1;
  let padded: Buffer | undefined;
  if (length > 0 && length % AES_BLOCK === 0) {
    const decipher = createDecipheriv('aes-128-cbc', key, iv);
    decipher.setAutoPadding(false); // whole blocks in, whole blocks out: the padding is checked below, no final()
    padded = decipher.update(encryptedData, 'base64');
  }
  if (padded?.length !== length) {
    decodeStrictBase64(encryptedData, 'encryptedData'); // throws ERR_CRYPTO_BASE64 unless the text is canonical
    throw new AppError('ERR_CRYPTO_DECRYPT', { message: 'The encryptedData is empty or not a whole number of AES blocks.' });
  }
  const end = unpaddedLength(padded, AES_BLOCK);
  // The default message: the HTTP routes answer garbage JSON (ERR_CRYPTO_PAYLOAD) with this same code and message,
  // one answer for every way a forged ciphertext fails (no padding oracle; src/flows/mp/open-user-data.ts).
  if (end === undefined) throw new AppError('ERR_CRYPTO_DECRYPT');
  return { padded, end };
}

/**
 * Identity fields are checked strictly; profile fields of an unexpected type are left out (still in `raw`). Each
 * field is read and set by name, not in a loop over names: a keyed store with a changing key goes megamorphic
 * (bench/decrypt.ts).
 */
function toPayload(raw: Record<string, unknown>): UserDataPayload {
  const { openId, unionId, watermark, gender, countryCode } = raw;
  if (!isObject(watermark)) throw payloadError('no watermark');
  if (typeof watermark.appid !== 'string' || !Number.isFinite(watermark.timestamp)) throw payloadError('malformed watermark');
  if (typeof openId !== 'string' || openId === '') throw payloadError('no openId');
  if (unionId !== undefined && typeof unionId !== 'string') throw payloadError('unionId is not a string');
  const out: UserDataPayload = {
    openid: openId,
    watermark: { appid: watermark.appid, timestamp: watermark.timestamp as number },
    raw,
  };
  // An empty unionId must never become a join key.
  if (unionId) out.unionid = unionId;
  const { nickName, avatarUrl, language, city, province, country, phoneNumber, purePhoneNumber } = raw;
  if (typeof nickName === 'string') out.nickName = nickName;
  if (typeof avatarUrl === 'string') out.avatarUrl = avatarUrl;
  if (typeof language === 'string') out.language = language;
  if (typeof city === 'string') out.city = city;
  if (typeof province === 'string') out.province = province;
  if (typeof country === 'string') out.country = country;
  if (typeof phoneNumber === 'string') out.phoneNumber = phoneNumber;
  if (typeof purePhoneNumber === 'string') out.purePhoneNumber = purePhoneNumber;
  if (typeof gender === 'number') out.gender = gender;
  if (typeof countryCode === 'string' || typeof countryCode === 'number') out.countryCode = String(countryCode);
  return out;
}

/**
 * Decrypts and checks `encryptedData`. Each failure has its own code: ERR_CRYPTO_BASE64, ERR_CRYPTO_KEY_LENGTH,
 * ERR_CRYPTO_IV_LENGTH, ERR_CRYPTO_DECRYPT, ERR_CRYPTO_PAYLOAD, ERR_CRYPTO_WATERMARK_APPID, ERR_CRYPTO_WATERMARK_STALE.
 * The caller still has to compare `openid` with the session's openid.
 * @example
 *   const data = decryptUserData({ appid, sessionKey, encryptedData, iv, now: clock.now(), maxAgeSeconds: 600 });
 *   if (data.unionid) link(data.unionid);
 */
export function decryptUserData(input: DecryptUserDataInput): UserDataPayload {
  const { appid, now, maxAgeSeconds } = input;
  if (typeof appid !== 'string' || appid === '') throw new TypeError('decryptUserData: appid must be a non-empty string');
  if (maxAgeSeconds !== undefined) {
    if (!Number.isFinite(maxAgeSeconds) || maxAgeSeconds < 0) throw new TypeError('decryptUserData: maxAgeSeconds must be >= 0');
    if (!Number.isFinite(now)) throw new TypeError('decryptUserData: now (epoch ms) is required with maxAgeSeconds');
  }

  const key = decodeStrictBase64(input.sessionKey, 'sessionKey');
  if (key.length !== 16) throw new AppError('ERR_CRYPTO_KEY_LENGTH');
  const iv = decodeStrictBase64(input.iv, 'iv');
  if (iv.length !== 16) throw new AppError('ERR_CRYPTO_IV_LENGTH');

  const { padded, end } = aesDecrypt(key, iv, input.encryptedData);
  let parsed: unknown;
  try {
    // CBC has no integrity: a strict decode turns most garbled blocks into an error (strict-utf8.ts).
    const text = strictUtf8Text(padded, 0, end);
    if (text === undefined) throw payloadError('not UTF-8 JSON');
    parsed = JSON.parse(text);
  } catch {
    throw payloadError('not UTF-8 JSON');
  }
  if (!isObject(parsed)) throw payloadError('not a JSON object');
  const payload = toPayload(parsed);

  if (payload.watermark.appid !== appid) {
    throw new AppError('ERR_CRYPTO_WATERMARK_APPID', { details: { expected: appid, actual: payload.watermark.appid } });
  }
  if (maxAgeSeconds !== undefined && Math.abs((now as number) - payload.watermark.timestamp * 1000) > maxAgeSeconds * 1000) {
    throw new AppError('ERR_CRYPTO_WATERMARK_STALE', { details: { timestamp: payload.watermark.timestamp, maxAgeSeconds } });
  }
  return payload;
}
