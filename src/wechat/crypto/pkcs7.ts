/**
 * WXBizMsgCrypt's PKCS#7 variant: pad to a multiple of **32** bytes (pad value 1..32), not the AES block size.
 * Node's built-in unpadding only knows 16 and throws on any pad > 16 (wechat-api.md §6.3), so both directions
 * are done by hand with `setAutoPadding(false)`.
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

/**
 * The length of `data` without its padding, or undefined when the padding is invalid: a last byte outside
 * 1..32, longer than the data, or pad bytes that do not all carry the pad length.
 * Every pad byte is inspected whatever the outcome, so timing depends on the pad length only.
 */
export function unpaddedLength(data: Buffer): number | undefined {
  const n = data.length === 0 ? 0 : data[data.length - 1]!;
  if (n < 1 || n > MSG_PAD_BLOCK || n > data.length) return undefined;
  let diff = 0;
  for (let i = data.length - n; i < data.length; i++) diff |= data[i]! ^ n;
  return diff === 0 ? data.length - n : undefined;
}
