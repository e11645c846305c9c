// What a target offers the load pipeline for writing rows: a ledger of committed ranges kept inside
// the target (so rows and the record of them commit in one transaction), shadow tables for
// all-or-nothing jobs, and lanes that write staged rows through the target's own SQL engine.

import { createHash } from 'node:crypto';
import type { Value } from '../formats/types.js';
import type { TableDef } from './target.js';

/** The ledger table every writer keeps inside the target (embedded: in each database file). */
export const LEDGER_TABLE = '__loadwire_ledger';
/** Shadow tables of unfinished all-or-nothing tasks start with this; never shown to users. */
export const SHADOW_PREFIX = '__loadwire_shadow_';

/** One committed (or, for a shadow, staged) range of one file. */
export interface LedgerRecord {
  readonly jobId: string;
  readonly taskId: string;
  readonly table: string;
  readonly file: string;
  readonly etag: string | null;
  /** Decoded-byte offset and line where the range starts and where the next one starts. */
  readonly startOffset: number;
  readonly endOffset: number;
  readonly startLine: number;
  readonly endLine: number;
  /** The file's header (CSV with names), for resuming mid-file; null otherwise. */
  readonly header: readonly string[] | null;
  readonly rowsScanned: number;
  readonly rowsLoaded: number;
  readonly rowsFiltered: number;
  readonly bytes: number;
  /** This range ends the file. */
  readonly done: boolean;
  /**
   * CHECKSUM_TABLE's other half: per checked column (an integer column filled straight from one
   * field), the exact sum of the range's loaded values as read, in decimal; null when not recorded.
   */
  readonly sums: Readonly<Record<string, string>> | null;
  /** 'staged': in a shadow table, not yet visible; 'committed': in the target table. */
  readonly state: 'staged' | 'committed';
  readonly committedAt: string;
}

/** Rows of one batch as the mapping stages them: `width` source fields per row. */
/** Hints for StagedRows.appendValues: what the field's column stores. */
export const NUMERIC_NONE = 0;
export const NUMERIC_INTEGER = 1;
export const NUMERIC_REAL = 2;

export interface StagedRows {
  readonly count: number;
  readonly width: number;
  value(row: number, field: number): Value;
  /**
   * Appends the values of rows [from, to), row by row, to `out`: the writers' hot path, one tight
   * loop over the batch instead of a call chain per value. With `numbers`, a text field whose hint
   * is NUMERIC_INTEGER or NUMERIC_REAL and that is written as a plain decimal number of at most 15
   * digits comes as a JS number (exact: every such number is a double), anything else as text.
   */
  appendValues(from: number, to: number, out: Value[], numbers?: Uint8Array): void;
  /**
   * The rows as text of `separator`-delimited fields, each bare or in double quotes, and
   * '\n'-ended (or all '\r\n'-ended) lines, in pieces to be sent one after the other, when the
   * source's own text is exactly that and means the same to LOAD DATA ... OPTIONALLY ENCLOSED BY '"' ESCAPED BY ''
   * (no doubled quotes, escapes, line breaks in quotes, NULL or bare word NULL; every row whole
   * and in order); else null. Lets a writer pass CSV lines through without rebuilding them (or
   * joining the pieces: a copy of megabytes per write). When no field is in quotes (`quoted`
   * false), the lines also mean the same without ENCLOSED BY.
   */
  delimitedText(separator: string): DelimitedText | null;
  /** The row's line in its file, for error rows. */
  line(row: number): number;
  /** The row as written in the file (or a faithful rendering), for error rows. */
  raw(row: number): string;
}

/** StagedRows.delimitedText: the pieces, whether a field among them is in quotes, and whether lines end in '\r\n'. */
export interface DelimitedText {
  readonly pieces: readonly string[];
  readonly quoted: boolean;
  readonly crlf: boolean;
}

export interface WriteOutcome {
  readonly loaded: number;
  /** Rows the target refused (conversion, NOT NULL, range, duplicate key): index and MySQL message. */
  readonly errors: readonly { readonly row: number; readonly reason: string }[];
}

/** The mapping as MySQL text over the staged fields `__f0..`; see load/mapping.ts. */
export interface WritePlan {
  readonly width: number;
  readonly columns: readonly string[];
  readonly exprs: readonly string[];
  readonly where: string | null;
  /** Field i goes unchanged into column i and nothing is filtered: no expression to evaluate. */
  readonly direct: boolean;
}

/** Inclusive bounds of a task's key (TaskSession.windowKey) over the rows of one unit. */
export interface KeyWindow {
  readonly lo: bigint;
  readonly hi: bigint;
}

/** CHECKSUM_TABLE at publish: what the shadow must hold, as the loader read it. */
export interface PublishCheck {
  readonly expectedRows: number;
  /** Exact sums of integer columns as read ('required' compares them with the shadow's SUM()). */
  readonly sums: ReadonlyMap<string, bigint>;
  readonly checksum: 'required' | 'optional' | 'off';
  /**
   * Key windows that hold every loaded row of the task, each found to hold exactly its unit's rows
   * and sums (verifyWindow) after that unit committed; null when some rows have no verified
   * window. When they are disjoint and no row lies outside them, the shadow holds what was read
   * without being read back whole.
   */
  readonly windows: readonly KeyWindow[] | null;
}

