// The embedded target's bulk writer: its own better-sqlite3 connection per database file (WAL lets
// the target's connection keep reading), the mapping run by SQLite itself as
// `WITH s(__f0, ...) AS (VALUES (?, ...), ...) INSERT INTO t (...) SELECT <exprs> FROM s WHERE ...`,
// and the ledger table inside the same file, written in the same transaction as the rows.
// Multi-row statements because one row per INSERT runs at ≈ 290 k rows/s against ≈ 385 k for
// 50-row INSERTs (DESIGN.md); a chunk the engine refuses is retried row by row to find error rows.

import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { acquireWriteLock, withWriteLock } from './write-lock.js';
import sqlParser from 'node-sql-parser';
import { SqlError } from '../../protocol/sql-error.js';
import type { Value } from '../../formats/types.js';
import { parseType, typeFamily } from '../mysql-types.js';
import type { TableDef } from '../target.js';
import {
  LEDGER_TABLE, NUMERIC_INTEGER, NUMERIC_NONE, NUMERIC_REAL, SHADOW_PREFIX, checksumMismatch, shadowName, type BulkWriter, type PublishCheck, type LedgerRecord, type StagedRows, type TaskSession, type TaskSpec,
  type WriteLane, type WriteOutcome, type WritePlan,
} from '../bulk-writer.js';
import { readCatalog } from './catalog-store.js';
import { sqliteCreateIndex, sqliteCreateStatements } from './ddl.js';
import { toSqlError } from './errors.js';
import { registerMysqlFunctions, type StatementClock } from './functions.js';
import { quoteIdent, rewriteForParser } from './sql-text.js';
import { Translator, type Ast, type TranslateContext } from './translate.js';

const { Parser } = sqlParser;
const FILE_SUFFIX = '.sqlite';
/** Rows per multi-row statement; bounded by SQLite's 32766 host parameters. */
const CHUNK_ROWS = 64;
const MAX_PARAMS = 32_000;

export interface EmbeddedBulkWriterOptions {
  /** The warehouse directory (`<dataDir>/warehouse`). */
  readonly directory: string;
  readonly version?: string;
}

const LEDGER_DDL = `CREATE TABLE IF NOT EXISTS ${quoteIdent(LEDGER_TABLE)} (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, job_id TEXT NOT NULL, task_id TEXT NOT NULL, table_name TEXT NOT NULL,
  file TEXT NOT NULL, etag TEXT, start_offset INTEGER NOT NULL, end_offset INTEGER NOT NULL,
  start_line INTEGER NOT NULL, end_line INTEGER NOT NULL, header TEXT, rows_scanned INTEGER NOT NULL,
  rows_loaded INTEGER NOT NULL, rows_filtered INTEGER NOT NULL, bytes INTEGER NOT NULL, done INTEGER NOT NULL,
  state TEXT NOT NULL, committed_at TEXT NOT NULL, checksum TEXT) STRICT`;
const LEDGER_INDEX = `CREATE INDEX IF NOT EXISTS ${quoteIdent(`${LEDGER_TABLE}/job`)} ON ${quoteIdent(LEDGER_TABLE)} (job_id, task_id)`;

interface LedgerRow {
  job_id: string; task_id: string; table_name: string; file: string; etag: string | null;
  start_offset: number; end_offset: number; start_line: number; end_line: number; header: string | null;
  rows_scanned: number; rows_loaded: number; rows_filtered: number; bytes: number; done: number;
  state: string; committed_at: string; checksum: string | null;
}

function recordOf(r: LedgerRow): LedgerRecord {
  return {
    jobId: r.job_id, taskId: r.task_id, table: r.table_name, file: r.file, etag: r.etag,
    startOffset: r.start_offset, endOffset: r.end_offset, startLine: r.start_line, endLine: r.end_line,
    header: r.header === null ? null : (JSON.parse(r.header) as string[]),
    rowsScanned: r.rows_scanned, rowsLoaded: r.rows_loaded, rowsFiltered: r.rows_filtered, bytes: r.bytes,
    done: r.done !== 0, state: r.state === 'staged' ? 'staged' : 'committed', committedAt: r.committed_at,
    sums: r.checksum === null ? null : (JSON.parse(r.checksum) as Record<string, string>),
  };
}

function nowText(): string {
  return new Date().toISOString().replace('T', ' ').slice(0, 19);
}

