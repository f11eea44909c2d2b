/**
 * One encoding per ES256 signature. An ECDSA signature `(r, s)` has a twin `(r, n − s)` that verifies just as well
 * (n = the order of P-256), so a token whose `s` was replaced is a second, different string that still passes a plain
 * verify: a replay cache, a revocation list or a log keyed by the token would miss it (issue #15). weunion emits only
 * the low-s form (s ≤ n/2, the rule Bitcoin's BIP 62 and libsecp256k1 use; node's `sign` does not guarantee it) and
 * refuses anything else, along with non-canonical base64url (a last character with stray low bits decodes to the same
 * bytes). Signatures are IEEE P1363 (`r ‖ s`, 32 bytes each), the JWS form: RFC 7518 §3.4.
 */

/** The order n of the P-256 group (SEC 2 §2.4.2, FIPS 186-4 D.1.2.3). */
const P256_N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const HALF_N = P256_N >> 1n;
const HALF = 32;

const toBig = (bytes: Buffer): bigint => BigInt(`0x${bytes.toString('hex') || '0'}`);
const toBytes = (v: bigint): Buffer => Buffer.from(v.toString(16).padStart(HALF * 2, '0'), 'hex');

/**
 * The low-s twin of a P1363 signature (the same bytes when `s` is already low).
 * @example
 *   const signature = toLowS(sign('sha256', input, { key, dsaEncoding: 'ieee-p1363' }));
 */
export function toLowS(signature: Buffer): Buffer {
  if (signature.length !== 2 * HALF) throw new TypeError('toLowS: an ES256 signature is 64 bytes (r ‖ s)');
  const s = toBig(signature.subarray(HALF));
  if (s <= HALF_N) return signature;
  return Buffer.concat([signature.subarray(0, HALF), toBytes(P256_N - s)]);
}

/**
 * True when `segment` is the canonical base64url of a 64-byte P1363 signature with 0 < r < n and 0 < s ≤ n/2. The
 * signature itself is checked afterwards, by the verifier.
 * @example
 *   if (!isCanonicalEs256Signature(token.split('.')[2])) throw new AppError('ERR_AUTH_INVALID');
 */
export function isCanonicalEs256Signature(segment: string): boolean {
  if (!isCanonicalBase64url(segment)) return false;
  const bytes = Buffer.from(segment, 'base64url');
  if (bytes.length !== 2 * HALF) return false;
  const r = toBig(bytes.subarray(0, HALF));
  const s = toBig(bytes.subarray(HALF));
  return r > 0n && r < P256_N && s > 0n && s <= HALF_N;
}

/** True when `segment` is unpadded base64url that re-encodes to itself (no stray bits, no padding, no other alphabet). */
export function isCanonicalBase64url(segment: string): boolean {
  return /^[A-Za-z0-9_-]*$/.test(segment) && Buffer.from(segment, 'base64url').toString('base64url') === segment;
}
