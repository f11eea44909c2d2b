/**
 * WXBizMsgCrypt: the official-account callback's signatures and its AES "safe mode" (docs/wechat-api.md §6.1–§6.4).
 * https://developers.weixin.qq.com/doc/subscription/guide/dev/push/encryption.html
 *
 * AESKey = base64(EncodingAESKey + "="), 32 bytes; AES-256-CBC with IV = AESKey[0..16); plaintext
 * `random(16) ‖ uint32_be(len(msg)) ‖ msg ‖ appid`, PKCS#7-padded to a multiple of 32 (pkcs7.ts).
 * Pinned by the vectors in test/vectors/msg-crypt.json (WeChat's own, wechatpy's, and §6.7's).
 */
import { createCipheriv, createDecipheriv, randomBytes, type Decipher } from 'node:crypto';
import { AppError } from '../../errors.js';
import { callbackSignature, signaturesEqual } from './callback-signature.js';
import { pad32, unpaddedLength } from './pkcs7.js';
import { decodeStrictBase64 } from './strict-base64.js';
import { strictUtf8Text } from './strict-utf8.js';

export interface MessageCryptOptions {
  /** The callback Token from the console (3–32 letters or digits). */
  token: string;
  /** The 43-character EncodingAESKey from the console. */
  encodingAesKey: string;
  /** The official account's appid: the trailer of every plaintext. */
  appid: string;
  /** The key before the last rotation: still accepted on decrypt while WeChat switches over. */
  previousEncodingAesKey?: string | undefined;
  /** Source of the 16 random prefix bytes. Default: node:crypto `randomBytes`. */
  random?: (size: number) => Buffer;
}

/** Which EncodingAESKey opened a message (reply with the same one, as the FAQ advises). */
export type MessageKey = 'current' | 'previous';

export interface DecryptedMessage {
  xml: string;
  key: MessageKey;
}

export interface EncryptOptions {
  /** The 16-byte random prefix (bytes, or 16 ASCII characters), for reproducible output. */
  random?: Uint8Array | string;
  /** Encrypt with the previous key (for a reply to a message that only the previous key opened). Default current. */
  key?: MessageKey;
}

/** What `createMessageCrypt` returns; frozen. */
export interface MessageCrypt {
  readonly appid: string;
  /** `signature` (3 items) or, with `encrypt`, `msg_signature` (4 items): lowercase hex SHA-1. */
  signature(timestamp: string | number, nonce: string, encrypt?: string): string;
  /** Constant-time check of a received signature (with `encrypt`: a msg_signature). False for any malformed input. */
  verify(input: { signature: unknown; timestamp: unknown; nonce: unknown; encrypt?: unknown }): boolean;
  /** The XML text inside `Encrypt`; throws ERR_CALLBACK_DECRYPT or ERR_CALLBACK_APPID. */
  decrypt(encrypt: string): string;
  /** Like `decrypt`, and says which key worked. */
  decryptWithKey(encrypt: string): DecryptedMessage;
  /** The base64 `Encrypt` text for `xml`. */
  encrypt(xml: string, options?: EncryptOptions): string;
  /** The encrypted passive reply `<xml><Encrypt/><MsgSignature/><TimeStamp/><Nonce/></xml>`. */
  encryptedReply(xml: string, options: EncryptOptions & { timestamp: string | number; nonce: string }): string;
}

type DecryptFailure = 'base64' | 'block-length' | 'padding' | 'length-field' | 'utf8';

function decryptError(reason: DecryptFailure, cause?: unknown): AppError {
  return new AppError('ERR_CALLBACK_DECRYPT', { details: { reason }, ...(cause === undefined ? {} : { cause }) });
}

/** The 32-byte AES key. Not strict base64 on purpose: the 43rd character's two spare bits are often non-zero. */
function aesKeyOf(encodingAesKey: unknown, field: string): Buffer {
  const key = typeof encodingAesKey === 'string' && /^[A-Za-z0-9+/]{43}$/.test(encodingAesKey) ? Buffer.from(`${encodingAesKey}=`, 'base64') : undefined;
  if (key?.length !== 32) throw new AppError('ERR_CALLBACK_AES_KEY', { details: { field } });
  return key;
}

function requireString(name: string, v: unknown): asserts v is string {
  if (typeof v !== 'string' || v === '') throw new TypeError(`createMessageCrypt: ${name} must be a non-empty string`);
}

/**
 * AES-256-CBC decryption of whole blocks as ECB + XOR (P_i = AES⁻¹(C_i) ⊕ C_{i−1}, C_0 = IV). An official account's
 * key and IV (the key's first 16 bytes) never change, so one ECB decipher per key is made once and reused: fed
 * whole blocks with padding off it keeps no state between calls, and making a CBC decipher for every push cost more
 * than the AES itself (bench/callback.ts). Checked against WeChat's and wechatpy's vectors like the rest.
 */
interface BlockKey {
  ecb: Decipher;
  iv: Buffer;
}

function blockKeyOf(key: Buffer): BlockKey {
  const ecb = createDecipheriv('aes-256-ecb', key, null);
  ecb.setAutoPadding(false);
  return { ecb, iv: Buffer.from(key.subarray(0, 16)) };
}

function cbcDecrypt({ ecb, iv }: BlockKey, data: Buffer): Buffer {
  const plain = ecb.update(data); // data.length is a multiple of 16 (checked by the caller): nothing is held back
  for (let i = 0; i < 16; i++) plain[i]! ^= iv[i]!;
  for (let i = 16; i < plain.length; i++) plain[i]! ^= data[i - 16]!;
  return plain;
}

