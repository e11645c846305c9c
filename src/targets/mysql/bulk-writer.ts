// The MySQL-compatible target's bulk writer: rows stream to the server with LOAD DATA LOCAL INFILE
// (mysql2 `infileStreamFactory`), the mapping runs on the server as the statement's column list of
// @vars and SET (or, with a WHERE filter, through a session TEMPORARY stage table and one
// INSERT ... SELECT), and the ledger table `__loadwire_ledger` lives in the target database,
// written in the same InnoDB transaction as the rows. LOAD DATA because it ingests ≈ 160–190 k rows/s
// per connection against ≈ 80 k for multi-row INSERTs via mysql2 (issue 5's measurements).
// LOAD DATA LOCAL turns data errors into warnings (the server cannot stop the upload), so a batch
// that warns is rolled back to its savepoint and written row by row with strict INSERTs, which
// finds the error rows with MySQL's own messages.
// Publishing a one-shot task into an empty table renames the shadow into place instead of copying
// it: the copy (INSERT ... SELECT) re-wrote every row a second time, about half of the task's time
// in the write bench (300 k rows: loadwire 65 k rows/s vs the CLI's 178 k before this change;
// with the rename, plain column lists and passed-through lines, 1 M rows: 174 k vs the CLI's 231 k).

import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import mysql, { type ConnectionOptions, type Pool, type PoolConnection, type ResultSetHeader } from 'mysql2/promise';
import { SqlError } from '../../protocol/sql-error.js';
import type { Value } from '../../formats/types.js';
import type { ColumnDef, TableDef } from '../target.js';
import {
  ConcatRows, LEDGER_TABLE, SHADOW_PREFIX, checksumMismatch, isLockConflict, shadowName, sliceRows, type KeyWindow, type LaneLimit, type PublishCheck, type BulkWriter, type LedgerRecord, type StagedRows, type TaskSession, type TaskSpec,
  type WriteLane, type WriteOutcome, type WritePlan,
} from '../bulk-writer.js';
import { toSqlError } from './mysql-target.js';
import { isIntegerType } from '../mysql-types.js';
import { Reservations } from './reservations.js';

export interface MySqlBulkWriterOptions {
  readonly url: string;
  /** Connections at most (at least 2): one per lane (THREAD) plus one per task session. */
  readonly connectionLimit?: number;
  /** innodb_lock_wait_timeout of lanes writing one file side by side (default 5 s). */
  readonly lockWaitSeconds?: number;
}

const STAGE_TABLE = '__loadwire_stage';
/**
 * Source bytes per LOAD DATA. Each statement costs a savepoint and two round trips, and MariaDB
 * ingests faster in long statements: decoded batches (often a few hundred kB, as S3 delivers them)
 * are gathered to this size.
 */
const BATCH_BYTES = 4 * 1024 * 1024;
/** A batch with warnings is retried in this many parts, recursively; parts of up to RETRY_PART_ROWS go row by row. */
const RETRY_PARTS = 16;
const RETRY_PART_ROWS = 256;
/** Where a renamed-away target table waits to be dropped. */
const RETIRED_PREFIX = '__loadwire_retired_';
/**
 * Ledger states of a rename publish in flight: recorded (committed) before the RENAME, which is
 * DDL and cannot share a transaction with the ledger; the RENAME is the commit point, and
 * `resolvePublishing` finishes or redoes it after a crash (shadow still there → rename not done).
 */
const PUBLISH_APPEND = 'publish-append';
const PUBLISH_REPLACE = 'publish-replace';

/**
 * Connections that read a shadow back side by side for CHECKSUM_TABLE. Measured on 2 cores (4 M
 * rows, MariaDB): 2 scans took 25% less time than one, 4 scans 45% less; the server's row reads
 * wait on memory more than on CPU.
 */
const VERIFY_SCANS = 4;

/** Key ranges per probe for rows outside the verified windows. */
const PROBE_RANGES = 256;

function retiredName(jobId: string, table: string): string {
  return `${RETIRED_PREFIX}${shadowName(jobId, table).slice(SHADOW_PREFIX.length)}`;
}

function q(name: string): string {
  return `\`${name.replace(/`/g, '``')}\``;
}

const LEDGER_DDL = (db: string): string => `CREATE TABLE IF NOT EXISTS ${q(db)}.${q(LEDGER_TABLE)} (
  seq BIGINT AUTO_INCREMENT PRIMARY KEY, job_id VARCHAR(255) NOT NULL, task_id VARCHAR(255) NOT NULL, table_name VARCHAR(64) NOT NULL,
  file TEXT NOT NULL, etag VARCHAR(255), start_offset BIGINT NOT NULL, end_offset BIGINT NOT NULL, start_line BIGINT NOT NULL,
  end_line BIGINT NOT NULL, header TEXT, rows_scanned BIGINT NOT NULL, rows_loaded BIGINT NOT NULL, rows_filtered BIGINT NOT NULL,
  bytes BIGINT NOT NULL, done TINYINT NOT NULL, state VARCHAR(16) NOT NULL, committed_at DATETIME NOT NULL, checksum TEXT,
  KEY job (job_id, task_id)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`;

const LEDGER_COLUMNS = 'job_id, task_id, table_name, file, etag, start_offset, end_offset, start_line, end_line, header, rows_scanned, rows_loaded, rows_filtered, bytes, done, state, committed_at, checksum';

type Row = Record<string, string | number | null>;

function recordOf(r: Row): LedgerRecord {
  return {
    jobId: String(r.job_id), taskId: String(r.task_id), table: String(r.table_name), file: String(r.file), etag: r.etag === null ? null : String(r.etag),
    startOffset: Number(r.start_offset), endOffset: Number(r.end_offset), startLine: Number(r.start_line), endLine: Number(r.end_line),
    header: r.header === null ? null : (JSON.parse(String(r.header)) as string[]),
    rowsScanned: Number(r.rows_scanned), rowsLoaded: Number(r.rows_loaded), rowsFiltered: Number(r.rows_filtered), bytes: Number(r.bytes),
    done: Number(r.done) !== 0, state: r.state === 'staged' ? 'staged' : 'committed', committedAt: String(r.committed_at),
    sums: r.checksum === null || r.checksum === undefined ? null : (JSON.parse(String(r.checksum)) as Record<string, string>),
  };
}

