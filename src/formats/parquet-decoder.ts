// Parquet through hyparquet, one row group at a time: the footer and then each group's column
// chunks are fetched with range reads from the source, so memory holds one row group, never the
// file. Values are typed: ints as number (64-bit ones as bigint), floats, booleans, strings, binary
// as bytes; decimals, dates, times and timestamps as exact MySQL literals (hyparquet would turn
// decimals into floats and timestamps into millisecond Dates, so those conversions are ours).
// Nested columns (lists, maps, structs) arrive as JSON text.

import zlib from 'node:zlib';
import { decompress as zstdDecompress } from 'fzstd';
import { parquetMetadataAsync, parquetRead, parquetSchema, type AsyncBuffer } from 'hyparquet';
import type { Compressors, FileMetaData, ParquetParsers, SchemaElement } from 'hyparquet/src/types.js';
import { SqlError } from '../protocol/sql-error.js';
import { ValueBatchBuilder, type ValueBatch } from './value-batch.js';
import type { Position, Value } from './types.js';

/** Byte-range access to one file. */
export interface RandomAccessFile {
  readonly size: number;
  read(start: number, end: number): Promise<Uint8Array>;
}

export interface ParquetDecodeOptions {
  readonly file: string;
  /** Target column names, matched by name (exact first, then case-insensitively). */
  readonly columns?: readonly string[];
  /** `line` is the 1-based number of the first row to read. */
  readonly resume?: Position;
  readonly maxRows?: number;
  readonly signal?: AbortSignal;
}

const COMPRESSORS: Compressors = {
  GZIP: (input) => zlib.unzipSync(input),
  BROTLI: (input) => zlib.brotliDecompressSync(input),
  ZSTD: (input) => zstdDecompress(input),
};

function pad(n: number | bigint, w: number): string {
  return String(n).padStart(w, '0');
}

/** `YYYY-MM-DD HH:MM:SS[.ffffff]` (UTC) from microseconds since the epoch. */
export function formatTimestampMicros(micros: bigint): string {
  let secs = micros / 1_000_000n;
  let frac = micros % 1_000_000n;
  if (frac < 0n) {
    frac += 1_000_000n;
    secs -= 1n;
  }
  const iso = new Date(Number(secs) * 1000).toISOString(); // 2024-01-02T03:04:05.000Z
  const base = `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
  return frac === 0n ? base : `${base}.${pad(frac, 6)}`;
}

export function formatDate(days: number): string {
  return new Date(days * 86_400_000).toISOString().slice(0, 10);
}

function formatTimeMicros(micros: bigint): string {
  const secs = micros / 1_000_000n;
  const frac = micros % 1_000_000n;
  const base = `${pad(secs / 3600n, 2)}:${pad((secs / 60n) % 60n, 2)}:${pad(secs % 60n, 2)}`;
  return frac === 0n ? base : `${base}.${pad(frac, 6)}`;
}

/** A decimal's unscaled integer and scale as exact text: (-12345, 2) -> "-123.45". */
export function formatDecimal(unscaled: bigint, scale: number): string {
  const neg = unscaled < 0n;
  let digits = (neg ? -unscaled : unscaled).toString();
  if (scale > 0) {
    digits = digits.padStart(scale + 1, '0');
    digits = `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  } else if (scale < 0) digits += '0'.repeat(-scale);
  return neg ? `-${digits}` : digits;
}

function bigEndianSigned(bytes: Uint8Array): bigint {
  if (bytes.length === 0) return 0n;
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  const bits = BigInt(bytes.length * 8);
  return bytes[0]! & 0x80 ? v - (1n << bits) : v;
}

const PARSERS: Partial<ParquetParsers> = {
  timestampFromMilliseconds: (ms: bigint) => formatTimestampMicros(BigInt(ms) * 1000n),
  timestampFromMicroseconds: (us: bigint) => formatTimestampMicros(BigInt(us)),
  // MySQL keeps at most microseconds.
  timestampFromNanoseconds: (ns: bigint) => formatTimestampMicros(BigInt(ns) / 1000n),
  dateFromDays: (days: number) => formatDate(days),
  jsonFromBytes: (bytes: Uint8Array) => (bytes ? Buffer.from(bytes).toString('utf8') : bytes),
};