/** SQLite takes no booleans or Uint8Arrays that are not Buffers. */
function bindable(v: Value): unknown {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v instanceof Uint8Array && !Buffer.isBuffer(v)) return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  return v;
}

/** Errors that belong to one row's values, not to the statement or the file. */
function isRowError(e: unknown): boolean {
  if (e instanceof SqlError) return e.code !== 'ER_QUERY_INTERRUPTED';
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return code.startsWith('SQLITE_CONSTRAINT') || code === 'SQLITE_MISMATCH' || code === 'SQLITE_TOOBIG';
  // A registered MySQL function that threw on a value.
  return e instanceof Error && !(e instanceof Database.SqliteError);
}

export class EmbeddedBulkWriter implements BulkWriter {
  readonly laneLimit = { max: 1, why: 'SQLite has one writer per database file' };
  readonly insertsInProcess = true;
  private readonly directory: string;
  private readonly version: string;

  constructor(options: EmbeddedBulkWriterOptions) {
    this.directory = options.directory;
    this.version = options.version ?? '8.0.0-loadwire';
  }

  /** Database names (file stems) in the warehouse. */
  private databaseNames(): string[] {
    if (!existsSync(this.directory)) return [];
    return readdirSync(this.directory).filter((f) => f.endsWith(FILE_SUFFIX)).map((f) => f.slice(0, -FILE_SUFFIX.length));
  }

  resolveDatabase(name: string): string | undefined {
    return this.databaseNames().find((d) => d.toLowerCase() === name.toLowerCase());
  }

  openFile(database: string): Database.Database {
    const db = new Database(join(this.directory, `${database}${FILE_SUFFIX}`), { fileMustExist: true, timeout: 10_000 });
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.exec(LEDGER_DDL);
    db.exec(LEDGER_INDEX);
    // Ledgers written before CHECKSUM_TABLE compared sums have no checksum column.
    const columns = db.prepare(`PRAGMA table_info(${quoteIdent(LEDGER_TABLE)})`).all() as { name: string }[];
    if (!columns.some((c) => c.name === 'checksum')) db.exec(`ALTER TABLE ${quoteIdent(LEDGER_TABLE)} ADD COLUMN checksum TEXT`);
    const clock: StatementClock = { epochMs: Date.now(), offsetMinutes: null };
    registerMysqlFunctions(db, () => ({ ...clock, epochMs: Date.now() }));
    return db;
  }

  openTask(spec: TaskSpec): Promise<TaskSession> {
    const database = this.resolveDatabase(spec.database);
    if (database === undefined) return Promise.reject(new SqlError('ER_BAD_DB_ERROR', `Unknown database '${spec.database}'`));
    return withWriteLock(this.fileOf(database), () => {
      const db = this.openFile(database);
      try {
        const def = readCatalog(db, 'main', database).find((d) => d.name.toLowerCase() === spec.table.toLowerCase());
        if (!def) throw new SqlError('ER_NO_SUCH_TABLE', `Table '${database}.${spec.table}' doesn't exist`);
        return new EmbeddedTaskSession(this, db, database, def, spec, { file: this.fileOf(database), release: null });
      } catch (e) {
        db.close();
        throw e instanceof Error ? e : new Error(String(e));
      }
    });
  }

  async committed(jobId: string): Promise<LedgerRecord[]> {
    const out: LedgerRecord[] = [];
    for (const name of this.databaseNames()) {
      // openFile creates the ledger table when missing: a write, so it takes the file's lock.
      await withWriteLock(this.fileOf(name), () => {
        const db = this.openFile(name);
        try {
          const rows = db.prepare(`SELECT * FROM ${quoteIdent(LEDGER_TABLE)} WHERE job_id = ? AND state = 'committed' ORDER BY seq`).all(jobId) as LedgerRow[];
          out.push(...rows.map(recordOf));
        } finally {
          db.close();
        }
      });
    }
    return out;
  }

