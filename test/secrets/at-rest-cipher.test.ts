import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createAtRestCipher } from '../../src/secrets/at-rest-cipher.js';

describe('createAtRestCipher()', () => {
  const cipher = createAtRestCipher(randomBytes(32));
  it('seal() then open() gives the plaintext back, and the sealed text does not contain it', () => {
    const sealed = cipher.seal('tiihtNczf5v6AKRyjwEUhQ==', 'row-1');
    expect(sealed).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(sealed).not.toContain('tiihtNczf5v6AKRyjwEUhQ');
    expect(cipher.open(sealed, 'row-1')).toBe('tiihtNczf5v6AKRyjwEUhQ==');
  });
  it('is deterministic per (row, plaintext) and differs across rows and plaintexts', () => {
    expect(cipher.seal('k1', 'row-1')).toBe(cipher.seal('k1', 'row-1'));
    expect(cipher.seal('k1', 'row-2')).not.toBe(cipher.seal('k1', 'row-1'));
    const [a, b] = [cipher.seal('k1', 'row-1'), cipher.seal('k2', 'row-1')];
    expect(a.split('.')[1]).not.toBe(b.split('.')[1]); // distinct nonces for distinct plaintexts
  });
  it('open() returns null for another row, another key, tampering or garbage', () => {
    const sealed = cipher.seal('secret', 'row-1');
    expect(cipher.open(sealed, 'row-2')).toBeNull();
    expect(createAtRestCipher(randomBytes(32)).open(sealed, 'row-1')).toBeNull();
    const parts = sealed.split('.');
    const ct = Buffer.from(parts[2]!, 'base64url');
    ct[0]! ^= 1;
    expect(cipher.open([parts[0], parts[1], ct.toString('base64url'), parts[3]].join('.'), 'row-1')).toBeNull();
    expect(cipher.open('v2.a.b.c', 'row-1')).toBeNull();
    expect(cipher.open([parts[0], parts[1], parts[2], Buffer.from(parts[3]!, 'base64url').subarray(0, 4).toString('base64url')].join('.'), 'row-1')).toBeNull();
    expect(cipher.open('not sealed', 'row-1')).toBeNull();
  });
  it('refuses a key that is not 32 bytes', () => {
    expect(() => createAtRestCipher(randomBytes(16))).toThrow(TypeError);
  });
});
