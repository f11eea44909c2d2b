/**
 * A tiny baseline JPEG encoder for black-and-white block pictures (what `showqrcode` answers instead of a real QR
 * code). Every 8×8 block is one flat grey level, so only DC coefficients are coded: one quantisation table of 1s,
 * the standard DC luminance Huffman table and an AC table holding only end-of-block. No dependency; any JPEG decoder
 * reads it (ITU-T T.81, Annex K.3 for the DC table).
 */

/** Standard luminance DC table (T.81 Table K.3): code counts per length 1..16, then the symbols (categories). */
const DC_COUNTS = [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0];
const DC_SYMBOLS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
/** AC table with one code: EOB (0x00), length 1, code `0`. */
const AC_COUNTS = [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
const AC_SYMBOLS = [0];

/** The canonical Huffman codes of a table: symbol → [code, length]. */
function huffmanCodes(counts: number[], symbols: number[]): Map<number, [number, number]> {
  const codes = new Map<number, [number, number]>();
  let code = 0;
  let k = 0;
  for (let len = 1; len <= 16; len++) {
    for (let i = 0; i < (counts[len - 1] ?? 0); i++) codes.set(symbols[k++] as number, [code++, len]);
    code <<= 1;
  }
  return codes;
}

class BitWriter {
  readonly bytes: number[] = [];
  #acc = 0;
  #n = 0;
  write(value: number, length: number): void {
    for (let i = length - 1; i >= 0; i--) {
      this.#acc = (this.#acc << 1) | ((value >> i) & 1);
      if (++this.#n === 8) this.#flushByte();
    }
  }
  /** Pads the last byte with 1s, as T.81 F.1.2.3 asks. */
  finish(): number[] {
    while (this.#n !== 0) this.write(1, 1);
    return this.bytes;
  }
  #flushByte(): void {
    this.bytes.push(this.#acc);
    if (this.#acc === 0xff) this.bytes.push(0x00); // byte stuffing
    this.#acc = 0;
    this.#n = 0;
  }
}

const segment = (marker: number, body: number[]): number[] => [0xff, marker, (body.length + 2) >> 8, (body.length + 2) & 0xff, ...body];

/**
 * Encodes a grid of blocks (`true` = black) as a greyscale JPEG, each cell `8` pixels square.
 * @example blockJpeg([[true, false], [false, true]]) // a 16×16 checkerboard
 */
export function blockJpeg(cells: readonly (readonly boolean[])[]): Buffer {
  const rows = cells.length;
  const cols = cells[0]?.length ?? 0;
  if (rows === 0 || cols === 0 || cells.some((r) => r.length !== cols)) throw new TypeError('blockJpeg: a non-empty rectangular grid');
  const h = rows * 8;
  const w = cols * 8;
  const dc = huffmanCodes(DC_COUNTS, DC_SYMBOLS);
  const ac = huffmanCodes(AC_COUNTS, AC_SYMBOLS);
  const bits = new BitWriter();
  let prev = 0;
  for (const row of cells) {
    for (const black of row) {
      // Flat block of level L (0..255): DC = 8 × (L − 128) with a quantiser of 1.
      const value = black ? -1024 : 1016;
      const diff = value - prev;
      prev = value;
      const size = diff === 0 ? 0 : Math.floor(Math.log2(Math.abs(diff))) + 1;
      const [code, len] = dc.get(size) as [number, number];
      bits.write(code, len);
      if (size > 0) bits.write(diff > 0 ? diff : diff + (1 << size) - 1, size);
      const [eob, eobLen] = ac.get(0) as [number, number];
      bits.write(eob, eobLen);
    }
  }
  const out = [
    0xff,
    0xd8, // SOI
    ...segment(0xe0, [0x4a, 0x46, 0x49, 0x46, 0x00, 1, 1, 0, 0, 1, 0, 1, 0, 0]), // JFIF APP0
    ...segment(0xdb, [0x00, ...new Array<number>(64).fill(1)]), // DQT 0, all 1s
    ...segment(0xc0, [8, h >> 8, h & 0xff, w >> 8, w & 0xff, 1, 1, 0x11, 0]), // SOF0, one component
    ...segment(0xc4, [0x00, ...DC_COUNTS, ...DC_SYMBOLS]), // DHT DC 0
    ...segment(0xc4, [0x10, ...AC_COUNTS, ...AC_SYMBOLS]), // DHT AC 0
    ...segment(0xda, [1, 1, 0x00, 0, 63, 0]), // SOS
    ...bits.finish(),
    0xff,
    0xd9, // EOI
  ];
  return Buffer.from(out);
}
