// The load pipeline: source → decode (in a worker thread) → mapping → target writer, with the
// ledger making every commit exactly-once and a shadow table making one-shot tasks all-or-nothing.
// Memory is bounded end to end: the decode worker posts at most `credits` batches of ~1 MiB ahead,
// a unit of work commits every `commitBytes` of decoded input, and nothing reads ahead of the writer.

import { availableParallelism } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { SqlError, isSqlError } from '../protocol/sql-error.js';
import { createSource, type SourceConfig } from '../sources/create-source.js';
import { SourceError, abortError, type ObjectInfo, type Source } from '../sources/source.js';
import { decodeObject, formatSpecFrom, type DecodeOptions, type FormatSpec } from '../formats/decode.js';
import { DecodeWorker } from '../formats/worker-decoder.js';
import { truncateRaw, type RowBatch, type Value } from '../formats/types.js';
import { FIELD_IN_EXTRA, FIELD_IN_TEXT, FIELD_NULL, TextBatch, type TextBatchData } from '../formats/text-batch.js';
import { ConcatRows, NUMERIC_INTEGER, NUMERIC_NONE, isLockConflict, targetErrorKind, type BulkWriter, type DelimitedText, type KeyWindow, type LaneLimit, type LedgerRecord, type StagedRows, type TaskSession, type WriteLane, type WriteOutcome, type WritePlan } from '../targets/bulk-writer.js';
import { plainNumber } from './plain-number.js';
import type { LoadMetrics } from '../ops/metrics.js';
import { isTransientTargetFailure, type ErrorRow, type FileRef, type LedgerEntry, type LoadProgress, type LoadRequest, type LoadResult, type Loader, type SourceSpec } from './contract.js';
import { FIELD_PREFIX, bindFields, planMapping, planSql, type MappingPlan } from './mapping.js';
import type { TableDef } from '../targets/target.js';
import { isIntegerType } from '../targets/mysql-types.js';

export interface LoaderOptions {
  /** The target's bulk writer (embedded or mysql). */
  readonly writer: BulkWriter;
  /** Where sources may read: import directory and S3 defaults. */
  readonly sources: SourceConfig;
  /** Decode in worker threads: always, never, or where a worker pays off ('auto', the default: decodesInWorker). */
  readonly decodeInWorker?: boolean | 'auto';
  /** Decoded bytes per commit (default 8 MiB): the unit of resumption and of memory held by a writer. */
  readonly commitBytes?: number;
  /** Counts source (S3) and target errors; also used by the sources unless `sources.metrics` is set. */
  readonly metrics?: Pick<LoadMetrics, 'sourceError' | 'targetError'>;
  /**
   * Start a decode worker at once and always keep one idle (the daemon, ≈ 20 MB; 30 MB once it
   * has read from S3), where CSV is decoded in a worker (decodesInWorker): a load then starts
   * without waiting for a worker thread to load (≈ 70 ms here) and the S3 SDK to load in it
   * (≈ 100 ms), which a cold start put before the first write.
   */
  readonly warmWorker?: boolean;
}

const DEFAULT_COMMIT_BYTES = 8 * 1024 * 1024;
/** Source bytes of a file's first write when writes are gathered (TaskSession.batchBytes). */
const FIRST_WRITE_BYTES = 512 * 1024;

/**
 * Whether a load decodes in a worker thread ('auto'). A worker decodes beside the main thread,
 * which pays off when that thread has work of its own (an embedded target inserts there), when
 * decoding is the slow side (JSON, Parquet and SQL dumps decode at ≈ 200 k rows/s, below what a
 * server ingests), or when cores are spare. Not so for CSV into a server on 2 cores: the worker
 * is a third busy thread beside the main one and the target's, and handing its batches over costs
 * CPU of its own. Measured on 2 cores, 4 M rows from s3rver into mariadbd in alternating rounds:
 * loadwire's CPU 2.2–2.9 s in-thread against 3.1–3.5 s with the worker, and mariadbd's loading
 * thread waiting for a core ≈ 0.8 s against ≈ 1.2 s; the load's own time 8–10% better in one set
 * of rounds, within this VM's noise in two others.
 */
export function decodesInWorker(mode: boolean | 'auto', format: FormatSpec['format'], insertsInProcess: boolean, cores: number): boolean {
  if (mode !== 'auto') return mode;
  return insertsInProcess || format !== 'csv' || cores > 2;
}
/** Idle decode workers kept warm, and for how long. */
const MAX_IDLE_WORKERS = 2;
const WORKER_IDLE_MS = 30_000;

/** TiDB's answer when IMPORT INTO meets a table that already has rows. */
export function tableNotEmptyError(): SqlError {
  return new SqlError('ER_TABLE_NOT_EMPTY', 'PreCheck failed: target table is not empty');
}

function asSqlError(e: unknown): SqlError {
  if (isSqlError(e)) return e;
  return new SqlError('ER_UNKNOWN_ERROR', e instanceof Error ? e.message : String(e));
}

/** Statement options as the format layer reads them: IMPORT INTO's WITH options and S3() properties. */
export function formatOf(source: SourceSpec): FormatSpec {
  const options: Record<string, string> = { ...source.properties };
  for (const o of source.importOptions) options[o.name] = o.value === true ? 'true' : String(o.value);
  return formatSpecFrom(source.properties.format ?? source.format, options);
}

function rawOf(batch: RowBatch, row: number): string {
  return truncateRaw(batch.row(row).map((v) => (v === null ? '\\N' : v instanceof Uint8Array ? Buffer.from(v).toString('utf8') : String(v))).join(','));
}

const PLAIN_INTEGER = /^[+-]?\d{1,18}$/;
const QUOTE = 0x22;
const CR = 0x0d;

/** A value as the integer the target stores for it, when it is a plain one (sign, up to 18 digits); else null. */
function integerOf(v: Value): number | bigint | null {
  if (typeof v === 'number') return Number.isSafeInteger(v) ? v : null;
  if (typeof v === 'bigint') return v;
  return typeof v === 'string' && PLAIN_INTEGER.test(v) ? BigInt(v) : null;
}