  discard(jobId: string, database: string, table: string): Promise<void> {
    const name = this.resolveDatabase(database);
    if (name === undefined) return Promise.resolve();
    return withWriteLock(this.fileOf(name), () => {
      const db = this.openFile(name);
      try {
        db.transaction(() => {
          db.exec(`DROP TABLE IF EXISTS ${quoteIdent(shadowName(jobId, table))}`);
          db.prepare(`DELETE FROM ${quoteIdent(LEDGER_TABLE)} WHERE job_id = ? AND state = 'staged' AND table_name = ? COLLATE NOCASE`).run(jobId, table);
        }).immediate();
      } finally {
        db.close();
      }
    });
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  /** A translator from MySQL expressions to SQLite over one file (schema `main`). */
  translator(database: string): { expr(mysql: string): string; statement(mysql: string): { sql: string; attach: string[] } } {
    const parser = new Parser();
    const make = (sql: string): { tr: Translator; ctx: TranslateContext } => {
      const ctx: TranslateContext = {
        database, sql,
        resolveDatabase: (n) => this.resolveDatabase(n),
        schemaOf: (d) => (d.toLowerCase() === database.toLowerCase() ? 'main' : d),
        version: this.version, user: 'loadwire', connectionId: 0,
        referenced: new Set(), usesInformationSchema: false, paramCount: 0,
      };
      return { tr: new Translator(ctx), ctx };
    };
    const astify = (sql: string): Ast => {
      try {
        return parser.astify(rewriteForParser(sql).text, { database: 'MySQL' });
      } catch (e) {
        throw new SqlError('ER_PARSE_ERROR', `You have an error in your SQL syntax; ${(e as Error).message.split('\n')[0] ?? ''}`);
      }
    };
    return {
      expr: (mysql) => {
        const sql = `SELECT ${mysql}`;
        const ast = astify(sql);
        const first: Ast = Array.isArray(ast) ? ast[0] : ast;
        return make(sql).tr.expr(first?.columns?.[0]?.expr);
      },
      statement: (mysql) => {
        const ast = astify(mysql);
        const { tr, ctx } = make(mysql);
        const sql = tr.statement(Array.isArray(ast) ? ast[0] : ast);
        if (ctx.missingDatabase !== undefined) throw new SqlError('ER_BAD_DB_ERROR', `Unknown database '${ctx.missingDatabase}'`);
        return { sql, attach: [...ctx.referenced].filter((d) => d.toLowerCase() !== database.toLowerCase()) };
      },
    };
  }

  fileOf(database: string): string {
    return join(this.directory, `${database}${FILE_SUFFIX}`);
  }
}

class EmbeddedTaskSession implements TaskSession {
  readonly maxLanes = 1;
  /** The publish reads the shadow back in one scan of a local file: nothing to gain from windows. */
  readonly windowKey = null;
  private shadow: string | null = null;
  private readonly tr;

  constructor(
    private readonly writer: EmbeddedBulkWriter,
    private readonly db: Database.Database,
    private readonly database: string,
    readonly def: TableDef,
    private readonly spec: TaskSpec,
    /** The file's write lock as held by this task's connection (shared with its lane). */
    private readonly lock: HeldLock,
  ) {
    this.tr = writer.translator(database);
  }

  /** Runs a synchronous write transaction under the file's lock, unless this connection holds it. */
  private async locked<T>(work: () => T): Promise<T> {
    if (this.lock.release !== null) return work();
    return withWriteLock(this.lock.file, work);
  }

  private errorContext(sql: string): Parameters<typeof toSqlError>[1] {
    return { sql, database: this.database, databaseOfSchema: (s) => (s === 'main' ? this.database : s) };
  }

  records(): Promise<LedgerRecord[]> {
    const rows = this.db.prepare(`SELECT * FROM ${quoteIdent(LEDGER_TABLE)} WHERE job_id = ? AND task_id = ? ORDER BY seq`).all(this.spec.jobId, this.spec.taskId) as LedgerRow[];
    return Promise.resolve(rows.map(recordOf));
  }

  countRows(): Promise<number> {
    const r = this.db.prepare(`SELECT count(*) AS n FROM ${quoteIdent(this.def.name)}`).get() as { n: number };
    return Promise.resolve(r.n);
  }

  private shadowExists(name: string): boolean {
    return this.db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(name) !== undefined;
  }

  async useShadow(reuse: boolean): Promise<boolean> {
    const name = shadowName(this.spec.jobId, this.def.name);
    const exists = this.shadowExists(name);
    const reused = reuse && exists;
    await this.locked(() => this.db.transaction(() => {
      if (!reused) {
        if (exists) this.db.exec(`DROP TABLE ${quoteIdent(name)}`);
        this.db.prepare(`DELETE FROM ${quoteIdent(LEDGER_TABLE)} WHERE job_id = ? AND task_id = ? AND state = 'staged'`).run(this.spec.jobId, this.spec.taskId);
        const statements = sqliteCreateStatements('main', name, this.def, (m) => this.tr.expr(m));
        // The table itself, and the unique indexes under the shadow's name so duplicates are error
        // rows during the load; the other indexes and triggers are built when it is published.
        this.db.exec(statements[0]!);
        for (const idx of this.def.indexes) if (idx.kind === 'unique') this.db.exec(sqliteCreateIndex('main', name, name, idx));
      }
    }).immediate());
    this.shadow = name;
    return reused;
  }

