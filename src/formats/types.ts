// What every decoder produces: batches of rows, each row with its place in the file, and error rows
// for records that could not be decoded. The job's filter ratio decides on error rows (never a
// silent drop); the batch's end position is where a resumed read continues.

/**
 * A decoded value. Text formats (CSV, SQL dump) produce `string | null`; typed formats add numbers,
 * bigints (64-bit integers and JSON integers beyond 2^53), booleans and bytes. Decimals, dates and
 * timestamps arrive as strings in MySQL literal form so no precision is lost on the way to the target.
 */
export type Value = string | number | bigint | boolean | Uint8Array | null;

/** A record that could not be decoded: where it is, why, and what it looked like. */
export interface ErrorRow {
  readonly file: string;
  /** 1-based physical line of the record start (text formats) or row index in the file (Parquet). */
  readonly line: number;
  /** Byte offset of the record start in the decoded byte stream, or -1 when not meaningful. */
  readonly offset: number;
  readonly reason: string;
  /** The record as written, truncated to `MAX_RAW_CHARS`. */
  readonly raw: string;
}

/** Raw text kept in an error row is capped so one bad multi-megabyte record cannot bloat memory. */
export const MAX_RAW_CHARS = 1024;

/** Where a read stands: enough to resume a file after the last row handed out. */
export interface Position {
  /** Byte offset in the decoded (decompressed) stream just after the last record. */
  readonly offset: number;
  /** Physical line number the next record starts on (1-based), or next row index for Parquet. */
  readonly line: number;
}

export interface RowBatch {
  readonly file: string;
  /** Column names when the format carries them (JSON, Parquet, CSV with a header), else null. */
  readonly columns: readonly string[] | null;
  /** Number of rows. */
  readonly length: number;
  readonly errors: readonly ErrorRow[];
  /** Approximate in-memory size, the unit batches are bounded in. */
  readonly byteSize: number;
  /** Resume point after this batch (after its rows and its error rows). */
  readonly end: Position;
  fieldCount(row: number): number;
  value(row: number, field: number): Value;
  row(row: number): Value[];
  line(row: number): number;
  offset(row: number): number;
}

export function truncateRaw(raw: string): string {
  return raw.length > MAX_RAW_CHARS ? `${raw.slice(0, MAX_RAW_CHARS)}...` : raw;
}

/** The formats loadwire reads; names as TiDB's FORMAT and Doris' "format" spell them. */
export const FORMATS = ['csv', 'json', 'parquet', 'sql'] as const;
export type FormatName = (typeof FORMATS)[number];