/** A batch's rows that have every positional field the mapping needs, as the writer stages them. */
class BatchRows implements StagedRows {
  readonly count: number;
  readonly width: number;
  private readonly text: TextBatchData | null;
  constructor(private readonly batch: RowBatch, private readonly positions: readonly number[], private readonly rows: Int32Array) {
    this.count = rows.length;
    this.width = positions.length;
    this.text = batch instanceof TextBatch ? batch.data : null;
  }
  value(row: number, field: number): Value {
    const p = this.positions[field]!;
    const r = this.rows[row]!;
    return p < 0 || p >= this.batch.fieldCount(r) ? null : this.batch.value(r, p);
  }
  appendValues(from: number, to: number, out: Value[], numbers?: Uint8Array): void {
    const d = this.text;
    const w = this.width;
    if (d === null) {
      for (let r = from; r < to; r++) for (let f = 0; f < w; f++) out.push(this.value(r, f));
      return;
    }
    // Text batches: straight from the flat arrays. In the embedded write bench (500 k rows) the
    // call chain per value (value → batch.value → field) cost more than SQLite's own binding.
    const { rowEnds, starts, ends, flags, text, extra } = d;
    const positions = this.positions;
    for (let i = from; i < to; i++) {
      const r = this.rows[i]!;
      const first = r === 0 ? 0 : rowEnds[r - 1]!;
      const n = rowEnds[r]! - first;
      for (let f = 0; f < w; f++) {
        const p = positions[f]!;
        if (p < 0 || p >= n) {
          out.push(null);
          continue;
        }
        const k = first + p;
        const flag = flags[k];
        if (flag === FIELD_NULL) out.push(null);
        else if (flag === FIELD_IN_TEXT && numbers !== undefined && numbers[f] !== NUMERIC_NONE) out.push(plainNumber(text, starts[k]!, ends[k]!, numbers[f]!));
        else out.push((flag === FIELD_IN_EXTRA ? extra : text).slice(starts[k], ends[k]));
      }
    }
  }
  delimitedText(separator: string): DelimitedText | null {
    const d = this.text;
    const w = this.width;
    if (d === null || this.count === 0 || w === 0 || separator.length !== 1) return null;
    for (let f = 0; f < w; f++) if (this.positions[f] !== f) return null;
    const { rowEnds, starts, ends, flags, text } = d;
    const r0 = this.rows[0]!;
    if (d.asWritten?.separator === separator) {
      // The scanner vouches for the text: only which rows and how many fields each remain to check.
      let prev = r0 === 0 ? 0 : rowEnds[r0 - 1]!;
      for (let i = 0; i < this.count; i++) {
        const r = this.rows[i]!;
        if (r !== r0 + i || rowEnds[r]! - prev !== w) return null;
        prev = rowEnds[r]!;
      }
      const crlf = d.asWritten.crlf;
      // A quoted first or last field starts or ends at its quote, outside the field's own text.
      const first = starts[r0 === 0 ? 0 : rowEnds[r0 - 1]!]!;
      const last = ends[prev - 1]! + (d.asWritten.quoted && text.charCodeAt(ends[prev - 1]!) === QUOTE ? 1 : 0);
      const start = first - (d.asWritten.quoted && text.charCodeAt(first - 1) === QUOTE ? 1 : 0);
      return { pieces: [`${text.slice(start, last)}${crlf ? '\r\n' : '\n'}`], quoted: d.asWritten.quoted, crlf };
    }
    const sep = separator.charCodeAt(0);
    let k = r0 === 0 ? 0 : rowEnds[r0 - 1]!;
    // Where the field just checked ends as written (after its closing quote), and the first starts.
    let first = -1;
    let end = -1;
    let lineBreak = -1;
    let quoted = false;
    // Lines end in '\r\n' (the decoder left the '\r' out of the last field), or '\n'; one or the other.
    let crlf: boolean | null = null;
    for (let i = 0; i < this.count; i++) {
      const r = this.rows[i]!;
      if (r !== r0 + i || rowEnds[r]! - k !== w) return null;
      for (let f = 0; f < w; f++, k++) {
        // Fields the decoder had to rewrite (doubled quotes, escapes) or NULL are not as written.
        if (flags[k] !== FIELD_IN_TEXT) return null;
        let s = starts[k]!;
        let e = ends[k]!;
        if (text.charCodeAt(s - 1) === QUOTE) {
          if (text.charCodeAt(e) !== QUOTE) return null;
          // A line break inside quotes: the server would read it as data too, but not worth the doubt.
          if (lineBreak < s) lineBreak = text.indexOf('\n', s) >>> 0;
          if (lineBreak < e) return null;
          s--;
          e++;
          quoted = true;
        } else if (text.charCodeAt(s) === QUOTE || (e - s === 4 && text.startsWith('NULL', s))) {
          // A quote the decoder took as a character; the word NULL, which the server reads as NULL
          // in an unquoted field once ENCLOSED BY is given.
          return null;
        }
        // Each field right after one separator, each row right after its line's end.
        if (first < 0) first = s;
        else if (f > 0) {
          if (s !== end + 1 || text.charCodeAt(end) !== sep) return null;
        } else {
          const cr = text.charCodeAt(end) === CR;
          if ((crlf !== null && cr !== crlf) || s !== end + (cr ? 2 : 1) || text.charCodeAt(cr ? end + 1 : end) !== 10) return null;
          crlf = cr;
        }
        end = e;
      }
    }
    // One row: its line's own end says which.
    crlf ??= text.charCodeAt(end) === CR && text.charCodeAt(end + 1) === 10;
    return { pieces: [`${text.slice(first, end)}${crlf ? '\r\n' : '\n'}`], quoted, crlf };
  }
  /**
   * The exact sum of `field` over the rows, except those whose index plus `base` is in `skip`;
   * NULLs count as nothing (as in SQL's SUM). null when a value is not a plain integer (sign and
   * up to 18 digits): the target may store another number for it (rounded, converted), so the
   * column cannot be checked. `bounds`, when given, is widened to the values summed.
   */
  integerSum(field: number, skip: ReadonlySet<number> | null, base: number, bounds?: Bounds): bigint | null {
    const d = this.text;
    let small = 0;
    let big = 0n;
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < this.count; i++) {
      if (skip?.has(base + i)) continue;
      let v: Value;
      if (d === null) v = this.value(i, field);
      else {
        const p = this.positions[field]!;
        const r = this.rows[i]!;
        const first = r === 0 ? 0 : d.rowEnds[r - 1]!;
        if (p < 0 || p >= d.rowEnds[r]! - first) continue;
        const k = first + p;
        const flag = d.flags[k];
        if (flag === FIELD_NULL) continue;
        if (flag === FIELD_IN_TEXT) {
          // The usual value (up to 15 digits, no sign or leading zero) read here, without a call:
          // this loop runs for every checked field of every row.
          const text = d.text;
          const s = d.starts[k]!;
          const e = d.ends[k]!;
          let n = 0;
          let j = s;
          for (; j < e; j++) {
            const c = text.charCodeAt(j) - 48;
            if (c < 0 || c > 9) break;
            n = n * 10 + c;
          }
          if (j === e && e > s && e - s <= 15 && (e - s === 1 || text.charCodeAt(s) !== 48)) {
            small += n;
            if (n < lo) lo = n;
            if (n > hi) hi = n;
            if (small > 2 ** 52) {
              big += BigInt(small);
              small = 0;
            }
            continue;
          }
        }
        // Up to 15 digits come as numbers without a string made; longer ones as their text.
        v = flag === FIELD_IN_TEXT ? plainNumber(d.text, d.starts[k]!, d.ends[k]!, NUMERIC_INTEGER) : d.extra.slice(d.starts[k], d.ends[k]);
      }
      if (v === null) continue;
      const n = integerOf(v);
      if (n === null) return null;
      if (typeof n === 'bigint' || n >= 1e15 || n <= -1e15) {
        big += BigInt(n);
        bounds?.widen(BigInt(n));
      } else {
        small += n;
        if (n < lo) lo = n;
        if (n > hi) hi = n;
      }
      // Every small value is below 1e15: the running sum stays exact as a double until here.
      if (small > 2 ** 52 || small < -(2 ** 52)) {
        big += BigInt(small);
        small = 0;
      }
    }
    if (bounds && lo <= hi) {
      bounds.widen(BigInt(lo));
      bounds.widen(BigInt(hi));
    }
    return big + BigInt(small);
  }
  line(row: number): number {
    return this.batch.line(this.rows[row]!);
  }
  raw(row: number): string {
    return rawOf(this.batch, this.rows[row]!);
  }
  sourceRow(row: number): number {
    return this.rows[row]!;
  }
}

