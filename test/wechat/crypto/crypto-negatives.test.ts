/**
 * The crypto negatives in one table, on the published vectors: every way a mini program's `encryptedData`
 * (WXBizDataCrypt, AES-128-CBC + PKCS#7/16) or an official-account push (WXBizMsgCrypt, AES-256-CBC + PKCS#7/32 +
 * trailing appid) can be damaged or forged is rejected, each with its own code (and, for the callback, its reason).
 * The same cases through the HTTP routes are in test/e2e/mp-login-errors.test.ts and oa-callback.test.ts.
 */
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../src/errors.js';
import { createMessageCrypt } from '../../../src/wechat/crypto/msg-crypt.js';
import { decryptUserData, type DecryptUserDataInput } from '../../../src/wechat/crypto/user-data.js';
import dataVector from '../../vectors/wxbizdatacrypt.json' with { type: 'json' };
import { codeOf } from '../../helpers/expect-error.js';

const msgVectors = JSON.parse(readFileSync(new URL('../../vectors/msg-crypt.json', import.meta.url), 'utf8'));
const v67 = msgVectors.messages[0] as {
  token: string;
  encodingAesKey: string;
  appid: string;
  random: string;
  plaintext: string;
  encrypt: string;
  timestamp: string;
  nonce: string;
  msgSignature: string;
};

// ---- WXBizDataCrypt -------------------------------------------------------------------------------------------
const sealedAt = dataVector.plaintext.watermark.timestamp * 1000;
const good: DecryptUserDataInput = {
  appid: dataVector.appid,
  sessionKey: dataVector.sessionKey,
  iv: dataVector.iv,
  encryptedData: dataVector.encryptedData,
  now: sealedAt,
  maxAgeSeconds: 600,
};
const key16 = Buffer.from(dataVector.sessionKey, 'base64');
const iv16 = Buffer.from(dataVector.iv, 'base64');
const plain16 = (() => {
  const d = createDecipheriv('aes-128-cbc', key16, iv16);
  d.setAutoPadding(false);
  return Buffer.concat([d.update(Buffer.from(dataVector.encryptedData, 'base64')), d.final()]);
})();
const body16 = plain16.subarray(0, plain16.length - plain16[plain16.length - 1]!); // the JSON, padding removed

/** AES-128-CBC over `plain` exactly as given (no padding added): forged paddings. */
function seal16(plain: Buffer): string {
  const c = createCipheriv('aes-128-cbc', key16, iv16);
  c.setAutoPadding(false);
  return Buffer.concat([c.update(plain), c.final()]).toString('base64');
}
/** The vector's JSON followed by `n` bytes of value `v`, to a whole number of 16-byte blocks. */
function paddedWith(v: number, total: number): string {
  const fill = total - body16.length;
  return seal16(Buffer.concat([body16, Buffer.alloc(fill, v)]));
}
/** The vector's payload with another watermark, sealed properly. */
function withWatermark(watermark: { appid: string; timestamp: number }): string {
  const c = createCipheriv('aes-128-cbc', key16, iv16);
  return Buffer.concat([c.update(JSON.stringify({ ...dataVector.plaintext, watermark })), c.final()]).toString('base64');
}
const flip = (b64: string, index: number, mask: number): string => {
  const b = Buffer.from(b64, 'base64');
  b[index < 0 ? b.length + index : index]! ^= mask;
  return b.toString('base64');
};
const ct16 = Buffer.from(dataVector.encryptedData, 'base64');
const pad16 = plain16[plain16.length - 1]!;
const nextBlock = (n: number) => Math.ceil((n + 1) / 16) * 16;

const userDataCode = (input: DecryptUserDataInput): string => codeOf(() => decryptUserData(input)) ?? 'accepted';

