/**
 * Strict UTF-8 decoding of decrypted WeChat payloads. CBC has no integrity: a flipped ciphertext byte garbles a block
 * into random bytes, and a strict decode turns most such garbage into an error instead of text. Buffer's decoder
 * silently turns bad bytes into U+FFFD, so the validator runs only when one shows up (CBC garbage, or a real U+FFFD
 * in a nickname): cheaper than a fatal TextDecoder on every payload (bench/decrypt.ts). A BOM is kept, not stripped.
 */
import { isUtf8 } from 'node:buffer';

/** The UTF-8 text of `bytes`, or undefined when they are not valid UTF-8. */
export function strictUtf8Text(bytes: Uint8Array): string | undefined {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  return text.includes('\uFFFD') && !isUtf8(bytes) ? undefined : text;
}
