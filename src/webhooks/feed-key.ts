/**
 * The pull feed's key check, until the admin keys of the admin issue replace it (kept in this one file for that).
 * The config holds only the SHA-256 of the key (hex), so a leaked config file does not hand out the feed; the
 * comparison is constant-time. The presented key is never logged.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

/** True when `presented` hashes to `sha256Hex`; false for a missing key or a malformed configured hash. */
export function feedKeyMatches(presented: string | undefined, sha256Hex: string | undefined): boolean {
  if (typeof presented !== 'string' || presented === '' || typeof sha256Hex !== 'string' || !/^[0-9a-f]{64}$/i.test(sha256Hex)) return false;
  const got = createHash('sha256').update(presented, 'utf8').digest();
  return timingSafeEqual(got, Buffer.from(sha256Hex, 'hex'));
}
