import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { snappyFramed, zstdFrame } from '../../test/generators/compression.js';
import { compressionOf, decompressor, stripCompression, type Compression } from './decompress.js';

async function inflate(c: Compression, data: Buffer, chunk = 1000): Promise<Buffer> {
  const pieces: Buffer[] = [];
  for (let i = 0; i < data.length; i += chunk) pieces.push(data.subarray(i, i + chunk));
  const out: Buffer[] = [];
  await pipeline(Readable.from(pieces), decompressor(c)!, async (source: AsyncIterable<Buffer>) => {
    for await (const b of source) out.push(b);
  });
  return Buffer.concat(out);
}

const text = Buffer.from(Array.from({ length: 20000 }, (_, i) => `${i},row ${i},漢字\n`).join(''));

describe('decompression by extension', () => {
  it('chooses by extension', () => {
    expect(compressionOf('s3://b/a.csv.gz')).toBe('gzip');
    expect(compressionOf('a.CSV.GZIP')).toBe('gzip');
    expect(compressionOf('a.csv.zst')).toBe('zstd');
    expect(compressionOf('a.csv.zstd')).toBe('zstd');
    expect(compressionOf('a.csv.snappy')).toBe('snappy');
    expect(compressionOf('a.csv')).toBe('none');
    expect(stripCompression('a.csv.gz')).toBe('a.csv');
  });

  it('gunzips, including concatenated members', async () => {
    const gz = Buffer.concat([zlib.gzipSync(text.subarray(0, 1000)), zlib.gzipSync(text.subarray(1000))]);
    expect((await inflate('gzip', gz, 777)).equals(text)).toBe(true);
  });

  it('decompresses zstd frames', async () => {
    const z = zstdFrame(text, { rleByte: 0x41, rleLength: 5000 });
    const out = await inflate('zstd', z, 4096);
    expect(out.equals(Buffer.concat([text, Buffer.alloc(5000, 0x41)]))).toBe(true);
  });

  it('decompresses the snappy framing format and checks its CRCs', async () => {
    const framed = snappyFramed(text);
    const out = await inflate('snappy', framed, 3000);
    expect(out.equals(Buffer.concat([text, Buffer.from('abcdabcdabcd')]))).toBe(true);
    const bad = Buffer.from(framed);
    bad[20] = bad[20]! ^ 0xff;
    await expect(inflate('snappy', bad)).rejects.toThrow(/snappy/);
  });

  it('fails on corrupt input instead of hanging', async () => {
    await expect(inflate('gzip', Buffer.from('not gzip at all'))).rejects.toThrow();
    await expect(inflate('zstd', Buffer.from('not zstd at all'))).rejects.toThrow(/zstd/);
  });
});