interface Totals {
  filesDone: number;
  bytesRead: number;
  rowsScanned: number;
  rowsLoaded: number;
  rowsFiltered: number;
  firstError: string | null;
}

/** A column CHECKSUM_TABLE can compare: an integer column filled straight from one staged field. */
interface CheckedColumn {
  readonly column: string;
  readonly field: number;
}

function checkedColumns(plan: MappingPlan, def: TableDef): CheckedColumn[] {
  // Rows a WHERE drops are neither loaded nor error rows: their values would be in the sums.
  if (plan.where !== null) return [];
  const out: CheckedColumn[] = [];
  plan.columns.forEach((column, i) => {
    const e = plan.exprs[i];
    const type = def.columns.find((c) => c.name.toLowerCase() === column.toLowerCase())?.type ?? '';
    if (e?.kind === 'column' && e.name.startsWith(FIELD_PREFIX) && isIntegerType(type)) out.push({ column, field: Number(e.name.slice(FIELD_PREFIX.length)) });
  });
  return out;
}

/** The least and greatest of some integers; empty until widened. */
class Bounds {
  lo: bigint | null = null;
  hi: bigint | null = null;
  widen(v: bigint): void {
    if (this.lo === null || v < this.lo) this.lo = v;
    if (this.hi === null || v > this.hi) this.hi = v;
  }
  add(other: Bounds): void {
    if (other.lo !== null) this.widen(other.lo);
    if (other.hi !== null) this.widen(other.hi);
  }
  get window(): KeyWindow | null {
    return this.lo === null || this.hi === null ? null : { lo: this.lo, hi: this.hi };
  }
}

/**
 * CHECKSUM_TABLE ahead of the publish, for targets that read key ranges back cheaply
 * (TaskSession.windowKey): each committed unit's window of the key is read back on a side
 * connection while later units load, from pages the load just wrote; the publish then only checks
 * that the windows account for the whole shadow. On a 1 GB load into MariaDB, reading the shadow
 * back whole after the load took ≈ 6 s of ≈ 100 s. Any doubt (a unit without a window, rows
 * committed by an earlier run, a window that does not match) leaves the publish to read it all.
 */
class WindowChecks {
  private readonly verified: KeyWindow[] = [];
  private chain: Promise<void> = Promise.resolve();
  private complete = true;

  /** `key`: the checked column that is the session's window key. */
  constructor(private readonly session: TaskSession & Required<Pick<TaskSession, 'verifyWindow'>>, readonly key: CheckedColumn) {}

  /** Rows were committed that no verified window will hold. */
  miss(): void {
    this.complete = false;
  }

  /** A unit committed `rows` rows with keys in `window` (null: not all integers) and these sums. */
  committed(window: KeyWindow | null, rows: number, sums: Readonly<Record<string, string>>): void {
    if (rows === 0 || !this.complete) return;
    if (window === null) {
      this.miss();
      return;
    }
    this.chain = this.chain.then(async () => {
      if (!this.complete) return;
      if (await this.session.verifyWindow(window, rows, sums)) this.verified.push(window);
      else this.miss();
    });
  }

  /** The verified windows once every check is done; null when they do not hold every row. */
  async windows(): Promise<KeyWindow[] | null> {
    await this.chain;
    return this.complete ? this.verified : null;
  }
}

/** CHECKSUM_TABLE's sums of a task: per checked column, the exact sum of its loaded values as read. */
class Sums {
  columns: readonly CheckedColumn[] = [];
  private readonly totals = new Map<string, bigint>();
  /** Columns with a value that was not a plain integer, or a range recorded without sums. */
  private readonly unverified = new Set<string>();

  add(sums: Readonly<Record<string, string>> | null): void {
    for (const { column } of this.columns) {
      const v = sums?.[column];
      if (v === undefined) this.unverified.add(column);
      else this.totals.set(column, (this.totals.get(column) ?? 0n) + BigInt(v));
    }
  }

  expected(): Map<string, bigint> {
    return new Map(this.columns.filter((c) => !this.unverified.has(c.column)).map((c) => [c.column, this.totals.get(c.column) ?? 0n]));
  }
}

/** Window checks for a task whose target offers them and whose key is a checked column; else null. */
function windowChecks(session: TaskSession, columns: readonly CheckedColumn[], records: readonly LedgerRecord[]): WindowChecks | null {
  const key = session.windowKey?.toLowerCase();
  const checked = columns.find((c) => c.column.toLowerCase() === key);
  if (!session.verifyWindow || checked === undefined) return null;
  const checks = new WindowChecks(session as TaskSession & Required<Pick<TaskSession, 'verifyWindow'>>, checked);
  // Rows an earlier run committed have no window on record.
  if (records.some((r) => r.rowsLoaded > 0)) checks.miss();
  return checks;
}

function ratioExceeded(t: Totals, max: number): boolean {
  const total = t.rowsLoaded + t.rowsFiltered;
  return t.rowsFiltered > 0 && total > 0 && t.rowsFiltered / total > max;
}

function tooManyFiltered(t: Totals): SqlError {
  return new SqlError('ER_TOO_MANY_FILTERED_ROWS', t.firstError ?? 'too many filtered rows');
}