  lane(plan: WritePlan): Promise<WriteLane> {
    const into = this.shadow ?? this.def.name;
    return Promise.resolve(new EmbeddedLane(this.db, this.spec, this.def, into, plan, (m) => this.tr.expr(m), (sql) => this.errorContext(sql), this.lock));
  }

  async publish(mode: 'append' | 'overwrite', check: PublishCheck): Promise<void> {
    const shadow = this.shadow;
    if (shadow === null) throw new Error('publish without a shadow table');
    const t = quoteIdent(this.def.name);
    const s = quoteIdent(shadow);
    const cols = this.def.columns.map((c) => quoteIdent(c.name)).join(', ');
    try {
      await this.locked(() => this.db.transaction(() => {
        if (check.checksum !== 'off') {
          // The shadow holds exactly the task's rows: its count and sums against what was read.
          // SQLite's SUM() of 64-bit integers overflows (ten 18-digit ids do): each column is summed
          // in two halves, value >> 32 (an arithmetic shift) and value & 0xFFFFFFFF, then joined.
          const columns = [...check.sums.keys()];
          const halves = columns.flatMap((c) => [`SUM(${quoteIdent(c)} >> 32)`, `SUM(${quoteIdent(c)} & 4294967295)`]);
          const landed = this.db.prepare(`SELECT ${['count(*)', ...halves].join(', ')} FROM ${s}`).raw(true).safeIntegers(true).get() as (bigint | null)[];
          const sums = new Map(columns.map((c, i) => {
            const hi = landed[1 + 2 * i];
            const lo = landed[2 + 2 * i];
            return [c, hi === null || hi === undefined ? null : (hi << 32n) + (lo ?? 0n)] as const;
          }));
          const mismatch = checksumMismatch(check, Number(landed[0]), sums);
          if (mismatch !== null && check.checksum === 'required') throw new SqlError('ER_CHECKSUM_MISMATCH', mismatch);
        }
        const before = mode === 'overwrite' ? 0 : (this.db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n;
        if (before === 0) {
          // An empty (or replaced) table: the shadow becomes the table, and its secondary indexes and
          // triggers are built once, which is cheaper than copying every row.
          const statements = sqliteCreateStatements('main', this.def.name, this.def, (m) => this.tr.expr(m));
          this.db.exec(`DROP TABLE ${t}`);
          for (const idx of this.def.indexes) if (idx.kind === 'unique') this.db.exec(`DROP INDEX IF EXISTS ${quoteIdent(`${shadow}/${idx.name}`)}`);
          this.db.exec(`ALTER TABLE ${s} RENAME TO ${t}`);
          for (const st of statements.slice(1)) this.db.exec(st);
        } else {
          this.db.exec(`INSERT INTO ${t} (${cols}) SELECT ${cols} FROM ${s}`);
          this.db.exec(`DROP TABLE ${s}`);
        }
        this.db.prepare(`UPDATE ${quoteIdent(LEDGER_TABLE)} SET state = 'committed', committed_at = ? WHERE job_id = ? AND task_id = ? AND state = 'staged'`)
          .run(nowText(), this.spec.jobId, this.spec.taskId);
      }).immediate());
    } catch (e) {
      throw toSqlError(e, this.errorContext('publish'));
    }
    this.shadow = null;
  }

  async insertQuery(columns: readonly string[] | null, sql: string, mode: 'append' | 'overwrite'): Promise<number> {
    const into = this.shadow ?? this.def.name;
    const { sql: select, attach } = this.tr.statement(sql);
    for (const d of attach) {
      const attached = (this.db.pragma('database_list') as { name: string }[]).some((x) => x.name === d);
      if (!attached) this.db.prepare(`ATTACH DATABASE ? AS ${quoteIdent(d)}`).run(this.writer.fileOf(d));
    }
    const cols = columns ? ` (${columns.map(quoteIdent).join(', ')})` : '';
    try {
      return await this.locked(() => this.db.transaction(() => {
        if (mode === 'overwrite' && this.shadow === null) this.db.exec(`DELETE FROM ${quoteIdent(into)}`);
        const r = this.db.prepare(`INSERT INTO ${quoteIdent(into)}${cols} ${select}`).run();
        this.db.prepare(`INSERT INTO ${quoteIdent(LEDGER_TABLE)} (job_id, task_id, table_name, file, etag, start_offset, end_offset, start_line, end_line, header, rows_scanned, rows_loaded, rows_filtered, bytes, done, state, committed_at) VALUES (?, ?, ?, '', NULL, 0, 0, 0, 0, NULL, ?, ?, 0, 0, 1, ?, ?)`)
          .run(this.spec.jobId, this.spec.taskId, this.def.name, r.changes, r.changes, this.shadow ? 'staged' : 'committed', nowText());
        return r.changes;
      }).immediate());
    } catch (e) {
      throw toSqlError(e, this.errorContext(sql));
    }
  }

  async dropShadow(): Promise<void> {
    const name = shadowName(this.spec.jobId, this.def.name);
    await this.locked(() => this.db.transaction(() => {
      this.db.exec(`DROP TABLE IF EXISTS ${quoteIdent(name)}`);
      this.db.prepare(`DELETE FROM ${quoteIdent(LEDGER_TABLE)} WHERE job_id = ? AND task_id = ? AND state = 'staged'`).run(this.spec.jobId, this.spec.taskId);
    }).immediate());
    this.shadow = null;
  }

  close(): Promise<void> {
    if (this.db.inTransaction) this.db.exec('ROLLBACK');
    this.lock.release?.();
    this.lock.release = null;
    this.db.close();
    return Promise.resolve();
  }
}

/** A file's write lock as held by one connection: null while not held. */
interface HeldLock {
  readonly file: string;
  release: (() => void) | null;
}

class EmbeddedLane implements WriteLane {
  private readonly statements = new Map<number, Database.Statement>();
  private readonly text: (rows: number) => string;
  private readonly width: number;
  private readonly chunk: number;
  private readonly params: unknown[] = [];
  /** Per field, whether its column takes numbers (direct mappings only; see StagedRows.appendValues). */
  private readonly numbers: Uint8Array | undefined;

