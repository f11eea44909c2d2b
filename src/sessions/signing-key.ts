/**
 * One ES256 signing key, ready for use: the node:crypto private key and the JWS header (signing is on every login's
 * path, so both are made once per key, not per token), and its public half for the JWKS and for jose's verify.
 * The kid is the key's RFC 7638 thumbprint, so the same key has the same kid on every instance and in the database.
 */
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { calculateJwkThumbprint, importJWK, type CryptoKey, type JWK } from 'jose';

/** What a token's signature is checked with. */
export interface VerifyingKey {
  kid: string;
  /** The public JWK as served (`kid`, `alg`, `use`; never `d`). */
  publicJwk: JWK;
  publicKey: CryptoKey;
}

/** What new tokens are signed with. */
export interface SigningKey extends VerifyingKey {
  privateKey: KeyObject;
  /** The base64url JWS protected header `{ alg: 'ES256', kid, typ: 'JWT' }`. */
  header: string;
}

/** The kid of an EC P-256 JWK (private or public): its RFC 7638 thumbprint. */
export function kidOf(jwk: JWK): Promise<string> {
  return calculateJwkThumbprint({ kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y });
}

/** The public half of `jwk`, as the JWKS serves it. */
export async function publicJwkOf(jwk: JWK): Promise<JWK> {
  return { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y, kid: await kidOf(jwk), alg: 'ES256', use: 'sig' };
}

/** A public key for verification. */
export async function prepareVerifyingKey(publicJwk: JWK): Promise<VerifyingKey> {
  const served = await publicJwkOf(publicJwk);
  return { kid: served.kid!, publicJwk: served, publicKey: (await importJWK(served, 'ES256')) as CryptoKey };
}

/** A private EC P-256 JWK, for signing (and verifying). */
export async function prepareSigningKey(privateJwk: JWK): Promise<SigningKey> {
  const verifying = await prepareVerifyingKey(privateJwk);
  const privateKey = createPrivateKey({ key: privateJwk as never, format: 'jwk' });
  const header = Buffer.from(JSON.stringify({ alg: 'ES256', kid: verifying.kid, typ: 'JWT' })).toString('base64url');
  return { ...verifying, privateKey, header };
}
