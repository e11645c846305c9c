// Parquet through hyparquet, row group by row group and, inside a group, page by page: the footer
// and then each column chunk are fetched with bounded range reads from the source, and rows are
// built from the page each column is at (see parquet-pages.ts), so memory holds about a page per
// column, never a row group nor the file. Values are typed: ints as number (64-bit ones as
// bigint), floats, booleans, strings, binary as bytes; decimals, dates, times and timestamps as
// exact MySQL literals (hyparquet would turn decimals into floats and timestamps into millisecond
// Dates, so those conversions are ours). Nested columns (lists, maps, structs) arrive as JSON text.

import zlib from 'node:zlib';
import { decompress as zstdDecompress } from 'fzstd';
import { parquetMetadataAsync, parquetSchema, type AsyncBuffer } from 'hyparquet';
import { assembleNested } from 'hyparquet/src/assemble.js';
import { DEFAULT_PARSERS } from 'hyparquet/src/convert.js';
import { getTreePath, isFlatColumn } from 'hyparquet/src/schema.js';
import type { ColumnDecoder, ColumnMetaData, Compressors, DecodedArray, FileMetaData, ParquetParsers, RowGroup, SchemaElement, SchemaTree } from 'hyparquet/src/types.js';
import { SqlError } from '../protocol/sql-error.js';
import { ChunkBytes, ColumnChunkPages, type ReadRange } from './parquet-pages.js';
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
  /** A batch ends at this many rows or this many bytes (ValueBatchBuilder's estimate). */
  readonly maxRows?: number;
  readonly maxBytes?: number;
  /** Compressed bytes a row group's reads may hold at once (default `READ_BUDGET`). */
  readonly readBytes?: number;
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
      // hyparquet hands out views into the page: copy, or a batch would keep (and a worker's
      // postMessage would clone) the whole page buffer for each value.
      if (v instanceof Uint8Array) return v.byteLength === v.buffer.byteLength ? v : v.slice();
      if (v instanceof Date) return formatTimestampMicros(BigInt(v.getTime()) * 1000n);
      return jsonText(v);
  }
}

const orNull =
  (f: (v: unknown) => Value): Converter =>
  (v) =>
    v === null || v === undefined ? null : f(v);

/**
 * For an annotated column whose conversion is ours rather than hyparquet's, the converter of the
 * raw values. Decimals: hyparquet would make floats. Dates and timestamps of top-level columns:
 * formatted as rows are built, not by hyparquet as a page is decoded, so a page is held as one
 * typed array rather than as a string per value (a 1 MiB page of timestamps: 1 MB instead of
 * ~6 MB of strings alive until the page is used up).
 */
function ownConversion(el: SchemaElement, topLeaf: boolean): Converter | null {
  const lt = el.logical_type;
  if (el.converted_type === 'DECIMAL' || lt?.type === 'DECIMAL') {
    const scale = lt?.type === 'DECIMAL' ? lt.scale : (el.scale ?? 0);
    return orNull((v) => formatDecimal(v instanceof Uint8Array ? bigEndianSigned(v) : BigInt(v as number | bigint), scale));
  }
  if (!topLeaf) return null;
  // The same tests, in the same order, as hyparquet's convert().
  if (el.type === 'INT32' && (el.converted_type === 'DATE' || (el.converted_type === undefined && lt?.type === 'DATE'))) {
    return orNull((v) => formatDate(v as number));
  }
  if (el.type !== 'INT64') return null;
  const unit =
    el.converted_type === 'TIMESTAMP_MILLIS' ? 'MILLIS' : el.converted_type === 'TIMESTAMP_MICROS' ? 'MICROS' : el.converted_type === undefined && lt?.type === 'TIMESTAMP' ? lt.unit : null;
  switch (unit) {
    case null:
      return null;
    case 'MILLIS':
      return orNull((v) => formatTimestampMicros(BigInt(v as bigint) * 1000n));
    case 'MICROS':
      return orNull((v) => formatTimestampMicros(BigInt(v as bigint)));
    case 'NANOS':
      // MySQL keeps at most microseconds.
      return orNull((v) => formatTimestampMicros(BigInt(v as bigint) / 1000n));
    default: {
      const never: never = unit;
      throw new Error(`unhandled time unit ${String(never)}`);
    }
  }
}

