import { describe, expect, it } from 'vitest';
import { createUserId } from '../../src/identity/user-id.js';

describe('createUserId()', () => {
  it('createUserId() returns u_ + 26 lower-case Crockford base32 characters', () => {
    for (let i = 0; i < 200; i++) expect(createUserId()).toMatch(/^u_[0-9a-hjkmnp-tv-z]{26}$/);
  });

  it('createUserId() encodes the injected random bytes, most significant bits first', () => {
    expect(createUserId((n) => new Uint8Array(n))).toBe(`u_${'0'.repeat(26)}`);
    expect(createUserId((n) => new Uint8Array(n).fill(0xff))).toBe(`u_${'z'.repeat(26)}`);
    // 0b00001_00010_0... : first byte 0x08, second 0x80.
    const bytes = new Uint8Array(17);
    bytes[0] = 0x08;
    bytes[1] = 0x80;
    expect(createUserId(() => bytes)).toBe(`u_12${'0'.repeat(24)}`);
  });

  it('createUserId() does not repeat', () => {
    const ids = new Set(Array.from({ length: 5000 }, () => createUserId()));
    expect(ids.size).toBe(5000);
  });

  it('createUserId() throws a TypeError when the random source returns too few bytes', () => {
    expect(() => createUserId(() => new Uint8Array(4))).toThrow(TypeError);
  });
});