  constructor(
    private readonly db: Database.Database,
    private readonly spec: TaskSpec,
    private readonly def: TableDef,
    private readonly into: string,
    plan: WritePlan,
    translate: (mysql: string) => string,
    private readonly errorContext: (sql: string) => Parameters<typeof toSqlError>[1],
    private readonly lock: HeldLock,
  ) {
    this.width = Math.max(plan.width, 1);
    this.chunk = Math.max(1, Math.min(CHUNK_ROWS, Math.floor(MAX_PARAMS / this.width)));
    const types = new Map(def.columns.map((c) => [c.name.toLowerCase(), parseType(c.type)]));
    // DATE/DATETIME columns store MySQL's canonical text, as the target's own INSERT does.
    const stored = (e: string, i: number): string => {
      const t = types.get((plan.columns[i] ?? '').toLowerCase());
      if (!t) return e;
      const fam = typeFamily(t);
      if (fam === 'datetime') return `mysql_stored_datetime(${e}, ${t.fsp ?? 0})`;
      if (fam === 'date') return `mysql_stored_date(${e})`;
      return e;
    };
    const cols = plan.columns.map(quoteIdent).join(', ');
    const target = quoteIdent(into);
    if (plan.direct && plan.columns.length > 0) {
      // Nothing to evaluate: a plain multi-row INSERT, which SQLite runs ≈ 10% faster than the
      // same rows staged through a VALUES CTE, with numeric columns bound as numbers.
      this.numbers = Uint8Array.from(plan.columns, (c) => {
        const t = types.get(c.toLowerCase());
        const fam = t ? typeFamily(t) : null;
        return fam === 'integer' ? NUMERIC_INTEGER : fam === 'float' || fam === 'decimal' ? NUMERIC_REAL : NUMERIC_NONE;
      });
      const row = `(${plan.columns.map((_, i) => stored('?', i)).join(', ')})`;
      this.text = (rows) => `INSERT INTO ${target} (${cols}) VALUES ${Array.from({ length: rows }, () => row).join(', ')}`;
      return;
    }
    const exprs = plan.exprs.map((m, i) => stored(translate(m), i));
    const where = plan.where === null ? '' : ` WHERE ${translate(plan.where)}`;
    const fields = Array.from({ length: this.width }, (_, i) => quoteIdent(`__f${i}`)).join(', ');
    const row = `(${Array.from({ length: this.width }, () => '?').join(', ')})`;
    this.text = (rows) => {
      const values = Array.from({ length: rows }, () => row).join(', ');
      if (plan.columns.length === 0) return `WITH "__s" (${fields}) AS (VALUES ${values}) INSERT INTO ${target} DEFAULT VALUES`;
      return `WITH "__s" (${fields}) AS (VALUES ${values}) INSERT INTO ${target} (${cols}) SELECT ${exprs.join(', ')} FROM "__s"${where}`;
    };
  }