function jsonText(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => {
    if (typeof x === 'bigint') return x.toString();
    if (x instanceof Uint8Array) return Buffer.from(x).toString('base64');
    return x;
  });
}

type Converter = (v: unknown) => Value;

function scalar(v: unknown): Value {
  if (v === null || v === undefined) return null;
  switch (typeof v) {
    case 'string':
    case 'number':
    case 'boolean':
    case 'bigint':
      return v;
    default:
      if (v instanceof Uint8Array) return v;
      if (v instanceof Date) return formatTimestampMicros(BigInt(v.getTime()) * 1000n);
      return jsonText(v);
  }
}

/** How to turn what hyparquet yields for a top-level column into a Value. */
function converterFor(el: SchemaElement, nested: boolean, decimalScale: number | null): Converter {
  if (nested) return (v) => (v === null || v === undefined ? null : jsonText(v));
  if (decimalScale !== null) {
    return (v) => {
      if (v === null || v === undefined) return null;
      const unscaled = v instanceof Uint8Array ? bigEndianSigned(v) : BigInt(v as number | bigint);
      return formatDecimal(unscaled, decimalScale);
    };
  }
  const lt = el.logical_type;
  if (lt?.type === 'TIME' || el.converted_type === 'TIME_MILLIS' || el.converted_type === 'TIME_MICROS') {
    const unit = lt?.type === 'TIME' ? lt.unit : el.converted_type === 'TIME_MILLIS' ? 'MILLIS' : 'MICROS';
    const toMicros = unit === 'MILLIS' ? 1000n : 1n;
    return (v) => {
      if (v === null || v === undefined) return null;
      const raw = BigInt(v as number | bigint);
      return formatTimeMicros(unit === 'NANOS' ? raw / 1000n : raw * toMicros);
    };
  }
  return scalar;
}

function cantRead(file: string, e: unknown): SqlError {
  if (e instanceof SqlError) return e;
  return new SqlError('ER_LOAD_DATA_CANT_READ', `Failed to read source files. Reason: ${file}: not a readable parquet file (${(e as Error).message})`);
}

