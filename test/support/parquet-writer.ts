// A minimal Parquet writer for test fixtures and the read bench (test tooling, not product code): flat schemas, PLAIN encoding,
// data page v1, optional columns through definition levels, several row groups, one or several
// pages per column chunk, uncompressed or GZIP pages. It shares no code with the reader
// (hyparquet), so files it writes check the reader.
// Spec: https://github.com/apache/parquet-format (Thrift compact protocol for the metadata).

import zlib from 'node:zlib';

export type ParquetPhysical = 'BOOLEAN' | 'INT32' | 'INT64' | 'FLOAT' | 'DOUBLE' | 'BYTE_ARRAY' | 'FIXED_LEN_BYTE_ARRAY';

export interface ParquetColumn {
  readonly name: string;
  readonly type: ParquetPhysical;
  readonly optional?: boolean;
  /** Parquet ConvertedType: UTF8, DECIMAL, DATE, TIME_MILLIS, TIMESTAMP_MILLIS, TIMESTAMP_MICROS. */
  readonly converted?: 'UTF8' | 'DECIMAL' | 'DATE' | 'TIME_MILLIS' | 'TIMESTAMP_MILLIS' | 'TIMESTAMP_MICROS';
  readonly precision?: number;
  readonly scale?: number;
  readonly typeLength?: number;
}

/** Values: boolean, number, bigint (INT64), string or Uint8Array (byte arrays), null. */
export type ParquetCell = boolean | number | bigint | string | Uint8Array | null;

const PHYSICAL: Record<ParquetPhysical, number> = { BOOLEAN: 0, INT32: 1, INT64: 2, FLOAT: 4, DOUBLE: 5, BYTE_ARRAY: 6, FIXED_LEN_BYTE_ARRAY: 7 };
const CONVERTED = { UTF8: 0, DECIMAL: 5, DATE: 6, TIME_MILLIS: 7, TIMESTAMP_MILLIS: 9, TIMESTAMP_MICROS: 10 } as const;

/** Thrift compact protocol, write side only. */
class Thrift {
  private bytes: number[] = [];
  private last: number[] = [0];

