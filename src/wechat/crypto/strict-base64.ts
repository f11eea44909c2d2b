/**
 * Strict (canonical, RFC 4648 §4) base64 decoding for the fields WeChat hands a mini program:
 * `session_key`, `iv`, `encryptedData`. Node's `Buffer.from(x, 'base64')` silently skips bad characters,
 * so a value damaged in transit (a `+` turned into a space by URL-decoding, a line break, the url-safe
 * alphabet) would decrypt to garbage or, worse, to a different key. We refuse instead of repairing, and say
 * which kind of damage it was so the integrator can fix the client.
 */
import { AppError } from '../../errors.js';

/** Canonical standard base64: groups of 4, with `=`/`==` padding only on the last group. */
/** 1 for the 64 characters of the standard base64 alphabet (by char code), else 0. */
const ALPHABET = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/') ALPHABET[c.charCodeAt(0)] = 1;

/**
 * Canonical base64 of exactly 16 bytes (24 characters): 22 alphabet characters then `==`, the 22nd holding the last
 * 2 bits with its low 4 bits zero (A, Q, g or w). A loop over char codes: a regex here cost more than the AES.
 */
function isCanonical16Bytes(text: string): boolean {
  for (let i = 0; i < 22; i++) {
    const c = text.charCodeAt(i);
    if (c > 127 || ALPHABET[c] === 0) return false;
  }
  const last = text.charCodeAt(21);
  return (last === 65 || last === 81 || last === 103 || last === 119) && text.charCodeAt(22) === 61 && text.charCodeAt(23) === 61;
}
const CANONICAL = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Why a value is not strict base64 (never includes the value itself). */
export type Base64Defect =
  | 'not-a-string'
  | 'whitespace'
  | 'space'
  | 'url-safe-alphabet'
  | 'bad-character'
  | 'padding'
  | 'non-canonical-bits';

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
    // Quicker still for the commonest value, 16 bytes (every session_key and iv): a character check, no re-encoding.
    if (text.length === 24 && isCanonical16Bytes(text)) return Buffer.from(text, 'base64');
    // Fast path (every login): Buffer skips bad characters and accepts the url-safe alphabet and missing padding,
    // but re-encoding yields canonical standard base64 — so an exact round trip IS the strict check. The regexes
    // below only name the defect of a value that failed it (they cost ~3× the AES on a 600-character input).
    const bytes = Buffer.from(text, 'base64');
    if (bytes.toString('base64') === text) return bytes;
  }
  const defect: Base64Defect | undefined = typeof text === 'string' ? defectOf(text) : 'not-a-string';
  throw new AppError('ERR_CRYPTO_BASE64', {
    message: `${field} is not strict base64 (${defect ?? 'non-canonical-bits'}).`,
    details: { field, defect: defect ?? 'non-canonical-bits' },
  });
}