export async function* decodeParquet(input: RandomAccessFile, opts: ParquetDecodeOptions): AsyncGenerator<ValueBatch> {
  const maxRows = opts.maxRows ?? 8192;
  const signal = opts.signal;
  const file: AsyncBuffer = {
    byteLength: input.size,
    slice: async (start, end) => {
      if (signal?.aborted) throw new SqlError('ER_QUERY_INTERRUPTED', 'Query execution was interrupted');
      const b = await input.read(start, end ?? input.size);
      // A view into a larger buffer (Node's pool, a bigger read) must be copied out: hyparquet
      // takes the whole ArrayBuffer. Buffer#slice would not copy, hence the Uint8Array constructor.
      return b.byteOffset === 0 && b.byteLength === b.buffer.byteLength ? (b.buffer as ArrayBuffer) : new Uint8Array(b).buffer;
    },
  };
  let metadata: FileMetaData;
  try {
    // 64 KiB of the tail holds the footer of most files; more is read only when it is larger.
    metadata = await parquetMetadataAsync(file, { parsers: PARSERS, initialFetchSize: 64 * 1024 });
  } catch (e) {
    throw cantRead(opts.file, e);
  }

  // hyparquet would convert decimals to floats: strip the annotation from a copy of the schema so
  // the unscaled integers come through, and format them exactly ourselves.
  const decimalScale = new Map<SchemaElement, number>();
  const schema = metadata.schema.map((el) => {
    const isDecimal = el.converted_type === 'DECIMAL' || el.logical_type?.type === 'DECIMAL';
    if (!isDecimal) return el;
    const scale = el.logical_type?.type === 'DECIMAL' ? el.logical_type.scale : (el.scale ?? 0);
    const plain: SchemaElement = { ...el, converted_type: undefined, logical_type: undefined };
    decimalScale.set(plain, scale);
    return plain;
  });
  const meta: FileMetaData = { ...metadata, schema };
  const tree = parquetSchema(meta);
  const top = tree.children.map((c) => ({ name: c.element.name, element: c.element, nested: c.children.length > 0 }));
  const fileNames = top.map((c) => c.name);
  const byName = new Map<string, number>();
  fileNames.forEach((n, i) => byName.set(n, i));
  fileNames.forEach((n, i) => {
    if (!byName.has(n.toLowerCase())) byName.set(n.toLowerCase(), i);
  });
  const wanted = opts.columns ? [...opts.columns] : fileNames;
  // For each output column, the file column it comes from (or -1: not in the file, NULL).
  const source = wanted.map((n) => byName.get(n) ?? byName.get(n.toLowerCase()) ?? -1);
  const readNames = [...new Set(source.filter((i) => i >= 0).map((i) => fileNames[i]!))];
  const readIndex = new Map(readNames.map((n, i) => [n, i]));
  const converters = source.map((i) => {
    if (i < 0) return null;
    const c = top[i]!;
    return { at: readIndex.get(c.name)!, convert: converterFor(c.element, c.nested, c.nested ? null : (decimalScale.get(c.element) ?? null)) };
  });

  const builder = new ValueBatchBuilder(opts.file, wanted);
  let groupStart = 0;
  const firstRow = (opts.resume?.line ?? 1) - 1;
  let emitted = false;
  for (let g = 0; g < metadata.row_groups.length; g++) {
    const groupRows = Number(metadata.row_groups[g]!.num_rows);
    const rowStart = Math.max(groupStart, firstRow);
    const rowEnd = groupStart + groupRows;
    if (rowStart >= rowEnd || readNames.length === 0) {
      if (readNames.length === 0 && rowStart < rowEnd) {
        for (let r = rowStart; r < rowEnd; r++) builder.add(wanted.map(() => null), r + 1, -1);
      }
      groupStart = rowEnd;
      continue;
    }
    if (signal?.aborted) throw new SqlError('ER_QUERY_INTERRUPTED', 'Query execution was interrupted');
    // Column chunks as hyparquet decodes them (typed arrays for numbers): rows are built from them
    // one batch at a time, so a row group is held once, compactly, not also as row arrays.
    const chunks = readNames.map(() => [] as { rowStart: number; rowEnd: number; data: ArrayLike<unknown> }[]);
    try {
      await parquetRead({
        file,
        metadata: meta,
        columns: readNames,
        rowStart,
        rowEnd,
        utf8: false,
        parsers: PARSERS,
        compressors: COMPRESSORS,
        onChunk: (c) => {
          chunks[readIndex.get(c.columnName)!]!.push({ rowStart: c.rowStart, rowEnd: c.rowEnd, data: c.columnData as ArrayLike<unknown> });
        },
      });
    } catch (e) {
      if (e instanceof SqlError) throw e;
      // A damaged row group is reported as one error row; the other groups are still read.
      builder.error({
        file: opts.file,
        line: rowStart + 1,
        offset: -1,
        reason: `row group ${g} (rows ${rowStart + 1}-${rowEnd}): ${(e as Error).message}`,
        raw: '',
      });
      groupStart = rowEnd;
      continue;
    }
    for (const list of chunks) list.sort((a, b) => a.rowStart - b.rowStart);
    const cursor = chunks.map(() => 0);
    const valueAt = (col: number, row: number): unknown => {
      const list = chunks[col]!;
      let i = cursor[col]!;
      while (i < list.length && list[i]!.rowEnd <= row) i++;
      cursor[col] = i;
      const c = list[i];
      return c && c.rowStart <= row ? c.data[row - c.rowStart] : undefined;
    };
    for (let r = rowStart; r < rowEnd; r++) {
      const out = new Array<Value>(converters.length);
      for (let k = 0; k < converters.length; k++) {
        const c = converters[k];
        out[k] = c ? c.convert(valueAt(c.at, r)) : null;
      }
      builder.add(out, r + 1, -1);
      if (builder.pending >= maxRows) {
        emitted = true;
        yield builder.flush({ offset: -1, line: r + 2 });
      }
    }
    groupStart = rowEnd;
  }
  if (builder.pending > 0 || !emitted) yield builder.flush({ offset: -1, line: groupStart + 1 });
}
