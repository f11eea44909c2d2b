/**
 * Seals small secrets (session_keys) before they reach the database: AES-256-GCM, stored as
 * `v1.<nonce>.<ciphertext>.<tag>` (base64url). The associated data binds a sealed value to its row, so a value
 * copied onto another identity's row does not open.
 *
 * The nonce is synthetic (SIV-style): HMAC-SHA256 under a key derived from the at-rest key, over the associated
 * data and the plaintext, cut to 96 bits. The same secret on the same row therefore seals to the same text, so a
 * login that brings back an unchanged session_key writes nothing; a nonce repeats only with the very same
 * (row, plaintext), which GCM tolerates (it then only reveals that equality). Distinct plaintexts get distinct
 * nonces except with negligible (2^-96) probability.
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync } from 'node:crypto';

export interface AtRestCipher {
  seal(plaintext: string, associatedData: string): string;
  /** Returns null when the value does not open (wrong key, tampered, other row). */
  open(sealed: string, associatedData: string): string | null;
}

export function createAtRestCipher(key: Buffer): AtRestCipher {
  if (key.length !== 32) throw new TypeError('the at-rest key must be 32 bytes');
  const k = Buffer.from(key);
  const nonceKey = Buffer.from(hkdfSync('sha256', k, Buffer.alloc(0), 'weunion at-rest synthetic nonce v1', 32));
  const syntheticNonce = (associatedData: string, plaintext: string): Buffer => {
    const aad = Buffer.from(associatedData, 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32BE(aad.length);
    return createHmac('sha256', nonceKey).update(length).update(aad).update(plaintext, 'utf8').digest().subarray(0, 12);
  };
  return Object.freeze({
    seal(plaintext: string, associatedData: string): string {
      const nonce = syntheticNonce(associatedData, plaintext);
      const cipher = createCipheriv('aes-256-gcm', k, nonce);
      cipher.setAAD(Buffer.from(associatedData, 'utf8'));
      const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return ['v1', nonce.toString('base64url'), ct.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
    },
    open(sealed: string, associatedData: string): string | null {
      const parts = sealed.split('.');
      if (parts.length !== 4 || parts[0] !== 'v1') return null;
      try {
        const nonce = Buffer.from(parts[1]!, 'base64url');
        const tag = Buffer.from(parts[3]!, 'base64url');
        // Node accepts GCM tags down to 4 bytes unless told otherwise: a truncated tag is a forgery aid.
        if (nonce.length !== 12 || tag.length !== 16) return null;
        const decipher = createDecipheriv('aes-256-gcm', k, nonce, { authTagLength: 16 });
        decipher.setAAD(Buffer.from(associatedData, 'utf8'));
        decipher.setAuthTag(tag);
        return Buffer.concat([decipher.update(Buffer.from(parts[2]!, 'base64url')), decipher.final()]).toString('utf8');
      } catch {
        return null;
      }
    },
  });
}
