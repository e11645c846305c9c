// The contract between the job engine (jobs/) and the load pipeline (load/): what one load task
// is, what it reports, and how the engine learns on restart what the target already holds.
// jobs/ decides *when* and *what* to load (queue, states, batches, offsets); load/ decides *how*
// (read, decode, map, write with the ledger, atomically). Neither imports the other's internals.

import type { ColumnAssignment, Expr, ImportColumn, ImportOption, SelectItem } from '../sql/ast.js';
import { targetErrorKind, type LaneLimit } from '../targets/bulk-writer.js';

export type { LaneLimit };

/**
 * A load that failed on the target's side in a way a later attempt may not meet: the connection
 * broke (the server restarted, failed over, or could not be reached) or another transaction was
 * in the way. What such a load staged stays for the next attempt, which resumes after its last
 * committed unit.
 */
export function isTransientTargetFailure(e: unknown): boolean {
  return targetErrorKind(e) === 'transient';
}

/** Where the rows come from, as the statement said it. */
export interface SourceSpec {
  /** IMPORT INTO's location or S3()'s "uri": s3://bucket/prefix/name*.csv, file:///abs/path, /abs/path. */
  readonly uri: string;
  /** Doris S3(...) properties as written (format, column_separator, s3.endpoint, ...); {} for IMPORT INTO. */
  readonly properties: Readonly<Record<string, string>>;
  readonly format: 'csv' | 'json' | 'parquet' | 'sql';
  /** IMPORT INTO's validated WITH options; [] for the other dialects. */
  readonly importOptions: readonly ImportOption[];
}

/** How source fields become target columns. */
export type Mapping =
  /** IMPORT INTO t [(col | @var, ...)] [SET col = expr, ...]. */
  | { readonly kind: 'import'; readonly columns: readonly ImportColumn[] | null; readonly set: readonly ColumnAssignment[] }
  /** INSERT INTO t [(cols)] SELECT items FROM S3(...) [WHERE ...] (Doris, AnalyticDB over files). */
  | { readonly kind: 'select'; readonly columns: readonly string[] | null; readonly items: readonly SelectItem[]; readonly where: Expr | null }
  /** AnalyticDB INSERT INTO|OVERWRITE t [(cols)] SELECT ... over tables already in the target. */
  | { readonly kind: 'query'; readonly columns: readonly string[] | null; readonly sql: string };

export interface FileRef {
  readonly uri: string;
  /** The object key or path relative to the listing root; streaming offsets compare these. */
  readonly key: string;
  readonly size: number;
  readonly etag: string | null;
}

export interface LoadProgress {
  readonly filesDone: number;
  readonly bytesRead: number;
  readonly rowsScanned: number;
  readonly rowsLoaded: number;
  readonly rowsFiltered: number;
}

/** A source record that could not become a target row (malformed, conversion error, NOT NULL). */
export interface ErrorRow {
  readonly file: string;
  /** 1-based line for text formats; row index within the row group for Parquet. */
  readonly line: number;
  readonly reason: string;
  /** The raw record text, truncated to a few KB. */
  readonly raw: string;
}

export interface LoadRequest {
  readonly jobId: string;
  /** One-shot jobs have one task; streaming jobs one task per batch. Re-running the same task id resumes it. */
  readonly taskId: string;
  readonly database: string;
  readonly table: string;
  readonly mode: 'append' | 'overwrite';
  /**
   * 'job': readers of the table see nothing until the task finishes, then all of it (one-shot
   * IMPORT INTO / SUBMIT JOB; a shadow table published in one transaction). 'batch': the batch's
   * rows and its ledger entry commit in one target transaction (streaming).
   */
  readonly atomicity: 'job' | 'batch';
  /** IMPORT INTO refuses a non-empty target table (TiDB's rule and message). */
  readonly requireEmptyTarget: boolean;
  /** null for mapping.kind === 'query'. */
  readonly source: SourceSpec | null;
  /** The files of this task, in order (resolved with Loader.listFiles). */
  readonly files: readonly FileRef[];
  readonly mapping: Mapping;
  /** Fraction of rows that may be filtered before the task fails (max_filter_ratio), default 0. */
  readonly maxFilterRatio: number;
  /** Load parallelism (THREAD). */
  readonly threads: number;
  /** Bytes per second cap (MAX_WRITE_SPEED), or null. */
  readonly maxWriteSpeed: number | null;
  /** CHECKSUM_TABLE: compare row count and checksum of what landed with what was read. */
  readonly checksum: 'required' | 'optional' | 'off';
  readonly signal: AbortSignal;
  onProgress(progress: LoadProgress): void;
  /**
   * A unit's error rows, reported before the unit commits (so a crash cannot lose them) and
   * possibly again when the unit is re-read after a crash: rows of `range.file` below a line
   * already reported through are duplicates to skip.
   */
  onErrorRows(rows: readonly ErrorRow[], range: ErrorRowsRange): void;
}

/** How far into a file a report of error rows reaches: every error row before `nextLine`. */
export interface ErrorRowsRange {
  readonly file: string;
  readonly nextLine: number;
}

export interface LoadResult extends LoadProgress {
  /** The first error row's reason, for FirstErrorMsg / fail_msg, when any row was filtered. */
  readonly firstError: string | null;
}

/** One committed range, as recorded in the target's ledger in the same transaction as the rows. */
export interface LedgerEntry {
  readonly jobId: string;
  readonly taskId: string;
  readonly file: string;
  readonly etag: string | null;
  readonly rows: number;
  readonly committedAt: string;
  /** The entry that finished its file (a large file commits in several). */
  readonly done: boolean;
}

export interface Loader {
  /** The most lanes (THREAD) one task writes through at once, and why; undefined: no limit. */
  readonly threadLimit?: LaneLimit;
  /** The same for a task writing `table` (which may set a lower one); undefined: threadLimit. */
  threadLimitFor?(database: string, table: string): Promise<LaneLimit | undefined>;
  /** Files matching the source in lexicographic key order, after `startAfter` when given, bounded by count and bytes. */
  listFiles(source: SourceSpec, options: { startAfter?: string; maxFiles?: number; maxBytes?: number; signal: AbortSignal }): Promise<FileRef[]>;
  /**
   * Runs one task to completion. On failure or abort it throws a SqlError after leaving the
   * target as before the task ('job') or after the last committed batch ('batch').
   */
  load(request: LoadRequest): Promise<LoadResult>;
  /** The ledger's entries for a job: the truth about what is committed, read on restart. */
  committed(jobId: string): Promise<LedgerEntry[]>;
  /** Removes whatever an unfinished one-shot task left in the target (shadow tables). */
  discard(jobId: string, database: string, table: string): Promise<void>;
  /** Lets go of what it keeps warm between loads (idle decode workers). */
  close?(): Promise<void>;
}