  private varint(n: bigint): void {
    let v = n;
    while (v >= 0x80n) {
      this.bytes.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.bytes.push(Number(v));
  }
  private zigzag(n: bigint): void {
    this.varint(n >= 0n ? n << 1n : (-n << 1n) - 1n);
  }
  private header(id: number, type: number): void {
    const delta = id - this.last[this.last.length - 1]!;
    if (delta > 0 && delta <= 15) this.bytes.push((delta << 4) | type);
    else {
      this.bytes.push(type);
      this.zigzag(BigInt(id));
    }
    this.last[this.last.length - 1] = id;
  }
  i32(id: number, v: number): this {
    this.header(id, 5);
    this.zigzag(BigInt(v));
    return this;
  }
  i64(id: number, v: number | bigint): this {
    this.header(id, 6);
    this.zigzag(BigInt(v));
    return this;
  }
  binary(id: number, v: Uint8Array | string): this {
    const b = typeof v === 'string' ? Buffer.from(v, 'utf8') : v;
    this.header(id, 8);
    this.varint(BigInt(b.length));
    this.bytes.push(...b);
    return this;
  }
  struct(id: number, body: (t: this) => void): this {
    this.header(id, 12);
    this.last.push(0);
    body(this);
    this.bytes.push(0);
    this.last.pop();
    return this;
  }
  list(id: number, elemType: 'i32' | 'binary' | 'struct', items: readonly unknown[], each: (t: this, item: unknown) => void): this {
    const code = elemType === 'i32' ? 5 : elemType === 'binary' ? 8 : 12;
    this.header(id, 9);
    if (items.length < 15) this.bytes.push((items.length << 4) | code);
    else {
      this.bytes.push(0xf0 | code);
      this.varint(BigInt(items.length));
    }
    for (const item of items) {
      if (elemType === 'struct') {
        this.last.push(0);
        each(this, item);
        this.bytes.push(0);
        this.last.pop();
      } else each(this, item);
    }
    return this;
  }
  rawI32(v: number): void {
    this.zigzag(BigInt(v));
  }
  rawBinary(v: string): void {
    const b = Buffer.from(v, 'utf8');
    this.varint(BigInt(b.length));
    this.bytes.push(...b);
  }
  end(): Buffer {
    this.bytes.push(0);
    return Buffer.from(this.bytes);
  }
}

/** RLE / bit-packed hybrid with bit width 1, as RLE runs only. */
function definitionLevels(defined: boolean[]): Buffer {
  const out: number[] = [];
  let i = 0;
  while (i < defined.length) {
    let j = i;
    while (j < defined.length && defined[j] === defined[i]) j++;
    let count = j - i;
    let header = count << 1;
    while (header >= 0x80) {
      out.push((header & 0x7f) | 0x80);
      header >>>= 7;
    }
    out.push(header);
    out.push(defined[i] ? 1 : 0);
    i = j;
    count = 0;
  }
  const body = Buffer.from(out);
  const len = Buffer.alloc(4);
  len.writeUInt32LE(body.length);
  return Buffer.concat([len, body]);
}

function plainValues(col: ParquetColumn, values: ParquetCell[]): Buffer {
  const parts: Buffer[] = [];
  if (col.type === 'BOOLEAN') {
    const b = Buffer.alloc(Math.ceil(values.length / 8));
    values.forEach((v, i) => {
      if (v) b[i >> 3]! |= 1 << (i & 7);
    });
    return b;
  }
  for (const v of values) {
    switch (col.type) {
      case 'INT32': {
        const b = Buffer.alloc(4);
        b.writeInt32LE(Number(v));
        parts.push(b);
        break;
      }
      case 'INT64': {
        const b = Buffer.alloc(8);
        b.writeBigInt64LE(BigInt(v as number | bigint));
        parts.push(b);
        break;
      }
      case 'FLOAT': {
        const b = Buffer.alloc(4);
        b.writeFloatLE(Number(v));
        parts.push(b);
        break;
      }
      case 'DOUBLE': {
        const b = Buffer.alloc(8);
        b.writeDoubleLE(Number(v));
        parts.push(b);
        break;
      }
      case 'BYTE_ARRAY': {
        const data = typeof v === 'string' ? Buffer.from(v, 'utf8') : Buffer.from(v as Uint8Array);
        const len = Buffer.alloc(4);
        len.writeUInt32LE(data.length);
        parts.push(len, data);
        break;
      }
      case 'FIXED_LEN_BYTE_ARRAY':
        parts.push(Buffer.from(v as Uint8Array));
        break;
      default:
        throw new Error(`unsupported type ${String(col.type)}`);
    }
  }
  return Buffer.concat(parts);
}

export interface ParquetWriteOptions {
  readonly rowGroupSize?: number;
  readonly codec?: 'UNCOMPRESSED' | 'GZIP';
  /** Rows per data page at most (default: no limit). */
  readonly pageRows?: number;
  /**
   * Plain-encoded bytes per data page: a page ends once it holds this much (default: no limit).
   * With neither limit a column chunk is one page; parquet-mr and arrow-rs cut pages at 1 MiB
   * and 20,000 rows.
   */
  readonly pageBytes?: number;
}

/** Uncompressed size of a value in a PLAIN page. */
function plainSize(col: ParquetColumn, v: ParquetCell): number {
  switch (col.type) {
    case 'BOOLEAN':
      return 1 / 8;
    case 'INT32':
    case 'FLOAT':
      return 4;
    case 'INT64':
    case 'DOUBLE':
      return 8;
    case 'BYTE_ARRAY':
      return 4 + (typeof v === 'string' ? Buffer.byteLength(v) : (v as Uint8Array | null)?.length ?? 0);
    case 'FIXED_LEN_BYTE_ARRAY':
      return col.typeLength ?? 0;
    default:
      throw new Error(`unsupported type ${String(col.type)}`);
  }
}

/** Cells of one column chunk cut into pages by the row and byte limits. */
function pagesOf(col: ParquetColumn, cells: ParquetCell[], opts: ParquetWriteOptions): ParquetCell[][] {
  const maxRows = opts.pageRows ?? Infinity;
  const maxBytes = opts.pageBytes ?? Infinity;
  if (cells.length <= maxRows && maxBytes === Infinity) return [cells];
  const pages: ParquetCell[][] = [];
  let start = 0;
  let bytes = 0;
  for (let i = 0; i < cells.length; i++) {
    bytes += cells[i] === null ? 0 : plainSize(col, cells[i]!);
    if (i + 1 - start >= maxRows || bytes >= maxBytes) {
      pages.push(cells.slice(start, i + 1));
      start = i + 1;
      bytes = 0;
    }
  }
  if (start < cells.length || pages.length === 0) pages.push(cells.slice(start));
  return pages;
}

/** Writes rows (arrays in column order) as a complete Parquet file. */
export function writeParquet(columns: readonly ParquetColumn[], rows: readonly ParquetCell[][], opts: ParquetWriteOptions = {}): Buffer {
  const groupSize = opts.rowGroupSize ?? 1000;
  const codec = opts.codec ?? 'UNCOMPRESSED';
  const chunks: Buffer[] = [Buffer.from('PAR1')];
  let offset = 4;
  const groups: { cols: { offset: number; size: number; usize: number; n: number }[]; rows: number; bytes: number }[] = [];
  for (let g = 0; g < rows.length || (g === 0 && rows.length === 0); g += groupSize) {
    const slice = rows.slice(g, g + groupSize);
    const cols = columns.map((col, c) => {
      const cells = slice.map((r) => r[c] ?? null);
      const start = offset;
      let usize = 0;
      for (const page of pagesOf(col, cells, opts)) {
        const defined = page.map((v) => v !== null);
        const present = page.filter((v) => v !== null);
        const body = Buffer.concat([col.optional ? definitionLevels(defined) : Buffer.alloc(0), plainValues(col, present)]);
        const stored = codec === 'GZIP' ? zlib.gzipSync(body) : body;
        const header = new Thrift()
          .i32(1, 0)
          .i32(2, body.length)
          .i32(3, stored.length)
          .struct(5, (t) => t.i32(1, page.length).i32(2, 0).i32(3, 3).i32(4, 3))
          .end();
        chunks.push(header, stored);
        offset += header.length + stored.length;
        usize += header.length + body.length;
      }
      return { offset: start, size: offset - start, usize, n: cells.length };
    });
    groups.push({ cols, rows: slice.length, bytes: cols.reduce((n, c) => n + c.usize, 0) });
    if (rows.length === 0) break;
  }
  const schema = [{ root: true } as const, ...columns];
  const footer = new Thrift()
    .i32(1, 1)
    .list(2, 'struct', schema, (t, item) => {
      if ((item as { root?: boolean }).root) {
        t.binary(4, 'schema').i32(5, columns.length);
        return;
      }
      const c = item as ParquetColumn;
      t.i32(1, PHYSICAL[c.type]);
      if (c.typeLength !== undefined) t.i32(2, c.typeLength);
      t.i32(3, c.optional ? 1 : 0).binary(4, c.name);
      if (c.converted) t.i32(6, CONVERTED[c.converted]);
      if (c.scale !== undefined) t.i32(7, c.scale);
      if (c.precision !== undefined) t.i32(8, c.precision);
    })
    .i64(3, rows.length)
    .list(4, 'struct', groups, (t, item) => {
      const g = item as (typeof groups)[number];
      t.list(1, 'struct', g.cols, (t2, ci) => {
        const idx = g.cols.indexOf(ci as (typeof g.cols)[number]);
        const c = ci as (typeof g.cols)[number];
        const col = columns[idx]!;
        t2.i64(2, c.offset).struct(3, (m) =>
          m
            .i32(1, PHYSICAL[col.type])
            .list(2, 'i32', [0, 3], (x, e) => x.rawI32(e as number))
            .list(3, 'binary', [col.name], (x, e) => x.rawBinary(e as string))
            .i32(4, codec === 'GZIP' ? 2 : 0)
            .i64(5, c.n)
            .i64(6, c.usize)
            .i64(7, c.size)
            .i64(9, c.offset),
        );
      })
        .i64(2, g.bytes)
        .i64(3, g.rows);
    })
    .end();
  const len = Buffer.alloc(4);
  len.writeUInt32LE(footer.length);
  chunks.push(footer, len, Buffer.from('PAR1'));
  return Buffer.concat(chunks);
}

/** A decimal's unscaled value as big-endian two's complement bytes of `size` bytes. */
export function decimalBytes(unscaled: bigint, size: number): Uint8Array {
  const out = new Uint8Array(size);
  let v = unscaled < 0n ? (1n << BigInt(size * 8)) + unscaled : unscaled;
  for (let i = size - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}