export class PipelineLoader implements Loader {
  private readonly writer: BulkWriter;
  private readonly sources: SourceConfig;
  /** The same settings as plain data, for decode workers (a metrics hook cannot cross threads). */
  private readonly workerSources: SourceConfig;
  private readonly metrics: Pick<LoadMetrics, 'sourceError' | 'targetError'> | null;
  private readonly decodeMode: boolean | 'auto';
  private readonly commitBytes: number;
  private readonly idle: DecodeWorker[] = [];
  private idleTimer: NodeJS.Timeout | null = null;
  /** Idle workers kept past WORKER_IDLE_MS (LoaderOptions.warmWorker). */
  private readonly keepIdle: number;

  get threadLimit(): LaneLimit {
    return this.writer.laneLimit;
  }

  async threadLimitFor(database: string, table: string): Promise<LaneLimit> {
    return (await this.writer.laneLimitFor?.(database, table)) ?? this.writer.laneLimit;
  }

  constructor(options: LoaderOptions) {
    this.writer = options.writer;
    this.metrics = options.metrics ?? null;
    const sourceMetrics = options.sources.metrics ?? options.metrics;
    this.sources = sourceMetrics ? { ...options.sources, metrics: sourceMetrics } : options.sources;
    const { metrics: _hook, ...plain } = options.sources;
    this.workerSources = plain;
    this.decodeMode = options.decodeInWorker ?? 'auto';
    this.commitBytes = options.commitBytes ?? DEFAULT_COMMIT_BYTES;
    // Kept warm where CSV, the usual source, is decoded in a worker; elsewhere the formats that
    // use one start it when they come (≈ 0.4 s), and the idle daemon is ≈ 20–30 MB smaller.
    this.keepIdle = options.warmWorker && decodesInWorker(this.decodeMode, 'csv', this.writer.insertsInProcess, availableParallelism()) ? 1 : 0;
    if (this.keepIdle > 0) this.idle.push(new DecodeWorker());
  }

  /**
   * A decode worker, warm when one is idle. Starting one costs ≈ 0.4–0.5 s here (loading the S3
   * client in a fresh thread: the first batch of the 500 k-row write bench arrived after 499 ms),
   * which is a fifth of a 1 M-row import; so workers outlive their load for a while.
   */
  private takeWorker(): DecodeWorker {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    for (let w = this.idle.pop(); w !== undefined; w = this.idle.pop()) {
      // One kept idle for long (LoaderOptions.warmWorker) may have died meanwhile.
      if (!w.failed) return w;
      void w.close().catch(() => undefined);
    }
    return new DecodeWorker();
  }

