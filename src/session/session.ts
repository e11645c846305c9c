// One client session: per-connection state (user, database, variables, warnings, transaction
// flag) and the router that sends each parsed statement to whoever answers it:
//   job statements → jobs/ (through the JobStatements port), session statements → answered here,
//   catalog statements → the target's catalog, everything else → the target as written.

import { setTimeout as sleep } from 'node:timers/promises';
import { isPromise, type Column, type ConnectionInfo, type MaybePromise, type PreparedStatementInfo, type QueryResult, type RowsResult, type ServerControl, type Session, type SessionStatus, type Value } from '../protocol/handler.js';
import { Capability } from '../protocol/constants.js';
import { SqlError } from '../protocol/sql-error.js';
import type { Statement, StatementOf } from '../sql/ast.js';
import { printExpr, tokenize } from '../sql/index.js';
import { sharedStatementCache } from './statement-cache.js';
import type { Target } from '../targets/target.js';
import { charsetList, collationList, CHARSETS, defaultCollation } from './charsets.js';
import { Decimal, evaluate, formatDouble, truthy, type EvalContext, type SqlValue } from './evaluate.js';
import { columnForValue, filterShowRows, rowsResult, textColumns, toWireValue } from './results.js';
import { DEFAULT_VALUE, GlobalVariables, SessionVariables, setNames, showValue, type SetValue, type VarValue } from './variables.js';
import type { User } from './users.js';
import type { CatalogStatements } from './catalog-statements.js';
import type { StatementMetrics } from '../ops/metrics.js';

/** What the job engine offers the session; jobs/ implements it. */
export interface JobStatements {
  execute(statement: Statement, session: SessionContext, signal: AbortSignal): Promise<QueryResult>;
}

/** What the job engine may know of the session that submits a statement. */
export interface SessionContext {
  readonly connectionId: number;
  readonly user: string;
  readonly admin: boolean;
  readonly database: string | null;
  readonly inTransaction: boolean;
  readonly originalSql: string;
  warn(code: number, message: string, level?: 'Warning' | 'Note'): void;
}

export interface SessionServices {
  globals: GlobalVariables;
  metrics?: StatementMetrics;
  target: Target;
  catalog: CatalogStatements;
  jobs: JobStatements | null;
  version: string;
  startedAt: number;
}

interface Warning {
  level: 'Note' | 'Warning' | 'Error';
  code: number;
  message: string;
}

const MAX_WARNINGS = 64; // max_error_count

export class LoadwireSession implements Session {
  readonly variables: SessionVariables;
  private db: string | null;
  private readonly userVars = new Map<string, SqlValue>();
  private warnings: Warning[] = [];
  private inTransaction = false;
  private lastInsertId: number | bigint = 0;
  private rowCount = -1;

  constructor(
    private readonly info: ConnectionInfo,
    private readonly user: User,
    private readonly control: ServerControl,
    private readonly services: SessionServices,
  ) {
    this.variables = new SessionVariables(services.globals);
    this.db = info.database;
  }

  // --- protocol Session -----------------------------------------------------------------------

  statements(sql: string, multiStatements: boolean): readonly string[] {
    if (!multiStatements) return [sql];
    const pieces = sharedStatementCache.split(sql);
    if (pieces.length === 0) throw new SqlError('ER_EMPTY_QUERY', 'Query was empty');
    return pieces;
  }

  run(sql: string, signal: AbortSignal): MaybePromise<QueryResult> {
    return this.runText(sql, signal);
  }

  async prepare(sql: string): Promise<PreparedStatementInfo> {
    sharedStatementCache.parse(sql); // a syntax error belongs to PREPARE, not to EXECUTE
    const paramCount = tokenize(sql).filter((t) => t.kind === 'param').length;
    return { paramCount, columns: [] };
  }

  execute(sql: string, params: readonly Value[], signal: AbortSignal): MaybePromise<QueryResult> {
    return this.runText(bindParameters(sql, params), signal);
  }

