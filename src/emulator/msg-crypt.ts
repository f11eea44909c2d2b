/**
 * WXBizMsgCrypt as WeChat runs it on its side of the official-account callback: AES-256-CBC with
 * AESKey = base64decode(EncodingAESKey + "="), IV = AESKey[0..16), plaintext = random(16) ‖ uint32_be(len) ‖ msg ‖ appid
 * padded PKCS#7-style to a multiple of **32** bytes by hand (Node's own padding is 16-byte blocks and would break on
 * pads > 16), and the callback signatures sha1(sort([token, timestamp, nonce(, Encrypt)]).join('')).
 * https://developers.weixin.qq.com/doc/subscription/guide/dev/push/encryption.html (docs/wechat-api.md §6.1–§6.3).
 * Written on node:crypto directly — independent of src/wechat/crypto, so the server and the emulator cannot share
 * a bug and still pass each other's tests (docs/wechat-api.md §6.7 pins both).
 */
import { createCipheriv, createDecipheriv, createHash } from 'node:crypto';

const BLOCK = 32;

/** The 32-byte AES key of a 43-character EncodingAESKey. */
export function aesKeyOf(encodingAesKey: string): Buffer {
  if (!/^[A-Za-z0-9]{43}$/.test(encodingAesKey)) throw new TypeError('an EncodingAESKey is 43 letters or digits');
  return Buffer.from(`${encodingAesKey}=`, 'base64');
}

/**
 * Encrypts `message` (the XML) for `appid`; `random` is the 16-byte prefix (pass a fixed one for reproducible output).
 * @example
 *   encryptMessage({ encodingAesKey, appid: 'wx1234567890abcdef', message: xml, random: Buffer.from('0123456789abcdef') })
 */
export function encryptMessage(o: { encodingAesKey: string; appid: string; message: string; random: Buffer }): string {
  if (o.random.length !== 16) throw new TypeError('encryptMessage: random must be 16 bytes');
  const key = aesKeyOf(o.encodingAesKey);
  const msg = Buffer.from(o.message, 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32BE(msg.length, 0);
  const plain = Buffer.concat([o.random, len, msg, Buffer.from(o.appid, 'utf8')]);
  const pad = BLOCK - (plain.length % BLOCK); // 1..32, never 0
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16)).setAutoPadding(false);
  return Buffer.concat([cipher.update(Buffer.concat([plain, Buffer.alloc(pad, pad)])), cipher.final()]).toString('base64');
}

/** What an `Encrypt` text holds. */
export interface DecryptedMessage {
  message: string;
  appid: string;
}

/** Decrypts an `Encrypt` text. Throws a plain Error when it is not a well-formed ciphertext of this key. */
export function decryptMessage(o: { encodingAesKey: string; encrypt: string }): DecryptedMessage {
  const key = aesKeyOf(o.encodingAesKey);
  const data = Buffer.from(o.encrypt, 'base64');
  if (data.length === 0 || data.length % 16 !== 0) throw new Error('the ciphertext is not a whole number of AES blocks');
  const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16)).setAutoPadding(false);
  const padded = Buffer.concat([decipher.update(data), decipher.final()]);
  const pad = padded[padded.length - 1] ?? 0;
  if (pad < 1 || pad > BLOCK || pad > padded.length) throw new Error('bad padding');
  const plain = padded.subarray(0, padded.length - pad);
  if (plain.length < 20) throw new Error('the plaintext is too short');
  const len = plain.readUInt32BE(16);
  if (20 + len > plain.length) throw new Error('the message length is out of range');
  return { message: plain.subarray(20, 20 + len).toString('utf8'), appid: plain.subarray(20 + len).toString('utf8') };
}

/**
 * sha1 hex of the sorted, concatenated parts: `signature` with (token, timestamp, nonce), `msg_signature` with the
 * `Encrypt` text added.
 * @example
 *   callbackSignature('AAAAA', '1714037059', '486452656') // '899cf89e464efb63f54ddac96b0a0a235f53aa78'
 */
export function callbackSignature(token: string, timestamp: string, nonce: string, encrypt?: string): string {
  const parts = encrypt === undefined ? [token, timestamp, nonce] : [token, timestamp, nonce, encrypt];
  return createHash('sha1').update(parts.sort().join(''), 'utf8').digest('hex');
}