  private async giveWorker(worker: DecodeWorker, reusable: boolean): Promise<void> {
    if (!reusable || this.idle.length >= MAX_IDLE_WORKERS) {
      await worker.close();
      return;
    }
    this.idle.push(worker);
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      this.idleTimer = null;
      for (const w of this.idle.splice(this.keepIdle)) void w.close().catch(() => undefined);
    }, WORKER_IDLE_MS);
    this.idleTimer.unref();
  }

  async close(): Promise<void> {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    await Promise.all(this.idle.splice(0).map((w) => w.close().catch(() => undefined)));
  }

  private inWorker(spec: FormatSpec): boolean {
    return decodesInWorker(this.decodeMode, spec.format, this.writer.insertsInProcess, availableParallelism());
  }

  /** A call into the target: its failure counts as a target error (an interrupted statement does not). */
  private target<T>(call: Promise<T>): Promise<T> {
    const metrics = this.metrics;
    if (metrics === null) return call;
    return call.catch((e: unknown) => {
      const kind = targetErrorKind(e);
      if (kind !== null) metrics.targetError(kind);
      throw e;
    });
  }

  /**
   * Batches decoded in a worker, whose S3 source has no metrics hook: a read it gave up on is
   * counted here when its error arrives. (Its retries are not seen from this thread.)
   */
  private async *countingSourceFailures(batches: AsyncIterable<RowBatch>): AsyncGenerator<RowBatch> {
    try {
      yield* batches;
    } catch (e) {
      if (e instanceof SourceError && e.uri.startsWith('s3://')) this.sources.metrics?.sourceError('permanent');
      throw e;
    }
  }

  /**
   * Readies a decode worker for the load that usually follows a listing: started if none is idle,
   * and set up to read `source` (the S3 SDK and client are loaded in the worker while the target
   * is being prepared, not after the load asked for its first batch).
   */
  private warmWorker(source: SourceSpec): void {
    let spec: FormatSpec;
    try {
      spec = formatOf(source);
    } catch {
      return; // Bad format options: the load reports them.
    }
    if (!this.inWorker(spec)) return;
    if (this.idle.length === 0) void this.giveWorker(new DecodeWorker(), true);
    // takeWorker hands out the last idle one.
    this.idle[this.idle.length - 1]?.warm({ uri: source.uri, properties: source.properties, config: this.workerSources });
  }

  async listFiles(source: SourceSpec, options: { startAfter?: string; maxFiles?: number; maxBytes?: number; signal: AbortSignal }): Promise<FileRef[]> {
    this.warmWorker(source);
    const src = createSource(source.uri, source.properties, this.sources);
    const out: FileRef[] = [];
    let bytes = 0;
    try {
      for await (const o of src.list({ ...(options.startAfter !== undefined ? { startAfter: options.startAfter } : {}), signal: options.signal })) {
        if (options.maxFiles !== undefined && out.length >= options.maxFiles) break;
        if (options.maxBytes !== undefined && out.length > 0 && bytes + o.size > options.maxBytes) break;
        out.push({ uri: o.uri, key: o.key, size: o.size, etag: o.etag });
        bytes += o.size;
      }
    } finally {
      src.close();
    }
    return out;
  }

  async committed(jobId: string): Promise<LedgerEntry[]> {
    const records = await this.target(this.writer.committed(jobId));
    return records.map((r) => ({ jobId: r.jobId, taskId: r.taskId, file: r.file, etag: r.etag, rows: r.rowsLoaded, committedAt: r.committedAt, done: r.done }));
  }

  discard(jobId: string, database: string, table: string): Promise<void> {
    return this.target(this.writer.discard(jobId, database, table));
  }

  async load(request: LoadRequest): Promise<LoadResult> {
    if (request.signal.aborted) throw abortError(request.signal, 'load');
    const session = await this.target(this.writer.openTask({ jobId: request.jobId, taskId: request.taskId, database: request.database, table: request.table, threads: request.threads, signal: request.signal }));
    try {
      return await this.run(session, request);
    } catch (e) {
      throw request.signal.aborted ? abortError(request.signal, 'load') : asSqlError(e);
    } finally {
      await session.close();
    }
  }

  private async run(session: TaskSession, request: LoadRequest): Promise<LoadResult> {
    const shadowed = request.atomicity === 'job' || request.mode === 'overwrite';
    let records = await this.target(session.records());
    const totals: Totals = { filesDone: 0, bytesRead: 0, rowsScanned: 0, rowsLoaded: 0, rowsFiltered: 0, firstError: null };
    const staged = records.some((r) => r.state === 'staged');
    if (shadowed && records.length > 0 && !staged) {
      // Published by an earlier run: the task is done, and its figures are in the ledger.
      return { ...sumRecords(records, totals), firstError: null };
    }
    if (request.requireEmptyTarget && !staged && (await this.target(session.countRows())) > 0) throw tableNotEmptyError();

    if (request.mapping.kind === 'query') {
      if (records.length > 0) return { ...sumRecords(records, totals), firstError: null };
      const n = await this.target(session.insertQuery(request.mapping.columns, request.mapping.sql, request.mode));
      const result = { ...totals, rowsScanned: n, rowsLoaded: n };
      request.onProgress(result);
      return result;
    }
    if (!request.source) throw new SqlError('ER_WRONG_USAGE', 'A file load needs a source');

    if (shadowed) {
      const reused = await this.target(session.useShadow(staged));
      if (!reused) records = records.filter((r) => r.state === 'committed');
    }
    sumRecords(records, totals);
    let windows: WindowChecks | null = null;
    try {
      if (request.signal.aborted) throw abortError(request.signal, 'load');
      const plan = planMapping(request.mapping, session.def, request.source);
      const sums = new Sums();
      sums.columns = checkedColumns(plan, session.def);
      for (const r of records) sums.add(r.sums);
      windows = shadowed && request.checksum !== 'off' ? windowChecks(session, sums.columns, records) : null;
      await this.loadFiles(session, request, request.source, plan, records, totals, sums, windows);
      if (shadowed) {
        if (ratioExceeded(totals, request.maxFilterRatio)) throw tooManyFiltered(totals);
        if (request.signal.aborted) throw abortError(request.signal, 'load');
        const check = { expectedRows: totals.rowsLoaded, sums: sums.expected(), checksum: request.checksum, windows: (await windows?.windows()) ?? null };
        await this.target(session.publish(request.mode, check));
      }
    } catch (e) {
      // No read-back may still be running on the shadow (it would hold the DROP up).
      await windows?.windows().catch(() => undefined);
      // A one-shot task leaves nothing behind; a streaming one keeps its committed batches. After
      // the target failed transiently the shadow stays for the engine's next attempt, which
      // resumes from it (and a CANCEL, DROP or the last failure discards it); a failure to drop
      // it must not hide the error that ended the task.
      if (shadowed && !isTransientTargetFailure(e)) await this.target(session.dropShadow()).catch(() => undefined);
      throw e;
    }
    request.onProgress(progressOf(totals));
    return { ...progressOf(totals), firstError: totals.firstError };
  }

  private async loadFiles(
    session: TaskSession, request: LoadRequest, source: SourceSpec, plan: MappingPlan, records: readonly LedgerRecord[], totals: Totals, sums: Sums,
    windows: WindowChecks | null,
  ): Promise<void> {
    const sql = planSql(plan);
    const writePlan: WritePlan = { width: plan.fields.length, columns: plan.columns, exprs: sql.exprs, where: sql.where, direct: plan.direct };
    const spec = formatOf(source);
    const resumeAt = new Map<string, LedgerRecord>();
    for (const r of records) resumeAt.set(r.file, r);
    const pending = request.files.filter((f) => {
      const last = resumeAt.get(f.uri);
      if (last && last.etag !== null && f.etag !== null && last.etag !== f.etag) {
        throw new SqlError('ER_LOAD_DATA_CANT_READ', `Failed to read source files. Reason: ${f.uri} changed after rows of it were committed (ETag ${last.etag}, now ${f.etag})`);
      }
      return !last?.done;
    });
    // THREAD lanes (connections) in all; each reader takes a file at a time and writes it through
    // its share of them, so one big file still gets every lane.
    const budget = Math.max(1, Math.min(request.threads, session.maxLanes));
    const readers = Math.max(1, Math.min(budget, pending.length));
    const throttle = new Throttle(request.maxWriteSpeed);
    let next = 0;
    let failed: unknown = null;
    // Aborted by the request or by the first failing lane. A request aborted before this point
    // (CANCEL during openTask / useShadow, round trips on a MySQL target) fires no 'abort' event.
    const abort = new AbortController();
    const onAbort = (): void => abort.abort(request.signal.reason);
    request.signal.addEventListener('abort', onAbort, { once: true });
    if (request.signal.aborted) onAbort();
    const fail = (e: unknown): void => {
      failed ??= e;
      abort.abort(e);
    };
    const ctx: LaneContext = { request, plan, writePlan, spec, source, totals, sums, windows, throttle, signal: abort.signal, fail, batchBytes: session.batchBytes ?? 0 };
    const runReader = async (index: number): Promise<void> => {
      const count = Math.floor(budget / readers) + (index < budget % readers ? 1 : 0);
      const lanes: WriteLane[] = [];
      const worker = this.inWorker(spec) ? this.takeWorker() : null;
      let reusable = true;
      const src = worker ? null : createSource(source.uri, source.properties, this.sources);
      try {
        for (let i = 0; i < count; i++) lanes.push(await this.target(session.lane(writePlan, { concurrent: count > 1 })));
        while (failed === null && !abort.signal.aborted) {
          const file = pending[next++];
          if (!file) break;
          await this.loadFile(ctx, lanes, file, resumeAt.get(file.uri) ?? null, worker, src);
        }
      } catch (e) {
        reusable = false;
        fail(e);
        await Promise.all(lanes.map((l) => l.rollback()));
      } finally {
        await Promise.all(lanes.map((l) => l.close()));
        src?.close();
        if (worker) await this.giveWorker(worker, reusable && !abort.signal.aborted);
      }
    };
    try {
      await Promise.all(Array.from({ length: readers }, (_, i) => runReader(i)));
    } finally {
      request.signal.removeEventListener('abort', onAbort);
    }
    if (request.signal.aborted) throw abortError(request.signal, 'load');
    if (failed !== null) throw failed instanceof Error ? failed : asSqlError(failed);
  }

  private decode(ctx: LaneContext, file: FileRef, resume: LedgerRecord | null, worker: DecodeWorker | null, src: Source | null): AsyncIterable<RowBatch> {
    const object: ObjectInfo = { uri: file.uri, key: file.key, size: file.size, etag: file.etag, lastModified: null };
    const names = ctx.plan.fields.filter((k) => k.kind === 'name').map((k) => (k.kind === 'name' ? k.name : ''));
    const options: Omit<DecodeOptions, 'signal'> = {
      ...(ctx.spec.format === 'json' || ctx.spec.format === 'parquet' ? { columns: names } : {}),
      ...(resume ? { resume: { offset: resume.endOffset, line: resume.endLine, columns: resume.header } } : {}),
    };
    if (worker) {
      return this.countingSourceFailures(worker.decode({ uri: ctx.source.uri, properties: ctx.source.properties, config: this.workerSources, object, spec: ctx.spec, options }, ctx.signal));
    }
    return decodeObject(src!, object, ctx.spec, { ...options, signal: ctx.signal });
  }

  /**
   * One file through `lanes`: decoded batches are gathered into writes of TaskSession.batchBytes,
   * writes into units of `commitBytes`, and units go round the lanes, each in its own target
   * transaction; so while one lane's statement runs, the next write is already being gathered and
   * prepared, and with several lanes several statements run at once. Units commit strictly in
   * file order, so the ledger stays one contiguous range per file and resumption is unchanged.
   * Units that ran side by side can meet on a key (a duplicate in the file): the target then
   * reports a lock wait or deadlock, every uncommitted unit is rolled back, and from there the
   * file is written one unit at a time, in order, with the same result as a serial load.
   */
  private async loadFile(ctx: LaneContext, lanes: readonly WriteLane[], file: FileRef, resume: LedgerRecord | null, worker: DecodeWorker | null, src: Source | null): Promise<void> {
    const { request, totals } = ctx;
    let header: readonly string[] | null = resume?.header ?? null;
    let positions: number[] | null = null;
    const allPositional = ctx.plan.fields.length > 0 && ctx.plan.fields.every((k) => k.kind === 'position');
    // Where the next unit starts, as batches are gathered.
    let offset = resume?.endOffset ?? 0;
    let line = resume?.endLine ?? 1;
    const runs: UnitRun[] = [];
    let current: UnitRun | null = null;
    // Source bytes of the open unit's writes so far; the write that fills it closes it.
    let issuedBytes = 0;
    // Set once units have met on a lock: from then on one unit at a time.
    let serial = lanes.length === 1;
    let markSerial: () => void = () => undefined;
    const serialized = new Promise<void>((resolve) => (markSerial = resolve));
    const goSerial = (): void => {
      serial = true;
      markSerial();
    };

    const runWrite = async (run: UnitRun, w: PendingWrite, again = false): Promise<void> => {
      const outcome = await this.target(run.lane.write(w.rows, ctx.signal));
      if (ctx.signal.aborted) return;
      const u = run.unit;
      for (const g of w.parts) for (const e of g.errors) u.error(e);
      for (const e of outcome.errors) u.error({ file: file.uri, line: w.rows.line(e.row), reason: e.reason, raw: w.rows.raw(e.row) }, true);
      u.loaded += outcome.loaded;
      for (const g of w.parts) u.scanned += g.rows.count;
      if (ctx.sums.columns.length > 0) addSums(u, ctx.sums.columns, w, outcome);
      if (ctx.windows !== null && u.bounds !== null) {
        // A key that is not a plain integer leaves its sum null, and the unit without a window.
        if (w.sums.get(ctx.windows.key.column) === null) u.bounds = null;
        else u.bounds.add(w.bounds);
      }
      // Written again after a lock conflict: its bytes are already counted against the cap.
      if (!again) await ctx.throttle.take(w.bytes, ctx.signal);
    };

    const commitRun = async (run: UnitRun, done: boolean): Promise<void> => {
      if (ctx.signal.aborted) throw abortError(request.signal, 'load');
      const unit = run.unit;
      const record: Record<string, string> = {};
      for (const { column } of ctx.sums.columns) if (!unit.unverified.has(column)) record[column] = String(unit.sums.get(column) ?? 0n);
      // Before the commit: a crash in between re-reads the unit, and the report skips what it has.
      if (unit.errorRows.length > 0) request.onErrorRows(unit.errorRows, { file: file.uri, nextLine: unit.endLine });
      if (request.atomicity === 'batch' && ratioExceeded(addUnit(totals, unit), request.maxFilterRatio)) {
        totals.firstError ??= unit.firstError;
        throw tooManyFiltered(totals);
      }
      await this.target(run.lane.commit({
        file: file.uri, etag: file.etag, startOffset: unit.startOffset, endOffset: unit.endOffset, startLine: unit.startLine, endLine: unit.endLine,
        header, rowsScanned: unit.scanned, rowsLoaded: unit.loaded, rowsFiltered: unit.filtered, bytes: unit.bytes, done, sums: record,
      }));
      ctx.sums.add(record);
      ctx.windows?.committed(unit.bounds?.window ?? null, unit.loaded, record);
      Object.assign(totals, addUnit(totals, unit));
      if (done) totals.filesDone++;
      request.onProgress(progressOf(totals));
    };

    /** The unit's end: its writes, the unit before it committed, then its own commit. */
    const finishRun = async (run: UnitRun, previous: Promise<void>, done: boolean): Promise<void> => {
      try {
        try {
          await run.tail;
        } catch (e) {
          if (run.serial || !isLockConflict(e) || ctx.signal.aborted) throw e;
          goSerial();
        }
        if (!run.serial) await Promise.race([previous, serialized]);
        if (!run.serial && serial) {
          // It ran beside a unit that met a lock: undo it (its locks may be what another waits
          // for) and write it again once every unit before it is in and none after it holds locks.
          await run.lane.rollback();
          run.release();
          await previous;
          await Promise.all(runs.slice(run.index + 1).filter((r) => !r.serial).map((r) => r.released));
          run.unit.reset();
          for (const w of run.writes) await runWrite(run, w, true);
        } else await previous;
        await commitRun(run, done);
      } finally {
        run.release();
        // Its rows are in the target (or will never be): only the small record of the unit stays.
        run.writes.length = 0;
        run.unit.errorRows = [];
      }
    };

    const openRun = async (): Promise<UnitRun> => {
      const index = runs.length;
      const lane = lanes[index % lanes.length]!;
      // The lane is free once the unit it wrote last has committed. Serially, a unit's writes
      // start once the one just before has committed (commits are in order, so that covers the
      // lane's too), but it is gathered and prepared while that one is still being written: one
      // unit ahead, so the target is not kept waiting between units.
      if (!serial) await runs[index - lanes.length]?.committed;
      if (serial) await runs[index - 2]?.committed;
      const start = serial ? (runs[index - 1]?.committed ?? Promise.resolve()) : Promise.resolve();
      let release: () => void = () => undefined;
      const released = new Promise<void>((resolve) => (release = resolve));
      const run: UnitRun = { index, lane, unit: newUnit(offset, line), writes: [], tail: start, committed: Promise.resolve(), serial, released, release };
      runs.push(run);
      return run;
    };

    const closeRun = (run: UnitRun, done: boolean): void => {
      run.committed = finishRun(run, runs[run.index - 1]?.committed ?? Promise.resolve(), done);
      // Awaited by the next unit, the next lane user or the end of the file; a failure stops the
      // task at once rather than when the reader next waits for a lane.
      run.committed.catch((e: unknown) => ctx.fail(e));
    };

    // Decoded batches wait here until they are worth a write (TaskSession.batchBytes).
    let gathered: Gathered[] = [];
    let gatheredBytes = 0;
    const write = async (): Promise<void> => {
      if (gathered.length === 0) return;
      const parts = gathered;
      const bytes = gatheredBytes;
      gathered = [];
      gatheredBytes = 0;
      const staged = parts.length === 1 ? parts[0]!.rows : new ConcatRows(parts.map((g) => g.rows));
      const run = current ?? (await openRun());
      const rows = run.lane.prepare ? run.lane.prepare(staged) : staged;
      const u = run.unit;
      for (const { batch } of parts) {
        u.bytes += sourceBytes(batch, u.endOffset);
        u.endOffset = batch.end.offset;
        u.endLine = batch.end.line;
      }
      offset = u.endOffset;
      line = u.endLine;
      const bounds = new Bounds();
      for (const g of parts) bounds.add(g.bounds);
      const w: PendingWrite = { parts, rows, bytes, sums: joinSums(ctx.sums.columns, parts), bounds };
      run.writes.push(w);
      run.tail = run.tail.then(() => runWrite(run, w));
      run.tail.catch(() => undefined);
      issuedBytes += bytes;
      if (issuedBytes >= this.commitBytes) {
        issuedBytes = 0;
        current = null;
        closeRun(run, false);
      } else current = run;
    };

    try {
      // Under MAX_WRITE_SPEED, writes stay small enough (a quarter second's worth) to flow evenly.
      const gatherLimit = request.maxWriteSpeed ? Math.min(ctx.batchBytes, request.maxWriteSpeed / 4) : ctx.batchBytes;
      // The first writes of a file are smaller, doubling up to the limit: the target starts on the
      // first batches instead of waiting while megabytes are read and decoded (≈ 0.15 s here).
      let writeLimit = Math.min(gatherLimit, FIRST_WRITE_BYTES);
      let lastOffset = offset;
      for await (const batch of this.decode(ctx, file, resume, worker, src)) {
        if (ctx.signal.aborted) break;
        if (batch.columns && header === null) header = batch.columns;
        positions ??= bindFields(ctx.plan.fields, header);
        const needed = allPositional ? positions.reduce((m, p) => Math.max(m, p + 1), 0) : 0;
        const keep = new Int32Array(batch.length);
        let kept = 0;
        // Counted when the batch's write is done, in the unit that commits it.
        const errors: ErrorRow[] = [];
        for (let r = 0; r < batch.length; r++) {
          if (batch.fieldCount(r) < needed) {
            errors.push({ file: file.uri, line: batch.line(r), reason: `Row ${batch.line(r)} doesn't contain data for all columns`, raw: rawOf(batch, r) });
          } else keep[kept++] = r;
        }
        for (const e of batch.errors) errors.push({ file: e.file, line: e.line, reason: e.reason, raw: e.raw });
        const rows = new BatchRows(batch, positions, kept === keep.length ? keep : keep.subarray(0, kept));
        // A write's CPU work (its statement's body, its sums), batch by batch as they arrive: done
        // for a whole write of megabytes at once, it held the event loop ≈ 25 ms while the lane's
        // next statement waited for its answer to be read (MariaDB, THREAD=1: ≈ 0.5 s per 4 M rows).
        lanes[0]?.prepare?.(rows);
        const bounds = new Bounds();
        const sums = writeSums(ctx.sums.columns, [{ rows }], null, ctx.windows?.key.field, bounds);
        gathered.push({ batch, rows, errors, sums, bounds });
        gatheredBytes += sourceBytes(batch, lastOffset);
        lastOffset = batch.end.offset;
        if (gatheredBytes >= writeLimit || issuedBytes + gatheredBytes >= this.commitBytes) {
          await write();
          writeLimit = Math.min(gatherLimit, writeLimit * 2);
        }
        if (ctx.signal.aborted) break;
        // Batches the decoder has queued would otherwise follow each other without a turn of the
        // event loop, and the lanes' answers from the target would wait behind all of them.
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      if (!ctx.signal.aborted) await write();
      if (ctx.signal.aborted) throw abortError(request.signal, 'load');
      // The last unit ends the file (with no rows when the one before closed exactly at its end).
      const last = current ?? (await openRun());
      closeRun(last, true);
      await last.committed;
    } catch (e) {
      // Nothing may still be running on a lane when the reader rolls the lanes back.
      ctx.fail(e);
      for (const r of runs) r.release();
      await Promise.allSettled(runs.map((r) => r.committed));
      await Promise.allSettled(runs.map((r) => r.tail));
      throw e;
    }
  }
}

