/**
 * Adding signing keys to the database (0013): the first one from the deployment's configured key, later ones from
 * `weunion keys rotate`. The private JWK is sealed with the at-rest key exactly as session_keys are
 * (secrets/at-rest-cipher.ts), the associated data binding it to its kid, so a sealed key copied onto another row
 * does not open, and a database dump alone signs nothing.
 */
import { generateKeyPairSync } from 'node:crypto';
import type { JWK } from 'jose';
import type { Clock } from '../clock.js';
import type { AtRestCipher } from '../secrets/at-rest-cipher.js';
import type { SigningKeyStore } from '../store/port.js';
import { kidOf, publicJwkOf } from './signing-key.js';

/** The associated data a signing key is sealed under. */
export const signingKeyAad = (kid: string): string => `signing_keys:${kid}`;

export interface KeyRotationDeps {
  store: Pick<SigningKeyStore, 'addSigningKey'>;
  cipher: Pick<AtRestCipher, 'seal'>;
  clock: Clock;
}

async function sealedRow(deps: KeyRotationDeps, privateJwk: JWK) {
  const kid = await kidOf(privateJwk);
  const { kty, crv, x, y, d } = privateJwk;
  return {
    kid,
    publicJwk: JSON.stringify(await publicJwkOf(privateJwk)),
    privateJwkSealed: deps.cipher.seal(JSON.stringify({ kty, crv, x, y, d }), signingKeyAad(kid)),
    createdAt: deps.clock.now(),
  };
}

/**
 * Puts the deployment's configured key in the table at start. A key from `keys.signingJwk` (`fromConfig`) that the
 * table does not know becomes the active key (a new key in config is a rotation; one already there, even retired,
 * changes nothing, so a restart after `keys rotate` does not undo it). A key generated into keys.json only seeds an
 * empty table: instances that each generated their own must not take turns rotating. Returns whether it was added.
 */
export async function seedSigningKey(deps: KeyRotationDeps, privateJwk: JWK, fromConfig: boolean): Promise<boolean> {
  return deps.store.addSigningKey(await sealedRow(deps, privateJwk), { activate: fromConfig, onlyIfEmpty: !fromConfig });
}

/**
 * A new ES256 key, active at once for every instance (each picks it up within `session.keyCacheSeconds`); the
 * previous one is retired and keeps verifying its tokens until they expire.
 * @example
 *   const { kid } = await rotateSigningKey({ store: store.signingKeys, cipher: atRest, clock });
 */
export async function rotateSigningKey(deps: KeyRotationDeps): Promise<{ kid: string }> {
  const jwk = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' }) as JWK;
  const row = await sealedRow(deps, jwk);
  await deps.store.addSigningKey(row, { activate: true, onlyIfEmpty: false });
  return { kid: row.kid };
}
