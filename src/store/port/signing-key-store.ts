/**
 * The session signing keys (0013), shared by every instance. The store keeps what it is given: the private JWK
 * arrives sealed (sessions/signing-key-rotation.ts seals it with the at-rest key) and leaves sealed.
 */

/** One signing key. `retiredAt` null: not retired (the newest of those is the active key). */
export interface SigningKeyRow {
  kid: string;
  /** The public JWK as JSON text (served in the JWKS). */
  publicJwk: string;
  /** The private JWK, sealed (`v1.…`, secrets/at-rest-cipher.ts) with the associated data `signing_keys:<kid>`. */
  privateJwkSealed: string;
  createdAt: number;
  retiredAt: number | null;
}

export interface SigningKeyStore {
  /**
   * Adds a key unless its kid is already stored (then false, nothing changes). `activate`: every other key not yet
   * retired is retired at `key.createdAt`, in the same transaction. `onlyIfEmpty`: adds nothing when any key exists.
   */
  addSigningKey(key: Omit<SigningKeyRow, 'retiredAt'>, options: { activate: boolean; onlyIfEmpty: boolean }): Promise<boolean>;
  /**
   * The keys not retired and those retired after `retiredAfter` (all keys when omitted), newest first (created_at,
   * then kid, descending: every instance orders them alike).
   */
  listSigningKeys(options?: { retiredAfter?: number }): Promise<SigningKeyRow[]>;
}
