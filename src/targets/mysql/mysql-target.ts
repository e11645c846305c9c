// A MySQL-compatible server as the target (MySQL, MariaDB, TiDB, Doris, StarRocks), driven with
// mysql2. Passthrough statements run as written and come back unchanged: column metadata from the
// server's own column definitions, values as the text the server sent (so DECIMAL, DATETIME and
// BIGINT UNSIGNED survive exactly), errors with the server's errno, SQLSTATE and message.
// Connections are pooled: mysql2 costs ≈ 0.5 MB of heap per open connection (DESIGN.md).

import mysql, { type FieldPacket, type Pool, type PoolConnection } from 'mysql2/promise';
import type { Column, ColumnTypeCode, QueryResult, Value } from '../../protocol/handler.js';
import { SqlError } from '../../protocol/sql-error.js';
import type { ColumnDef, ExecuteOptions, IndexDef, TableDef, TableStatus, Target } from '../target.js';

const SYSTEM_DATABASES = new Set(['information_schema', 'mysql', 'performance_schema', 'sys', 'metrics_schema']);

export interface MySqlTargetOptions {
  url: string;
  /** Connections kept at most (default 16). */
  connectionLimit?: number;
}

interface ServerError {
  errno?: number;
  sqlState?: string;
  sqlMessage?: string;
  code?: string;
  message?: string;
  /** mysql2: the connection is unusable after this error. */
  fatal?: boolean;
}

const CONNECTION_FAILURES = /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|EPIPE|PROTOCOL_CONNECTION_LOST|PROTOCOL_SEQUENCE_TIMEOUT|ER_CON_COUNT_ERROR)$/;

/** A server error passes through unchanged; a connection failure names the target; anything else is ours. */
export function toSqlError(e: unknown, where: string): unknown {
  const err = e as ServerError;
  if (typeof err?.errno === 'number' && err.sqlState && err.sqlMessage !== undefined) {
    return SqlError.fromServer(err.errno, err.sqlState, err.sqlMessage);
  }
  if (err?.code && CONNECTION_FAILURES.test(err.code)) {
    return new SqlError('ER_NET_READ_ERROR', `Target ${where} is not reachable: ${err.code}`);
  }
  // A connection the server closed while it was idle (a restart between two statements): the
  // driver refuses the next statement with no code, only `fatal`.
  if (err?.fatal === true && typeof err.errno !== 'number') {
    return new SqlError('ER_NET_READ_ERROR', `Target ${where} closed the connection: ${err.message ?? 'connection lost'}`);
  }
  return e;
}

export class MySqlTarget implements Target {
  readonly kind = 'mysql' as const;
  private readonly pool: Pool;
  private readonly where: string;

  constructor(options: MySqlTargetOptions) {
    const url = new URL(options.url);
    this.where = `${url.hostname}:${url.port || 3306}`;
    this.pool = mysql.createPool({
      host: url.hostname,
      port: Number(url.port || 3306),
      user: decodeURIComponent(url.username),
      password: decodeURIComponent(url.password),
      database: url.pathname.length > 1 ? decodeURIComponent(url.pathname.slice(1)) : undefined,
      ssl: url.searchParams.get('ssl') === 'true' ? { rejectUnauthorized: url.searchParams.get('ssl-verify') !== 'false' } : undefined,
      connectionLimit: options.connectionLimit ?? 16,
      maxIdle: 4,
      idleTimeout: 60_000,
      multipleStatements: false,
      supportBigNumbers: true,
      bigNumberStrings: true,
      dateStrings: true,
      rowsAsArray: true,
      // Keep what the server sent: text for everything, bytes for the string/blob family, which
      // execute() turns back into text for columns whose charset is not binary.
      typeCast: (field, next) => {
        void next;
        return /BLOB|STRING|BIT|GEOMETRY/.test(field.type) ? field.buffer() : field.string('utf8');
      },
    });
    // A dropped idle connection must not crash the daemon.
    this.pool.on('connection', (c) => c.on('error', () => undefined));
  }

