/**
 * Where session-tokens.ts gets its keys: the one that signs new tokens, the ones that still verify, and the JWKS.
 * Two kinds: `singleKeyring` (one fixed key: library use and unit tests) and the database's keys shared by every
 * instance (stored-keyring.ts, what `compose()` builds).
 */
import type { JWK } from 'jose';
import { prepareSigningKey, type SigningKey, type VerifyingKey } from './signing-key.js';

export interface SigningKeyring {
  /** The key new tokens are signed with. */
  signingKey(): Promise<SigningKey>;
  /** The key of `kid` (the signing key when a token names none), or undefined when it is not (or no longer) ours. */
  verifyingKey(kid: string | undefined): Promise<VerifyingKey | undefined>;
  /** The public keys of the JWKS: the signing key and the previous ones tokens may still be signed with. */
  publicJwks(): Promise<JWK[]>;
}

/**
 * One fixed key.
 * @example
 *   const tokens = await createSessionTokens({ keyring: await singleKeyring(jwk), issuer, ttlSeconds, clock });
 */
export async function singleKeyring(privateJwk: JWK): Promise<SigningKeyring> {
  const key = await prepareSigningKey(privateJwk);
  return Object.freeze({
    signingKey: async () => key,
    verifyingKey: async (kid: string | undefined) => (kid === undefined || kid === key.kid ? key : undefined),
    publicJwks: async () => [key.publicJwk],
  });
}
