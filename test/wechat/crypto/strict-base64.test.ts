import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../src/errors.js';
import { decodeStrictBase64 } from '../../../src/wechat/crypto/strict-base64.js';

function defect(text: unknown): string | undefined {
  try {
    decodeStrictBase64(text as string, 'iv');
    return undefined;
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    expect((e as AppError).code).toBe('ERR_CRYPTO_BASE64');
    return (e as AppError).details?.defect as string;
  }
}

describe('decodeStrictBase64()', () => {
  it('decodes canonical base64 with 0, 1 and 2 padding characters', () => {
    expect(decodeStrictBase64('YWJj', 'x').toString()).toBe('abc');
    expect(decodeStrictBase64('YWI=', 'x').toString()).toBe('ab');
    expect(decodeStrictBase64('YQ==', 'x').toString()).toBe('a');
    expect(decodeStrictBase64('r7BXXKkLb8qrSNn05n0qiA==', 'iv')).toHaveLength(16);
    expect(decodeStrictBase64('', 'x')).toHaveLength(0);
  });

  it('round-trips every byte value', () => {
    const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    for (let n = 0; n <= 256; n += 7) {
      const slice = all.subarray(0, n);
      expect(decodeStrictBase64(slice.toString('base64'), 'x').equals(slice)).toBe(true);
    }
  });

  it('rejects a space where a + was (URL-decoding damage) as "space"', () => {
    expect(defect('r7BXXKkLb8qrSNn05n0qiA==')).toBeUndefined();
    expect(defect('CiyLU1Aw2Kjvr jMdj8YKliA=')).toBe('space');
  });

  it('rejects line breaks and tabs as "whitespace"', () => {
    expect(defect('YWJj\nYWJj')).toBe('whitespace');
    expect(defect('YWJj\r\n')).toBe('whitespace');
    expect(defect('\tYWJj')).toBe('whitespace');
  });

  it('rejects the url-safe alphabet', () => {
    expect(defect('a-_b')).toBe('url-safe-alphabet');
  });

  it('rejects other characters', () => {
    expect(defect('YW*j')).toBe('bad-character');
    expect(defect('YWJj%2B')).toBe('bad-character');
  });

  it('rejects missing, extra and misplaced padding', () => {
    expect(defect('YQ')).toBe('padding');
    expect(defect('YQ=')).toBe('padding');
    expect(defect('YQ===')).toBe('padding');
    expect(defect('YWJj====')).toBe('padding');
    expect(defect('YQ==YWJj')).toBe('padding');
    expect(defect('=')).toBe('padding');
  });

  it('rejects non-zero trailing bits', () => {
    expect(defect('YR==')).toBe('non-canonical-bits');
    expect(defect('YWK=')).toBe('non-canonical-bits');
  });

  it('rejects a non-string', () => {
    expect(defect(undefined)).toBe('not-a-string');
    expect(defect(123)).toBe('not-a-string');
  });

  it('names the field but never the value in the message', () => {
    const value = 'c2VjcmV0 c2VjcmV0';
    try {
      decodeStrictBase64(value, 'encryptedData');
      expect.unreachable();
    } catch (e) {
      expect((e as Error).message).toContain('encryptedData');
      expect((e as Error).message).not.toContain('c2VjcmV0');
      expect(JSON.stringify(e)).not.toContain('c2VjcmV0');
    }
  });

  it('throws TypeError when the field name is missing', () => {
    expect(() => decodeStrictBase64('YWJj', '')).toThrow(TypeError);
  });
});

describe('decodeStrictBase64() fast paths', () => {
  // The 16-byte shortcut and the round-trip check must accept exactly the canonical encodings and nothing else.
  const roundTrips = (text: string) => Buffer.from(text, 'base64').toString('base64') === text;
  const accepts = (text: string) => {
    try {
      decodeStrictBase64(text, 'f');
      return true;
    } catch {
      return false;
    }
  };

  const tricky = 'AQgwBz09+/=-_ \né\u0141\u0100\u00c1\u3000\t'.split('');
  it('accepts a value exactly when it is the canonical encoding of its bytes (any length, tricky characters)', () => {
    const anyText = fc.string({ unit: fc.constantFrom(...tricky), maxLength: 40 });
    const canonical = fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b).toString('base64'));
    const tweaked = canonical
      .filter((t) => t.length > 0)
      .chain((t) =>
        fc
          .array(fc.tuple(fc.nat(t.length - 1), fc.constantFrom(...tricky)), { minLength: 1, maxLength: 3 })
          .map((edits) => edits.reduce((u, [i, c]) => u.slice(0, i) + c + u.slice(i + 1), t)),
      );
    const cut = canonical.chain((t) => fc.nat(t.length).map((i) => t.slice(0, i)));
    fc.assert(
      fc.property(fc.oneof(anyText, canonical, tweaked, cut), (text) => {
        expect(accepts(text), JSON.stringify(text)).toBe(roundTrips(text));
      }),
      { numRuns: 20_000 },
    );
  });
});