  private async withConnection<T>(database: string | null, fn: (c: PoolConnection) => Promise<T>): Promise<T> {
    let conn: PoolConnection;
    try {
      conn = await this.pool.getConnection();
    } catch (e) {
      throw toSqlError(e, this.where);
    }
    try {
      if (database !== null) await conn.query(`USE \`${database.replace(/`/g, '``')}\``);
      return await fn(conn);
    } catch (e) {
      throw toSqlError(e, this.where);
    } finally {
      conn.release();
    }
  }

  async execute(sql: string, options: ExecuteOptions): Promise<QueryResult> {
    return this.withConnection(options.database, async (c) => {
      if (options.timeZone && options.timeZone !== 'SYSTEM') await c.query('SET time_zone = ?', [options.timeZone]);
      const [result, fields] = await c.query({ sql, rowsAsArray: true }, options.params as unknown[] | undefined);
      if (options.timeZone && options.timeZone !== 'SYSTEM') await c.query('SET time_zone = DEFAULT');
      if (!Array.isArray(result)) {
        const ok = result as { affectedRows: number; insertId: number; warningStatus: number; info: string };
        return { kind: 'ok', affectedRows: ok.affectedRows, insertId: ok.insertId, warnings: ok.warningStatus, info: ok.info || undefined };
      }
      const columns = (fields ?? []).map(columnFromField);
      const textual = columns.map((col) => col.charset !== 63);
      const rows = result as Value[][];
      for (const row of rows) {
        for (let i = 0; i < row.length; i++) {
          const v = row[i];
          if (textual[i] && Buffer.isBuffer(v)) row[i] = v.toString('utf8');
        }
      }
      return { kind: 'rows', columns, rows };
    });
  }

  async databases(): Promise<readonly string[]> {
    return this.withConnection(null, async (c) => {
      const rows = await meta(c, 'SHOW DATABASES');
      return (rows as string[][]).map((r) => r[0]!).filter((d) => !SYSTEM_DATABASES.has(d.toLowerCase())).sort();
    });
  }

  async tables(database: string): Promise<readonly TableDef[]> {
    const names = await this.withConnection(null, async (c) => {
      const rows = await meta(c, "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME", [database]);
      return (rows as string[][]).map((r) => r[0]!);
    });
    const out: TableDef[] = [];
    for (const n of names) {
      const t = await this.table(database, n);
      if (t) out.push(t);
    }
    return out;
  }

  async table(database: string, name: string): Promise<TableDef | undefined> {
    return this.withConnection(null, async (c) => {
      const tables = await meta(c, 'SELECT TABLE_COMMENT, CREATE_TIME FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?', [database, name]);
      const t = (tables as (string | null)[][])[0];
      if (!t) return undefined;
      const cols = await meta(c, 'SELECT COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT, EXTRA, COLUMN_COMMENT FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION', [database, name]);
      const columns: ColumnDef[] = (cols as (string | null)[][]).map(([col, type, nullable, def, extra, comment]) => ({
        name: col!,
        type: type!,
        nullable: nullable === 'YES',
        ...(def === null || def === undefined ? {} : /^(current_timestamp|now\()/i.test(def) ? { default: { kind: 'expression' as const, sql: def } } : { default: { kind: 'literal' as const, value: def.replace(/^'(.*)'$/s, '$1') } }),
        autoIncrement: /auto_increment/i.test(extra ?? ''),
        onUpdateCurrentTimestamp: /on update/i.test(extra ?? ''),
        comment: comment ?? '',
      }));
      const stats = await meta(c, 'SELECT INDEX_NAME, NON_UNIQUE, COLUMN_NAME, SUB_PART, INDEX_COMMENT FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY INDEX_NAME = \'PRIMARY\' DESC, INDEX_NAME, SEQ_IN_INDEX', [database, name]);
      const indexes: IndexDef[] = [];
      for (const [index, nonUnique, column, subPart, comment] of stats as (string | number | null)[][]) {
        let idx = indexes.find((i) => i.name === index);
        if (!idx) {
          idx = { name: String(index), kind: index === 'PRIMARY' ? 'primary' : Number(nonUnique) === 0 ? 'unique' : 'index', columns: [], comment: String(comment ?? '') };
          indexes.push(idx);
        }
        (idx.columns as { name: string; length?: number }[]).push({ name: String(column), ...(subPart === null ? {} : { length: Number(subPart) }) });
      }
      return { database, name, columns, indexes, comment: String(t[0] ?? ''), tableType: 'BASE TABLE', createTime: String(t[1] ?? '') };
    });
  }

  async tableStatus(database: string, name: string): Promise<TableStatus | undefined> {
    return this.withConnection(null, async (c) => {
      const rows = await meta(c, 'SELECT TABLE_ROWS, AUTO_INCREMENT, DATA_LENGTH, INDEX_LENGTH FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?', [database, name]);
      const r = (rows as (string | null)[][])[0];
      if (!r) return undefined;
      return { rows: Number(r[0] ?? 0), autoIncrement: r[1] === null || r[1] === undefined ? null : BigInt(r[1]), dataLength: Number(r[2] ?? 0), indexLength: Number(r[3] ?? 0) };
    });
  }

  /** Checks the target answers; used at start-up and by /readyz. */
  async ping(): Promise<void> {
    await this.withConnection(null, (c) => c.ping());
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/** Metadata queries: plain strings (the passthrough typeCast keeps bytes, which is wrong here). */
async function meta(c: PoolConnection, sql: string, params: unknown[] = []): Promise<unknown[][]> {
  const [rows] = await c.query({ sql, rowsAsArray: true, typeCast: (_field, next) => next() }, params);
  return rows as unknown[][];
}

/** The server's column definition, carried over field by field. */
export function columnFromField(f: FieldPacket): Column {
  const anyField = f as FieldPacket & { columnType?: number; characterSet?: number; columnLength?: number; encoding?: string };
  return {
    name: f.name,
    orgName: f.orgName,
    table: f.table,
    orgTable: f.orgTable,
    schema: f.db ?? f.schema,
    type: (anyField.columnType ?? f.type ?? 0xfd) as ColumnTypeCode,
    flags: typeof f.flags === 'number' ? f.flags : 0,
    charset: anyField.characterSet,
    length: anyField.columnLength ?? f.length,
    decimals: f.decimals,
  };
}