/**
 * The error as a MySQL error. `shadow`: the private table the rows went to, named in the server's
 * messages ("The table '__loadwire_shadow_...' is full"); the user is told the table they named.
 */
function fail(e: unknown, where: string, shadow?: { readonly name: string | null; readonly table: string }): SqlError {
  const mapped = toSqlError(e, where);
  const err = mapped instanceof SqlError ? mapped : new SqlError('ER_UNKNOWN_ERROR', mapped instanceof Error ? mapped.message : String(mapped));
  if (!shadow?.name || !err.message.includes(shadow.name)) return err;
  return SqlError.fromServer(err.errno, err.sqlState, asTable(err.message, shadow));
}

/** `text` with the shadow's name replaced by its table's. */
function asTable(text: string, shadow: { readonly name: string | null; readonly table: string }): string {
  return shadow.name ? text.split(shadow.name).join(shadow.table) : text;
}

/** A value as a field of LOAD DATA's default text format (tab-separated, backslash escapes, \N). */
function field(v: Value): string {
  if (v === null) return '\\N';
  if (typeof v === 'string') return /[\\\t\n\r\0]/.test(v) ? v.replace(/[\\\t\n\r\0]/g, (c) => (c === '\t' ? '\\t' : c === '\n' ? '\\n' : c === '\r' ? '\\r' : c === '\0' ? '\\0' : '\\\\')) : v;
  if (typeof v === 'boolean') return v ? '1' : '0';
  if (v instanceof Uint8Array) return field(Buffer.from(v).toString('utf8'));
  return String(v);
}

/**
 * An error that condemns the statement's rows, not the transaction: a server error on a live
 * connection other than a lock conflict (a deadlock undoes the whole transaction, and a lock
 * wait says nothing about the row).
 */
function isRowError(e: unknown): boolean {
  return typeof (e as { errno?: unknown }).errno === 'number' && !(e as { fatal?: boolean }).fatal && !isLockConflict(e);
}

function bindable(v: Value): unknown {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Uint8Array) return Buffer.from(v);
  return v;
}

export class MySqlBulkWriter implements BulkWriter {
  readonly pool: Pool;
  private readonly where: string;
  readonly connectionLimit: number;
  readonly laneLimit: LaneLimit;
  readonly insertsInProcess = false;
  readonly lockWaitSeconds: number;
  private readonly connect: ConnectionOptions;
  /** The connections each open task will hold, taken before it takes any. */
  private readonly reservations: Reservations;

  constructor(options: MySqlBulkWriterOptions) {
    const url = new URL(options.url);
    this.where = `${url.hostname}:${url.port || 3306}`;
    // A task needs two at least: its session and one lane. 16 by default: the engine's 4 one-shot
    // jobs and several streaming tasks at THREAD=1 without queueing for connections.
    this.connectionLimit = Math.max(2, options.connectionLimit ?? 16);
    // A task's session connection is not a lane.
    this.laneLimit = { max: this.connectionLimit - 1, why: `the target's ${this.connectionLimit} connections (--target-connections) include the task's own` };
    this.reservations = new Reservations(this.connectionLimit);
    this.lockWaitSeconds = Math.max(1, Math.round(options.lockWaitSeconds ?? 5));
    this.connect = {
      host: url.hostname,
      port: Number(url.port || 3306),
      user: decodeURIComponent(url.username),
      password: decodeURIComponent(url.password),
      ssl: url.searchParams.get('ssl') === 'true' ? { rejectUnauthorized: url.searchParams.get('ssl-verify') !== 'false' } : undefined,
    };
    this.pool = mysql.createPool({
      ...this.connect,
      connectionLimit: this.connectionLimit,
      maxIdle: 2,
      charset: 'utf8mb4',
      supportBigNumbers: true,
      bigNumberStrings: true,
      dateStrings: true,
    });
    this.pool.on('connection', (c) => c.on('error', () => undefined));
  }

  async connection(): Promise<PoolConnection> {
    try {
      const c = await this.pool.getConnection();
      // Strict: a value that does not fit is an error row, never a silently altered value.
      await c.query("SET SESSION sql_mode = CONCAT_WS(',', @@sql_mode, 'STRICT_ALL_TABLES')");
      return c;
    } catch (e) {
      throw fail(e, this.where);
    }
  }

  /**
   * Stops the statement running on connection `threadId` (KILL QUERY), from a connection of its
   * own as MySQL clients do: the pool may have none free, every one being a busy lane. Never
   * throws; when it fails the statement simply runs to its end.
   */
  async killQuery(threadId: number): Promise<void> {
    let c: mysql.Connection | null = null;
    try {
      c = await mysql.createConnection({ ...this.connect, connectTimeout: 5_000 });
      await c.query(`KILL QUERY ${Number(threadId)}`);
    } catch {
      // Best effort.
    } finally {
      await c?.end().catch(() => c?.destroy());
    }
  }

  private async tableDef(c: PoolConnection, database: string, table: string): Promise<TableDef> {
    const [dbs] = await c.query('SELECT SCHEMA_NAME AS name FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?', [database]);
    if ((dbs as Row[]).length === 0) throw new SqlError('ER_BAD_DB_ERROR', `Unknown database '${database}'`);
    const [cols] = await c.query(
      'SELECT COLUMN_NAME AS name, COLUMN_TYPE AS type, IS_NULLABLE AS nullable, EXTRA AS extra FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION',
      [database, table],
    );
    const rows = cols as Row[];
    if (rows.length === 0) throw new SqlError('ER_NO_SUCH_TABLE', `Table '${database}.${table}' doesn't exist`);
    const columns: ColumnDef[] = rows.map((r) => ({
      name: String(r.name), type: String(r.type), nullable: r.nullable === 'YES', autoIncrement: /auto_increment/i.test(String(r.extra)),
      onUpdateCurrentTimestamp: /on update/i.test(String(r.extra)), comment: '',
    }));
    return { database, name: table, columns, indexes: [], comment: '', tableType: 'BASE TABLE', createTime: '' };
  }

