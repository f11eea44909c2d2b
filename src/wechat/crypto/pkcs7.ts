/**
 * PKCS#7 by hand, for both of WeChat's ciphers. WXBizMsgCrypt pads to a multiple of **32** bytes (pad value 1..32),
 * not the AES block size, and Node's built-in unpadding only knows 16 and throws on any pad > 16 (docs/wechat-api.md
 * §6.3). WXBizDataCrypt pads to 16 like Node does, but unpadding by hand too spares `decipher.final()` and the
 * Buffer.concat after it, which cost more than the AES on a user-data payload (bench/decrypt.ts).
 */

/** The block size WeChat pads to. */
export const MSG_PAD_BLOCK = 32;

/**
 * Appends 1..32 bytes, each equal to the pad length, so the result is a multiple of 32 bytes.
 * @example
 *   pad32(Buffer.alloc(30)).length; // 32 (two bytes of 0x02)
 */
export function pad32(data: Buffer): Buffer {
  const n = MSG_PAD_BLOCK - (data.length % MSG_PAD_BLOCK);
  return Buffer.concat([data, Buffer.alloc(n, n)]);
}

/** The AES block size: WXBizDataCrypt's padding. */
export const AES_BLOCK = 16;

/**
 * The length of `data` without its padding, or undefined when the padding is invalid: a last byte outside
 * 1..blockSize, longer than the data, or pad bytes that do not all carry the pad length.
 * Every pad byte is inspected whatever the outcome, so timing depends on the pad length only.
 */
export function unpaddedLength(data: Buffer, blockSize: number = MSG_PAD_BLOCK): number | undefined {
  const n = data.length === 0 ? 0 : data[data.length - 1]!;
  if (n < 1 || n > blockSize || n > data.length) return undefined;
  let diff = 0;
  for (let i = data.length - n; i < data.length; i++) diff |= data[i]! ^ n;
  return diff === 0 ? data.length - n : undefined;
}