/** TiDB's message when what landed is not what was read; null when they agree. */
export function checksumMismatch(check: PublishCheck, landedRows: number, landedSums: ReadonlyMap<string, bigint | null>): string | null {
  const parts: string[] = [];
  for (const [column, sum] of check.sums) {
    const landed = landedSums.get(column) ?? 0n;
    if (landed !== sum) parts.push(`(sum of \`${column}\`: ${landed} vs ${sum})`);
  }
  if (landedRows === check.expectedRows && parts.length === 0) return null;
  return `checksum mismatched remote vs local => ${[`(total_kvs: ${landedRows} vs ${check.expectedRows})`, ...parts].join(' ')}`;
}

export interface TaskSpec {
  readonly jobId: string;
  readonly taskId: string;
  readonly database: string;
  readonly table: string;
  /** Lanes the task would like (THREAD); the session's maxLanes says how many it got. Default 1. */
  readonly threads?: number;
  /** Ends a wait for the target's connections (a CANCEL while other tasks hold them all). */
  readonly signal?: AbortSignal;
}

/** One writing connection: rows go into the open unit, which commits with its ledger record. */
export interface WriteLane {
  /**
   * Does a write's CPU work ahead (MySQL: builds the LOAD DATA body), so that it overlaps the
   * write still in flight; pass what it returns to write(). It may also be called for each batch
   * as it is gathered, on any lane of the task: a ConcatRows of batches so prepared is then
   * joined from their work instead of doing it all at once.
   */
  prepare?(rows: StagedRows): StagedRows;
  write(rows: StagedRows, signal: AbortSignal): Promise<WriteOutcome>;
  /** Commits the unit's rows and its ledger record in one transaction. */
  commit(record: Omit<LedgerRecord, 'committedAt' | 'state' | 'jobId' | 'taskId' | 'table'>): Promise<void>;
  rollback(): Promise<void>;
  close(): Promise<void>;
}

export interface TaskSession {
  readonly def: TableDef;
  /** Lanes this target can usefully write through at once. */
  readonly maxLanes: number;
  /**
   * Source bytes worth gathering into one write: statements with a fixed cost per call (a LOAD
   * DATA round trip, its savepoint) want few large batches. Undefined: each decoded batch as it is.
   */
  readonly batchBytes?: number;
  /** This task's ledger records (staged and committed), in commit order. */
  records(): Promise<LedgerRecord[]>;
  /** Rows currently in the target table. */
  countRows(): Promise<number>;
  /**
   * An integer primary-key column whose ranges the target reads back cheaply: units then record
   * the window of it they cover, verified as they commit (verifyWindow). null: none.
   */
  readonly windowKey: string | null;
  /**
   * CHECKSUM_TABLE for one committed unit, while later ones load: whether the shadow's rows with
   * keys in `window` are exactly `rows` rows whose columns sum to `sums`. false also when it could
   * not tell; the publish then reads the shadow back whole.
   */
  verifyWindow?(window: KeyWindow, rows: number, sums: Readonly<Record<string, string>>): Promise<boolean>;
  /** Creates the shadow table (or keeps the one a crashed run left, when `reuse`); rows then go there. */
  useShadow(reuse: boolean): Promise<boolean>;
  /**
   * A writing connection. `concurrent`: other lanes write the same file beside it, so a lock it
   * waits for may be one of theirs, held until their turn to commit; it should give up soon.
   */
  lane(plan: WritePlan, options?: { readonly concurrent?: boolean }): Promise<WriteLane>;
  /**
   * Makes the shadow's rows the table's (append or replace) and marks the task's records committed,
   * in one transaction; checks the landed row count against `expectedRows` when asked.
   */
  publish(mode: 'append' | 'overwrite', check: PublishCheck): Promise<void>;
  /** INSERT ... SELECT over tables already in the target, with its ledger record, in one transaction. */
  insertQuery(columns: readonly string[] | null, sql: string, mode: 'append' | 'overwrite'): Promise<number>;
  dropShadow(): Promise<void>;
  close(): Promise<void>;
}

export interface LaneLimit {
  readonly max: number;
  readonly why: string;
}

