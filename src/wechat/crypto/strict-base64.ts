/**
 * Strict (canonical, RFC 4648 §4) base64 decoding for the fields WeChat hands a mini program:
 * `session_key`, `iv`, `encryptedData`. Node's `Buffer.from(x, 'base64')` silently skips bad characters,
 * so a value damaged in transit (a `+` turned into a space by URL-decoding, a line break, the url-safe
 * alphabet) would decrypt to garbage or, worse, to a different key. We refuse instead of repairing, and say
 * which kind of damage it was so the integrator can fix the client.
 */
import { AppError } from '../../errors.js';

/** The 6-bit value of each standard-alphabet character, by char code; -1 for every other character. */
const SEXTET = new Int8Array(128).fill(-1);
for (const [i, c] of [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'].entries()) SEXTET[c.charCodeAt(0)] = i;

/**
 * The number of bytes `text` holds if it is canonical standard base64, or -1 when the text alone shows it is not; one
 * defect is left for the caller to catch, with the decoded length: Buffer's decoder skips characters outside the
 * alphabet and stops at '=', so any such character leaves fewer bytes than this. What the decoder wrongly accepts is
 * caught here: the url-safe '-' and '_', non-ASCII characters (it reads only their low byte: 'Ł' decodes as 'A'),
 * and spare bits set in the last character before the padding. No re-encoding (which cost as much as the AES on a
 * 600-character encryptedData). A property test holds this to the definition (an exact round trip).
 */
export function canonicalBase64Length(text: string): number {
  const n = text.length;
  if (n % 4 !== 0) return -1;
  const pad = n === 0 || text.charCodeAt(n - 1) !== 61 ? 0 : text.charCodeAt(n - 2) === 61 ? 2 : 1;
  if (Buffer.byteLength(text, 'utf8') !== n || text.includes('-') || text.includes('_')) return -1;
  if (pad !== 0) {
    const last = SEXTET[text.charCodeAt(n - pad - 1)] ?? -1;
    if (last < 0 || (last & (pad === 2 ? 0x0f : 0x03)) !== 0) return -1;
  }
  return (n / 4) * 3 - pad;
}

/** Canonical standard base64: groups of 4, with `=`/`==` padding only on the last group. */
const CANONICAL = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Why a value is not strict base64 (never includes the value itself). */
export type Base64Defect = 'not-a-string' | 'whitespace' | 'space' | 'url-safe-alphabet' | 'bad-character' | 'padding' | 'non-canonical-bits';

function defectOf(text: string): Base64Defect | undefined {
  // A space (and nothing else) where '+' used to be is the classic form-/URL-decoding accident.
  if (/ /.test(text) && !/[\t\r\n\f\v]/.test(text)) return 'space';
  if (/\s/.test(text)) return 'whitespace';
  if (/[-_]/.test(text)) return 'url-safe-alphabet';
  if (/[^A-Za-z0-9+/=]/.test(text)) return 'bad-character';
  if (!CANONICAL.test(text)) return 'padding';
  return undefined;
}

/**
 * Decodes canonical standard base64, or throws `AppError('ERR_CRYPTO_BASE64')` naming `field` (never the value).
 * Rejects whitespace, spaces (URL-decoding damage), the url-safe alphabet, missing or extra padding and
 * non-zero trailing bits. The empty string decodes to an empty buffer.
 * @example
 *   const iv = decodeStrictBase64(body.iv, 'iv'); // Buffer of 16 bytes, or ERR_CRYPTO_BASE64
 */
export function decodeStrictBase64(text: string, field: string): Buffer {
  if (typeof field !== 'string' || field === '') throw new TypeError('decodeStrictBase64: field must be a non-empty string');
  if (typeof text === 'string') {
    // Fast path (every login): decode, then check the text is canonical for what was decoded. The regexes below
    // only name the defect of a value that failed (they cost ~3× the AES on a 600-character input).
    const bytes = Buffer.from(text, 'base64');
    if (bytes.length === canonicalBase64Length(text)) return bytes;
  }
  const defect: Base64Defect | undefined = typeof text === 'string' ? defectOf(text) : 'not-a-string';
  throw new AppError('ERR_CRYPTO_BASE64', {
    message: `${field} is not strict base64 (${defect ?? 'non-canonical-bits'}).`,
    details: { field, defect: defect ?? 'non-canonical-bits' },
  });
}
