/**
 * Strict UTF-8 decoding of decrypted WeChat payloads. CBC has no integrity: a flipped ciphertext byte garbles a block
 * into random bytes, and a strict decode turns most such garbage into an error instead of text. Buffer's decoder
 * silently turns bad bytes into U+FFFD, so the validator runs only when one shows up (CBC garbage, or a real U+FFFD
 * in a nickname): cheaper than a fatal TextDecoder on every payload (bench/decrypt.ts). A BOM is kept, not stripped.
 */
import { isUtf8 } from 'node:buffer';

/**
 * The UTF-8 text of `bytes` (of `bytes[start..end)` when given), or undefined when they are not valid UTF-8. A range
 * rather than a subarray: no Buffer object is made for it when the bytes are a Buffer already.
 */
export function strictUtf8Text(bytes: Uint8Array, start = 0, end = bytes.byteLength): string | undefined {
  const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const text = buffer.toString('utf8', start, end);
  return text.includes('\uFFFD') && !isUtf8(buffer.subarray(start, end)) ? undefined : text;
}