export interface BulkWriter {
  /** The most lanes one task writes through at once (THREAD above it is lowered to it), and why. */
  readonly laneLimit: LaneLimit;
  /** The same for a task writing `table`, when the table itself sets a lower one (openTask applies it). */
  laneLimitFor?(database: string, table: string): Promise<LaneLimit>;
  /**
   * Whether inserting rows costs this process's main thread (an embedded database) rather than a
   * server's CPU: decoding then goes to a worker thread, beside the inserts.
   */
  readonly insertsInProcess: boolean;
  openTask(spec: TaskSpec): Promise<TaskSession>;
  /** Committed records of a job, in every database the writer knows. */
  committed(jobId: string): Promise<LedgerRecord[]>;
  /** Drops a job's shadow table and its staged records. */
  discard(jobId: string, database: string, table: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * Target errors a later attempt may not meet: the connection broke or another transaction was in
 * the way. Anything else (schema, data, privileges, checksum) fails the same way again.
 */
const TRANSIENT_TARGET_ERRNOS = new Set([
  1040, // ER_CON_COUNT_ERROR
  1053, // ER_SERVER_SHUTDOWN
  1158, // ER_NET_READ_ERROR (also what a lost target connection is reported as)
  1159, // ER_NET_READ_INTERRUPTED
  1160, // ER_NET_ERROR_ON_WRITE
  1161, // ER_NET_WRITE_INTERRUPTED
  1205, // ER_LOCK_WAIT_TIMEOUT
  1213, // ER_LOCK_DEADLOCK
  2006, // CR_SERVER_GONE_ERROR
  2013, // CR_SERVER_LOST
]);
/** Driver error codes of the same kind (mysql2, Node sockets, better-sqlite3). */
const TRANSIENT_TARGET_CODES = new Set(['PROTOCOL_CONNECTION_LOST', 'ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'SQLITE_BUSY', 'SQLITE_LOCKED']);
const ER_QUERY_INTERRUPTED = 1317;
const ER_LOCK_WAIT_TIMEOUT = 1205;
const ER_LOCK_DEADLOCK = 1213;

/** Another transaction held a lock the statement needed: the statement (or, deadlocked, the transaction) was undone. */
export function isLockConflict(e: unknown): boolean {
  const errno = (e as { errno?: unknown } | null)?.errno;
  return errno === ER_LOCK_WAIT_TIMEOUT || errno === ER_LOCK_DEADLOCK;
}

/** How a target failure counts: transient, permanent, or not a failure at all (an abort interrupted it). */
export function targetErrorKind(e: unknown): 'transient' | 'permanent' | null {
  const { errno, code } = (e ?? {}) as { errno?: unknown; code?: unknown };
  if (errno === ER_QUERY_INTERRUPTED) return null;
  if (typeof errno === 'number' && TRANSIENT_TARGET_ERRNOS.has(errno)) return 'transient';
  if (typeof code === 'string' && TRANSIENT_TARGET_CODES.has(code)) return 'transient';
  return 'permanent';
}

/** The shadow table of a job's task into a table: stable across restarts, so a rerun finds it. */
export function shadowName(jobId: string, table: string): string {
  return `${SHADOW_PREFIX}${createHash('sha1').update(`${jobId}\0${table.toLowerCase()}`).digest('hex').slice(0, 16)}`;
}

/** Rows [from, to) of `rows`, as rows of their own (for retrying part of a batch). */
export function sliceRows(rows: StagedRows, from: number, to: number): StagedRows {
  return {
    count: to - from,
    width: rows.width,
    value: (row, field) => rows.value(from + row, field),
    appendValues: (a, b, out, numbers) => rows.appendValues(from + a, from + b, out, numbers),
    delimitedText: () => null,
    line: (row) => rows.line(from + row),
    raw: (row) => rows.raw(from + row),
  };
}

/** Several batches' rows as one, in order. */
export class ConcatRows implements StagedRows {
  readonly count: number;
  readonly width: number;
  /** starts[i]: index of parts[i]'s first row. */
  private readonly starts: number[] = [];

  constructor(readonly parts: readonly StagedRows[]) {
    let n = 0;
    for (const p of parts) {
      this.starts.push(n);
      n += p.count;
    }
    this.count = n;
    this.width = parts[0]?.width ?? 0;
  }

  /** The part holding `row`. */
  private part(row: number): number {
    let lo = 0;
    let hi = this.parts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= row) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  value(row: number, field: number): Value {
    const i = this.part(row);
    return this.parts[i]!.value(row - this.starts[i]!, field);
  }

  appendValues(from: number, to: number, out: Value[], numbers?: Uint8Array): void {
    for (let i = this.part(from); i < this.parts.length && this.starts[i]! < to; i++) {
      const start = this.starts[i]!;
      const p = this.parts[i]!;
      p.appendValues(Math.max(from - start, 0), Math.min(to - start, p.count), out, numbers);
    }
  }

  delimitedText(separator: string): DelimitedText | null {
    const pieces: string[] = [];
    let quoted = false;
    let crlf: boolean | null = null;
    for (const p of this.parts) {
      if (p.count === 0) continue;
      const t = p.delimitedText(separator);
      if (t === null || (crlf !== null && t.crlf !== crlf)) return null;
      pieces.push(...t.pieces);
      quoted ||= t.quoted;
      crlf = t.crlf;
    }
    return pieces.length === 0 ? null : { pieces, quoted, crlf: crlf === true };
  }

  line(row: number): number {
    const i = this.part(row);
    return this.parts[i]!.line(row - this.starts[i]!);
  }

  raw(row: number): string {
    const i = this.part(row);
    return this.parts[i]!.raw(row - this.starts[i]!);
  }
}
