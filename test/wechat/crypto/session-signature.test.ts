import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sessionKeySignature } from '../../../src/wechat/crypto/session-signature.js';
import vectors from '../../vectors/session-signature.json' with { type: 'json' };

describe('sessionKeySignature()', () => {
  for (const v of vectors.vectors) {
    it(`matches the ${v.origin} vector for message ${JSON.stringify(v.message)}`, () => {
      expect(sessionKeySignature(v.sessionKey, v.message)).toBe(v.signature);
    });
  }

  it('signs the empty message by default (what checksession sends)', () => {
    const v = vectors.vectors.find((x) => x.message === '')!;
    expect(sessionKeySignature(v.sessionKey)).toBe(v.signature);
  });

  it('keys with the base64 text, not the decoded bytes', () => {
    const v = vectors.vectors[0]!;
    const withBytes = createHmac('sha256', Buffer.from(v.sessionKey, 'base64')).update(v.message).digest('hex');
    expect(sessionKeySignature(v.sessionKey, v.message)).not.toBe(withBytes);
  });

  it('throws TypeError for an empty session key', () => {
    expect(() => sessionKeySignature('')).toThrow(TypeError);
  });
});