  /** Finishes rename publishes a crash interrupted, in `database` (all of them for a job, or one task). */
  async resolvePublishing(c: PoolConnection, database: string, jobId: string, taskId?: string): Promise<void> {
    const db = q(database);
    const ledger = `${db}.${q(LEDGER_TABLE)}`;
    const [pending] = await c.query(
      `SELECT DISTINCT task_id, table_name, state FROM ${ledger} WHERE job_id = ? AND state IN (?, ?)${taskId === undefined ? '' : ' AND task_id = ?'}`,
      [jobId, PUBLISH_APPEND, PUBLISH_REPLACE, ...(taskId === undefined ? [] : [taskId])],
    );
    for (const p of pending as Row[]) {
      const table = String(p.table_name);
      const shadow = shadowName(jobId, table);
      const retired = retiredName(jobId, table);
      const exists = async (name: string): Promise<boolean> => {
        const [found] = await c.query('SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?', [database, name]);
        return (found as Row[]).length > 0;
      };
      // The shadow still there: the RENAME did not happen (it is atomic), so do it now.
      if (await exists(shadow)) {
        await c.query(`DROP TABLE IF EXISTS ${db}.${q(retired)}`);
        await c.query(`RENAME TABLE ${db}.${q(table)} TO ${db}.${q(retired)}, ${db}.${q(shadow)} TO ${db}.${q(table)}`);
      }
      if (await exists(retired)) {
        // Appending: rows another writer put into the table between the emptiness check and the
        // rename are in the retired table; they are the table's too.
        if (p.state === PUBLISH_APPEND) await c.query(`INSERT INTO ${db}.${q(table)} SELECT * FROM ${db}.${q(retired)}`);
        await c.query(`DROP TABLE ${db}.${q(retired)}`);
      }
      await c.query(`UPDATE ${ledger} SET state = 'committed', committed_at = NOW() WHERE job_id = ? AND task_id = ? AND state = ?`, [jobId, String(p.task_id), String(p.state)]);
    }
  }

  async openTask(spec: TaskSpec): Promise<TaskSession> {
    const lanes = Math.max(1, Math.min(spec.threads ?? 1, this.laneLimit.max));
    const release = await this.reservations.take(1 + lanes, spec.signal);
    let c: PoolConnection;
    try {
      c = await this.connection();
    } catch (e) {
      release();
      throw e;
    }
    try {
      const def = await this.tableDef(c, spec.database, spec.table);
      await c.query(LEDGER_DDL(def.database));
      // Ledgers written before CHECKSUM_TABLE compared sums have no checksum column.
      const [has] = await c.query('SELECT 1 FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND COLUMN_NAME = ?', [def.database, LEDGER_TABLE, 'checksum']);
      if ((has as Row[]).length === 0) await c.query(`ALTER TABLE ${q(def.database)}.${q(LEDGER_TABLE)} ADD COLUMN checksum TEXT`);
      await this.resolvePublishing(c, def.database, spec.jobId, spec.taskId);
      const keys = await tableKeys(c, def);
      const useful = keys.clustered ? lanes : UNCLUSTERED_LANES.max;
      if (useful < lanes) release(lanes - useful);
      return new MySqlTaskSession(this, c, def, spec, keys.integerKey, useful, release);
    } catch (e) {
      c.release();
      release();
      throw fail(e, this.where);
    }
  }

  async laneLimitFor(database: string, table: string): Promise<LaneLimit> {
    // Worth a round trip, not a wait: while loads hold every connection, the statement does not
    // wait for one of them to end (the task still applies the table's limit when it opens).
    const taking = this.connection();
    const c = await Promise.race([taking, sleep(LANE_LIMIT_WAIT_MS, null, { ref: false })]).catch(() => null);
    if (c === null) {
      void taking.then((late) => late.release(), () => undefined);
      return this.laneLimit;
    }
    try {
      return (await tableKeys(c, await this.tableDef(c, database, table))).clustered ? this.laneLimit : UNCLUSTERED_LANES;
    } catch {
      return this.laneLimit; // A missing table or a target away: the task reports that itself.
    } finally {
      c.release();
    }
  }

  async committed(jobId: string): Promise<LedgerRecord[]> {
    const c = await this.connection();
    try {
      const [schemas] = await c.query('SELECT TABLE_SCHEMA AS db FROM information_schema.TABLES WHERE TABLE_NAME = ? ORDER BY 1', [LEDGER_TABLE]);
      const out: LedgerRecord[] = [];
      for (const s of schemas as Row[]) {
        await this.resolvePublishing(c, String(s.db), jobId);
        const [rows] = await c.query(`SELECT * FROM ${q(String(s.db))}.${q(LEDGER_TABLE)} WHERE job_id = ? AND state = 'committed' ORDER BY seq`, [jobId]);
        out.push(...(rows as Row[]).map(recordOf));
      }
      return out;
    } catch (e) {
      throw fail(e, this.where);
    } finally {
      c.release();
    }
  }