/** Opens one ciphertext with one key; every structural check is its own failure reason. */
function open(key: BlockKey, data: Buffer, appid: Buffer): string | AppError {
  const plain = cbcDecrypt(key, data);
  const end = unpaddedLength(plain);
  if (end === undefined) return decryptError('padding');
  if (end < 20) return decryptError('length-field');
  const msgLength = plain.readUInt32BE(16);
  if (msgLength > end - 20) return decryptError('length-field');
  const trailer = plain.subarray(20 + msgLength, end);
  if (!trailer.equals(appid)) return new AppError('ERR_CALLBACK_APPID');
  return strictUtf8Text(plain, 20, 20 + msgLength) ?? decryptError('utf8');
}

/**
 * Signs, verifies, encrypts and decrypts official-account callback messages for one app.
 * Throws ERR_CALLBACK_AES_KEY for a key that is not 43 characters decoding to 32 bytes; TypeError for a missing token/appid.
 * @example
 *   const crypt = createMessageCrypt({ token, encodingAesKey, appid });
 *   if (!crypt.verify({ signature: q.msg_signature, timestamp: q.timestamp, nonce: q.nonce, encrypt })) reject();
 *   const xml = crypt.decrypt(encrypt);
 *   reply(crypt.encryptedReply(answerXml, { timestamp: q.timestamp, nonce: q.nonce }));
 */
export function createMessageCrypt(options: MessageCryptOptions): MessageCrypt {
  if (typeof options !== 'object' || options === null) throw new TypeError('createMessageCrypt: options are required');
  const { token, appid } = options;
  requireString('token', token);
  requireString('appid', appid);
  const keys: Record<MessageKey, Buffer | undefined> = {
    current: aesKeyOf(options.encodingAesKey, 'encodingAesKey'),
    previous: options.previousEncodingAesKey === undefined ? undefined : aesKeyOf(options.previousEncodingAesKey, 'previousEncodingAesKey'),
  };
  const random = options.random ?? randomBytes;
  if (typeof random !== 'function') throw new TypeError('createMessageCrypt: random must be a function');
  const appidBytes = Buffer.from(appid, 'utf8');
  const blockKeys = { current: blockKeyOf(keys.current!), previous: keys.previous && blockKeyOf(keys.previous) };

  const signature = (timestamp: string | number, nonce: string, encrypt?: string): string => callbackSignature(token, timestamp, nonce, encrypt);

  function decryptWithKey(encrypt: string): DecryptedMessage {
    let data: Buffer;
    try {
      data = decodeStrictBase64(encrypt, 'Encrypt');
    } catch (cause) {
      throw decryptError('base64', cause);
    }
    if (data.length === 0 || data.length % 16 !== 0) throw decryptError('block-length');
    const first = open(blockKeys.current, data, appidBytes);
    if (typeof first === 'string') return { xml: first, key: 'current' };
    if (blockKeys.previous) {
      const second = open(blockKeys.previous, data, appidBytes);
      if (typeof second === 'string') return { xml: second, key: 'previous' };
    }
    throw first;
  }

  function encrypt(xml: string, opts: EncryptOptions = {}): string {
    if (typeof xml !== 'string') throw new TypeError('MessageCrypt.encrypt: xml must be a string');
    const prefix = opts.random === undefined ? random(16) : typeof opts.random === 'string' ? Buffer.from(opts.random, 'utf8') : Buffer.from(opts.random);
    if (!(prefix instanceof Uint8Array) || prefix.length !== 16) throw new TypeError('MessageCrypt.encrypt: random must be 16 bytes');
    const key = keys[opts.key ?? 'current'];
    if (!key) throw new TypeError(`MessageCrypt.encrypt: no ${opts.key} key configured`);
    const msg = Buffer.from(xml, 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32BE(msg.length);
    const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
    cipher.setAutoPadding(false);
    const plain = pad32(Buffer.concat([prefix, length, msg, appidBytes]));
    return Buffer.concat([cipher.update(plain), cipher.final()]).toString('base64');
  }

  function encryptedReply(xml: string, opts: EncryptOptions & { timestamp: string | number; nonce: string }): string {
    const timestamp = String(opts?.timestamp);
    // Both land in the XML unescaped (as in WeChat's sample), so only plain tokens are allowed.
    if (!/^\d{1,20}$/.test(timestamp)) throw new TypeError('MessageCrypt.encryptedReply: timestamp must be digits');
    if (typeof opts.nonce !== 'string' || !/^[A-Za-z0-9]{1,64}$/.test(opts.nonce))
      throw new TypeError('MessageCrypt.encryptedReply: nonce must be 1–64 letters or digits');
    const text = encrypt(xml, opts);
    const msgSignature = signature(timestamp, opts.nonce, text);
    // The layout of WeChat's sample (and wechatpy's vector), newlines included.
    return `<xml>\n<Encrypt><![CDATA[${text}]]></Encrypt>\n<MsgSignature><![CDATA[${msgSignature}]]></MsgSignature>\n<TimeStamp>${timestamp}</TimeStamp>\n<Nonce><![CDATA[${opts.nonce}]]></Nonce>\n</xml>`;
  }

  return Object.freeze({
    appid,
    signature,
    verify({ signature: received, timestamp, nonce, encrypt: enc }: { signature: unknown; timestamp: unknown; nonce: unknown; encrypt?: unknown }): boolean {
      if (typeof timestamp !== 'string' || typeof nonce !== 'string' || (enc !== undefined && typeof enc !== 'string')) return false;
      return signaturesEqual(signature(timestamp, nonce, enc), received);
    },
    decrypt: (enc: string) => decryptWithKey(enc).xml,
    decryptWithKey,
    encrypt,
    encryptedReply,
  });
}