  async initDb(database: string): Promise<void> {
    const dbs = await this.services.target.databases();
    const found = dbs.find((d) => d === database) ?? (database.toLowerCase() === 'information_schema' ? 'information_schema' : undefined);
    if (!found) throw new SqlError('ER_BAD_DB_ERROR', `Unknown database '${database}'`);
    this.db = found;
  }

  async fieldList(table: string, wildcard: string): Promise<readonly Column[]> {
    if (!this.db) throw new SqlError('ER_NO_DB_ERROR', 'No database selected');
    return this.services.catalog.fieldList(this.db, table, wildcard);
  }

  // What the connection asks on every command (status flags, wait_timeout), read from the
  // variables again only when they changed: the lookups were measurable on the `SELECT 1` path.
  private derivedVersion = -1;
  private autocommit = true;
  private idleSeconds = { interactive: 28800, other: 28800 };

  private derived(): void {
    if (this.derivedVersion === this.variables.version) return;
    this.autocommit = this.variables.bool('autocommit');
    this.idleSeconds = { interactive: Number(this.variables.get('interactive_timeout')), other: Number(this.variables.get('wait_timeout')) };
    this.derivedVersion = this.variables.version;
  }

  status(): SessionStatus {
    this.derived();
    return { autocommit: this.autocommit, inTransaction: this.inTransaction };
  }

  database(): string | null {
    return this.db;
  }

  idleTimeoutSeconds(): number {
    this.derived();
    return (this.info.clientCapabilities & Capability.CLIENT_INTERACTIVE) !== 0 ? this.idleSeconds.interactive : this.idleSeconds.other;
  }

  async reset(): Promise<void> {
    this.variables.reset();
    this.userVars.clear();
    this.warnings = [];
    this.inTransaction = false;
    this.lastInsertId = 0;
  }

  close(): void {
    this.inTransaction = false;
  }

  // --- statement routing ----------------------------------------------------------------------

  /** Parses, routes and times one statement; synchronous whenever the route is. */
  private runText(sql: string, signal: AbortSignal): MaybePromise<QueryResult> {
    const started = performance.now();
    let statement: Statement;
    try {
      statement = sharedStatementCache.parse(sql);
    } catch (e) {
      this.warnings = e instanceof SqlError ? [{ level: 'Error', code: e.errno, message: e.message }] : [];
      this.record('unparsed', started, e);
      throw e;
    }
    const kind = statement.kind === 'passthrough' ? `passthrough:${statement.verb.toLowerCase()}` : statement.kind;
    const keepsWarnings = statement.kind === 'showWarnings' || statement.kind === 'showWarningCount' || referencesDiagnostics(statement);
    if (!keepsWarnings) this.warnings = [];
    const failed = (e: unknown): never => {
      if (e instanceof SqlError && !keepsWarnings) this.warnings.push({ level: 'Error', code: e.errno, message: e.message });
      this.record(kind, started, e);
      throw e;
    };
    const succeeded = (result: QueryResult): QueryResult => {
      this.record(kind, started, null);
      this.rowCount = result.kind === 'ok' ? Number(result.affectedRows ?? 0) : -1;
      if (result.kind === 'ok' && result.insertId !== undefined && result.insertId !== 0) this.lastInsertId = result.insertId;
      const warnings = (result.warnings ?? 0) + (keepsWarnings ? 0 : this.warnings.length);
      return warnings === (result.warnings ?? 0) ? result : { ...result, warnings };
    };
    let pending: MaybePromise<QueryResult>;
    try {
      pending = this.route(statement, sql, signal);
    } catch (e) {
      return failed(e);
    }
    return isPromise(pending) ? pending.then(succeeded, failed) : succeeded(pending);
  }

  private record(kind: string, started: number, error: unknown): void {
    const errno = error === null ? null : error instanceof SqlError ? error.errno : 1105;
    this.services.metrics?.statement(kind, errno, (performance.now() - started) / 1000);
  }

  private context(sql: string): SessionContext {
    return {
      connectionId: this.info.id,
      user: this.user.name,
      admin: this.user.admin,
      database: this.db,
      inTransaction: this.inTransaction,
      originalSql: sql,
      warn: (code, message, level = 'Warning') => this.warn(code, message, level),
    };
  }

