import { createCipheriv } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AppError } from '../../../src/errors.js';
import { decryptUserData, type DecryptUserDataInput } from '../../../src/wechat/crypto/user-data.js';
import vector from '../../vectors/wxbizdatacrypt.json' with { type: 'json' };
import { codeOf } from '../../helpers/expect-error.js';

const base: DecryptUserDataInput = {
  appid: vector.appid,
  sessionKey: vector.sessionKey,
  iv: vector.iv,
  encryptedData: vector.encryptedData,
};
const sealedAtMs = vector.plaintext.watermark.timestamp * 1000;

/** Test-only sealer (AES-128-CBC/PKCS#7), so payloads of any shape can be fed to the decryptor. */
function seal(plaintext: string | Buffer, sessionKey = vector.sessionKey, iv = vector.iv, autoPadding = true): string {
  const c = createCipheriv('aes-128-cbc', Buffer.from(sessionKey, 'base64'), Buffer.from(iv, 'base64'));
  c.setAutoPadding(autoPadding);
  return Buffer.concat([c.update(plaintext), c.final()]).toString('base64');
}

const decryptCode = (input: DecryptUserDataInput) => codeOf(() => decryptUserData(input));

describe('decryptUserData()', () => {
  it('decrypts the official WXBizDataCrypt demo vector', () => {
    const data = decryptUserData(base);
    expect(data.raw).toEqual(vector.plaintext);
    expect(data).toMatchObject({
      openid: 'oGZUI0egBJY1zhBYw2KhdUfwVJJE',
      unionid: 'ocMvos6NjeKLIBqg5Mr9QjxrP1FA',
      nickName: 'Band',
      gender: 1,
      language: 'zh_CN',
      city: 'Guangzhou',
      province: 'Guangdong',
      country: 'CN',
      avatarUrl: vector.plaintext.avatarUrl,
      watermark: { appid: 'wx4f4bc4dec97d474b', timestamp: 1477314187 },
    });
  });

  it('accepts a watermark within maxAgeSeconds, in the past or the future', () => {
    expect(decryptUserData({ ...base, now: sealedAtMs + 60_000, maxAgeSeconds: 60 }).openid).toBeTruthy();
    expect(decryptUserData({ ...base, now: sealedAtMs - 60_000, maxAgeSeconds: 60 }).openid).toBeTruthy();
  });

  it('throws ERR_CRYPTO_WATERMARK_STALE when the watermark is older than maxAgeSeconds', () => {
    expect(decryptCode({ ...base, now: sealedAtMs + 60_001, maxAgeSeconds: 60 })).toBe('ERR_CRYPTO_WATERMARK_STALE');
    expect(decryptCode({ ...base, now: Date.UTC(2025, 0, 1), maxAgeSeconds: 600 })).toBe('ERR_CRYPTO_WATERMARK_STALE');
  });

  it('throws ERR_CRYPTO_WATERMARK_STALE when the watermark is further in the future than maxAgeSeconds', () => {
    expect(decryptCode({ ...base, now: sealedAtMs - 60_001, maxAgeSeconds: 60 })).toBe('ERR_CRYPTO_WATERMARK_STALE');
  });

  it('ignores the watermark age when maxAgeSeconds is not given', () => {
    expect(decryptCode({ ...base, now: Date.UTC(2030, 0, 1) })).toBeUndefined();
  });

  it('throws TypeError when maxAgeSeconds is given without now', () => {
    expect(() => decryptUserData({ ...base, maxAgeSeconds: 60 })).toThrow(TypeError);
  });

  it('throws ERR_CRYPTO_WATERMARK_APPID when sealed for another appid', () => {
    expect(decryptCode({ ...base, appid: 'wx0000000000000000' })).toBe('ERR_CRYPTO_WATERMARK_APPID');
  });

  it('throws ERR_CRYPTO_DECRYPT when the ciphertext was tampered with', () => {
    const bytes = Buffer.from(vector.encryptedData, 'base64');
    bytes[bytes.length - 1]! ^= 0x01; // breaks the PKCS#7 padding of the last block
    expect(decryptCode({ ...base, encryptedData: bytes.toString('base64') })).toBe('ERR_CRYPTO_DECRYPT');
  });

  it('throws ERR_CRYPTO_PAYLOAD when a tampered middle block decrypts to invalid UTF-8', () => {
    const bytes = Buffer.from(vector.encryptedData, 'base64');
    bytes[20]! ^= 0xff;
    expect(decryptCode({ ...base, encryptedData: bytes.toString('base64') })).toBe('ERR_CRYPTO_PAYLOAD');
  });

  it('throws ERR_CRYPTO_PAYLOAD with a wrong iv (first block garbled)', () => {
    const iv = Buffer.from(vector.iv, 'base64');
    iv[0]! ^= 0x55;
    expect(decryptCode({ ...base, iv: iv.toString('base64') })).toBe('ERR_CRYPTO_PAYLOAD');
  });

  it('throws ERR_CRYPTO_DECRYPT with another 16-byte session key', () => {
    expect(decryptCode({ ...base, sessionKey: 'HyVFkGl5F5OQWJZZaNzBBg==' })).toBe('ERR_CRYPTO_DECRYPT');
  });

  it('throws ERR_CRYPTO_DECRYPT when truncated to a partial block, to whole blocks, or empty', () => {
    const bytes = Buffer.from(vector.encryptedData, 'base64');
    expect(decryptCode({ ...base, encryptedData: bytes.subarray(0, bytes.length - 5).toString('base64') })).toBe('ERR_CRYPTO_DECRYPT');
    expect(['ERR_CRYPTO_DECRYPT', 'ERR_CRYPTO_PAYLOAD']).toContain(
      decryptCode({ ...base, encryptedData: bytes.subarray(0, bytes.length - 16).toString('base64') }),
    );
    expect(decryptCode({ ...base, encryptedData: '' })).toBe('ERR_CRYPTO_DECRYPT');
  });

  it('throws ERR_CRYPTO_BASE64 when encryptedData lost its line structure to whitespace', () => {
    const wrapped = vector.encryptedData.replace(/(.{64})/g, '$1\n');
    expect(decryptCode({ ...base, encryptedData: wrapped })).toBe('ERR_CRYPTO_BASE64');
  });

  it("throws ERR_CRYPTO_BASE64 when URL-decoding turned '+' into ' '", () => {
    expect(vector.encryptedData).toContain('+');
    expect(decryptCode({ ...base, encryptedData: vector.encryptedData.replaceAll('+', ' ') })).toBe('ERR_CRYPTO_BASE64');
  });

  it('throws ERR_CRYPTO_BASE64 naming encryptedData for any one character replaced by one outside the alphabet', () => {
    // The ciphertext is handed to the decipher as text; a character Buffer's decoder skips (or misreads) must still
    // be refused, whether or not the length stays a whole number of blocks.
    const outside = ['!', ' ', '\n', '.', '=', '-', '_', '*', '\u0000', 'é', 'Ł', '\u4e2d'];
    fc.assert(
      fc.property(fc.nat({ max: vector.encryptedData.length - 1 }), fc.constantFrom(...outside), (at, c) => {
        const damaged = vector.encryptedData.slice(0, at) + c + vector.encryptedData.slice(at + 1);
        if (damaged === vector.encryptedData) return;
        try {
          decryptUserData({ ...base, encryptedData: damaged });
          expect.unreachable();
        } catch (e) {
          expect((e as AppError).code).toBe('ERR_CRYPTO_BASE64');
          expect((e as AppError).details?.field).toBe('encryptedData');
        }
      }),
      { numRuns: 300 },
    );
  });

  it('throws ERR_CRYPTO_BASE64 for a damaged iv or session key, naming the field', () => {
    try {
      decryptUserData({ ...base, iv: vector.iv.replace('==', '') });
      expect.unreachable();
    } catch (e) {
      expect((e as AppError).code).toBe('ERR_CRYPTO_BASE64');
      expect((e as AppError).details?.field).toBe('iv');
    }
    expect(decryptCode({ ...base, sessionKey: vector.sessionKey.replace('t', '_') })).toBe('ERR_CRYPTO_BASE64');
  });

  it('throws ERR_CRYPTO_KEY_LENGTH when the session key is not 16 bytes', () => {
    expect(decryptCode({ ...base, sessionKey: Buffer.alloc(24, 1).toString('base64') })).toBe('ERR_CRYPTO_KEY_LENGTH');
    expect(decryptCode({ ...base, sessionKey: Buffer.alloc(15, 1).toString('base64') })).toBe('ERR_CRYPTO_KEY_LENGTH');
    expect(decryptCode({ ...base, sessionKey: '' })).toBe('ERR_CRYPTO_KEY_LENGTH');
  });

  it('throws ERR_CRYPTO_IV_LENGTH when the iv is not 16 bytes', () => {
    expect(decryptCode({ ...base, iv: Buffer.alloc(12, 1).toString('base64') })).toBe('ERR_CRYPTO_IV_LENGTH');
    expect(decryptCode({ ...base, iv: Buffer.alloc(32, 1).toString('base64') })).toBe('ERR_CRYPTO_IV_LENGTH');
  });

  it('throws ERR_CRYPTO_PAYLOAD when the plaintext is not JSON, not an object, or lacks the watermark/openId', () => {
    const wm = { appid: vector.appid, timestamp: 1477314187 };
    expect(decryptCode({ ...base, encryptedData: seal('not json at all') })).toBe('ERR_CRYPTO_PAYLOAD');
    expect(decryptCode({ ...base, encryptedData: seal('[1,2,3]') })).toBe('ERR_CRYPTO_PAYLOAD');
    expect(decryptCode({ ...base, encryptedData: seal('null') })).toBe('ERR_CRYPTO_PAYLOAD');
    expect(decryptCode({ ...base, encryptedData: seal(JSON.stringify({ openId: 'o1' })) })).toBe('ERR_CRYPTO_PAYLOAD');
    expect(decryptCode({ ...base, encryptedData: seal(JSON.stringify({ openId: 'o1', watermark: 'x' })) })).toBe('ERR_CRYPTO_PAYLOAD');
    expect(decryptCode({ ...base, encryptedData: seal(JSON.stringify({ openId: 'o1', watermark: { appid: vector.appid } })) })).toBe('ERR_CRYPTO_PAYLOAD');
    expect(decryptCode({ ...base, encryptedData: seal(JSON.stringify({ watermark: wm })) })).toBe('ERR_CRYPTO_PAYLOAD');
    expect(decryptCode({ ...base, encryptedData: seal(JSON.stringify({ openId: 'o1', unionId: 7, watermark: wm })) })).toBe('ERR_CRYPTO_PAYLOAD');
  });

  it('throws ERR_CRYPTO_DECRYPT when the padding is not PKCS#7 (e.g. the 32-byte message-crypt padding)', () => {
    const body = Buffer.from(JSON.stringify({ openId: 'o1', watermark: { appid: vector.appid, timestamp: 1 } }));
    const pad = 32 - (body.length % 32);
    const padded = Buffer.concat([body, Buffer.alloc(pad, pad)]);
    expect(pad).toBeGreaterThan(16);
    expect(decryptCode({ ...base, encryptedData: seal(padded, vector.sessionKey, vector.iv, false) })).toBe('ERR_CRYPTO_DECRYPT');
  });

  it('reads a legacy phone payload, keeps countryCode as a string and drops an empty unionId', () => {
    const payload = {
      openId: 'o1',
      unionId: '',
      phoneNumber: '+8613800138000',
      purePhoneNumber: '13800138000',
      countryCode: 86,
      gender: 'weird',
      watermark: { appid: vector.appid, timestamp: 1700000000 },
    };
    const data = decryptUserData({ ...base, encryptedData: seal(JSON.stringify(payload)) });
    expect(data.countryCode).toBe('86');
    expect(data.phoneNumber).toBe('+8613800138000');
    expect(data.purePhoneNumber).toBe('13800138000');
    expect('unionid' in data).toBe(false);
    expect('gender' in data).toBe(false);
    expect(data.raw).toEqual(payload);
  });

  it('never puts the session key or plaintext in an error', () => {
    try {
      decryptUserData({ ...base, appid: 'wx0000000000000000' });
      expect.unreachable();
    } catch (e) {
      const all = `${(e as Error).message} ${JSON.stringify(e)}`;
      expect(all).not.toContain(vector.sessionKey);
      expect(all).not.toContain('oGZUI0egBJY1zhBYw2KhdUfwVJJE');
    }
  });
});
