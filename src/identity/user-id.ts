/** Our user ids: `u_` + 26 base32 characters (130 random bits), safe in URLs, JWT `sub` and logs. */
import { randomBytes } from 'node:crypto';

// Crockford's alphabet, lower case: no i, l, o, u, so ids survive being read aloud or copied by hand.
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

/**
 * A new random user id. `random` is injectable for tests (it must return `n` random bytes).
 * @example
 *   createUserId(); // 'u_3k9x…' (28 characters)
 */
export function createUserId(random: (n: number) => Uint8Array = randomBytes): string {
  const bytes = random(17); // 136 bits ≥ 26 × 5 = 130
  if (bytes.length < 17) throw new TypeError('random(17) must return at least 17 bytes');
  let bits = 0;
  let value = 0;
  let out = 'u_';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < 28) {
      bits -= 5;
      out += ALPHABET[(value >>> bits) & 31];
    }
    value &= (1 << bits) - 1;
  }
  return out;
}