  warn(code: number, message: string, level: 'Warning' | 'Note' = 'Warning'): void {
    if (this.warnings.length < MAX_WARNINGS) this.warnings.push({ level, code, message });
  }

  private route(s: Statement, sql: string, signal: AbortSignal): MaybePromise<QueryResult> {
    switch (s.kind) {
      case 'submitJob':
      case 'showJobStatus':
      case 'cancelJob':
      case 'showJobErrors':
      case 'createJob':
      case 'createSyncJob':
      case 'pauseJob':
      case 'resumeJob':
      case 'dropJob':
      case 'alterJob':
      case 'jobsQuery':
      case 'importInto':
      case 'showImportJobs':
      case 'showImportJob':
      case 'cancelImportJob':
        if (!this.services.jobs) throw new SqlError('ER_NOT_SUPPORTED_YET', 'This version of loadwire does not run jobs yet');
        return this.services.jobs.execute(s, this.context(sql), signal);
      case 'set':
        return this.set(s);
      case 'setTransaction':
        return this.setTransaction(s);
      case 'use':
        return this.initDb(s.database).then(() => ({ kind: 'ok' }));
      case 'showVariables':
        return this.showVariables(s);
      case 'showStatus':
        return this.showStatus(s);
      case 'showWarnings':
        return this.showWarnings(s);
      case 'showWarningCount': {
        const n = s.which === 'errors' ? this.warnings.filter((w) => w.level === 'Error').length : this.warnings.length;
        const name = s.which === 'errors' ? '@@session.error_count' : '@@session.warning_count';
        return rowsResult([columnForValue(name, 0n)], [[BigInt(n)]]);
      }
      case 'showDatabases':
        return this.services.target.databases().then((names) => {
          const dbs = ['information_schema', ...names].sort();
          return this.showRows(['Database'], dbs.map((d) => [d]), s.filter);
        });
      case 'showCharset':
        return this.showRows(
          ['Charset', 'Description', 'Default collation', 'Maxlen'],
          charsetList().map((c) => [c.name, c.description, c.defaultCollation, BigInt(c.maxLen)]),
          s.filter,
        );
      case 'showCollation':
        return this.showRows(
          ['Collation', 'Charset', 'Id', 'Default', 'Compiled', 'Sortlen', 'Pad_attribute'],
          collationList().map((c) => [c.name, c.charset, BigInt(c.id), c.isDefault ? 'Yes' : '', 'Yes', BigInt(c.sortLen), c.padAttribute]),
          s.filter,
        );
      case 'showEngines':
        return this.showRows(
          ['Engine', 'Support', 'Comment', 'Transactions', 'XA', 'Savepoints'],
          [['InnoDB', 'DEFAULT', 'Supports transactions, row-level locking, and foreign keys', 'YES', 'NO', 'NO']],
          null,
        );
      case 'showProcesslist':
        return this.showProcesslist(s.full);
      case 'showGrants': {
        const who = s.user?.user ?? this.user.name;
        const host = s.user?.host ?? '%';
        if (who !== this.user.name && !this.user.admin) {
          throw new SqlError('ER_DBACCESS_DENIED_ERROR', `Access denied for user '${this.user.name}'@'${this.info.host}' to database 'mysql'`);
        }
        const privileges = who === this.user.name ? (this.user.admin ? 'ALL PRIVILEGES' : 'SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, INDEX, ALTER') : 'USAGE';
        return this.showRows([`Grants for ${who}@${host}`], [[`GRANT ${privileges} ON *.* TO \`${who}\`@\`${host}\``]], null);
      }
      case 'showCreateDatabase':
        return this.showCreateDatabase(s);
      case 'startTransaction':
        this.inTransaction = true;
        return { kind: 'ok' };
      case 'commit':
      case 'rollback':
        this.inTransaction = false;
        return { kind: 'ok' };
      case 'kill':
        return this.kill(s);
      case 'select':
        return this.select(s, signal);
      case 'showTables':
      case 'showColumns':
      case 'showIndex':
      case 'showCreateTable':
      case 'showTableStatus':
      case 'describe':
        return this.services.catalog.execute(s, sql, { database: this.db, signal });
      case 'passthrough':
        return this.services.target.execute(sql, {
          database: this.db,
          signal,
          timeZone: String(this.variables.get('time_zone')),
          user: `${this.user.name}@${this.info.host}`,
          connectionId: this.info.id,
        });
      default: {
        const never: never = s;
        return never;
      }
    }
  }

