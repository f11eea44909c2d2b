/**
 * Seals small secrets (session_keys) before they reach the database: AES-256-GCM with a random 96-bit nonce,
 * stored as `v1.<nonce>.<ciphertext>.<tag>` (base64url). The associated data binds a sealed value to its row, so a
 * value copied onto another identity's row does not open.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export interface AtRestCipher {
  seal(plaintext: string, associatedData: string): string;
  /** Returns null when the value does not open (wrong key, tampered, other row). */
  open(sealed: string, associatedData: string): string | null;
}

export function createAtRestCipher(key: Buffer, random: (n: number) => Buffer = randomBytes): AtRestCipher {
  if (key.length !== 32) throw new TypeError('the at-rest key must be 32 bytes');
  const k = Buffer.from(key);
  return Object.freeze({
    seal(plaintext: string, associatedData: string): string {
      const nonce = random(12);
      const cipher = createCipheriv('aes-256-gcm', k, nonce);
      cipher.setAAD(Buffer.from(associatedData, 'utf8'));
      const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return ['v1', nonce.toString('base64url'), ct.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
    },
    open(sealed: string, associatedData: string): string | null {
      const parts = sealed.split('.');
      if (parts.length !== 4 || parts[0] !== 'v1') return null;
      try {
        const decipher = createDecipheriv('aes-256-gcm', k, Buffer.from(parts[1]!, 'base64url'));
        decipher.setAAD(Buffer.from(associatedData, 'utf8'));
        decipher.setAuthTag(Buffer.from(parts[3]!, 'base64url'));
        return Buffer.concat([decipher.update(Buffer.from(parts[2]!, 'base64url')), decipher.final()]).toString('utf8');
      } catch {
        return null;
      }
    },
  });
}
