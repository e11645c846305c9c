// Compressed files written by hand from the format specifications, so the decompressors are
// checked against bytes that no library under test produced.

/** A zstd frame made of raw and RLE blocks (RFC 8878 §3.1.1). */
export function zstdFrame(data: Uint8Array, opts: { rleByte?: number; rleLength?: number } = {}): Buffer {
  const parts: Buffer[] = [Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), Buffer.from([0x00, 11 << 3])];
  const blocks: { type: 0 | 1; body: Buffer; size: number }[] = [];
  for (let i = 0; i < data.length; i += 100_000) {
    const body = Buffer.from(data.subarray(i, i + 100_000));
    blocks.push({ type: 0, body, size: body.length });
  }
  if (opts.rleLength) blocks.push({ type: 1, body: Buffer.from([opts.rleByte ?? 0x41]), size: opts.rleLength });
  if (blocks.length === 0) blocks.push({ type: 0, body: Buffer.alloc(0), size: 0 });
  blocks.forEach((b, i) => {
    const last = i === blocks.length - 1 ? 1 : 0;
    const h = last | (b.type << 1) | (b.size << 3);
    parts.push(Buffer.from([h & 0xff, (h >> 8) & 0xff, (h >> 16) & 0xff]), b.body);
  });
  return Buffer.concat(parts);
}

const TABLE = (() => {
  const t: number[] = [];
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    t.push(c >>> 0);
  }
  return t;
})();

function maskedCrc(data: Uint8Array): number {
  let c = ~0 >>> 0;
  for (const b of data) c = (TABLE[(c ^ b) & 0xff]! ^ (c >>> 8)) >>> 0;
  c = (~c) >>> 0;
  return ((((c >>> 15) | (c << 17)) >>> 0) + 0xa282ead8) >>> 0;
}

function chunk(type: number, crcOf: Uint8Array, body: Uint8Array): Buffer {
  const h = Buffer.alloc(8);
  const len = body.length + 4;
  h[0] = type;
  h[1] = len & 0xff;
  h[2] = (len >> 8) & 0xff;
  h[3] = (len >> 16) & 0xff;
  h.writeUInt32LE(maskedCrc(crcOf), 4);
  return Buffer.concat([h, body]);
}

/** A snappy block of literals only (a valid, if useless, compression). */
function literalBlock(data: Uint8Array): Buffer {
  const parts: number[] = [];
  let n = data.length;
  do {
    parts.push((n & 0x7f) | (n > 0x7f ? 0x80 : 0));
    n >>>= 7;
  } while (n > 0);
  const out: Buffer[] = [Buffer.from(parts)];
  for (let i = 0; i < data.length; i += 60) {
    const lit = data.subarray(i, i + 60);
    out.push(Buffer.from([(lit.length - 1) << 2]), Buffer.from(lit));
  }
  return Buffer.concat(out);
}

/**
 * The snappy framing format: stream identifier, then chunks of up to 64 KiB, alternating
 * compressed (literal blocks) and uncompressed chunks, plus one chunk using a back-reference.
 */
export function snappyFramed(data: Uint8Array): Buffer {
  const parts: Buffer[] = [Buffer.from([0xff, 0x06, 0x00, 0x00, ...Buffer.from('sNaPpY')])];
  let k = 0;
  for (let i = 0; i < data.length; i += 65536, k++) {
    const piece = data.subarray(i, i + 65536);
    parts.push(k % 2 === 0 ? chunk(0x00, piece, literalBlock(piece)) : chunk(0x01, piece, piece));
  }
  // "abcd" then copy(offset 4, length 8): "abcdabcdabcd".
  const copied = Buffer.from('abcdabcdabcd');
  const block = Buffer.from([12, (4 - 1) << 2, ...Buffer.from('abcd'), ((8 - 4) << 2) | 0x01, 4]);
  parts.push(chunk(0x00, copied, block));
  // A skippable padding chunk.
  parts.push(Buffer.from([0xfe, 0x02, 0x00, 0x00, 0, 0]));
  return Buffer.concat(parts);
}