describe('decryptUserData() negatives (WXBizDataCrypt vector)', () => {
  it('accepts the untouched vector (the baseline every case below damages)', () => {
    expect(userDataCode(good)).toBe('accepted');
  });

  it.each<[string, string, () => Partial<DecryptUserDataInput>]>([
    ['tampered ciphertext: the last block’s pad byte', 'ERR_CRYPTO_DECRYPT', () => ({ encryptedData: flip(dataVector.encryptedData, -17, 0x40) })],
    ['tampered ciphertext: a middle block (garbles the JSON)', 'ERR_CRYPTO_PAYLOAD', () => ({ encryptedData: flip(dataVector.encryptedData, 20, 0xff) })],
    ['wrong iv (the first block garbled)', 'ERR_CRYPTO_PAYLOAD', () => ({ iv: flip(dataVector.iv, 0, 0x55) })],
    ['wrong iv length', 'ERR_CRYPTO_IV_LENGTH', () => ({ iv: Buffer.alloc(12, 1).toString('base64') })],
    ['truncated inside a block', 'ERR_CRYPTO_DECRYPT', () => ({ encryptedData: ct16.subarray(0, ct16.length - 5).toString('base64') })],
    ['truncated to its first block', 'ERR_CRYPTO_DECRYPT', () => ({ encryptedData: ct16.subarray(0, 16).toString('base64') })],
    ['empty', 'ERR_CRYPTO_DECRYPT', () => ({ encryptedData: '' })],
    ['padding of 0', 'ERR_CRYPTO_DECRYPT', () => ({ encryptedData: paddedWith(0, nextBlock(body16.length)) })],
    [
      'padding > 16 (the 32-byte WXBizMsgCrypt padding)',
      'ERR_CRYPTO_DECRYPT',
      () => ({ encryptedData: paddedWith(32 - (body16.length % 32), body16.length + 32 - (body16.length % 32)) }),
    ],
    ['padding > 32 (64+ bytes of 0x40)', 'ERR_CRYPTO_DECRYPT', () => ({ encryptedData: paddedWith(0x40, Math.ceil((body16.length + 64) / 16) * 16) })],
    [
      'padding bytes that disagree',
      'ERR_CRYPTO_DECRYPT',
      () => ({
        encryptedData: seal16(
          Buffer.concat([
            body16,
            Buffer.from([pad16 ^ 1]),
            Buffer.alloc(nextBlock(body16.length) - body16.length - 1, nextBlock(body16.length) - body16.length),
          ]),
        ),
      }),
    ],
    ['another session_key', 'ERR_CRYPTO_DECRYPT', () => ({ sessionKey: 'HyVFkGl5F5OQWJZZaNzBBg==' })],
    [
      'a watermark of another app',
      'ERR_CRYPTO_WATERMARK_APPID',
      () => ({ encryptedData: withWatermark({ appid: 'wx0000000000000000', timestamp: sealedAt / 1000 }) }),
    ],
    ['an old watermark (601 s > maxAgeSeconds)', 'ERR_CRYPTO_WATERMARK_STALE', () => ({ now: sealedAt + 601_000 })],
    ['a watermark from the future (601 s ahead)', 'ERR_CRYPTO_WATERMARK_STALE', () => ({ now: sealedAt - 601_000 })],
    ['damaged base64', 'ERR_CRYPTO_BASE64', () => ({ encryptedData: dataVector.encryptedData.replaceAll('+', ' ') })],
  ])('%s → %s', (_name, code, change) => {
    expect(userDataCode({ ...good, ...change() })).toBe(code);
  });
});

// ---- WXBizMsgCrypt --------------------------------------------------------------------------------------------
const crypt = createMessageCrypt({ token: v67.token, encodingAesKey: v67.encodingAesKey, appid: v67.appid });
const aes32 = Buffer.from(`${v67.encodingAesKey}=`, 'base64');
const ct32 = Buffer.from(v67.encrypt, 'base64');

/** AES-256-CBC with WXBizMsgCrypt's key and IV (or another IV) over `plain` as given. */
function seal32(plain: Buffer, iv: Buffer = aes32.subarray(0, 16)): string {
  const c = createCipheriv('aes-256-cbc', aes32, iv);
  c.setAutoPadding(false);
  return Buffer.concat([c.update(plain), c.final()]).toString('base64');
}
/** random ‖ len ‖ msg ‖ appid ‖ a tail of `n` bytes of value `v`. */
function frame(v: number, n: number, appid = v67.appid): Buffer {
  const msg = Buffer.from('<xml/>');
  const len = Buffer.alloc(4);
  len.writeUInt32BE(msg.length);
  return Buffer.concat([Buffer.from(v67.random), len, msg, Buffer.from(appid), Buffer.alloc(n, v)]);
}
const unpadded = frame(0, 0).length;
const toBlock = (total: number) => total - unpadded; // tail length that ends the frame at `total`

