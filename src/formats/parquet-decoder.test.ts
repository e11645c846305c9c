import { describe, expect, it } from 'vitest';
import { decodeParquet, formatDecimal, formatTimestampMicros, type RandomAccessFile } from './parquet-decoder.js';
import { decimalBytes, writeParquet, type ParquetCell, type ParquetColumn } from '../../test/support/parquet-writer.js';
import type { RowBatch, Value } from './types.js';

function memoryFile(buf: Buffer, reads: [number, number][] = []): RandomAccessFile {
  return {
    size: buf.length,
    read: async (s, e) => {
      reads.push([s, e]);
      return buf.subarray(s, e);
    },
  };
}

async function all(gen: AsyncIterable<RowBatch>): Promise<{ rows: Value[][]; lines: number[]; batches: RowBatch[] }> {
  const out = { rows: [] as Value[][], lines: [] as number[], batches: [] as RowBatch[] };
  for await (const b of gen) {
    out.batches.push(b);
    for (let i = 0; i < b.length; i++) {
      out.rows.push(b.row(i));
      out.lines.push(b.line(i));
    }
  }
  return out;
}

const COLUMNS: ParquetColumn[] = [
  { name: 'id', type: 'INT32' },
  { name: 'big', type: 'INT64', optional: true },
  { name: 'name', type: 'BYTE_ARRAY', converted: 'UTF8', optional: true },
  { name: 'blob', type: 'BYTE_ARRAY', optional: true },
  { name: 'price', type: 'INT64', converted: 'DECIMAL', precision: 18, scale: 2 },
  { name: 'wide', type: 'FIXED_LEN_BYTE_ARRAY', typeLength: 16, converted: 'DECIMAL', precision: 38, scale: 10, optional: true },
  { name: 'day', type: 'INT32', converted: 'DATE', optional: true },
  { name: 'at', type: 'INT64', converted: 'TIMESTAMP_MICROS', optional: true },
  { name: 'ok', type: 'BOOLEAN', optional: true },
  { name: 'ratio', type: 'DOUBLE' },
  { name: 'f', type: 'FLOAT' },
];

function sample(i: number): ParquetCell[] {
  return [
    i,
    i % 3 === 0 ? null : 9007199254740993n + BigInt(i),
    i % 4 === 0 ? null : `name ${i} é漢`,
    i % 5 === 0 ? null : new Uint8Array([i & 0xff, 0, 255]),
    BigInt(i * 101 - 5000),
    i % 2 ? decimalBytes(-123456789012345678901234567n + BigInt(i), 16) : null,
    i % 6 === 0 ? null : 19000 + i,
    i % 7 === 0 ? null : 1_700_000_000_123_456n + BigInt(i),
    i % 8 === 0 ? null : i % 2 === 0,
    i / 4,
    0.5,
  ];
}

describe('Parquet decoding', () => {
  it('reads primitive and logical types, nullable columns, exact decimals and timestamps', async () => {
    const rows = Array.from({ length: 25 }, (_, i) => sample(i));
    const file = writeParquet(COLUMNS, rows, { rowGroupSize: 10 });
    const d = await all(decodeParquet(memoryFile(file), { file: 'f.parquet' }));
    expect(d.rows).toHaveLength(25);
    expect(d.batches[0]!.columns).toEqual(COLUMNS.map((c) => c.name));
    expect(d.rows[1]).toEqual([
      1,
      9007199254740994n,
      'name 1 é漢',
      new Uint8Array([1, 0, 255]),
      '-48.99',
      formatDecimal(-123456789012345678901234567n + 1n, 10),
      '2022-01-09',
      formatTimestampMicros(1_700_000_000_123_457n),
      false,
      0.25,
      0.5,
    ]);
    expect(d.rows[0]).toEqual([0, null, null, null, '-50.00', null, null, null, null, 0, 0.5]);
    expect(d.lines.slice(0, 3)).toEqual([1, 2, 3]);
    expect(formatTimestampMicros(1_700_000_000_123_457n)).toBe('2023-11-14 22:13:20.123457');
    expect(formatDecimal(-123456789012345678901234566n, 10)).toBe('-12345678901234567.8901234566');
  });

  it('maps target columns by name and fills missing ones with NULL', async () => {
    const file = writeParquet(COLUMNS, [sample(1)]);
    const d = await all(decodeParquet(memoryFile(file), { file: 'f', columns: ['NAME', 'id', 'missing'] }));
    expect(d.rows).toEqual([['name 1 é漢', 1, null]]);
  });

  it('reads row group by row group with range reads, never the whole file', async () => {
    const rows = Array.from({ length: 3000 }, (_, i) => sample(i));
    const file = writeParquet(COLUMNS, rows, { rowGroupSize: 1000, codec: 'GZIP' });
    const reads: [number, number][] = [];
    const d = await all(decodeParquet(memoryFile(file, reads), { file: 'f', maxRows: 500 }));
    expect(d.rows).toHaveLength(3000);
    for (const b of d.batches) expect(b.length).toBeLessThanOrEqual(500);
    // The first read is the footer (hyparquet fetches up to 64 KiB of the tail); after it, one read
    // per row group, each a third of the file.
    const groupReads = reads.slice(1);
    expect(groupReads.length).toBeGreaterThanOrEqual(3);
    expect(Math.max(...groupReads.map(([s, e]) => e - s))).toBeLessThan(file.length / 2);
  });

  it('resumes at a row number', async () => {
    const rows = Array.from({ length: 30 }, (_, i) => sample(i));
    const file = writeParquet(COLUMNS, rows, { rowGroupSize: 10 });
    const d = await all(decodeParquet(memoryFile(file), { file: 'f', resume: { offset: -1, line: 15 }, columns: ['id'] }));
    expect(d.rows.map((r) => r[0])).toEqual(Array.from({ length: 16 }, (_, i) => i + 14));
    expect(d.lines[0]).toBe(15);
  });

  it('reads an empty file', async () => {
    const file = writeParquet(COLUMNS, []);
    const d = await all(decodeParquet(memoryFile(file), { file: 'f' }));
    expect(d.rows).toEqual([]);
  });

  it('refuses a file that is not Parquet with a MySQL error', async () => {
    await expect(all(decodeParquet(memoryFile(Buffer.from('not parquet at all, just text')), { file: 'x.parquet' }))).rejects.toMatchObject({ errno: 8160 });
  });

  it('reports a damaged row group as an error row and reads the others', async () => {
    const rows = Array.from({ length: 20 }, (_, i) => sample(i));
    const file = Buffer.from(writeParquet(COLUMNS.slice(0, 1), rows.map((r) => r.slice(0, 1)), { rowGroupSize: 10, codec: 'GZIP' }));
    // Corrupt the first page's gzip body (just after the first page header).
    file.fill(0x55, 20, 40);
    const d = await all(decodeParquet(memoryFile(file), { file: 'f' }));
    const errors = d.batches.flatMap((b) => b.errors);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.reason).toMatch(/row group 0/);
    expect(d.rows.map((r) => r[0])).toEqual(Array.from({ length: 10 }, (_, i) => i + 10));
  });
});