  // --- session statements ---------------------------------------------------------------------

  private evalContext(clause: EvalContext['clause'] = 'field list', sleeps?: number[]): EvalContext {
    return {
      clause,
      sleeps,
      userVariable: (name) => this.userVars.get(name.toLowerCase()) ?? null,
      systemVariable: (name, scope) => this.readSystemVariable(name, scope),
      sessionFunction: (name, args) => this.sessionFunction(name, args),
      now: () => nowInZone(String(this.variables.get('time_zone'))),
    };
  }

  private readSystemVariable(name: string, scope: 'global' | 'session' | null): SqlValue {
    const lower = name.toLowerCase();
    if (lower === 'warning_count' && scope !== 'global') return BigInt(this.warnings.length);
    if (lower === 'error_count' && scope !== 'global') return BigInt(this.warnings.filter((w) => w.level === 'Error').length);
    if ((lower === 'last_insert_id' || lower === 'identity') && scope !== 'global') return BigInt(this.lastInsertId);
    return varToSql(this.variables.get(name, scope));
  }

  private sessionFunction(name: string, args: SqlValue[]): SqlValue | undefined {
    switch (name) {
      case 'VERSION':
        return this.services.version;
      case 'DATABASE':
      case 'SCHEMA':
        return this.db;
      case 'USER':
      case 'SESSION_USER':
      case 'SYSTEM_USER':
        return `${this.user.name}@${this.info.host}`;
      case 'CURRENT_USER':
        return `${this.user.name}@%`;
      case 'CONNECTION_ID':
        return BigInt(this.info.id);
      case 'LAST_INSERT_ID':
        if (args.length > 0 && args[0] !== null && args[0] !== undefined) {
          this.lastInsertId = BigInt(String(args[0]).split('.')[0] ?? '0');
          return args[0];
        }
        return BigInt(this.lastInsertId);
      case 'ROW_COUNT':
        return BigInt(this.rowCount);
      case 'FOUND_ROWS':
        return 1n;
      default:
        return undefined;
    }
  }

  private set(s: StatementOf<'set'>): QueryResult {
    for (const a of s.assignments) {
      switch (a.kind) {
        case 'userVariable':
          this.userVars.set(a.name.toLowerCase(), evaluate(a.value, this.evalContext('field list')));
          break;
        case 'systemVariable': {
          let value: SetValue;
          if (a.value.kind === 'default') value = DEFAULT_VALUE;
          else if (a.value.kind === 'column' && a.value.table === null) value = a.value.name; // SET x = ON / utf8mb4
          else {
            const v = evaluate(a.value, this.evalContext('field list'));
            value = v === null ? null : Buffer.isBuffer(v) ? v.toString('utf8') : v instanceof Decimal ? v.text : typeof v === 'number' ? formatDouble(v) : v;
          }
          if (a.scope === 'session') {
            const wasAutocommit = this.variables.bool('autocommit');
            const name = a.name.toLowerCase();
            if (name === 'last_insert_id' || name === 'identity') {
              this.lastInsertId = BigInt(String(value ?? 0));
              break;
            }
            this.variables.set(a.name, value);
            // Turning autocommit on commits the open transaction, as in MySQL.
            if (name === 'autocommit' && !wasAutocommit && this.variables.bool('autocommit')) this.inTransaction = false;
          } else {
            if (!this.user.admin) {
              throw new SqlError('ER_SPECIFIC_ACCESS_DENIED_ERROR', 'Access denied; you need (at least one of) the SUPER or SYSTEM_VARIABLES_ADMIN privilege(s) for this operation');
            }
            this.services.globals.set(a.name, value);
          }
          break;
        }
        case 'names':
          setNames(this.variables, a.charset, a.collation);
          break;
        case 'characterSet': {
          const cs = a.charset ?? 'utf8mb4';
          if (!CHARSETS.has(cs.toLowerCase() === 'utf8' ? 'utf8mb3' : cs.toLowerCase())) {
            throw new SqlError('ER_UNKNOWN_CHARACTER_SET', `Unknown character set: '${cs}'`);
          }
          this.variables.set('character_set_client', cs);
          this.variables.set('character_set_results', cs);
          const dbCharset = String(this.variables.get('character_set_database'));
          this.variables.set('character_set_connection', dbCharset);
          this.variables.set('collation_connection', defaultCollation(dbCharset));
          break;
        }
        default: {
          const never: never = a;
          return never;
        }
      }
    }
    return { kind: 'ok' };
  }