/** A write handed to a lane: the batches it covers and their rows, prepared. */
interface PendingWrite {
  readonly parts: readonly Gathered[];
  readonly rows: StagedRows;
  /** Source bytes the write advances its file by. */
  readonly bytes: number;
  /**
   * CHECKSUM_TABLE sums of all its rows (null: a column not checkable), taken when the write was
   * gathered, so not between one statement and the next; rows the target rejects are taken out after.
   */
  readonly sums: ReadonlyMap<string, bigint | null>;
  /** Bounds of the window key over all its rows (WindowChecks); empty without window checks or when a key is not an integer. */
  readonly bounds: Bounds;
}

/** One unit of a file on its way into the target: its lane, range and counts, and its writes. */
interface UnitRun {
  /** Its place among the file's units, which commit in this order. */
  readonly index: number;
  readonly lane: WriteLane;
  readonly unit: Unit;
  /** Kept until the commit: a unit rolled back after a lock conflict is written again. */
  readonly writes: PendingWrite[];
  /** The unit's writes so far, in order. */
  tail: Promise<void>;
  /** Settles when the unit is committed (or failed). */
  committed: Promise<void>;
  /** Started after units met on a lock: nothing runs beside it. */
  readonly serial: boolean;
  /** Settles once the unit holds no locks a unit before it could wait for (committed, undone or failed). */
  readonly released: Promise<void>;
  readonly release: () => void;
}