/** How to turn what hyparquet yields for a top-level column into a Value. */
function converterFor(el: SchemaElement, nested: boolean, own: Converter | undefined): Converter {
  if (nested) return orNull(jsonText);
  if (own) return own;
  const lt = el.logical_type;
  if (lt?.type === 'TIME' || el.converted_type === 'TIME_MILLIS' || el.converted_type === 'TIME_MICROS') {
    const unit = lt?.type === 'TIME' ? lt.unit : el.converted_type === 'TIME_MILLIS' ? 'MILLIS' : 'MICROS';
    const toMicros = unit === 'MILLIS' ? 1000n : 1n;
    return orNull((v) => {
      const raw = BigInt(v as number | bigint);
      return formatTimeMicros(unit === 'NANOS' ? raw / 1000n : raw * toMicros);
    });
  }
  return scalar;
}

function cantRead(file: string, e: unknown): SqlError {
  if (e instanceof SqlError) return e;
  return new SqlError('ER_LOAD_DATA_CANT_READ', `Failed to read source files. Reason: ${file}: not a readable parquet file (${(e as Error).message})`);
}

/**
 * Compressed bytes a row group's reads may hold at once, shared among its column chunks: each
 * chunk is read in blocks of this divided by the number of chunks read (64 KiB at least), plus
 * one block read ahead. A chunk that fits in one block is read whole, and neighbouring ones
 * together (gaps up to 8 KiB, reads up to 2 MiB, as hyparquet coalesces), so a file of small
 * row groups takes as few range reads as before. 4 MiB: the read bench's 6-column file with one
 * 1M-row group holds at most 15 MB of read buffers (23 MB with 8 MiB) and takes 88 range reads
 * for its 58 MB.
 */
const READ_BUDGET = 4 << 20;
const MIN_BLOCK = 64 << 10;
const COALESCE_GAP = 8 << 10;
const COALESCE_MAX = 2 << 20;

const EMPTY_VALUES: readonly unknown[] = [];

/** Rows of one top-level column, a window at a time: `data[i]` is row `start + i` of the file. */
interface ColumnFeed {
  start: number;
  end: number;
  data: ArrayLike<unknown>;
  /** Moves the window on so that it holds `row`; the rows before it are dropped. */
  advance(row: number): Promise<void>;
}

/** A flat column: a window is one page. */
class FlatFeed implements ColumnFeed {
  start: number;
  end: number;
  data: ArrayLike<unknown> = EMPTY_VALUES;

  constructor(
    private readonly pages: ColumnChunkPages,
    groupStart: number,
    private readonly name: string,
  ) {
    this.start = groupStart;
    this.end = groupStart;
  }

  async advance(row: number): Promise<void> {
    while (this.end <= row) {
      // Let the page used up go before the next is decoded.
      this.data = EMPTY_VALUES;
      const page = await this.pages.next(row - this.end);
      if (!page) throw new Error(`column ${this.name} ends after row ${this.end}`);
      this.start = this.end;
      this.data = page.data ?? EMPTY_VALUES;
      this.end = this.start + (page.data ? page.data.length : page.rows);
    }
  }
}

interface NestedLeaf {
  readonly pages: ColumnChunkPages;
  readonly path: string;
  /** Rows from `base` on; the last may continue on the next page until the chunk is done. */
  out: unknown[];
  base: number;
  done: boolean;
}

function completeRows(leaf: NestedLeaf): number {
  return leaf.done ? leaf.out.length : Math.max(0, leaf.out.length - 1);
}

/**
 * A nested column (list, map, struct, or a repeated field): its leaf columns are read page by
 * page, and the rows all of them have complete are assembled into values by hyparquet.
 */
class NestedFeed implements ColumnFeed {
  start: number;
  end: number;
  data: ArrayLike<unknown> = EMPTY_VALUES;

  constructor(
    private readonly node: SchemaTree,
    private readonly leaves: NestedLeaf[],
    groupStart: number,
    private readonly parsers: ParquetParsers,
  ) {
    this.start = groupStart;
    this.end = groupStart;
  }

  async advance(row: number): Promise<void> {
    this.data = EMPTY_VALUES;
    for (const leaf of this.leaves) {
      for (;;) {
        const drop = Math.min(row - leaf.base, completeRows(leaf));
        if (drop > 0) {
          leaf.out.splice(0, drop);
          leaf.base += drop;
        }
        if (leaf.base + completeRows(leaf) > row) break;
        if (leaf.done) throw new Error(`column ${leaf.path} ends after row ${leaf.base + leaf.out.length}`);
        const page = await leaf.pages.next(0, leaf.out);
        if (!page) leaf.done = true;
        else if (page.data !== leaf.out) {
          for (let i = 0; i < page.data!.length; i++) leaf.out.push(page.data![i]);
        }
      }
    }
    let end = Infinity;
    for (const leaf of this.leaves) end = Math.min(end, leaf.base + completeRows(leaf));
    const n = end - row;
    if (this.node.children.length > 0) {
      const parts = new Map<string, DecodedArray>(this.leaves.map((l) => [l.path, l.out.slice(0, n)]));
      assembleNested(parts, this.node, this.parsers);
      this.data = parts.get(this.node.element.name) ?? EMPTY_VALUES;
    } else this.data = this.leaves[0]!.out.slice(0, n);
    for (const leaf of this.leaves) {
      leaf.out.splice(0, n);
      leaf.base += n;
    }
    this.start = row;
    this.end = end;
  }
}

