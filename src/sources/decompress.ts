// Decompression chosen by file extension, as TiDB does: .gz/.gzip (zlib), .zst/.zstd (fzstd:
// Node 20's zlib has no zstd), .snappy (the snappy framing format, each chunk decompressed by
// hyparquet's snappy block decoder: we already depend on hyparquet, and it is the snappyjs code).
// All are Transform streams, so backpressure passes through them.

import { Transform, type TransformCallback } from 'node:stream';
import zlib from 'node:zlib';
import { Decompress as ZstdDecompress } from 'fzstd';
import { snappyUncompress } from 'hyparquet';

export type Compression = 'none' | 'gzip' | 'zstd' | 'snappy';

export function compressionOf(name: string): Compression {
  const n = name.toLowerCase();
  if (n.endsWith('.gz') || n.endsWith('.gzip')) return 'gzip';
  if (n.endsWith('.zst') || n.endsWith('.zstd')) return 'zstd';
  if (n.endsWith('.snappy') || n.endsWith('.sz')) return 'snappy';
  return 'none';
}

/** The name without its compression extension: `a.csv.gz` -> `a.csv`. */
export function stripCompression(name: string): string {
  return name.replace(/\.(gz|gzip|zst|zstd|snappy|sz)$/i, '');
}

export function decompressor(compression: Compression): Transform | null {
  switch (compression) {
    case 'none':
      return null;
    case 'gzip':
      // Concatenated gzip members (as `cat a.gz b.gz` makes) are one stream to gunzip.
      return zlib.createGunzip({ chunkSize: 256 * 1024 });
    case 'zstd':
      return new ZstdTransform();
    case 'snappy':
      return new SnappyFrameTransform();
    default: {
      const never: never = compression;
      throw new Error(`unhandled compression ${String(never)}`);
    }
  }
}

class ZstdTransform extends Transform {
  private readonly z: ZstdDecompress;
  private out: Uint8Array[] = [];
  private sawInput = false;

  constructor() {
    super();
    this.z = new ZstdDecompress((chunk) => {
      this.out.push(chunk);
    });
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    try {
      if (chunk.length) this.sawInput = true;
      this.z.push(chunk);
      this.drain();
      cb();
    } catch (e) {
      cb(new Error(`zstd: ${(e as Error).message}`));
    }
  }

  override _flush(cb: TransformCallback): void {
    try {
      if (this.sawInput) this.z.push(new Uint8Array(0), true);
      this.drain();
      cb();
    } catch (e) {
      cb(new Error(`zstd: ${(e as Error).message}`));
    }
  }

  private drain(): void {
    for (const c of this.out) this.push(c);
    this.out = [];
  }
}

// Snappy framing format (github.com/google/snappy/blob/main/framing_format.txt): a stream
// identifier chunk, then chunks of [type:1][length:3 LE][data]; type 0x00 compressed and 0x01
// uncompressed data, each starting with a masked CRC-32C of the uncompressed bytes.
const STREAM_ID = Buffer.from('sNaPpY', 'latin1');

const CRC32C_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    t[i] = c >>> 0;
  }
  return t;
})();

export function crc32c(data: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = CRC32C_TABLE[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

export function maskedCrc32c(data: Uint8Array): number {
  const c = crc32c(data);
  return ((((c >>> 15) | (c << 17)) >>> 0) + 0xa282ead8) >>> 0;
}

/** Uncompressed length from a snappy block's varint preamble. */
function snappyLength(block: Uint8Array): number {
  let result = 0;
  let shift = 0;
  for (let i = 0; i < 5 && i < block.length; i++) {
    const b = block[i]!;
    result += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) return result;
    shift += 7;
  }
  throw new Error('snappy: bad block length');
}

class SnappyFrameTransform extends Transform {
  private buf: Buffer = Buffer.alloc(0);
  private started = false;

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    try {
      this.frames();
      cb();
    } catch (e) {
      cb(e as Error);
    }
  }

  override _flush(cb: TransformCallback): void {
    cb(this.buf.length ? new Error('snappy: truncated stream') : null);
  }

  private frames(): void {
    let pos = 0;
    const buf = this.buf;
    while (pos + 4 <= buf.length) {
      const type = buf[pos]!;
      const len = buf[pos + 1]! | (buf[pos + 2]! << 8) | (buf[pos + 3]! << 16);
      if (pos + 4 + len > buf.length) break;
      const body = buf.subarray(pos + 4, pos + 4 + len);
      pos += 4 + len;
      if (type === 0xff) {
        if (!body.equals(STREAM_ID)) throw new Error('snappy: bad stream identifier');
        this.started = true;
        continue;
      }
      if (!this.started) throw new Error('snappy: missing stream identifier (not a framed .snappy file)');
      if (type === 0x00 || type === 0x01) {
        if (body.length < 4) throw new Error('snappy: short chunk');
        const want = body.readUInt32LE(0);
        let data: Uint8Array = body.subarray(4);
        if (type === 0x00) {
          const n = snappyLength(data);
          // The format caps a chunk at 64 KiB: a larger length is corruption, not a reason to allocate.
          if (n > 65536) throw new Error('snappy: corrupt chunk length');
          const out = new Uint8Array(n);
          try {
            snappyUncompress(data, out);
          } catch (e) {
            throw new Error(`snappy: ${(e as Error).message}`);
          }
          data = out;
        }
        if (maskedCrc32c(data) !== want) throw new Error('snappy: checksum mismatch');
        this.push(type === 0x01 ? Buffer.from(data) : data);
      } else if (type >= 0x02 && type <= 0x7f) {
        throw new Error(`snappy: unsupported chunk type ${type}`);
      }
      // 0x80-0xfe: skippable chunks (padding and the like).
    }
    this.buf = buf.subarray(pos);
  }
}
