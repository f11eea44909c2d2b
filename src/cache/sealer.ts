/**
 * Authenticated encryption for values put in the shared cache (session_keys, tokens): the shape of
 * `AtRestCipher` (src/secrets/at-rest-cipher.ts, AES-256-GCM), so the server passes that cipher as is.
 */
export interface Sealer {
  /** The sealed text of `plaintext`, bound to `associatedData` (which must be given again to open it). */
  seal(plaintext: string, associatedData: string): string;
  /** The plaintext, or null when the value does not open (wrong key, tampered, other associated data). */
  open(sealed: string, associatedData: string): string | null;
}

/** Throws a TypeError unless `s` has seal() and open(). @internal */
export function requireSealer(where: string, s: unknown): asserts s is Sealer {
  const x = s as Partial<Sealer> | undefined;
  if (typeof x?.seal !== 'function' || typeof x.open !== 'function') throw new TypeError(`${where}: seal must be { seal, open } (e.g. the at-rest cipher)`);
}