function chunkMeta(rg: RowGroup, top: string): ColumnMetaData[] {
  const out: ColumnMetaData[] = [];
  for (const chunk of rg.columns) {
    const meta = chunk.meta_data;
    if (!meta) throw new Error('parquet column metadata is undefined');
    if (meta.path_in_schema[0] !== top) continue;
    if (chunk.file_path) throw new Error('parquet file_path not supported');
    out.push(meta);
  }
  return out;
}

/** One reader per column chunk, their first reads started together. */
function openChunks(read: ReadRange, metas: readonly ColumnMetaData[], budget: number): ChunkBytes[] {
  const block = Math.max(Math.min(MIN_BLOCK, budget), Math.floor(budget / Math.max(1, metas.length)));
  const ranges = metas.map((m) => {
    const start = Number(m.dictionary_page_offset || m.data_page_offset);
    return { start, end: start + Number(m.total_compressed_size) };
  });
  const first: ({ end: number; bytes: Promise<Uint8Array> } | undefined)[] = ranges.map(() => undefined);
  let run: { start: number; end: number; members: number[] } | null = null;
  const fetchRun = (): void => {
    if (!run || run.members.length < 2) return;
    const { start, members } = run;
    const bytes = read(start, run.end);
    for (const i of members) {
      const r = ranges[i]!;
      first[i] = { end: r.end, bytes: bytes.then((b) => b.subarray(r.start - start, r.end - start)) };
    }
  };
  const order = ranges.map((_, i) => i).sort((a, b) => ranges[a]!.start - ranges[b]!.start);
  for (const i of order) {
    const r = ranges[i]!;
    const small = r.end - r.start <= block;
    if (small && run && r.start >= run.end && r.start - run.end <= COALESCE_GAP && r.end - run.start <= COALESCE_MAX) {
      run.end = r.end;
      run.members.push(i);
      continue;
    }
    fetchRun();
    run = small ? { start: r.start, end: r.end, members: [i] } : null;
  }
  fetchRun();
  return ranges.map((r, i) => new ChunkBytes(read, r.start, r.end, block, first[i]));
}

