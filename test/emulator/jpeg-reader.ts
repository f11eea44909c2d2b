/**
 * Test-side reader of a baseline greyscale JPEG, written from T.81 independently of src/emulator/block-jpeg.ts: walks
 * the markers, builds the Huffman tables the file declares and decodes every block's DC and AC run, returning the
 * mean grey level of each 8×8 block. Enough to prove the file is a JPEG a decoder can read, and what it shows.
 */
export interface JpegBlocks {
  width: number;
  height: number;
  /** Mean level (0..255) of each block, row-major. */
  levels: number[][];
  markers: number[];
}

type Table = Map<string, number>;

function table(counts: number[], symbols: number[]): Table {
  const t: Table = new Map();
  let code = 0;
  let k = 0;
  for (let len = 1; len <= 16; len++) {
    for (let i = 0; i < (counts[len - 1] ?? 0); i++) t.set((code++).toString(2).padStart(len, '0'), symbols[k++] as number);
    code <<= 1;
  }
  return t;
}

export function readJpeg(buf: Buffer): JpegBlocks {
  if (buf[0] !== 0xff || buf[1] !== 0xd8) throw new Error('no SOI');
  const markers: number[] = [];
  const dcTables = new Map<number, Table>();
  const acTables = new Map<number, Table>();
  let quant: number[] = [];
  let width = 0;
  let height = 0;
  let i = 2;
  for (;;) {
    if (buf[i] !== 0xff) throw new Error(`marker expected at ${i}`);
    const marker = buf[i + 1] as number;
    markers.push(marker);
    const len = buf.readUInt16BE(i + 2);
    const body = buf.subarray(i + 4, i + 2 + len);
    if (marker === 0xdb) quant = [...body.subarray(1, 65)];
    if (marker === 0xc0) {
      height = body.readUInt16BE(1);
      width = body.readUInt16BE(3);
      if (body[5] !== 1) throw new Error('one component expected');
    }
    if (marker === 0xc4) {
      const counts = [...body.subarray(1, 17)];
      const symbols = [...body.subarray(17, 17 + counts.reduce((a, b) => a + b, 0))];
      ((body[0] as number) >> 4 === 0 ? dcTables : acTables).set((body[0] as number) & 15, table(counts, symbols));
    }
    i += 2 + len;
    if (marker === 0xda) break;
  }
  // Entropy-coded data up to EOI, un-stuffed.
  const end = buf.lastIndexOf(Buffer.from([0xff, 0xd9]));
  if (end !== buf.length - 2) throw new Error('no EOI at the end');
  let bits = '';
  for (let j = i; j < end; j++) {
    bits += (buf[j] as number).toString(2).padStart(8, '0');
    if (buf[j] === 0xff) j++; // skip the stuffed 0x00
  }
  let pos = 0;
  const decode = (t: Table): number => {
    for (let len = 1; len <= 16; len++) {
      const s = t.get(bits.slice(pos, pos + len));
      if (s !== undefined) {
        pos += len;
        return s;
      }
    }
    throw new Error(`bad Huffman code at bit ${pos}`);
  };
  const receive = (size: number): number => {
    if (size === 0) return 0;
    const v = Number.parseInt(bits.slice(pos, pos + size), 2);
    pos += size;
    return v < 1 << (size - 1) ? v - (1 << size) + 1 : v;
  };
  const dc = dcTables.get(0) as Table;
  const ac = acTables.get(0) as Table;
  const levels: number[][] = [];
  let pred = 0;
  for (let by = 0; by < Math.ceil(height / 8); by++) {
    const row: number[] = [];
    for (let bx = 0; bx < Math.ceil(width / 8); bx++) {
      pred += receive(decode(dc));
      for (let k = 1; k < 64; ) {
        const rs = decode(ac);
        if (rs === 0) break;
        receive(rs & 15);
        k += (rs >> 4) + 1;
      }
      row.push(Math.round((pred * (quant[0] ?? 1)) / 8 + 128));
    }
    levels.push(row);
  }
  if (bits.length - pos >= 8 || !/^1*$/.test(bits.slice(pos))) throw new Error('trailing data after the last block');
  return { width, height, levels, markers };
}