  private statement(rows: number): Database.Statement {
    let s = this.statements.get(rows);
    if (!s) {
      s = this.db.prepare(this.text(rows));
      this.statements.set(rows, s);
    }
    return s;
  }

  /** Opens the commit unit's transaction, first waiting (asynchronously) for the file's write lock. */
  private async begin(): Promise<void> {
    if (this.db.inTransaction) return;
    if (this.lock.release === null) this.lock.release = await acquireWriteLock(this.lock.file);
    this.db.exec('BEGIN IMMEDIATE');
  }

  private unlock(): void {
    this.lock.release?.();
    this.lock.release = null;
  }

  private bind(rows: StagedRows, from: number, to: number): unknown[] {
    const p = this.params;
    p.length = 0;
    if (rows.width === 0) {
      for (let r = from; r < to; r++) p.push(null);
      return p;
    }
    rows.appendValues(from, to, p as Value[], this.numbers);
    for (let i = 0; i < p.length; i++) {
      const v = p[i];
      if (typeof v === 'boolean' || (typeof v === 'object' && v !== null)) p[i] = bindable(v as Value);
    }
    return p;
  }

  async write(rows: StagedRows, signal: AbortSignal): Promise<WriteOutcome> {
    await this.begin();
    let loaded = 0;
    const errors: { row: number; reason: string }[] = [];
    for (let from = 0; from < rows.count; from += this.chunk) {
      const to = Math.min(rows.count, from + this.chunk);
      try {
        loaded += this.statement(to - from).run(this.bind(rows, from, to)).changes;
      } catch (e) {
        if (!isRowError(e)) throw toSqlError(e, this.errorContext('INSERT'));
        // SQLite undid the whole statement: find the rows it refused, one at a time.
        const one = this.statement(1);
        for (let r = from; r < to; r++) {
          try {
            loaded += one.run(this.bind(rows, r, r + 1)).changes;
          } catch (e1) {
            if (!isRowError(e1)) throw toSqlError(e1, this.errorContext('INSERT'));
            errors.push({ row: r, reason: toSqlError(e1, this.errorContext('INSERT')).message.replace(/ at row 1$/, ` at row ${rows.line(r)}`) });
          }
        }
      }
      if (signal.aborted) break;
    }
    return Promise.resolve({ loaded, errors });
  }

  async commit(record: Parameters<WriteLane['commit']>[0]): Promise<void> {
    await this.begin();
    try {
      this.db.prepare(`INSERT INTO ${quoteIdent(LEDGER_TABLE)} (job_id, task_id, table_name, file, etag, start_offset, end_offset, start_line, end_line, header, rows_scanned, rows_loaded, rows_filtered, bytes, done, state, committed_at, checksum) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(
        this.spec.jobId, this.spec.taskId, this.def.name, record.file, record.etag, record.startOffset, record.endOffset, record.startLine, record.endLine,
        record.header ? JSON.stringify(record.header) : null, record.rowsScanned, record.rowsLoaded, record.rowsFiltered, record.bytes, record.done ? 1 : 0,
        this.into.startsWith(SHADOW_PREFIX) ? 'staged' : 'committed', nowText(), record.sums === null ? null : JSON.stringify(record.sums),
      );
      this.db.exec('COMMIT');
    } catch (e) {
      // A full disk shows here first, when the unit's pages go to the write-ahead log. The unit
      // is undone while this lane still holds the file's write lock.
      try {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
      } catch {
        // The connection closes with the lane; SQLite undoes what was not committed.
      }
      throw toSqlError(e, this.errorContext('COMMIT'));
    } finally {
      this.unlock();
    }
  }

  rollback(): Promise<void> {
    try {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
    } finally {
      this.unlock();
    }
    return Promise.resolve();
  }

  close(): Promise<void> {
    return this.rollback();
  }
}