  private setTransaction(s: StatementOf<'setTransaction'>): QueryResult {
    const apply = (name: string, value: string | number): void => {
      if (s.scope === 'global') {
        if (!this.user.admin) throw new SqlError('ER_SPECIFIC_ACCESS_DENIED_ERROR', 'Access denied; you need (at least one of) the SUPER or SYSTEM_VARIABLES_ADMIN privilege(s) for this operation');
        this.services.globals.set(name, value);
      } else {
        this.variables.set(name, value);
      }
    };
    if (s.scope === 'next' && this.inTransaction) {
      throw new SqlError('ER_CANT_CHANGE_TX_CHARACTERISTICS', 'Transaction characteristics can\'t be changed while a transaction is in progress');
    }
    if (s.isolationLevel) apply('transaction_isolation', s.isolationLevel.replace(/ /g, '-'));
    if (s.accessMode) apply('transaction_read_only', s.accessMode === 'readOnly' ? 1 : 0);
    return { kind: 'ok' };
  }

  private showRows(columns: readonly string[], rows: readonly (readonly SqlValue[])[], filter: Parameters<typeof filterShowRows>[2]): QueryResult {
    const filtered = filterShowRows(columns, rows, filter, this.evalContext('where clause'));
    const cols = columns.map((name, i) => {
      const sample = rows[0]?.[i];
      return typeof sample === 'bigint' ? columnForValue(name, sample) : textColumns([name])[0]!;
    });
    return rowsResult(cols, filtered);
  }

  private showVariables(s: StatementOf<'showVariables'>): QueryResult {
    const entries = s.scope === 'global' ? this.services.globals.entries() : this.variables.entries();
    const rows = entries.map(([name, value, def]) => {
      if (name === 'warning_count') return [name, String(this.warnings.length)];
      if (name === 'error_count') return [name, String(this.warnings.filter((w) => w.level === 'Error').length)];
      if (name === 'last_insert_id' || name === 'identity') return [name, String(this.lastInsertId)];
      return [name, showValue(value, def)];
    });
    return this.showRows(['Variable_name', 'Value'], rows, s.filter);
  }

  private showStatus(s: StatementOf<'showStatus'>): QueryResult {
    const uptime = Math.floor((Date.now() - this.services.startedAt) / 1000);
    const counters = this.control.counters();
    const processes = this.control.processList();
    const rows: [string, string][] = [
      ['Aborted_clients', '0'],
      ['Aborted_connects', '0'],
      ['Connections', String(counters.connections)],
      ['Max_used_connections', String(processes.length)],
      ['Queries', String(counters.questions)],
      ['Questions', String(counters.questions)],
      ['Ssl_cipher', this.info.tls ? 'TLS_AES_256_GCM_SHA384' : ''],
      ['Ssl_version', this.info.tls ? 'TLSv1.3' : ''],
      ['Threads_connected', String(processes.length)],
      ['Threads_running', String(processes.filter((p) => p.command !== 'Sleep').length)],
      ['Uptime', String(uptime)],
      ['Uptime_since_flush_status', String(uptime)],
    ];
    return this.showRows(['Variable_name', 'Value'], rows, s.filter);
  }