  async discard(jobId: string, database: string, table: string): Promise<void> {
    const c = await this.connection();
    try {
      const [exists] = await c.query('SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?', [database, LEDGER_TABLE]);
      // A publish that passed its commit point is finished, not discarded.
      if ((exists as Row[]).length > 0) await this.resolvePublishing(c, database, jobId);
      await c.query(`DROP TABLE IF EXISTS ${q(database)}.${q(shadowName(jobId, table))}`);
      if ((exists as Row[]).length > 0) await c.query(`DELETE FROM ${q(database)}.${q(LEDGER_TABLE)} WHERE job_id = ? AND table_name = ? AND state = 'staged'`, [jobId, table]);
    } catch (e) {
      throw fail(e, this.where);
    } finally {
      c.release();
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  describe(): string {
    return this.where;
  }
}

/**
 * Lanes for a table without a key to cluster rows by: InnoDB appends every row at the end of its
 * hidden row-id index, and lanes writing side by side contend there. Measured on 2 cores, 21 M
 * rows: THREAD=2 took 72 s against 59 s for one lane, and earlier twice the server's CPU.
 */
/** How long laneLimitFor waits for a free connection. */
const LANE_LIMIT_WAIT_MS = 250;

const UNCLUSTERED_LANES: LaneLimit = {
  max: 1,
  why: 'the table has no primary key (nor a unique key of NOT NULL columns), so every row goes to the end of one hidden index, where connections writing side by side only contend',
};

/**
 * The table's primary key when it is one integer column (TaskSession.windowKey; the shadow, made
 * LIKE the table, has the same), and whether rows are clustered
 * by a key of the table's own: a primary key, or else (as InnoDB picks one) a unique key whose
 * columns are all NOT NULL.
 */
async function tableKeys(c: PoolConnection, def: TableDef): Promise<{ integerKey: string | null; clustered: boolean }> {
  const [stats] = await c.query(
    'SELECT INDEX_NAME AS idx, NON_UNIQUE AS nonUnique, COLUMN_NAME AS name, NULLABLE AS nullable FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY INDEX_NAME, SEQ_IN_INDEX',
    [def.database, def.name],
  );
  const indexes = new Map<string, Row[]>();
  for (const r of stats as Row[]) indexes.set(String(r.idx), [...(indexes.get(String(r.idx)) ?? []), r]);
  const primary = indexes.get('PRIMARY') ?? [];
  const column = primary.length === 1 ? def.columns.find((col) => col.name === String(primary[0]!.name)) : undefined;
  const clustered = [...indexes.values()].some((cols) => Number(cols[0]!.nonUnique) === 0 && cols.every((k) => String(k.nullable ?? '') === ''));
  return { integerKey: column && isIntegerType(column.type) ? column.name : null, clustered };
}

class MySqlTaskSession implements TaskSession {
  private shadow: string | null = null;
  readonly batchBytes = BATCH_BYTES;

  /**
   * `maxLanes`: the lanes reserved for it; `unreserve` gives its reservation back. Connections it
   * takes beyond them (read-backs) are never held while it waits for another.
   */
  constructor(
    private readonly writer: MySqlBulkWriter, private readonly c: PoolConnection, readonly def: TableDef, private readonly spec: TaskSpec,
    readonly windowKey: string | null, readonly maxLanes: number, private readonly unreserve: () => void,
  ) {}

  /** Statements built ahead by a lane's prepare(), until their rows are written (or dropped): any lane may write them. */
  private readonly prepared = new WeakMap<StagedRows, readonly LoadBody[]>();

  private get db(): string {
    return q(this.def.database);
  }

  private get ledger(): string {
    return `${this.db}.${q(LEDGER_TABLE)}`;
  }

  async records(): Promise<LedgerRecord[]> {
    const [rows] = await this.c.query(`SELECT * FROM ${this.ledger} WHERE job_id = ? AND task_id = ? ORDER BY seq`, [this.spec.jobId, this.spec.taskId]);
    return (rows as Row[]).map(recordOf);
  }

  async countRows(): Promise<number> {
    const [rows] = await this.c.query(`SELECT COUNT(*) AS n FROM ${this.db}.${q(this.def.name)}`);
    return Number((rows as Row[])[0]?.n ?? 0);
  }

  async useShadow(reuse: boolean): Promise<boolean> {
    const name = shadowName(this.spec.jobId, this.def.name);
    const [found] = await this.c.query('SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?', [this.def.database, name]);
    const exists = (found as Row[]).length > 0;
    const reused = reuse && exists;
    if (!reused) {
      await this.c.query(`DROP TABLE IF EXISTS ${this.db}.${q(name)}`);
      await this.c.query(`DELETE FROM ${this.ledger} WHERE job_id = ? AND task_id = ? AND state = 'staged'`, [this.spec.jobId, this.spec.taskId]);
      await this.c.query(`CREATE TABLE ${this.db}.${q(name)} LIKE ${this.db}.${q(this.def.name)}`);
    }
    this.shadow = name;
    return reused;
  }

  async lane(plan: WritePlan, options: { readonly concurrent?: boolean } = {}): Promise<WriteLane> {
    const c = await this.writer.connection();
    if (options.concurrent) {
      // Beside other lanes of the same file, a lock wait may be on a unit that commits after this
      // one: the loader resolves that by writing serially, once the wait gives up. Not every
      // MySQL-compatible server has the variable; there the wait is the server's own.
      await c.query(`SET SESSION innodb_lock_wait_timeout = ${Number(this.writer.lockWaitSeconds)}`).catch(() => undefined);
    }
    return new MySqlLane(c, this.def, this.spec, this.shadow ?? this.def.name, plan, this.prepared, (id) => this.writer.killQuery(id));
  }

  /** COUNT(*) and SUM() of `columns` over `from` (a WHERE or ''), on `c`. */
  private async landed(c: PoolConnection, from: string, columns: readonly string[]): Promise<{ count: number; sums: Map<string, bigint | null> }> {
    // SUM() of an integer column is a DECIMAL here: exact whatever the total.
    const select = ['COUNT(*)', ...columns.map((col) => `SUM(${q(col)})`)].join(', ');
    const [rows] = await c.query({ sql: `SELECT ${select} FROM ${from}`, rowsAsArray: true });
    const row = (rows as (string | number | null)[][])[0] ?? [];
    const sums = new Map<string, bigint | null>();
    columns.forEach((col, i) => {
      const v = row[i + 1];
      sums.set(col, v === null || v === undefined ? null : BigInt(v));
    });
    return { count: Number(row[0] ?? 0), sums };
  }

  async verifyWindow(window: KeyWindow, rows: number, sums: Readonly<Record<string, string>>): Promise<boolean> {
    const shadow = this.shadow;
    if (this.windowKey === null || shadow === null) return false;
    let c: PoolConnection | null = null;
    try {
      c = await this.writer.connection();
      const columns = Object.keys(sums);
      const landed = await this.landed(c, `${this.db}.${q(shadow)} WHERE ${q(this.windowKey)} BETWEEN ${window.lo} AND ${window.hi}`, columns);
      return landed.count === rows && columns.every((col) => (landed.sums.get(col) ?? 0n) === BigInt(sums[col]!));
    } catch {
      return false;
    } finally {
      c?.release();
    }
  }

  /**
   * Whether verified windows account for the whole shadow: they do not overlap (a row in two
   * windows would have been counted twice) and no row lies outside them (one range probe).
   */
  private async windowsCover(from: string, windows: readonly KeyWindow[]): Promise<boolean> {
    if (this.windowKey === null) return false;
    const k = q(this.windowKey);
    const sorted = [...windows].sort((a, b) => (a.lo < b.lo ? -1 : a.lo > b.lo ? 1 : 0));
    const outside: string[] = [];
    for (let i = 0; i < sorted.length; i++) {
      const w = sorted[i]!;
      const next = sorted[i + 1];
      if (i === 0) outside.push(`${k} < ${w.lo}`);
      if (next === undefined) outside.push(`${k} > ${w.hi}`);
      else if (next.lo <= w.hi) return false;
      else if (next.lo > w.hi + 1n) outside.push(`${k} BETWEEN ${w.hi + 1n} AND ${next.lo - 1n}`);
    }
    if (outside.length === 0) outside.push('TRUE');
    // In groups: a huge load has thousands of units, and a range list past the optimizer's memory
    // (range_optimizer_max_mem_size) would be read as a scan of the whole table.
    for (let i = 0; i < outside.length; i += PROBE_RANGES) {
      const [rows] = await this.c.query(`SELECT 1 FROM ${from} WHERE ${outside.slice(i, i + PROBE_RANGES).join(' OR ')} LIMIT 1`);
      if ((rows as Row[]).length > 0) return false;
    }
    return true;
  }

  /** CHECKSUM_TABLE: the shadow holds exactly the task's rows; its count and sums against what was read. */
  private async verify(shadow: string, check: PublishCheck): Promise<void> {
    if (check.checksum === 'off') return;
    const from = `${this.db}.${q(shadow)}`;
    if (check.windows !== null && (await this.windowsCover(from, check.windows))) return;
    const names = [...check.sums.keys()];
    const parts = await Promise.all((await this.verifyRanges(from)).map(async (where) => {
      const c = where === '' ? this.c : await this.writer.connection();
      try {
        return await this.landed(c, `${from}${where}`, names);
      } finally {
        if (c !== this.c) c.release();
      }
    }));
    let count = 0;
    const sums = new Map<string, bigint | null>(names.map((c) => [c, null]));
    for (const landed of parts) {
      count += landed.count;
      for (const [c, v] of landed.sums) if (v !== null) sums.set(c, (sums.get(c) ?? 0n) + v);
    }
    const mismatch = checksumMismatch(check, count, sums);
    if (mismatch !== null && check.checksum === 'required') throw new SqlError('ER_CHECKSUM_MISMATCH', mismatch);
  }

  /**
   * WHERE clauses that split the shadow between connections scanning it side by side: ranges of
   * an integer primary key when the table has one, else one scan of it all (''). Reading back a
   * table is a scan of every row: on one connection about a tenth of the load's own time.
   */
  private async verifyRanges(from: string): Promise<string[]> {
    const ways = Math.min(this.writer.connectionLimit - 1, VERIFY_SCANS);
    if (ways < 2 || this.windowKey === null) return [''];
    const k = q(this.windowKey);
    const [rows] = await this.c.query({ sql: `SELECT MIN(${k}), MAX(${k}) FROM ${from}`, rowsAsArray: true });
    const [min, max] = ((rows as (string | number | null)[][])[0] ?? []).map((v) => (v === null || v === undefined ? null : BigInt(v)));
    if (min === null || max === null || min === undefined || max === undefined) return [''];
    const step = (max - min) / BigInt(ways) + 1n;
    const ranges: string[] = [];
    for (let lo = min; lo <= max; lo += step) ranges.push(` WHERE ${k} BETWEEN ${lo} AND ${lo + step - 1n > max ? max : lo + step - 1n}`);
    return ranges;
  }

  async publish(mode: 'append' | 'overwrite', check: PublishCheck): Promise<void> {
    const shadow = this.shadow;
    if (shadow === null) throw new Error('publish without a shadow table');
    try {
      await this.verify(shadow, check);
    } catch (e) {
      throw fail(e, this.writer.describe());
    }
    if (await this.renamable(mode)) {
      await this.publishByRename(shadow, mode);
      return;
    }
    const t = `${this.db}.${q(this.def.name)}`;
    const cols = this.def.columns.map((c) => q(c.name)).join(', ');
    try {
      await this.c.query('START TRANSACTION');
      // InnoDB readers keep seeing the old contents until COMMIT: the replace is atomic for them.
      if (mode === 'overwrite') await this.c.query(`DELETE FROM ${t}`);
      await this.c.query(`INSERT INTO ${t} (${cols}) SELECT ${cols} FROM ${this.db}.${q(shadow)}`);
      await this.c.query(`UPDATE ${this.ledger} SET state = 'committed', committed_at = NOW() WHERE job_id = ? AND task_id = ? AND state = 'staged'`, [this.spec.jobId, this.spec.taskId]);
      await this.c.query('COMMIT');
    } catch (e) {
      await this.c.query('ROLLBACK').catch(() => undefined);
      throw fail(e, this.writer.describe(), { name: shadow, table: this.def.name });
    }
    // The shadow is empty of meaning once published; a crash before this DROP leaves it for discard().
    await this.c.query(`DROP TABLE IF EXISTS ${this.db}.${q(shadow)}`);
    this.shadow = null;
  }

  /**
   * The shadow may replace the table when the table is empty (or being overwritten) and nothing
   * would notice the swap: no triggers (they move with a renamed table) and no foreign keys
   * (CREATE TABLE ... LIKE copies none, and a child's key would follow the renamed parent).
   */
  private async renamable(mode: 'append' | 'overwrite'): Promise<boolean> {
    const [triggers] = await this.c.query('SELECT 1 FROM information_schema.TRIGGERS WHERE EVENT_OBJECT_SCHEMA = ? AND EVENT_OBJECT_TABLE = ? LIMIT 1', [this.def.database, this.def.name]);
    if ((triggers as Row[]).length > 0) return false;
    const [keys] = await this.c.query(
      'SELECT 1 FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE (CONSTRAINT_SCHEMA = ? AND TABLE_NAME = ?) OR (UNIQUE_CONSTRAINT_SCHEMA = ? AND REFERENCED_TABLE_NAME = ?) LIMIT 1',
      [this.def.database, this.def.name, this.def.database, this.def.name],
    );
    if ((keys as Row[]).length > 0) return false;
    if (mode === 'overwrite') return true;
    const [rows] = await this.c.query(`SELECT 1 FROM ${this.db}.${q(this.def.name)} LIMIT 1`);
    return (rows as Row[]).length === 0;
  }

  private async publishByRename(shadow: string, mode: 'append' | 'overwrite'): Promise<void> {
    try {
      // Decided: from here a restart finishes the publish (resolvePublishing) rather than undoing it.
      await this.c.query(`UPDATE ${this.ledger} SET state = ? WHERE job_id = ? AND task_id = ? AND state = 'staged'`,
        [mode === 'append' ? PUBLISH_APPEND : PUBLISH_REPLACE, this.spec.jobId, this.spec.taskId]);
      await this.writer.resolvePublishing(this.c, this.def.database, this.spec.jobId, this.spec.taskId);
    } catch (e) {
      throw fail(e, this.writer.describe());
    }
    this.shadow = null;
  }

  async insertQuery(columns: readonly string[] | null, sql: string, mode: 'append' | 'overwrite'): Promise<number> {
    const into = `${this.db}.${q(this.shadow ?? this.def.name)}`;
    const cols = columns ? ` (${columns.map(q).join(', ')})` : '';
    try {
      await this.c.query(`USE ${this.db}`);
      await this.c.query('START TRANSACTION');
      if (mode === 'overwrite' && this.shadow === null) await this.c.query(`DELETE FROM ${into}`);
      const [res] = await this.c.query(`INSERT INTO ${into}${cols} ${sql}`);
      const n = (res as ResultSetHeader).affectedRows;
      await this.c.query(`INSERT INTO ${this.ledger} (${LEDGER_COLUMNS}) VALUES (?, ?, ?, '', NULL, 0, 0, 0, 0, NULL, ?, ?, 0, 0, 1, ?, NOW(), NULL)`,
        [this.spec.jobId, this.spec.taskId, this.def.name, n, n, this.shadow ? 'staged' : 'committed']);
      await this.c.query('COMMIT');
      return n;
    } catch (e) {
      await this.c.query('ROLLBACK').catch(() => undefined);
      throw fail(e, this.writer.describe(), { name: this.shadow, table: this.def.name });
    }
  }

  async dropShadow(): Promise<void> {
    // A rename publish past its commit point is finished, never dropped.
    await this.writer.resolvePublishing(this.c, this.def.database, this.spec.jobId, this.spec.taskId);
    const name = shadowName(this.spec.jobId, this.def.name);
    await this.c.query(`DROP TABLE IF EXISTS ${this.db}.${q(name)}`);
    await this.c.query(`DELETE FROM ${this.ledger} WHERE job_id = ? AND task_id = ? AND state = 'staged'`, [this.spec.jobId, this.spec.taskId]);
    this.shadow = null;
  }

  close(): Promise<void> {
    this.c.release();
    this.unreserve();
    return Promise.resolve();
  }
}

/** A LOAD DATA statement and the data it reads, in pieces sent one after the other. */
interface LoadBody {
  readonly sql: string;
  readonly body: readonly Buffer[];
  /** The source's lines as they are (StagedRows.delimitedText); absent: the escaped form. */
  readonly passed?: { readonly quoted: boolean; readonly crlf: boolean };
}

class MySqlLane implements WriteLane {
  private open = false;
  private staged = false;
  /** A KILL QUERY was sent to this connection: it is closed, not returned to the pool. */
  private killed = false;
  private readonly load: string;
  /** LOAD DATA of the source's own comma-separated lines, for direct mappings; else null. */
  private readonly loadRaw: ((quoted: boolean, crlf: boolean) => string) | null;
  private readonly one: string;
  private readonly into: string;
  /** The shadow the lane writes to (null: the table itself), as the server's messages name it. */
  private readonly shadow: { readonly name: string | null; readonly table: string };
  /** The session's database is selected on the connection (once: the lane keeps its connection). */
  private used = false;

  constructor(
    private readonly c: PoolConnection, private readonly def: TableDef, private readonly spec: TaskSpec, into: string, private readonly plan: WritePlan,
    private readonly prepared: WeakMap<StagedRows, readonly LoadBody[]>, private readonly kill: (threadId: number) => Promise<void>,
  ) {
    this.into = `${q(def.database)}.${q(into)}`;
    this.shadow = { name: into === def.name ? null : into, table: def.name };
    const vars = Array.from({ length: plan.width }, (_, i) => `@__f${i}`);
    const asVars = (sql: string): string => sql.replace(/(`?)\b__f(\d+)\b\1/g, '@__f$2');
    const fmt = "CHARACTER SET utf8mb4 FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\' LINES TERMINATED BY '\\n'";
    // Every column just its field, in order: a plain column list, no @vars and SET to evaluate.
    const direct = plan.direct && plan.width > 0;
    this.loadRaw = null;
    if (direct) {
      const cols = plan.columns.map(q).join(', ');
      this.load = `LOAD DATA LOCAL INFILE 'loadwire' INTO TABLE ${this.into} ${fmt} (${cols})`;
      // The file's lines as they are, quoted fields included: rows qualify only when the server
      // reads them as the decoder did (StagedRows.delimitedText). Rebuilding quoted CSV in the
      // escaped form took twice the CPU (4 M rows: 9.2 s against 5.0 s). ENCLOSED BY only where
      // quotes are: the server may spend a little more on every field with it (≈ 2% measured,
      // within noise).
      this.loadRaw = (quoted, crlf) => `LOAD DATA LOCAL INFILE 'loadwire' INTO TABLE ${this.into} CHARACTER SET utf8mb4 FIELDS TERMINATED BY ','${quoted ? ` OPTIONALLY ENCLOSED BY '"'` : ''} ESCAPED BY '' LINES TERMINATED BY '${crlf ? '\r\n' : '\n'}' (${cols})`;
    } else if (plan.where === null) {
      const set = plan.columns.map((col, i) => `${q(col)} = ${asVars(plan.exprs[i] ?? 'NULL')}`).join(', ');
      this.load = `LOAD DATA LOCAL INFILE 'loadwire' INTO TABLE ${this.into} ${fmt} (${vars.join(', ')})${set ? ` SET ${set}` : ''}`;
    } else {
      this.load = `LOAD DATA LOCAL INFILE 'loadwire' INTO TABLE ${q(STAGE_TABLE)} ${fmt} (${Array.from({ length: plan.width }, (_, i) => q(`__f${i}`)).join(', ')})`;
    }
    const select = `SELECT ${plan.exprs.join(', ')}`;
    const cols = plan.columns.map(q).join(', ');
    const from = `(SELECT ${Array.from({ length: plan.width }, (_, i) => `? AS ${q(`__f${i}`)}`).join(', ')}) AS s`;
    this.one = `INSERT INTO ${this.into} (${cols}) ${select} FROM ${from}${plan.where === null ? '' : ` WHERE ${plan.where}`}`;
  }

  private async begin(): Promise<void> {
    if (this.open) return;
    // First: the staging table and the statements below name no database (a connection fresh
    // from the pool has none selected).
    if (!this.used) await this.c.query(`USE ${q(this.def.database)}`);
    this.used = true;
    if (this.plan.where !== null && !this.staged) {
      const fields = Array.from({ length: this.plan.width }, (_, i) => `${q(`__f${i}`)} LONGTEXT`).join(', ');
      await this.c.query(`CREATE TEMPORARY TABLE IF NOT EXISTS ${q(STAGE_TABLE)} (${fields}) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`);
      this.staged = true;
    }
    await this.c.query('START TRANSACTION');
    this.open = true;
  }

  private text(rows: StagedRows): Buffer {
    const values: Value[] = [];
    rows.appendValues(0, rows.count, values);
    const w = rows.width;
    if (w === 0) return Buffer.from('\n'.repeat(rows.count), 'utf8');
    let out = '';
    for (let i = 0; i < values.length; i++) out += field(values[i]!) + ((i + 1) % w === 0 ? '\n' : '\t');
    return Buffer.from(out, 'utf8');
  }

  prepare(rows: StagedRows): StagedRows {
    if (rows.count > 0) this.prepared.set(rows, this.body(rows));
    return rows;
  }

  /** The statements and their bodies for a batch: the source's lines when they can pass through. */
  private body(rows: StagedRows): readonly LoadBody[] {
    const ready = this.prepared.get(rows);
    if (ready) return ready;
    const joined = rows instanceof ConcatRows ? this.joined(rows) : null;
    if (joined !== null) return joined;
    const raw = this.loadRaw === null ? null : rows.delimitedText(',');
    if (raw !== null && this.loadRaw !== null) {
      const passed = { quoted: raw.quoted, crlf: raw.crlf };
      return [{ sql: this.loadRaw(raw.quoted, raw.crlf), body: raw.pieces.map((t) => Buffer.from(t, 'utf8')), passed }];
    }
    return [{ sql: this.load, body: [this.text(rows)] }];
  }

  /**
   * The statements of a write whose batches were all prepared as they were gathered, joined from
   * theirs: one per run of batches in the same form, so a batch that cannot pass through as it is
   * does not make the others take the escaped form.
   */
  private joined(rows: ConcatRows): LoadBody[] | null {
    const parts = rows.parts.filter((p) => p.count > 0);
    const statements: { sql: string; body: Buffer[]; passed?: { quoted: boolean; crlf: boolean } }[] = [];
    for (const p of parts) {
      const prepared = this.prepared.get(p);
      if (prepared === undefined) return null;
      for (const b of prepared) {
        const last = statements[statements.length - 1];
        if (last?.sql === b.sql) last.body.push(...b.body);
        else if (last?.passed && b.passed && last.passed.crlf === b.passed.crlf && this.loadRaw !== null) {
          // Lines without quotes read the same with ENCLOSED BY.
          last.passed = { quoted: true, crlf: b.passed.crlf };
          last.sql = this.loadRaw(true, b.passed.crlf);
          last.body.push(...b.body);
        } else statements.push({ sql: b.sql, body: [...b.body], ...(b.passed ? { passed: b.passed } : {}) });
      }
    }
    if (statements.length === 0) return null;
    for (const p of parts) this.prepared.delete(p);
    return statements;
  }

  async write(rows: StagedRows, signal: AbortSignal): Promise<WriteOutcome> {
    if (rows.count === 0) return { loaded: 0, errors: [] };
    // An abort interrupts the statement in flight instead of waiting for it: a batch's LOAD DATA
    // (≈ 1 MiB) or its row-by-row retry can take seconds, and a cancel must not.
    let killing = Promise.resolve();
    const onAbort = (): void => {
      this.killed = true;
      killing = this.kill(this.c.threadId);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      if (signal.aborted) throw new SqlError('ER_QUERY_INTERRUPTED', 'Query execution was interrupted');
      return await this.writeBatch(rows, signal);
    } finally {
      signal.removeEventListener('abort', onAbort);
      // Its megabytes are sent: a unit written again after a lock conflict builds them anew.
      this.prepared.delete(rows);
      if (rows instanceof ConcatRows) for (const p of rows.parts) this.prepared.delete(p);
      // The KILL must land before this connection runs anything else (ROLLBACK, the next batch).
      await killing;
    }
  }

  private async writeBatch(rows: StagedRows, signal: AbortSignal): Promise<WriteOutcome> {
    try {
      // The first batch of a transaction needs no savepoint: undoing it undoes the transaction.
      // A round trip less where units meet, which is where the server otherwise waits on us.
      const first = !this.open;
      await this.begin();
      if (!first) await this.c.query('SAVEPOINT batch');
      const { loaded, clean } = await this.loadOnce(rows, signal);
      if (clean) return { loaded, errors: [] };
      // LOCAL LOAD DATA downgraded errors to warnings: undo the batch and find the rows to blame.
      if (first) {
        await this.c.query('ROLLBACK');
        this.open = false;
        await this.begin();
      } else await this.c.query('ROLLBACK TO SAVEPOINT batch');
      return await this.retryInParts(rows, signal, 0);
    } catch (e) {
      throw fail(e, 'target', this.shadow);
    }
  }

  /** The LOAD DATA statements of `rows` (and the staged INSERT ... SELECT for a WHERE); clean: no warning. */
  private async loadOnce(rows: StagedRows, signal: AbortSignal): Promise<{ loaded: number; clean: boolean }> {
    let loaded = 0;
    let clean = true;
    for (const { sql, body } of this.body(rows)) {
      const [res] = await this.c.query({ sql, infileStreamFactory: () => Readable.from(body) });
      const header = res as ResultSetHeader;
      loaded += header.affectedRows;
      clean = header.warningStatus === 0;
      // The batch goes back to its savepoint and in parts: no use sending the rest.
      if (!clean) break;
    }
    if (this.plan.where !== null) {
      if (clean) {
        try {
          const [ins] = await this.c.query(`INSERT INTO ${this.into} (${this.plan.columns.map(q).join(', ')}) SELECT ${this.plan.exprs.join(', ')} FROM ${q(STAGE_TABLE)} WHERE ${this.plan.where}`);
          loaded = (ins as ResultSetHeader).affectedRows;
          clean = (ins as ResultSetHeader).warningStatus === 0;
        } catch (e) {
          if (!isRowError(e) || signal.aborted) throw e;
          clean = false;
        }
      }
      await this.c.query(`DELETE FROM ${q(STAGE_TABLE)}`);
    }
    return { loaded, clean };
  }

  /**
   * A batch the server warned about, again in parts under savepoints: the clean parts stay, the
   * others are split again, and only small ones go row by row through strict INSERTs. Batches
   * are gathered to megabytes (batchBytes): going row by row for a whole batch because of one bad
   * row would take thousands of round trips.
   */
  private async retryInParts(rows: StagedRows, signal: AbortSignal, depth: number): Promise<WriteOutcome> {
    if (rows.count <= RETRY_PART_ROWS) return this.rowByRow(rows, signal);
    const size = Math.ceil(rows.count / RETRY_PARTS);
    const savepoint = `part${depth}`;
    let loaded = 0;
    const errors: { row: number; reason: string }[] = [];
    for (let from = 0; from < rows.count && !signal.aborted; from += size) {
      const part = sliceRows(rows, from, Math.min(rows.count, from + size));
      await this.c.query(`SAVEPOINT ${savepoint}`);
      const once = await this.loadOnce(part, signal);
      if (once.clean) {
        loaded += once.loaded;
        continue;
      }
      await this.c.query(`ROLLBACK TO SAVEPOINT ${savepoint}`);
      const outcome = await this.retryInParts(part, signal, depth + 1);
      loaded += outcome.loaded;
      for (const e of outcome.errors) errors.push({ row: from + e.row, reason: e.reason });
    }
    return { loaded, errors };
  }

  private async rowByRow(rows: StagedRows, signal: AbortSignal): Promise<WriteOutcome> {
    let loaded = 0;
    const errors: { row: number; reason: string }[] = [];
    for (let r = 0; r < rows.count && !signal.aborted; r++) {
      const params = Array.from({ length: rows.width }, (_, f) => bindable(rows.value(r, f)));
      try {
        const [res] = await this.c.query(this.one, params);
        loaded += (res as ResultSetHeader).affectedRows;
      } catch (e) {
        const err = e as { sqlMessage?: string; errno?: number };
        if (!isRowError(e) || err.sqlMessage === undefined || signal.aborted) throw e;
        errors.push({ row: r, reason: asTable(err.sqlMessage, this.shadow).replace(/ at row 1$/, ` at row ${rows.line(r)}`) });
      }
    }
    return { loaded, errors };
  }

  async commit(record: Parameters<WriteLane['commit']>[0]): Promise<void> {
    try {
      await this.begin();
      await this.c.query(`INSERT INTO ${q(this.def.database)}.${q(LEDGER_TABLE)} (${LEDGER_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NOW(), ?)`, [
        this.spec.jobId, this.spec.taskId, this.def.name, record.file, record.etag, record.startOffset, record.endOffset, record.startLine, record.endLine,
        record.header ? JSON.stringify(record.header) : null, record.rowsScanned, record.rowsLoaded, record.rowsFiltered, record.bytes, record.done ? 1 : 0,
        this.into.includes(SHADOW_PREFIX) ? 'staged' : 'committed', record.sums === null ? null : JSON.stringify(record.sums),
      ]);
      await this.c.query('COMMIT');
      this.open = false;
    } catch (e) {
      throw fail(e, 'target', this.shadow);
    }
  }

  async rollback(): Promise<void> {
    if (!this.open) return;
    this.open = false;
    await this.c.query('ROLLBACK').catch(() => undefined);
  }

  async close(): Promise<void> {
    await this.rollback();
    if (this.killed) {
      // Whatever a late KILL could still reach must not be the pool's next user; the server
      // drops the session (its TEMPORARY stage table and any open transaction) with it.
      this.c.destroy();
      return;
    }
    if (this.staged) await this.c.query(`DROP TEMPORARY TABLE IF EXISTS ${q(STAGE_TABLE)}`).catch(() => undefined);
    this.c.release();
  }
}