/** A decoded batch and the rows of it that go to the target. */
interface Gathered {
  readonly batch: RowBatch;
  readonly rows: BatchRows;
  /** Records of the batch that never reach the target (malformed, missing fields). */
  readonly errors: readonly ErrorRow[];
  /** CHECKSUM_TABLE sums of its rows (null: a column not checkable), and the bounds of the window key. */
  readonly sums: ReadonlyMap<string, bigint | null>;
  readonly bounds: Bounds;
}

/** Source bytes a batch advances a file by, from `offset`; Parquet positions are rows, not bytes (offset -1): its decoded size stands in. */
function sourceBytes(batch: RowBatch, offset: number): number {
  return batch.end.offset >= 0 ? batch.end.offset - offset : batch.byteSize;
}

interface LaneContext {
  readonly request: LoadRequest;
  readonly plan: MappingPlan;
  readonly writePlan: WritePlan;
  readonly spec: FormatSpec;
  readonly source: SourceSpec;
  readonly totals: Totals;
  readonly sums: Sums;
  /** CHECKSUM_TABLE unit by unit, when the target can (else null). */
  readonly windows: WindowChecks | null;
  readonly throttle: Throttle;
  readonly signal: AbortSignal;
  /** Stops every reader of the task: the first failure wins. */
  readonly fail: (e: unknown) => void;
  /** Source bytes to gather before a write (TaskSession.batchBytes); 0 writes each batch. */
  readonly batchBytes: number;
}