  private showWarnings(s: StatementOf<'showWarnings'>): QueryResult {
    let list = s.which === 'errors' ? this.warnings.filter((w) => w.level === 'Error') : this.warnings;
    if (s.limit) list = list.slice(s.limit.offset ?? 0, (s.limit.offset ?? 0) + s.limit.count);
    const columns: Column[] = [...textColumns(['Level']), columnForValue('Code', 0n), ...textColumns(['Message'])];
    return rowsResult(columns, list.map((w) => [w.level, BigInt(w.code), w.message]));
  }

  private showProcesslist(full: boolean): QueryResult {
    const list = this.control.processList().filter((p) => this.user.admin || p.user === this.user.name);
    const columns: Column[] = [
      columnForValue('Id', 0n), ...textColumns(['User', 'Host', 'db', 'Command']), columnForValue('Time', 0n), ...textColumns(['State', 'Info']),
    ];
    return rowsResult(
      columns,
      list.map((p) => [BigInt(p.id), p.user, p.host, p.db, p.command, BigInt(p.timeSeconds), p.state, p.info === null ? null : full ? p.info : p.info.slice(0, 100)]),
    );
  }

  private kill(s: StatementOf<'kill'>): QueryResult {
    const target = this.control.processList().find((p) => p.id === s.id);
    if (!target) throw new SqlError('ER_NO_SUCH_THREAD', `Unknown thread id: ${s.id}`);
    if (target.user !== this.user.name && !this.user.admin) throw new SqlError('ER_KILL_DENIED_ERROR', `You are not owner of thread ${s.id}`);
    if (s.id === this.info.id && s.target === 'connection') {
      this.control.kill(s.id, 'connection');
      throw new SqlError('ER_QUERY_INTERRUPTED', 'Query execution was interrupted');
    }
    this.control.kill(s.id, s.target);
    return { kind: 'ok' };
  }

  private async showCreateDatabase(s: StatementOf<'showCreateDatabase'>): Promise<QueryResult> {
    const dbs = await this.services.target.databases();
    const name = dbs.find((d) => d === s.database);
    if (!name) throw new SqlError('ER_BAD_DB_ERROR', `Unknown database '${s.database}'`);
    const ddl = `CREATE DATABASE ${s.ifNotExists ? '/*!32312 IF NOT EXISTS*/ ' : ''}\`${name}\` /*!40100 DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci */ /*!80016 DEFAULT ENCRYPTION='N' */`;
    return this.showRows(['Database', 'Create Database'], [[name, ddl]], null);
  }

  /** A FROM-less SELECT, evaluated here; synchronous unless it calls SLEEP(). */
  private select(s: StatementOf<'select'>, signal: AbortSignal): MaybePromise<QueryResult> {
    if (isLiteralSelect(s)) {
      let result = literalResults.get(s);
      if (!result) {
        result = { ...this.selectResult(s, s.items.map((it) => evaluate(it.expr, this.evalContext('field list', []))), false), reused: true };
        literalResults.set(s, result);
      }
      return result;
    }
    const sleeps: number[] = [];
    const ctx = this.evalContext('field list', sleeps);
    if (s.where && truthy(evaluate(s.where, { ...ctx, clause: 'where clause' })) !== true) {
      const values = s.items.map((it) => evaluate(it.expr, ctx));
      return rowsResult(s.items.map((it, i) => columnForValue(columnName(it), values[i] ?? null)), []);
    }
    const values = s.items.map((it) => evaluate(it.expr, ctx));
    if (sleeps.length === 0) return this.selectResult(s, values, false);
    return this.sleepThen(s, values, sleeps, signal);
  }

  private async sleepThen(s: StatementOf<'select'>, values: SqlValue[], sleeps: readonly number[], signal: AbortSignal): Promise<QueryResult> {
    let interrupted = false;
    for (const seconds of sleeps) {
      try {
        await sleep(seconds * 1000, undefined, { signal });
      } catch {
        // SLEEP() interrupted by KILL QUERY returns 1 instead of failing, as in MySQL.
        interrupted = true;
        break;
      }
    }
    return this.selectResult(s, values, interrupted);
  }

