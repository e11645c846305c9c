// One interface for every place data is read from (S3, a local import directory): list the
// objects a location matches in lexicographic order, and open a byte range of one as a stream.

import type { Readable } from 'node:stream';
import { SqlError, type ErrorCode } from '../protocol/sql-error.js';

export interface ObjectInfo {
  /** Where the object is, without credentials: `s3://bucket/key` or `file:///abs/path`. */
  readonly uri: string;
  /** S3 object key, or absolute local path: what `startAfter` compares against. */
  readonly key: string;
  readonly size: number;
  /** ETag as the store reports it (quotes included), or null for local files. */
  readonly etag: string | null;
  readonly lastModified: Date | null;
}

export interface ByteRange {
  readonly start: number;
  /** Exclusive end; the object's size when omitted. */
  readonly end?: number;
}

export interface ListOptions {
  /** Only objects whose key sorts after this one (Doris-style incremental discovery). */
  readonly startAfter?: string;
  readonly signal?: AbortSignal;
}

export interface OpenOptions {
  readonly range?: ByteRange;
  readonly signal?: AbortSignal;
}

export interface Source {
  readonly kind: 's3' | 'local';
  /** The location as the user wrote it, credentials removed. */
  readonly location: string;
  /** Objects matching the location, in lexicographic key order. */
  list(options?: ListOptions): AsyncIterable<ObjectInfo>;
  /** The raw (still compressed) bytes of an object or a range of it; honours backpressure. */
  open(object: ObjectInfo, options?: OpenOptions): Readable;
  /** Random access for formats that need it (Parquet footers and row groups). */
  read(object: ObjectInfo, start: number, end: number, signal?: AbortSignal): Promise<Uint8Array>;
  /** Loads what a first read needs (the S3 SDK and its client) ahead of it; optional. */
  warm?(): Promise<void>;
  /** Releases connections; the source is unusable afterwards. */
  close(): void;
}

/**
 * Where a source reports its failed requests (the daemon's metrics): 'transient' for one it
 * retries, 'permanent' for one it gives up on (a permanent error, or the retries exhausted).
 */
export interface SourceMetrics {
  sourceError(kind: 'transient' | 'permanent'): void;
}

/**
 * A reading failure the job engine can act on: an SqlError for the user, plus whether retrying
 * later might help (the source itself has already retried transient errors) and what was read.
 */
export class SourceError extends SqlError {
  readonly uri: string;
  readonly transient: boolean;

  constructor(code: ErrorCode, message: string, opts: { uri: string; transient?: boolean; cause?: unknown }) {
    super(code, message);
    this.name = 'SourceError';
    this.uri = opts.uri;
    this.transient = opts.transient ?? false;
    if (opts.cause !== undefined) (this as { cause?: unknown }).cause = opts.cause;
  }
}

export function abortError(signal: AbortSignal | undefined, what: string): SqlError {
  const reason: unknown = signal?.reason;
  if (reason instanceof SqlError) return reason;
  return new SqlError('ER_QUERY_INTERRUPTED', `Query execution was interrupted (${what})`);
}

/** Collects a stream into one buffer: for short reads such as Parquet footers. */
export async function readAll(stream: AsyncIterable<Uint8Array>, expected?: number): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let n = 0;
  for await (const c of stream) {
    parts.push(c);
    n += c.length;
  }
  if (expected !== undefined && n !== expected) throw new Error(`short read: ${n} of ${expected} bytes`);
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts, n);
}
