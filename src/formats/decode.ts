// One object from a source to row batches: pick the format, undo compression, decode. This is
// what the worker runs, and what runs in-thread when a worker is not wanted (tests, small files).

import { pipeline } from 'node:stream';
import type { Readable } from 'node:stream';
import { SqlError } from '../protocol/sql-error.js';
import { compressionOf, decompressor, stripCompression } from '../sources/decompress.js';
import { SourceError, abortError, type ObjectInfo, type Source } from '../sources/source.js';
import { csvOptionsFrom, type CsvOptions } from './csv-options.js';
import { CsvDecoder } from './csv-decoder.js';
import { JsonDecoder, jsonLayoutFrom, type JsonLayout } from './json-decoder.js';
import { decodeParquet } from './parquet-decoder.js';
import { SqlDumpDecoder } from './sql-dump-decoder.js';
import type { ScannerLimits } from './csv-scanner.js';
import type { FormatName, Position, RowBatch } from './types.js';

export type FormatSpec =
  | { readonly format: 'csv'; readonly csv: CsvOptions }
  | { readonly format: 'json'; readonly layout: JsonLayout }
  | { readonly format: 'parquet' }
  | { readonly format: 'sql' };

export interface DecodeOptions {
  /** Target column names, for formats mapped by name (JSON, Parquet). */
  readonly columns?: readonly string[];
  /**
   * Continue a file from a batch's `end`: offset and line in the decoded stream (for Parquet, line
   * is the next row number). `columns` carries a CSV header read before.
   */
  readonly resume?: Position & { readonly columns?: readonly string[] | null };
  readonly limits?: ScannerLimits;
  readonly signal?: AbortSignal;
}

/** The format a file name suggests (compression extension ignored), or null. */
export function formatOfName(name: string): FormatName | null {
  const n = stripCompression(name.toLowerCase());
  if (/\.(csv|tsv|txt)$/.test(n)) return 'csv';
  if (/\.(json|jsonl|ndjson)$/.test(n)) return 'json';
  if (/\.parquet$/.test(n)) return 'parquet';
  if (/\.sql$/.test(n)) return 'sql';
  return null;
}

/**
 * The format spec from a statement: TiDB's FORMAT 'csv'|'sql'|'parquet' with WITH options, or Doris'
 * "format" = csv | csv_with_names | csv_with_names_and_types | json | parquet with its properties.
 */
export function formatSpecFrom(format: string | undefined, options: Readonly<Record<string, string>> = {}): FormatSpec {
  const f = (format ?? options.format ?? options.FORMAT ?? 'csv').toLowerCase();
  switch (f) {
    case 'csv':
    case 'csv_with_names':
    case 'csv_with_names_and_types':
      return { format: 'csv', csv: csvOptionsFrom({ ...options, format: f }) };
    case 'json':
      return { format: 'json', layout: jsonLayoutFrom(options) };
    case 'parquet':
      return { format: 'parquet' };
    case 'sql':
      return { format: 'sql' };
    default:
      throw new SqlError('ER_LOAD_DATA_UNSUPPORTED_FORMAT', `The FORMAT '${format ?? f}' is not supported (expected csv, json, parquet or sql)`);
  }
}

async function* skipBytes(input: AsyncIterable<Uint8Array>, n: number): AsyncGenerator<Uint8Array> {
  let left = n;
  for await (const c of input) {
    if (left >= c.length) {
      left -= c.length;
      continue;
    }
    yield left > 0 ? c.subarray(left) : c;
    left = 0;
  }
}

function readError(object: ObjectInfo, e: unknown, signal: AbortSignal | undefined): SqlError {
  if (signal?.aborted) return abortError(signal, `reading ${object.uri}`);
  if (e instanceof SqlError) return e;
  const err = e as NodeJS.ErrnoException;
  if (err.name === 'AbortError') return abortError(signal, `reading ${object.uri}`);
  return new SourceError('ER_LOAD_DATA_CANT_READ', `Failed to read source files. Reason: ${object.uri}: ${err.message}`, { uri: object.uri, cause: e });
}

/** The decoded byte stream of an object: decompressed, starting at `offset` of the decoded bytes. */
export function openDecoded(source: Source, object: ObjectInfo, offset: number, signal?: AbortSignal): AsyncIterable<Uint8Array> {
  const compression = compressionOf(object.key);
  const plain = compression === 'none';
  // Uncompressed files resume with a range read; compressed ones are decompressed from the start
  // and the bytes before the offset dropped.
  const raw = source.open(object, { ...(plain && offset > 0 ? { range: { start: offset } } : {}), ...(signal ? { signal } : {}) });
  const t = decompressor(compression);
  let stream: Readable = raw;
  if (t) stream = pipeline(raw, t, () => {});
  return !plain && offset > 0 ? skipBytes(stream, offset) : stream;
}

/** Decodes one object into row batches, in the calling thread. */
export async function* decodeObject(source: Source, object: ObjectInfo, spec: FormatSpec, opts: DecodeOptions = {}): AsyncGenerator<RowBatch> {
  const { signal } = opts;
  const file = object.uri;
  if (spec.format === 'parquet') {
    yield* decodeParquet(
      { size: object.size, read: (s, e) => source.read(object, s, e, signal) },
      { file, ...(opts.columns ? { columns: opts.columns } : {}), ...(opts.resume ? { resume: opts.resume } : {}), ...(signal ? { signal } : {}), ...(opts.limits ? { maxRows: opts.limits.maxRows, maxBytes: opts.limits.maxBytes } : {}) },
    );
    return;
  }
  const decoder = makeStreamDecoder(file, spec, opts);
  const input = openDecoded(source, object, opts.resume?.offset ?? 0, signal);
  try {
    for await (const chunk of input) {
      if (signal?.aborted) throw abortError(signal, `reading ${file}`);
      yield* decoder.push(chunk);
    }
  } catch (e) {
    throw readError(object, e, signal);
  }
  yield* decoder.finish();
}

export interface StreamDecoder {
  push(chunk: Uint8Array): RowBatch[];
  finish(): RowBatch[];
}

export function makeStreamDecoder(file: string, spec: Exclude<FormatSpec, { format: 'parquet' }>, opts: DecodeOptions): StreamDecoder {
  const limits = opts.limits;
  switch (spec.format) {
    case 'csv':
      return new CsvDecoder({ file, csv: spec.csv, ...(opts.resume ? { resume: opts.resume } : {}), ...(limits ? { limits } : {}) });
    case 'json':
      return new JsonDecoder({
        file,
        layout: spec.layout,
        ...(opts.columns ? { columns: opts.columns } : {}),
        ...(opts.resume ? { resume: opts.resume } : {}),
        ...(limits ? { maxRows: limits.maxRows, maxBytes: limits.maxBytes } : {}),
      });
    case 'sql':
      return new SqlDumpDecoder({ file, ...(opts.resume ? { resume: opts.resume } : {}), ...(limits ? { maxRows: limits.maxRows, maxBytes: limits.maxBytes } : {}) });
    default: {
      const never: never = spec;
      throw new Error(`unhandled format ${JSON.stringify(never)}`);
    }
  }
}