function callbackOutcome(encrypt: string): string {
  try {
    crypt.decrypt(encrypt);
    return 'accepted';
  } catch (e) {
    if (!(e instanceof AppError)) throw e;
    return e.code === 'ERR_CALLBACK_DECRYPT' ? `${e.code}:${String(e.details?.reason)}` : e.code;
  }
}

describe('MessageCrypt.decrypt() negatives (docs/wechat-api.md §6.7 vector)', () => {
  it('accepts the untouched vector, whose padding (28) is above 16', () => {
    expect(crypt.decrypt(v67.encrypt)).toBe(v67.plaintext);
    expect(callbackOutcome(seal32(frame(toBlock(64), toBlock(64))))).toBe('accepted');
  });

  it.each<[string, string, () => string]>([
    ['tampered ciphertext: the last block’s pad byte', 'ERR_CALLBACK_DECRYPT:padding', () => flip(v67.encrypt, -17, 0x40)],
    ['tampered ciphertext: the length field', 'ERR_CALLBACK_DECRYPT:length-field', () => flip(v67.encrypt, 0, 0x80)],
    ['truncated inside a block', 'ERR_CALLBACK_DECRYPT:block-length', () => ct32.subarray(0, ct32.length - 5).toString('base64')],
    ['truncated to its first block', 'ERR_CALLBACK_DECRYPT:padding', () => ct32.subarray(0, 16).toString('base64')],
    ['empty', 'ERR_CALLBACK_DECRYPT:block-length', () => ''],
    ['padding of 0', 'ERR_CALLBACK_DECRYPT:padding', () => seal32(frame(0, toBlock(64)))],
    ['padding > 32 (33)', 'ERR_CALLBACK_DECRYPT:padding', () => seal32(frame(33, toBlock(96)))],
    ['padding > 32 (0xff)', 'ERR_CALLBACK_DECRYPT:padding', () => seal32(frame(0xff, toBlock(64)))],
    [
      'padding bytes that disagree',
      'ERR_CALLBACK_DECRYPT:padding',
      () => seal32(Buffer.concat([frame(0, 0), Buffer.alloc(toBlock(64) - 1, toBlock(64)), Buffer.from([toBlock(64) - 1])])),
    ],
    ['wrong trailing appid', 'ERR_CALLBACK_APPID', () => seal32(frame(toBlock(64), toBlock(64), 'wx0000000000000000').subarray(0, 64))],
    [
      'another EncodingAESKey',
      'ERR_CALLBACK_DECRYPT:length-field',
      () =>
        createMessageCrypt({ token: 'AAAAA', encodingAesKey: 'kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR', appid: v67.appid }).encrypt('<xml/>', {
          random: v67.random,
        }),
    ],
    ['damaged base64', 'ERR_CALLBACK_DECRYPT:base64', () => v67.encrypt.replace(/\+/g, ' ')],
  ])('%s → %s', (_name, outcome, make) => {
    expect(callbackOutcome(make())).toBe(outcome);
  });

  it('tampering never gets past the signature: msg_signature covers the Encrypt text, and is checked first', () => {
    const args = { signature: v67.msgSignature, timestamp: v67.timestamp, nonce: v67.nonce };
    expect(crypt.verify({ ...args, encrypt: v67.encrypt })).toBe(true);
    for (const tampered of [flip(v67.encrypt, -17, 0x40), flip(v67.encrypt, 0, 0x01), ct32.subarray(0, 32).toString('base64')]) {
      expect(crypt.verify({ ...args, encrypt: tampered })).toBe(false);
    }
  });

  it('a wrong IV only garbles the random prefix (by design: the IV is the key’s first 16 bytes), so the signature is the check', () => {
    // WXBizMsgCrypt fixes IV = AESKey[0..16); a sender with another IV changes only the 16 random bytes, which are
    // discarded. Such a message is unsignable without the Token, so the route refuses it as ERR_CALLBACK_SIGNATURE.
    const otherIv = seal32(frame(toBlock(64), toBlock(64)), Buffer.alloc(16, 7));
    expect(callbackOutcome(otherIv)).toBe('accepted');
    expect(crypt.verify({ signature: v67.msgSignature, timestamp: v67.timestamp, nonce: v67.nonce, encrypt: otherIv })).toBe(false);
  });
});