interface Unit {
  /** The unit's range of its file: fixed as its writes are issued. */
  startOffset: number;
  startLine: number;
  endOffset: number;
  endLine: number;
  bytes: number;
  /** What became of its rows: known as its writes finish. */
  scanned: number;
  loaded: number;
  filtered: number;
  errorRows: ErrorRow[];
  firstError: string | null;
  /** CHECKSUM_TABLE: sums of the checked columns over the loaded rows, and the columns that cannot be checked. */
  sums: Map<string, bigint>;
  unverified: Set<string>;
  /** The window key's bounds over its written rows; null once a write had a key that is not an integer. */
  bounds: Bounds | null;
  /** Records an error row; `counted` when the row is already among the scanned ones. */
  error(row: ErrorRow, counted?: boolean): void;
  /** Forgets what became of the rows, for writing the unit again. */
  reset(): void;
}

function newUnit(offset: number, line: number): Unit {
  const u: Unit = {
    startOffset: offset, startLine: line, endOffset: offset, endLine: line, bytes: 0,
    scanned: 0, loaded: 0, filtered: 0, errorRows: [], firstError: null, sums: new Map(), unverified: new Set(), bounds: new Bounds(),
    error(row, counted = false) {
      // Error rows are records too: they count as scanned and filtered.
      if (!counted) u.scanned++;
      u.filtered++;
      u.firstError ??= row.reason;
      u.errorRows.push(row);
    },
    reset() {
      u.scanned = 0;
      u.loaded = 0;
      u.filtered = 0;
      u.errorRows = [];
      u.firstError = null;
      u.sums = new Map();
      u.unverified = new Set();
      u.bounds = new Bounds();
    },
  };
  return u;
}

/**
 * Sums of a write's rows per checked column, leaving out the rows in `skip`; null when not
 * checkable. `bounds`: widened to the values of field `keyField`.
 */
function writeSums(columns: readonly CheckedColumn[], parts: readonly { readonly rows: BatchRows }[], skip: ReadonlySet<number> | null, keyField = -1, bounds?: Bounds): Map<string, bigint | null> {
  const sums = new Map<string, bigint | null>();
  for (const { column, field } of columns) {
    function* partSums(): Generator<bigint | null> {
      let base = 0;
      for (const g of parts) {
        yield g.rows.integerSum(field, skip, base, field === keyField ? bounds : undefined);
        base += g.rows.count;
      }
    }
    sums.set(column, sumOrNull(partSums()));
  }
  return sums;
}

/** The sums of a write from those of its batches. */
function joinSums(columns: readonly CheckedColumn[], parts: readonly Gathered[]): Map<string, bigint | null> {
  return new Map(columns.map(({ column }) => [column, sumOrNull(parts.map((g) => g.sums.get(column) ?? null))]));
}

/** The total of `parts`, read up to the first null (a column that cannot be checked): then null. */
function sumOrNull(parts: Iterable<bigint | null>): bigint | null {
  let sum = 0n;
  for (const part of parts) {
    if (part === null) return null;
    sum += part;
  }
  return sum;
}

/** Adds a write's loaded values of the checked columns to its unit's sums (its error rows are not loaded). */
function addSums(u: Unit, columns: readonly CheckedColumn[], w: PendingWrite, outcome: WriteOutcome): void {
  const sums = outcome.errors.length === 0 ? w.sums : writeSums(columns, w.parts, new Set(outcome.errors.map((e) => e.row)));
  for (const { column } of columns) {
    if (u.unverified.has(column)) continue;
    const sum = sums.get(column) ?? null;
    if (sum === null) u.unverified.add(column);
    else u.sums.set(column, (u.sums.get(column) ?? 0n) + sum);
  }
}

function addUnit(t: Totals, u: Unit): Totals {
  return {
    filesDone: t.filesDone,
    bytesRead: t.bytesRead + u.bytes,
    rowsScanned: t.rowsScanned + u.scanned,
    rowsLoaded: t.rowsLoaded + u.loaded,
    rowsFiltered: t.rowsFiltered + u.filtered,
    firstError: t.firstError ?? u.firstError,
  };
}

function sumRecords(records: readonly LedgerRecord[], t: Totals): Totals {
  for (const r of records) {
    t.bytesRead += r.bytes;
    t.rowsScanned += r.rowsScanned;
    t.rowsLoaded += r.rowsLoaded;
    t.rowsFiltered += r.rowsFiltered;
    if (r.done) t.filesDone++;
  }
  return t;
}

function progressOf(t: Totals): LoadProgress {
  return { filesDone: t.filesDone, bytesRead: t.bytesRead, rowsScanned: t.rowsScanned, rowsLoaded: t.rowsLoaded, rowsFiltered: t.rowsFiltered };
}

/** MAX_WRITE_SPEED: waits so that bytes written never run ahead of the cap since the task started. */
class Throttle {
  private bytes = 0;
  private readonly start = Date.now();
  constructor(private readonly bytesPerSecond: number | null) {}

  async take(n: number, signal: AbortSignal): Promise<void> {
    if (this.bytesPerSecond === null || this.bytesPerSecond <= 0) return;
    this.bytes += n;
    const due = this.start + (this.bytes / this.bytesPerSecond) * 1000;
    const wait = due - Date.now();
    if (wait > 0) await sleep(wait, undefined, { signal }).catch(() => undefined);
  }
}

export function createLoader(options: LoaderOptions): Loader {
  return new PipelineLoader(options);
}
