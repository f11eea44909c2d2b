/**
 * The opaque refresh token: `wrt1.` + 32 random bytes (base64url). Only its SHA-256 reaches the database, so a
 * leaked database does not hand out sessions; the text itself is seen by the client and nobody else (never logged:
 * `*.refreshToken` is redacted, compose/redact-paths.ts).
 */
import { createHash } from 'node:crypto';
import type { RandomBytes } from '../ports.js';

const PREFIX = 'wrt1.';
const SHAPE = /^wrt1\.[A-Za-z0-9_-]{43}$/;

/** A new refresh token and the hash to store. */
export function mintRefreshToken(random: RandomBytes): { token: string; hash: string } {
  const token = `${PREFIX}${random(32).toString('base64url')}`;
  return { token, hash: hashRefreshToken(token) };
}

/** The stored form of a token; undefined when the text is not a refresh token's shape (malformed). */
export function refreshTokenHash(text: unknown): string | undefined {
  if (typeof text !== 'string' || !SHAPE.test(text)) return undefined;
  return hashRefreshToken(text);
}

function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}