  private selectResult(s: StatementOf<'select'>, values: SqlValue[], interrupted: boolean): RowsResult {
    const row = values.map((v, i) => (interrupted && isSleepCall(s.items[i]!.expr) ? 1n : v));
    const columns = s.items.map((it, i) => columnForValue(columnName(it), row[i] ?? null));
    const limited = s.limit && (s.limit.count === 0 || (s.limit.offset ?? 0) > 0) ? [] : [row];
    return rowsResult(columns, limited);
  }
}

/**
 * Answers to SELECTs of literals only (`SELECT 1`, the validation query of every connection pool),
 * by parsed statement: the same every time, so evaluated and encoded once.
 */
const literalResults = new WeakMap<Statement, RowsResult>();

function isLiteralSelect(s: StatementOf<'select'>): boolean {
  return s.where === null && s.items.every((it) => it.expr.kind === 'number' || it.expr.kind === 'string');
}

function columnName(item: StatementOf<'select'>['items'][number]): string {
  return item.alias ?? printExpr(item.expr);
}

function isSleepCall(e: StatementOf<'select'>['items'][number]['expr']): boolean {
  return e.kind === 'function' && e.name === 'SLEEP';
}

function referencesDiagnostics(s: Statement): boolean {
  if (s.kind !== 'select') return false;
  return s.items.some((it) => it.expr.kind === 'systemVariable' && (it.expr.name === 'warning_count' || it.expr.name === 'error_count'));
}

function varToSql(v: VarValue): SqlValue {
  if (v === null) return null;
  if (typeof v === 'number') return Number.isInteger(v) ? BigInt(v) : v;
  return v;
}

/** Renders prepared-statement parameters as SQL literals in place of their `?` tokens. */
export function bindParameters(sql: string, params: readonly Value[]): string {
  const marks = tokenize(sql).filter((t) => t.kind === 'param');
  if (marks.length !== params.length) throw new SqlError('ER_WRONG_ARGUMENTS', 'Incorrect arguments to mysqld_stmt_execute');
  let out = '';
  let pos = 0;
  marks.forEach((t, i) => {
    out += sql.slice(pos, t.offset) + sqlLiteral(params[i] ?? null);
    pos = t.end;
  });
  return out + sql.slice(pos);
}

export function sqlLiteral(v: Value): string {
  if (v === null) return 'NULL';
  if (typeof v === 'number') return Number.isFinite(v) ? formatDouble(v) : 'NULL';
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'boolean') return v ? '1' : '0';
  if (Buffer.isBuffer(v)) return `X'${v.toString('hex')}'`;
  if (v instanceof Date) {
    const p = (n: number, w = 2) => String(n).padStart(w, '0');
    return `'${p(v.getUTCFullYear(), 4)}-${p(v.getUTCMonth() + 1)}-${p(v.getUTCDate())} ${p(v.getUTCHours())}:${p(v.getUTCMinutes())}:${p(v.getUTCSeconds())}'`;
  }
  return `'${v.replace(/[\0\n\r\\'"\x1a]/g, (c) => ({ '\0': '\\0', '\n': '\\n', '\r': '\\r', '\\': '\\\\', "'": "\\'", '"': '\\"', '\x1a': '\\Z' })[c]!)}'`;
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** Current wall-clock time in a MySQL time_zone value ('SYSTEM', '+05:30', or an IANA name). */
export function nowInZone(tz: string, at = new Date()): string {
  let d = at;
  if (tz === 'SYSTEM') {
    d = new Date(at.getTime() - at.getTimezoneOffset() * 60_000);
  } else {
    const m = /^([+-])(\d{2}):(\d{2})$/.exec(tz);
    if (m) {
      const minutes = (Number(m[2]) * 60 + Number(m[3])) * (m[1] === '-' ? -1 : 1);
      d = new Date(at.getTime() + minutes * 60_000);
    } else {
      const parts = new Intl.DateTimeFormat('en-CA', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' }).formatToParts(at);
      const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '00';
      return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}:${get('second')}`;
    }
  }
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

export { toWireValue };
