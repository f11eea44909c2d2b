import { describe, expect, it } from 'vitest';
import { rawDataSignature, verifyRawDataSignature } from '../../../src/wechat/crypto/raw-data-signature.js';
import vector from '../../vectors/raw-data-signature.json' with { type: 'json' };
import { codeOf } from '../../helpers/expect-error.js';

describe('rawDataSignature()', () => {
  it('matches the official vector', () => {
    expect(rawDataSignature(vector.rawData, vector.sessionKey)).toBe(vector.signature);
  });
});

describe('verifyRawDataSignature()', () => {
  it('returns true for the official vector', () => {
    expect(verifyRawDataSignature(vector)).toBe(true);
  });

  it('throws ERR_CRYPTO_SIGNATURE when rawData was altered', () => {
    const rawData = vector.rawData.replace('"gender":1', '"gender":2');
    expect(codeOf(() => verifyRawDataSignature({ ...vector, rawData }))).toBe('ERR_CRYPTO_SIGNATURE');
  });

  it('throws ERR_CRYPTO_SIGNATURE with another session key', () => {
    expect(codeOf(() => verifyRawDataSignature({ ...vector, sessionKey: 'tiihtNczf5v6AKRyjwEUhQ==' }))).toBe('ERR_CRYPTO_SIGNATURE');
  });

  it('throws ERR_CRYPTO_SIGNATURE for a signature of another length, an empty one, or a non-string', () => {
    expect(codeOf(() => verifyRawDataSignature({ ...vector, signature: vector.signature.slice(0, -1) }))).toBe('ERR_CRYPTO_SIGNATURE');
    expect(codeOf(() => verifyRawDataSignature({ ...vector, signature: `${vector.signature}0` }))).toBe('ERR_CRYPTO_SIGNATURE');
    expect(codeOf(() => verifyRawDataSignature({ ...vector, signature: '' }))).toBe('ERR_CRYPTO_SIGNATURE');
    expect(codeOf(() => verifyRawDataSignature({ ...vector, signature: 42 as unknown as string }))).toBe('ERR_CRYPTO_SIGNATURE');
  });

  it('throws ERR_CRYPTO_SIGNATURE for a one-character change of the signature', () => {
    const flipped = (vector.signature[0] === 'a' ? 'b' : 'a') + vector.signature.slice(1);
    expect(codeOf(() => verifyRawDataSignature({ ...vector, signature: flipped }))).toBe('ERR_CRYPTO_SIGNATURE');
  });

  it('does not put the session key in the error', () => {
    try {
      verifyRawDataSignature({ ...vector, signature: '0'.repeat(40) });
      expect.unreachable();
    } catch (e) {
      expect(`${(e as Error).message} ${JSON.stringify(e)}`).not.toContain(vector.sessionKey);
    }
  });
});
