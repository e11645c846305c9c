import { describe, expect, it } from 'vitest';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { decodeParquet, formatDate, formatDecimal, formatTimestampMicros, type RandomAccessFile } from './parquet-decoder.js';
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

/** The decoded row for `sample(i)`, built from the fixture's values. */
function expected(i: number): Value[] {
  const c = sample(i);
  return [
    c[0]!,
    c[1]!,
    c[2]!,
    c[3]!,
    formatDecimal(c[4] as bigint, 2),
    c[5] === null ? null : formatDecimal(-123456789012345678901234567n + BigInt(i), 10),
    c[6] === null ? null : formatDate(c[6] as number),
    c[7] === null ? null : formatTimestampMicros(c[7] as bigint),
    c[8]!,
    c[9]!,
    c[10]!,
  ];
}

/** Starts of the GZIP page bodies our writer produced, in file order. */
function gzipPages(file: Buffer): number[] {
  const at: number[] = [];
  for (let i = file.indexOf(Buffer.from([0x1f, 0x8b, 0x08])); i >= 0; i = file.indexOf(Buffer.from([0x1f, 0x8b, 0x08]), i + 1)) at.push(i);
  return at;
}

describe('Parquet decoding page by page', () => {
  it('reads a row group of many pages whose boundaries differ per column, with nulls on both sides of them', async () => {
    const rows = Array.from({ length: 3000 }, (_, i) => sample(i));
    // ~700-byte pages: 175 rows of an INT32 column, ~40 of the names, so the columns' pages end
    // on different rows, and batches of 64 rows end in the middle of pages.
    const file = writeParquet(COLUMNS, rows, { rowGroupSize: 3000, pageBytes: 700, codec: 'GZIP' });
    expect(gzipPages(file).length).toBeGreaterThan(200);
    const d = await all(decodeParquet(memoryFile(file), { file: 'f', maxRows: 64 }));
    expect(d.rows).toEqual(rows.map((_, i) => expected(i)));
    expect(d.lines).toEqual(rows.map((_, i) => i + 1));
    for (const b of d.batches) expect(b.length).toBeLessThanOrEqual(64);
    expect(d.batches.at(-1)!.end).toEqual({ offset: -1, line: 3001 });
  });

  it('holds a window of a large row group of wide strings, never its column chunks', async () => {
    const wide: ParquetColumn[] = [
      { name: 'id', type: 'INT32' },
      { name: 'text', type: 'BYTE_ARRAY', converted: 'UTF8', optional: true },
    ];
    const text = (i: number): string | null => (i % 10 === 3 ? null : `${i} `.padEnd(1000 + (i % 17), 'x'));
    const rows = Array.from({ length: 4000 }, (_, i) => [i, text(i)]);
    const file = writeParquet(wide, rows, { rowGroupSize: 4000, pageBytes: 16 << 10 });
    const reads: [number, number][] = [];
    const d = await all(decodeParquet(memoryFile(file, reads), { file: 'f', readBytes: 32 << 10, maxBytes: 100_000 }));
    expect(d.rows).toEqual(rows);
    // The text chunk is ~3.6 MB: after the footer, it is read in 32 KiB blocks, a block stretched
    // at most by one page that straddles it.
    expect(file.length).toBeGreaterThan(3_500_000);
    const groupReads = reads.slice(1);
    expect(groupReads.length).toBeGreaterThan(100);
    expect(Math.max(...groupReads.map(([s, e]) => e - s))).toBeLessThanOrEqual((32 << 10) + (17 << 10));
    // Batches are cut by their size: ~100 rows of ~1 KB, not 8192.
    for (const b of d.batches) expect(b.byteSize).toBeLessThan(100_000 + 1200);
    expect(d.batches.length).toBeGreaterThan(35);
  });

  it('resumes exactly at every batch end, inside row groups and pages', async () => {
    const rows = Array.from({ length: 3000 }, (_, i) => sample(i));
    const file = writeParquet(COLUMNS, rows, { rowGroupSize: 1500, pageRows: 100, codec: 'GZIP' });
    const full = await all(decodeParquet(memoryFile(file), { file: 'f', maxRows: 250 }));
    expect(full.rows).toEqual(rows.map((_, i) => expected(i)));
    const ends = [...full.batches.map((b) => b.end.line), 1, 100, 101, 1500, 1501, 3000];
    for (const line of ends) {
      const rest = await all(decodeParquet(memoryFile(file), { file: 'f', maxRows: 500, resume: { offset: -1, line } }));
      expect(rest.lines[0] ?? 3001).toBe(line);
      expect(rest.rows).toEqual(full.rows.slice(line - 1));
      expect(rest.batches.at(-1)!.end.line).toBe(3001);
    }
  });

  it('passes over the pages before the resume point without reading them whole', async () => {
    const cols: ParquetColumn[] = [{ name: 'text', type: 'BYTE_ARRAY', converted: 'UTF8' }];
    const rows = Array.from({ length: 3000 }, (_, i) => [`${i} `.padEnd(400, '-')]);
    // 30 pages of ~40 KB; read in 4 KiB blocks, a page passed over costs the block of its header.
    const file = writeParquet(cols, rows, { rowGroupSize: 3000, pageRows: 100 });
    const reads: [number, number][] = [];
    const d = await all(decodeParquet(memoryFile(file, reads), { file: 'f', readBytes: 4096, resume: { offset: -1, line: 2951 } }));
    expect(d.rows).toEqual(rows.slice(2950));
    expect(d.lines[0]).toBe(2951);
    const read = reads.slice(1).reduce((n, [s, e]) => n + (e - s), 0);
    expect(read).toBeLessThan(file.length / 5);
  });

  it('reads dictionary-encoded, data page v2 and nested columns across pages, and resumes among them', async () => {
    const n = 3000;
    const ids = Array.from({ length: n }, (_, i) => i);
    const tags = ids.map((i) => (i % 7 === 0 ? null : Array.from({ length: i % 4 }, (_, k) => (k === 1 && i % 5 === 0 ? null : `t${(i + k) % 13}`))));
    const points = ids.map((i) => (i % 9 === 0 ? null : { x: i, y: i % 3 === 0 ? null : -i }));
    const cats = ids.map((i) => (i % 6 === 0 ? null : `cat-${i % 10}`));
    const file = Buffer.from(
      parquetWriteBuffer({
        columnData: [
          { name: 'id', data: ids },
          { name: 'tags', data: tags },
          { name: 'point', data: points },
          { name: 'cat', data: cats },
        ],
        schema: [
          { name: 'root', num_children: 4 },
          { name: 'id', type: 'INT32', repetition_type: 'REQUIRED' },
          { name: 'tags', repetition_type: 'OPTIONAL', converted_type: 'LIST', num_children: 1 },
          { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
          { name: 'element', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
          { name: 'point', repetition_type: 'OPTIONAL', num_children: 2 },
          { name: 'x', type: 'INT32', repetition_type: 'REQUIRED' },
          { name: 'y', type: 'INT32', repetition_type: 'OPTIONAL' },
          { name: 'cat', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
        ],
        pageSize: 256,
        rowGroupSize: 2000,
      }),
    );
    const want = ids.map((i) => [i, tags[i] === null ? null : JSON.stringify(tags[i]), points[i] === null ? null : JSON.stringify(points[i]), cats[i]]);
    const d = await all(decodeParquet(memoryFile(file), { file: 'f', maxRows: 101 }));
    expect(d.rows).toEqual(want);
    for (const line of [2, 1000, 1999, 2000, 2001, 2999]) {
      const rest = await all(decodeParquet(memoryFile(file), { file: 'f', resume: { offset: -1, line } }));
      expect(rest.rows).toEqual(want.slice(line - 1));
    }
  });

  it('keeps the rows before a damaged page and reports the rest of its row group as one error row', async () => {
    const rows = Array.from({ length: 1500 }, (_, i) => [i]);
    const file = writeParquet([{ name: 'id', type: 'INT32' }], rows, { rowGroupSize: 1000, pageRows: 100, codec: 'GZIP' });
    const pages = gzipPages(file);
    expect(pages).toHaveLength(15);
    // The fifth page's deflate data (after the 10-byte gzip header).
    file.fill(0x55, pages[4]! + 10, pages[4]! + 30);
    const d = await all(decodeParquet(memoryFile(file), { file: 'f', maxRows: 64 }));
    const errors = d.batches.flatMap((b) => b.errors);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ line: 401, offset: -1 });
    expect(errors[0]!.reason).toMatch(/^row group 0 \(rows 401-1000\): /);
    expect(d.rows.map((r) => r[0])).toEqual([...Array.from({ length: 400 }, (_, i) => i), ...Array.from({ length: 500 }, (_, i) => i + 1000)]);
  });

  it('hands out binary values as their own bytes, not views of the page', async () => {
    const file = writeParquet(COLUMNS, Array.from({ length: 20 }, (_, i) => sample(i)));
    const d = await all(decodeParquet(memoryFile(file), { file: 'f', columns: ['blob'] }));
    const blob = d.rows[1]![0] as Uint8Array;
    expect(blob).toEqual(new Uint8Array([1, 0, 255]));
    expect(blob.buffer.byteLength).toBe(3);
  });
});