export async function* decodeParquet(input: RandomAccessFile, opts: ParquetDecodeOptions): AsyncGenerator<ValueBatch> {
  const maxRows = opts.maxRows ?? 8192;
  // As the JSON decoder: a batch of wide values is cut by size, not only by count.
  const maxBytes = opts.maxBytes ?? 1 << 20;
  const signal = opts.signal;
  const read: ReadRange = async (start, end) => {
    if (signal?.aborted) throw new SqlError('ER_QUERY_INTERRUPTED', 'Query execution was interrupted');
    return input.read(start, end);
  };
  const file: AsyncBuffer = {
    byteLength: input.size,
    slice: async (start, end) => {
      const b = await read(start, end ?? input.size);
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

  // Conversions that are ours (decimals, top-level dates and timestamps): strip the annotation
  // from a copy of the schema so hyparquet hands out the raw values, and convert them per row.
  const topLeaves = new Set(parquetSchema(metadata).children.filter((c) => c.children.length === 0).map((c) => c.element));
  const own = new Map<SchemaElement, Converter>();
  const schema = metadata.schema.map((el) => {
    const convert = ownConversion(el, topLeaves.has(el));
    if (!convert) return el;
    const plain: SchemaElement = { ...el, converted_type: undefined, logical_type: undefined };
    own.set(plain, convert);
    return plain;
  });
  const tree = parquetSchema({ ...metadata, schema });
  const parsers: ParquetParsers = { ...DEFAULT_PARSERS, ...PARSERS };
  const top = tree.children.map((c) => ({ name: c.element.name, node: c, element: c.element, nested: c.children.length > 0 }));
  const fileNames = top.map((c) => c.name);
  const byName = new Map<string, number>();
  fileNames.forEach((n, i) => byName.set(n, i));
  fileNames.forEach((n, i) => {
    if (!byName.has(n.toLowerCase())) byName.set(n.toLowerCase(), i);
  });
  const wanted = opts.columns ? [...opts.columns] : fileNames;
  // For each output column, the file column it comes from (or -1: not in the file, NULL).
  const source = wanted.map((n) => byName.get(n) ?? byName.get(n.toLowerCase()) ?? -1);
  const readColumns = [...new Set(source.filter((i) => i >= 0))];
  const readIndex = new Map(readColumns.map((c, i) => [c, i]));
  const converters = source.map((i) => {
    if (i < 0) return null;
    const c = top[i]!;
    return { at: readIndex.get(i)!, convert: converterFor(c.element, c.nested, own.get(c.element)) };
  });
  const decoderFor = (meta: ColumnMetaData): { decoder: ColumnDecoder; flat: boolean } => {
    const schemaPath = getTreePath(tree, meta.path_in_schema);
    const decoder: ColumnDecoder = {
      pathInSchema: meta.path_in_schema,
      element: schemaPath[schemaPath.length - 1]!.element,
      schemaPath,
      type: meta.type,
      codec: meta.codec,
      parsers,
      compressors: COMPRESSORS,
      utf8: false,
    };
    return { decoder, flat: isFlatColumn(schemaPath) };
  };
  /** The feeds of the columns read, in `readColumns` order. */
  const openFeeds = (rg: RowGroup, groupStart: number): ColumnFeed[] => {
    const metas = readColumns.map((i) => chunkMeta(rg, fileNames[i]!));
    const bytes = openChunks(read, metas.flat(), opts.readBytes ?? READ_BUDGET);
    let k = 0;
    return readColumns.map((i, at) => {
      const leaves = metas[at]!.map((meta) => {
        const { decoder, flat } = decoderFor(meta);
        return { pages: new ColumnChunkPages(bytes[k++]!, decoder, flat), path: meta.path_in_schema.join('.'), flat };
      });
      const only = leaves[0];
      if (!only) throw new Error(`parquet column ${fileNames[i]} has no column chunk`);
      if (leaves.length === 1 && only.flat) return new FlatFeed(only.pages, groupStart, only.path);
      return new NestedFeed(top[i]!.node, leaves.map((l) => ({ pages: l.pages, path: l.path, out: [], base: groupStart, done: false })), groupStart, parsers);
    });
  };

  const builder = new ValueBatchBuilder(opts.file, wanted);
  const width = converters.length;
  // The window of each output column's feed (held here, outside the loop, so that nothing keeps
  // a used-up page alive while the next one is read).
  const windows = converters.map(() => EMPTY_VALUES as ArrayLike<unknown>);
  const starts = converters.map(() => 0);
  const converts = converters.map((c) => c?.convert ?? null);
  let groupStart = 0;
  const firstRow = (opts.resume?.line ?? 1) - 1;
  let emitted = false;
  for (let g = 0; g < metadata.row_groups.length; g++) {
    const rg = metadata.row_groups[g]!;
    const groupEnd = groupStart + Number(rg.num_rows);
    let r = Math.max(groupStart, firstRow);
    const failed = (e: unknown): void => {
      if (e instanceof SqlError) throw e;
      // A damaged row group is reported as one error row for the rows not read; the rows before
      // the damage are kept and the other groups are still read.
      builder.error({ file: opts.file, line: r + 1, offset: -1, reason: `row group ${g} (rows ${r + 1}-${groupEnd}): ${(e as Error).message}`, raw: '' });
      r = groupEnd;
    };
    let feeds: ColumnFeed[] = [];
    if (r < groupEnd) {
      if (signal?.aborted) throw new SqlError('ER_QUERY_INTERRUPTED', 'Query execution was interrupted');
      try {
        feeds = openFeeds(rg, groupStart);
      } catch (e) {
        failed(e);
      }
    }
    while (r < groupEnd) {
      // Columns whose window is used up move on together, their reads in parallel.
      const moving = feeds.filter((f) => f.end <= r);
      if (moving.length > 0) {
        windows.fill(EMPTY_VALUES);
        try {
          await Promise.all(moving.map((f) => f.advance(r)));
        } catch (e) {
          failed(e);
          break;
        }
      }
      let until = groupEnd;
      for (const f of feeds) if (f.end < until) until = f.end;
      for (let k = 0; k < width; k++) {
        const c = converters[k];
        if (!c) continue;
        windows[k] = feeds[c.at]!.data;
        starts[k] = feeds[c.at]!.start;
      }
      for (; r < until; r++) {
        const out = new Array<Value>(width);
        for (let k = 0; k < width; k++) {
          const convert = converts[k];
          out[k] = convert ? convert(windows[k]![r - starts[k]!]) : null;
        }
        builder.add(out, r + 1, -1);
        if (builder.pending >= maxRows || builder.size >= maxBytes) {
          emitted = true;
          yield builder.flush({ offset: -1, line: r + 2 });
        }
      }
    }
    groupStart = groupEnd;
  }
  if (builder.pending > 0 || !emitted) yield builder.flush({ offset: -1, line: groupStart + 1 });
}
