// The embedded target: a warehouse of MySQL-style databases on SQLite. Each database is its own
// file `<dir>/<db>.sqlite` (WAL), ATTACHed to one main connection under its name so `db.t`
// resolves natively; information_schema is an in-memory schema attached beside them. Statements
// arrive in MySQL's dialect, are parsed by node-sql-parser and printed as SQLite by translate.ts.
//
// SQLite caps attached databases (MAX_ATTACHED, 10 in better-sqlite3's build, which cannot be
// raised at run time), so databases are attached on demand and the least recently used one is
// detached when the cap is reached; a single statement may touch at most cap - 1 databases.
//
// better-sqlite3 is synchronous: a statement runs to completion on the caller's thread and holds
// its rows in memory. The later bulk writer opens its own connections to the same files (WAL lets
// readers continue while it writes).

import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import sqlParser from 'node-sql-parser';
import type { OkResult, QueryResult, Value } from '../../protocol/handler.js';
import { SqlError, syntaxError } from '../../protocol/sql-error.js';
import type { ColumnDef, ExecuteOptions, IndexDef, Target, TableDef, TableStatus } from '../target.js';
import { parseType, typeFamily } from '../mysql-types.js';
import { describeTable, likeToRegExp, showColumns, showCreateTable, showDatabases, showIndex, showTableStatus, showTables } from '../show.js';
import { isShowStatement, parseShowStatement, type ShowStatement, type TableRef } from './show-statement.js';
import type { RowsResult } from '../../protocol/handler.js';
import { deleteCatalogEntry, ensureCatalog, readCatalog, writeCatalogEntry } from './catalog-store.js';
import { formatDateTime, parseTimeZone, wallClock } from './datetime.js';
import {
  addIndex, autoIndexName, columnFromAst, indexFromAst, normalizeTableDef, sqliteCreateIndex, sqliteCreateStatements,
  sqliteIndexName, sqliteTriggerName, tableDefFromCreate, validateTableName,
} from './ddl.js';
import { toSqlError, type ErrorContext } from './errors.js';
import { registerMysqlFunctions, type StatementClock } from './functions.js';
import { INFORMATION_SCHEMA_TABLES, createInformationSchema, fillInformationSchema } from './information-schema.js';
import { buildRowsResult, type ColumnOrigin, type SqliteColumnInfo } from './result.js';
import { quoteIdent, rewriteForParser, unescapeMysqlString } from './sql-text.js';
import { INFORMATION_SCHEMA, RESERVED_TABLE_PREFIX, Translator, identText, type Ast, type TranslateContext } from './translate.js';
import { acquireWriteLocks } from './write-lock.js';

/** Statements that only read: they never wait for a writer. Leading comments are skipped. */
const READ_ONLY_STATEMENT = /^(?:\s|\/\*[\s\S]*?\*\/|--[^\n]*\n|#[^\n]*\n)*(SELECT|SHOW|DESCRIBE|DESC|EXPLAIN)\b/i;

const { Parser } = sqlParser;

export interface EmbeddedTargetOptions {
  /** Directory holding one `<db>.sqlite` file per database; created when missing. */
  directory: string;
  /** What VERSION() answers inside statements. */
  version?: string;
  /** Attached user databases at most; defaults to SQLite's MAX_ATTACHED minus information_schema. */
  maxAttachedDatabases?: number;
}

const FILE_SUFFIX = '.sqlite';
const MARKER_FILE = 'loadwire-warehouse';
const DATABASE_NAME_RE = /^[\p{L}\p{N}_$-]{1,64}$/u;
/** MySQL's own schemas: they exist there, and here they cannot be created. */
const SYSTEM_DATABASES = new Set(['information_schema', 'mysql', 'performance_schema', 'sys']);
/** SQLite's own schema names cannot be attached under; such databases get another schema name. */
const SQLITE_SCHEMAS = new Set(['main', 'temp']);

const STATEMENT_WORDS = new Set([
  'select', 'insert', 'replace', 'update', 'delete', 'create', 'drop', 'alter', 'truncate', 'rename', 'with',
  'show', 'describe', 'desc', 'explain', 'use', 'begin', 'start', 'commit', 'rollback', 'set',
]);

interface AttachedDatabase {
  name: string;
  schema: string;
  lastUsed: number;
}

interface StatementState {
  database: string | null;
  sql: string;
  params: readonly Value[];
  user: string;
  connectionId: number;
}

function ok(affectedRows: number | bigint = 0, extra: Partial<OkResult> = {}): OkResult {
  return { kind: 'ok', affectedRows, ...extra };
}

function notSupported(what: string): SqlError {
  return new SqlError('ER_NOT_SUPPORTED_YET', `This version of loadwire doesn't yet support '${what}'`);
}

/** A bound parameter as SQLite takes it. */
function bindable(v: Value): unknown {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v instanceof Date) return formatDateTime(wallClock(v.getTime(), 0), v.getMilliseconds() ? 3 : 0);
  return v;
}

function compileMaxAttached(db: Database.Database): number {
  const opts = db.pragma('compile_options', { simple: false }) as { compile_options: string }[];
  for (const o of opts) {
    const m = /^MAX_ATTACHED=(\d+)$/.exec(o.compile_options);
    if (m) return Number(m[1]);
  }
  return 10;
}

export class EmbeddedTarget implements Target {
  readonly kind = 'embedded' as const;
  private readonly db: Database.Database;
  private readonly parser = new Parser();
  private readonly directory: string;
  private readonly version: string;
  private readonly maxAttached: number;
  /** Lower-cased name → canonical name, for every database file. */
  private readonly names = new Map<string, string>();
  private readonly attached = new Map<string, AttachedDatabase>();
  /** Lower-cased database → lower-cased table → definition; loaded on first use. */
  private readonly catalogs = new Map<string, Map<string, TableDef>>();
  private catalogVersion = 0;
  private informationSchemaVersion = -1;
  private useCounter = 0;
  private clock: StatementClock = { epochMs: Date.now(), offsetMinutes: null };
  private closed = false;

  private constructor(options: EmbeddedTargetOptions) {
    this.directory = options.directory;
    this.version = options.version ?? '8.0.36-loadwire';
    const firstStart = !existsSync(join(this.directory, MARKER_FILE));
    mkdirSync(this.directory, { recursive: true });
    this.db = new Database(':memory:');
    this.maxAttached = Math.max(1, Math.min(options.maxAttachedDatabases ?? Infinity, compileMaxAttached(this.db) - 1));
    registerMysqlFunctions(this.db, () => this.clock);
    this.db.prepare(`ATTACH DATABASE ':memory:' AS ${quoteIdent(INFORMATION_SCHEMA)}`).run();
    createInformationSchema(this.db);
    for (const f of readdirSync(this.directory)) {
      if (!f.endsWith(FILE_SUFFIX)) continue;
      const name = f.slice(0, -FILE_SUFFIX.length);
      if (DATABASE_NAME_RE.test(name) && !this.names.has(name.toLowerCase())) this.names.set(name.toLowerCase(), name);
    }
    if (firstStart) {
      // Like TiDB and MariaDB, a fresh warehouse has a `test` database to start with.
      if (this.names.size === 0) this.createDatabaseFile('test');
      writeFileSync(join(this.directory, MARKER_FILE), 'loadwire embedded warehouse\n');
    }
  }

  static open(options: EmbeddedTargetOptions): EmbeddedTarget {
    return new EmbeddedTarget(options);
  }

  // ---- Target ----

  async execute(sql: string, options: ExecuteOptions): Promise<QueryResult> {
    // A statement that may write waits for running load lanes to finish their commit unit (see
    // write-lock.ts); reads never wait (WAL).
    const release = READ_ONLY_STATEMENT.test(sql) ? null : await acquireWriteLocks(this.databaseNames().map((d) => this.fileOf(d)));
    try {
      return this.executeSync(sql, options);
    } catch (e) {
      throw e instanceof SqlError ? e : toSqlError(e, this.errorContext(sql, options.database));
    } finally {
      release?.();
    }
  }

  databases(): Promise<readonly string[]> {
    return Promise.resolve(this.databaseNames());
  }

  tables(database: string): Promise<readonly TableDef[]> {
    try {
      return Promise.resolve(this.tableDefs(database));
    } catch (e) {
      return Promise.reject(toSqlError(e, this.errorContext('', database)));
    }
  }

  table(database: string, name: string): Promise<TableDef | undefined> {
    try {
      return Promise.resolve(this.tableDef(database, name));
    } catch (e) {
      return Promise.reject(toSqlError(e, this.errorContext('', database)));
    }
  }

  tableStatus(database: string, name: string): Promise<TableStatus | undefined> {
    try {
      return Promise.resolve(this.tableStatusSync(database, name));
    } catch (e) {
      return Promise.reject(toSqlError(e, this.errorContext('', database)));
    }
  }

  close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      this.db.close();
    }
    return Promise.resolve();
  }

  // ---- synchronous API (the session may call these directly) ----

  /** Database names, sorted, without information_schema. */
  databaseNames(): string[] {
    return [...this.names.values()].sort();
  }

  /** Canonical spelling of an existing database, or undefined. */
  resolveDatabase(name: string): string | undefined {
    return this.names.get(name.toLowerCase());
  }

  tableDefs(database: string): TableDef[] {
    if (database.toLowerCase() === INFORMATION_SCHEMA) return [...INFORMATION_SCHEMA_TABLES];
    const db = this.requireDatabase(database);
    return [...this.catalogOf(db).values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  tableDef(database: string, name: string): TableDef | undefined {
    if (database.toLowerCase() === INFORMATION_SCHEMA) return INFORMATION_SCHEMA_TABLES.find((t) => t.name.toLowerCase() === name.toLowerCase());
    const db = this.resolveDatabase(database);
    if (db === undefined) return undefined;
    return this.catalogOf(db).get(name.toLowerCase());
  }

  tableStatusSync(database: string, name: string): TableStatus | undefined {
    const def = this.tableDef(database, name);
    if (!def || def.tableType !== 'BASE TABLE') return undefined;
    const schema = this.attach(def.database, new Set([def.database.toLowerCase()]));
    const s = quoteIdent(schema);
    const count = this.db.prepare(`SELECT count(*) AS n FROM ${s}.${quoteIdent(def.name)}`).get() as { n: number };
    let autoIncrement: bigint | null = null;
    if (def.columns.some((c) => c.autoIncrement)) {
      const seq = this.db.prepare(`SELECT seq FROM ${s}.sqlite_sequence WHERE name = ? COLLATE NOCASE`).safeIntegers(true).get(def.name) as { seq: bigint } | undefined;
      autoIncrement = (seq?.seq ?? 0n) + 1n;
    }
    const pages = this.db.prepare(`SELECT name, sum(pgsize) AS bytes FROM dbstat(?) WHERE name = ? OR name LIKE ? ESCAPE '\\' GROUP BY name`)
      .all(schema, def.name, `${def.name.replace(/[\\%_]/g, '\\$&')}/%`) as { name: string; bytes: number }[];
    let dataLength = 0;
    let indexLength = 0;
    for (const p of pages) {
      if (p.name.toLowerCase() === def.name.toLowerCase()) dataLength += p.bytes;
      else indexLength += p.bytes;
    }
    return { rows: count.n, autoIncrement, dataLength, indexLength };
  }

  /** CREATE DATABASE; returns false when it existed and ifNotExists was given. */
  createDatabase(name: string, ifNotExists = false): boolean {
    if (SYSTEM_DATABASES.has(name.toLowerCase())) {
      throw new SqlError('ER_DBACCESS_DENIED_ERROR', `Access denied for user to database '${name}'`);
    }
    if (this.resolveDatabase(name) !== undefined) {
      if (ifNotExists) return false;
      throw new SqlError('ER_DB_CREATE_EXISTS', `Can't create database '${name}'; database exists`);
    }
    this.createDatabaseFile(name);
    this.catalogVersion++;
    return true;
  }

  /** DROP DATABASE; returns the number of tables dropped, or null when it did not exist. */
  dropDatabase(name: string, ifExists = false): number | null {
    const db = this.resolveDatabase(name);
    if (db === undefined) {
      if (SYSTEM_DATABASES.has(name.toLowerCase())) throw new SqlError('ER_DBACCESS_DENIED_ERROR', `Access denied for user to database '${name}'`);
      if (ifExists) return null;
      throw new SqlError('ER_DB_DROP_EXISTS', `Can't drop database '${name}'; database doesn't exist`);
    }
    const tables = this.catalogOf(db).size;
    this.detach(db);
    const file = this.fileOf(db);
    for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
    this.names.delete(db.toLowerCase());
    this.catalogs.delete(db.toLowerCase());
    this.catalogVersion++;
    return tables;
  }

  // ---- databases and attachment ----

  private validateDatabaseName(name: string): void {
    if (!DATABASE_NAME_RE.test(name) || name === '.' || name === '..') {
      throw new SqlError('ER_WRONG_DB_NAME', `Incorrect database name '${name}'`);
    }
  }

  private fileOf(database: string): string {
    return join(this.directory, `${database}${FILE_SUFFIX}`);
  }

  private schemaOf(database: string): string {
    return SQLITE_SCHEMAS.has(database.toLowerCase()) ? `${database}~` : database;
  }

  private databaseOfSchema(schema: string): string {
    if (schema.toLowerCase() === INFORMATION_SCHEMA) return INFORMATION_SCHEMA;
    return schema.endsWith('~') ? schema.slice(0, -1) : (this.resolveDatabase(schema) ?? schema);
  }

  private createDatabaseFile(name: string): void {
    this.validateDatabaseName(name);
    const file = new Database(this.fileOf(name));
    try {
      file.pragma('journal_mode = WAL');
      ensureCatalog(file, 'main');
    } finally {
      file.close();
    }
    this.names.set(name.toLowerCase(), name);
  }

  private requireDatabase(name: string): string {
    const db = this.resolveDatabase(name);
    if (db === undefined) throw new SqlError('ER_BAD_DB_ERROR', `Unknown database '${name}'`);
    return db;
  }

  /** Attaches a database (detaching the least recently used one when full); returns its schema. */
  private attach(database: string, pinned: ReadonlySet<string>): string {
    const key = database.toLowerCase();
    const found = this.attached.get(key);
    if (found) {
      found.lastUsed = ++this.useCounter;
      return found.schema;
    }
    while (this.attached.size >= this.maxAttached) {
      const victim = [...this.attached.values()].filter((a) => !pinned.has(a.name.toLowerCase())).sort((a, b) => a.lastUsed - b.lastUsed)[0];
      if (!victim) {
        throw new SqlError('ER_TOO_MANY_TABLES', `Too many databases in one statement; loadwire's embedded target can use ${this.maxAttached} at once`);
      }
      this.detach(victim.name);
    }
    const schema = this.schemaOf(database);
    this.db.prepare(`ATTACH DATABASE ? AS ${quoteIdent(schema)}`).run(this.fileOf(database));
    this.db.pragma(`${quoteIdent(schema)}.journal_mode = WAL`);
    this.db.pragma(`${quoteIdent(schema)}.synchronous = NORMAL`);
    ensureCatalog(this.db, schema);
    this.attached.set(key, { name: database, schema, lastUsed: ++this.useCounter });
    return schema;
  }

  private detach(database: string): void {
    const a = this.attached.get(database.toLowerCase());
    if (!a) return;
    this.db.prepare(`DETACH DATABASE ${quoteIdent(a.schema)}`).run();
    this.attached.delete(database.toLowerCase());
  }

  private catalogOf(database: string): Map<string, TableDef> {
    const key = database.toLowerCase();
    let cat = this.catalogs.get(key);
    if (!cat) {
      const schema = this.attach(database, new Set([key]));
      cat = new Map(readCatalog(this.db, schema, database).map((d) => [d.name.toLowerCase(), d]));
      this.catalogs.set(key, cat);
    }
    return cat;
  }

  private refreshInformationSchema(): void {
    if (this.informationSchemaVersion === this.catalogVersion) return;
    const schemas = this.databaseNames().map((database) => ({ database, tables: this.tableDefs(database) }));
    fillInformationSchema(this.db, schemas);
    this.informationSchemaVersion = this.catalogVersion;
  }

  // ---- statements ----

  private errorContext(sql: string, database: string | null, extra: Partial<ErrorContext> = {}): ErrorContext {
    return { sql, database, databaseOfSchema: (s) => this.databaseOfSchema(s), ...extra };
  }

  private parse(sql: string): Ast {
    let ast: Ast;
    const rewritten = rewriteForParser(sql);
    try {
      ast = this.parser.astify(rewritten.text, { database: 'MySQL', parseOptions: { includeLocations: true } });
      if (rewritten.text !== sql) mapLocations(ast, rewritten.toOriginal);
    } catch (e) {
      if (/column count doesn't match value count/i.test(String((e as { message?: unknown } | null)?.message))) {
        throw new SqlError('ER_WRONG_VALUE_COUNT_ON_ROW', "Column count doesn't match value count at row 1");
      }
      const loc = (e as { location?: { start?: { offset?: number; line?: number } } }).location?.start;
      let offset = rewritten.toOriginal(loc?.offset ?? 0);
      let line = loc?.line ?? 1;
      // A statement whose first word is no statement at all is reported from its start, as MySQL does.
      const first = /^\s*([A-Za-z_]+)/.exec(sql);
      if (first && !STATEMENT_WORDS.has((first[1] ?? '').toLowerCase())) {
        offset = sql.length - sql.trimStart().length;
        line = 1;
      }
      throw syntaxError(sql.slice(offset), line);
    }
    const list = (Array.isArray(ast) ? ast : [ast]).filter((a: Ast) => a);
    if (list.length === 0) throw new SqlError('ER_EMPTY_QUERY', 'Query was empty');
    if (list.length > 1) {
      // One statement per call: the session splits multi-statement text.
      const second = list[1]?.loc?.start?.offset;
      throw syntaxError(typeof second === 'number' ? sql.slice(second) : sql, 1);
    }
    return list[0];
  }

  private executeSync(sql: string, options: ExecuteOptions): QueryResult {
    if (this.closed) throw new SqlError('ER_SERVER_SHUTDOWN', 'Server shutdown in progress');
    if (options.signal?.aborted) throw new SqlError('ER_QUERY_INTERRUPTED', 'Query execution was interrupted');
    if (sql.trim().replace(/;+$/, '').trim() === '') throw new SqlError('ER_EMPTY_QUERY', 'Query was empty');
    this.clock = { epochMs: Date.now(), offsetMinutes: parseTimeZone(options.timeZone) };
    const state: StatementState = {
      database: options.database,
      sql,
      params: options.params ?? [],
      user: options.user ?? 'root@localhost',
      connectionId: options.connectionId ?? 0,
    };
    if (isShowStatement(sql)) return this.runShow(parseShowStatement(sql), state);
    const ast = this.parse(sql);
    switch (ast.type) {
      case 'select':
        return this.runQuery(ast, state);
      case 'insert': case 'replace': case 'update': case 'delete':
        return this.runWrite(ast, state);
      case 'create':
        return this.runCreate(ast, state);
      case 'drop':
        return this.runDrop(ast, state);
      case 'alter':
        return this.runAlter(ast, state);
      case 'truncate':
        return this.runTruncate(ast, state);
      case 'rename':
        return this.runRename(ast, state);
      case 'desc': {
        const { db, name } = this.targetTable(null, ast.table, state);
        const def = this.tableDef(db, name);
        if (!def) throw new SqlError('ER_NO_SUCH_TABLE', `Table '${db}.${name}' doesn't exist`);
        return describeTable(def);
      }
      case 'use': {
        const name = identText(ast.db);
        this.requireDatabase(name);
        return ok();
      }
      case 'transaction':
        // Each statement commits on its own on the shared warehouse connection.
        return ok();
      default:
        throw notSupported(String(ast.type ?? 'this statement').toUpperCase());
    }
  }

  private showTable(ref: TableRef, state: StatementState): TableDef {
    const { db, name } = this.targetTable(ref.database, ref.table, state);
    const def = this.tableDef(db, name);
    if (!def) throw new SqlError('ER_NO_SUCH_TABLE', `Table '${db}.${name}' doesn't exist`);
    return def;
  }

  private showDatabase(database: string | null, state: StatementState): string {
    const db = database ?? state.database;
    if (db === null) throw new SqlError('ER_NO_DB_ERROR', 'No database selected');
    if (db.toLowerCase() === INFORMATION_SCHEMA) return INFORMATION_SCHEMA;
    return this.requireDatabase(db);
  }

  /** SHOW/DESCRIBE answered from the catalog with the builders MySQL's layouts come from. */
  private runShow(s: ShowStatement, state: StatementState): QueryResult {
    switch (s.kind) {
      case 'tables': {
        const db = this.showDatabase(s.database, state);
        const like = s.like !== undefined ? { like: s.like } : {};
        return this.where(showTables(db, this.tableDefs(db), { full: s.full, ...like }), s.where, state);
      }
      case 'columns':
        return this.where(showColumns(this.showTable(s.table, state), { full: s.full, ...(s.like !== undefined ? { like: s.like } : {}) }), s.where, state);
      case 'describe': {
        const result = describeTable(this.showTable(s.table, state));
        return s.column === undefined ? result : { ...result, rows: showColumnsLike(result, s.column) };
      }
      case 'index':
        return this.where(showIndex(this.showTable(s.table, state)), s.where, state);
      case 'createTable': {
        const def = this.showTable(s.table, state);
        if (def.tableType !== 'BASE TABLE') throw notSupported('SHOW CREATE TABLE of a system view');
        return showCreateTable(def, this.tableStatusSync(def.database, def.name));
      }
      case 'tableStatus': {
        const db = this.showDatabase(s.database, state);
        const tables = this.tableDefs(db).map((def) => ({ def, status: this.tableStatusSync(db, def.name) }));
        return this.where(showTableStatus(tables, s.like !== undefined ? { like: s.like } : {}), s.where, state);
      }
      case 'databases':
        return this.where(showDatabases(this.databaseNames(), s.like !== undefined ? { like: s.like } : {}), s.where, state);
    }
  }

  /** SHOW ... WHERE: the condition runs in SQLite over the rows, with the result's column names. */
  private where(result: RowsResult, where: string | undefined, state: StatementState): RowsResult {
    if (where === undefined) return result;
    const rows = [...(result.rows as Iterable<readonly Value[]>)];
    const table = `${RESERVED_TABLE_PREFIX}_show`;
    const parsed = this.parse(`SELECT * FROM t WHERE ${where}`);
    const { tr, ctx } = this.translator({ ...state, sql: `SELECT * FROM t WHERE ${where}` });
    const condition = tr.expr(parsed.where);
    if (ctx.referenced.size > 0 || ctx.usesInformationSchema || ctx.paramCount > 0) throw notSupported('subqueries in SHOW ... WHERE');
    const cols = result.columns.map((c) => quoteIdent(c.name));
    this.db.exec(`CREATE TEMP TABLE ${quoteIdent(table)} (${quoteIdent(`${table}_row`)}, ${cols.join(', ')})`);
    try {
      const insert = this.db.prepare(`INSERT INTO temp.${quoteIdent(table)} VALUES (${['?', ...cols.map(() => '?')].join(', ')})`);
      rows.forEach((r, i) => insert.run(i, ...r.map((v) => bindable(v))));
      const keep = this.db.prepare(`SELECT ${quoteIdent(`${table}_row`)} FROM temp.${quoteIdent(table)} WHERE ${condition}`).pluck().all() as number[];
      const wanted = new Set(keep);
      return { ...result, rows: rows.filter((_r, i) => wanted.has(i)) };
    } catch (e) {
      throw toSqlError(e, this.errorContext(state.sql, state.database));
    } finally {
      this.db.exec(`DROP TABLE IF EXISTS temp.${quoteIdent(table)}`);
    }
  }

  private translator(state: StatementState): { tr: Translator; ctx: TranslateContext } {
    const ctx: TranslateContext = {
      database: state.database,
      sql: state.sql,
      resolveDatabase: (n) => this.resolveDatabase(n),
      schemaOf: (d) => this.schemaOf(d),
      version: this.version,
      user: state.user,
      connectionId: state.connectionId,
      referenced: new Set(),
      usesInformationSchema: false,
      paramCount: 0,
    };
    return { tr: new Translator(ctx), ctx };
  }

  /** Attaches what a translated statement touches; reports a missing database as MySQL does. */
  private prepareDatabases(ctx: TranslateContext, missing: (db: string) => SqlError): void {
    if (ctx.missingDatabase !== undefined) throw missing(ctx.missingDatabase);
    const pinned = new Set([...ctx.referenced].map((d) => d.toLowerCase()));
    if (pinned.size > this.maxAttached) {
      throw new SqlError('ER_TOO_MANY_TABLES', `Too many databases in one statement; loadwire's embedded target can use ${this.maxAttached} at once`);
    }
    for (const d of ctx.referenced) this.attach(d, pinned);
    if (ctx.usesInformationSchema) this.refreshInformationSchema();
  }

  private bindParams(ctx: TranslateContext, state: StatementState): unknown[] {
    if (ctx.paramCount !== state.params.length) {
      throw new SqlError('ER_WRONG_ARGUMENTS', 'Incorrect arguments to mysqld_stmt_execute');
    }
    return state.params.map(bindable);
  }

  private origin(info: SqliteColumnInfo): ColumnOrigin | undefined {
    if (!info.database || !info.table || !info.column) return undefined;
    const database = this.databaseOfSchema(info.database);
    const def = this.tableDef(database, info.table);
    const column = def?.columns.find((c) => c.name.toLowerCase() === info.column?.toLowerCase());
    return def && column ? { database: def.database, table: def, column } : undefined;
  }

  private runQuery(ast: Ast, state: StatementState): QueryResult {
    const { tr, ctx } = this.translator(state);
    const text = tr.statement(ast);
    this.prepareDatabases(ctx, (db) => new SqlError('ER_NO_SUCH_TABLE', `Table '${db}.${firstTable(ast)}' doesn't exist`));
    try {
      const stmt = this.db.prepare(text);
      if (!stmt.reader) throw notSupported('a SELECT that writes');
      stmt.safeIntegers(true).raw(true);
      const raw = stmt.all(...this.bindParams(ctx, state)) as unknown[][];
      return buildRowsResult(stmt.columns(), raw, (i) => this.origin(i));
    } catch (e) {
      throw toSqlError(e, this.errorContext(state.sql, state.database));
    }
  }

  private runWrite(ast: Ast, state: StatementState): QueryResult {
    const { tr, ctx } = this.translator(state);
    const target = ast.type === 'delete' ? ast.from?.[0] : ast.table?.[0];
    const db = target ? tr.tableDatabase(target.db, target.table) : undefined;
    const def = db && target ? this.tableDef(db, identText(target.table)) : undefined;
    if (def) {
      const types = new Map(def.columns.map((c) => [c.name.toLowerCase(), parseType(c.type)]));
      ctx.tableColumns = def.columns.map((c) => c.name);
      ctx.normalizerFor = (column) => {
        const t = types.get(column.toLowerCase());
        if (!t) return undefined;
        const fam = typeFamily(t);
        if (fam === 'datetime') return `mysql_stored_datetime(?, ${t.fsp ?? 0})`;
        if (fam === 'date') return 'mysql_stored_date(?)';
        return undefined;
      };
    }
    const text = tr.statement(ast);
    this.prepareDatabases(ctx, (missingDb) => new SqlError('ER_NO_SUCH_TABLE', `Table '${missingDb}.${identText(target?.table)}' doesn't exist`));
    if (db && target && !def && db !== INFORMATION_SCHEMA) {
      throw new SqlError('ER_NO_SUCH_TABLE', `Table '${db}.${identText(target.table)}' doesn't exist`);
    }
    if (db === INFORMATION_SCHEMA) {
      throw new SqlError('ER_DBACCESS_DENIED_ERROR', `Access denied for user '${state.user}' to database 'information_schema'`);
    }
    try {
      const stmt = this.db.prepare(text);
      const result = stmt.safeIntegers(true).run(...this.bindParams(ctx, state));
      const changes = result.changes;
      let insertId: bigint | number = 0;
      const auto = def?.columns.find((c) => c.autoIncrement);
      if ((ast.type === 'insert' || ast.type === 'replace') && auto && changes > 0) {
        const explicit = (ast.columns ?? []).length === 0 || (ast.columns ?? []).some((c: Ast) => identText(c?.column ?? c).toLowerCase() === auto.name.toLowerCase());
        const last = BigInt(result.lastInsertRowid);
        // MySQL reports the first id generated by a multi-row INSERT.
        insertId = explicit ? last : last - BigInt(changes) + 1n;
        if (insertId <= BigInt(Number.MAX_SAFE_INTEGER)) insertId = Number(insertId);
      }
      return ok(changes, { insertId });
    } catch (e) {
      throw toSqlError(e, this.errorContext(state.sql, state.database, {
        duplicateValue: (table, columns) => (def ? this.findDuplicate(def, ast, columns, state) : undefined),
      }));
    }
  }

  /** For MySQL's `Duplicate entry 'v' for key 'k'`: the key, and the value when the statement's literals show it. */
  private findDuplicate(def: TableDef, ast: Ast, columns: readonly string[], state: StatementState): { value: string; key: string } | undefined {
    const lower = columns.map((c) => c.toLowerCase());
    const idx = def.indexes.find((i) => i.kind !== 'index' && i.columns.length === lower.length && i.columns.every((c) => lower.includes(c.name.toLowerCase())));
    const key = idx?.name ?? 'PRIMARY';
    if (!idx || (ast.type !== 'insert' && ast.type !== 'replace') || ast.values?.type !== 'values') return { value: '', key };
    const names: string[] = (ast.columns ?? []).length > 0 ? ast.columns.map((c: Ast) => identText(c?.column ?? c).toLowerCase()) : def.columns.map((c) => c.name.toLowerCase());
    const seen = new Set<string>();
    const schema = quoteIdent(this.schemaOf(def.database));
    const where = idx.columns.map((c) => `${quoteIdent(c.name)} = ?`).join(' AND ');
    const exists = this.db.prepare(`SELECT 1 FROM ${schema}.${quoteIdent(def.name)} WHERE ${where}`);
    let paramIndex = 0;
    for (const row of ast.values.values as Ast[]) {
      const values: unknown[] = [];
      let literal = true;
      (row.value ?? []).forEach((v: Ast, i: number) => {
        const isParam = v?.type === 'param' || (v?.type === 'origin' && v.value === '?');
        const value = isParam ? state.params[paramIndex++] : literalValue(v);
        const pos = idx.columns.findIndex((c) => c.name.toLowerCase() === names[i]);
        if (pos >= 0) {
          if (value === undefined) literal = false;
          values[pos] = value;
        }
      });
      if (!literal || values.length !== idx.columns.length) continue;
      const text = values.map((v) => String(v)).join('-');
      if (seen.has(text.toLowerCase())) return { value: text, key };
      seen.add(text.toLowerCase());
      if (exists.get(...values.map((v) => bindable(v as Value)))) return { value: text, key };
    }
    return { value: '', key };
  }

  private targetTable(dbRaw: unknown, tableRaw: unknown, state: StatementState): { db: string; name: string } {
    const name = identText(tableRaw);
    const dbName = dbRaw === null || dbRaw === undefined || dbRaw === '' ? state.database : identText(dbRaw);
    if (dbName === null) throw new SqlError('ER_NO_DB_ERROR', 'No database selected');
    if (dbName.toLowerCase() === INFORMATION_SCHEMA) return { db: INFORMATION_SCHEMA, name };
    return { db: this.requireDatabase(dbName), name };
  }

  private userTable(dbRaw: unknown, tableRaw: unknown, state: StatementState): { db: string; name: string; def: TableDef | undefined } {
    const { db, name } = this.targetTable(dbRaw, tableRaw, state);
    if (db === INFORMATION_SCHEMA) throw new SqlError('ER_DBACCESS_DENIED_ERROR', `Access denied for user '${state.user}' to database 'information_schema'`);
    if (name.toLowerCase().startsWith(RESERVED_TABLE_PREFIX)) throw new SqlError('ER_WRONG_TABLE_NAME', `Incorrect table name '${name}'`);
    return { db, name, def: this.catalogOf(db).get(name.toLowerCase()) };
  }

  /** Runs DDL and its catalog change in one transaction, then publishes the new catalog. */
  private ddl(database: string, work: (schema: string) => void): void {
    const key = database.toLowerCase();
    const schema = this.attach(database, new Set([key]));
    this.db.transaction(() => work(schema))();
    this.catalogs.delete(key);
    this.catalogVersion++;
  }

  private expressionPrinter(state: StatementState): (mysql: string) => string {
    return (mysql) => {
      const parsed = this.parse(`SELECT ${mysql}`);
      const { tr } = this.translator(state);
      return tr.expr(parsed.columns?.[0]?.expr);
    };
  }

  private now(): string {
    return formatDateTime(wallClock(this.clock.epochMs, null));
  }

  private runCreate(ast: Ast, state: StatementState): QueryResult {
    const keyword = String(ast.keyword ?? '').toLowerCase();
    if (keyword === 'database' || keyword === 'schema') {
      const raw = ast.database?.schema?.[0]?.value ?? ast.database;
      const created = this.createDatabase(identText(raw), Boolean(ast.if_not_exists));
      return ok(created ? 1 : 0, created ? {} : { warnings: 1 });
    }
    if (keyword === 'index') return this.runCreateIndex(ast, state);
    if (keyword !== 'table') throw notSupported(`CREATE ${keyword.toUpperCase()}`);
    if (ast.temporary) throw notSupported('CREATE TEMPORARY TABLE');
    const t = ast.table?.[0];
    const { db, name, def: existing } = this.userTable(t?.db, t?.table, state);
    validateTableName(name);
    if (existing) {
      if (ast.if_not_exists) return ok(0, { warnings: 1 });
      throw new SqlError('ER_TABLE_EXISTS_ERROR', `Table '${name}' already exists`);
    }
    if (ast.query_expr || ast.as) throw notSupported('CREATE TABLE ... SELECT');
    let def: TableDef;
    let autoIncrement: bigint | undefined;
    if (ast.like) {
      const src = ast.like.table?.[0] ?? ast.like;
      const source = this.userTable(src.db, src.table, state);
      if (!source.def) throw new SqlError('ER_NO_SUCH_TABLE', `Table '${source.db}.${source.name}' doesn't exist`);
      def = { ...source.def, database: db, name, createTime: this.now() };
    } else {
      const built = tableDefFromCreate(ast, db, name, state.sql, this.now());
      def = built.def;
      autoIncrement = built.options.autoIncrement;
    }
    const statements = sqliteCreateStatements(this.schemaOf(db), name, def, this.expressionPrinter(state));
    this.ddl(db, (schema) => {
      for (const s of statements) this.db.exec(s);
      if (autoIncrement !== undefined && autoIncrement > 1n) this.setSequence(schema, name, autoIncrement - 1n);
      writeCatalogEntry(this.db, schema, def);
    });
    return ok();
  }

  private setSequence(schema: string, table: string, seq: bigint): void {
    const s = quoteIdent(schema);
    const updated = this.db.prepare(`UPDATE ${s}.sqlite_sequence SET seq = ? WHERE name = ?`).run(seq, table);
    if (updated.changes === 0) this.db.prepare(`INSERT INTO ${s}.sqlite_sequence (name, seq) VALUES (?, ?)`).run(table, seq);
  }

  private runCreateIndex(ast: Ast, state: StatementState): QueryResult {
    const { db, name, def } = this.userTable(ast.table?.db, ast.table?.table, state);
    if (!def) throw new SqlError('ER_NO_SUCH_TABLE', `Table '${db}.${name}' doesn't exist`);
    const kind = String(ast.index_type ?? '').toLowerCase();
    if (kind === 'fulltext' || kind === 'spatial') throw notSupported(`${kind.toUpperCase()} indexes`);
    const idx = indexFromAst({ index: ast.index, definition: ast.index_columns, constraint_type: kind === 'unique' ? 'unique' : undefined, keyword: 'index' }, def.indexes);
    if (!idx) throw notSupported('this index');
    const indexes = [...def.indexes];
    addIndex(indexes, idx);
    const next = normalizeTableDef({ ...def, indexes });
    this.ddl(db, (schema) => {
      this.db.exec(sqliteCreateIndex(schema, def.name, def.name, idx));
      writeCatalogEntry(this.db, schema, next);
    });
    return ok();
  }

  private runDrop(ast: Ast, state: StatementState): QueryResult {
    const keyword = String(ast.keyword ?? '').toLowerCase();
    const ifExists = String(ast.prefix ?? '').toLowerCase().includes('exists');
    if (keyword === 'database' || keyword === 'schema') {
      const dropped = this.dropDatabase(identText(ast.name), ifExists);
      return dropped === null ? ok(0, { warnings: 1 }) : ok(dropped);
    }
    if (keyword === 'index') {
      const { db, name, def } = this.userTable(ast.table?.db, ast.table?.table, state);
      if (!def) throw new SqlError('ER_NO_SUCH_TABLE', `Table '${db}.${name}' doesn't exist`);
      const indexName = identText(ast.name?.column ?? ast.name);
      return this.alterTable(def, [{ action: 'drop', resource: 'index', index: indexName }], state);
    }
    if (keyword !== 'table') throw notSupported(`DROP ${keyword.toUpperCase()}`);
    const targets = (ast.name ?? []).map((t: Ast) => this.userTable(t.db, t.table, state));
    const missing = targets.filter((t: { def: TableDef | undefined }) => !t.def);
    if (missing.length > 0 && !ifExists) {
      const names: string[] = missing.map((t: { db: string; name: string }) => `${t.db}.${t.name}`);
      throw new SqlError('ER_BAD_TABLE_ERROR', `Unknown table '${names.join(',')}'`);
    }
    for (const t of targets) {
      const def = t.def as TableDef | undefined;
      if (!def) continue;
      this.ddl(t.db, (schema) => {
        this.db.exec(`DROP TABLE ${quoteIdent(schema)}.${quoteIdent(def.name)}`);
        deleteCatalogEntry(this.db, schema, def.name);
      });
    }
    return ok(0, missing.length > 0 ? { warnings: missing.length } : {});
  }

  private runTruncate(ast: Ast, state: StatementState): QueryResult {
    const t = ast.name?.[0];
    const { db, name, def } = this.userTable(t?.db, t?.table, state);
    if (!def) throw new SqlError('ER_NO_SUCH_TABLE', `Table '${db}.${name}' doesn't exist`);
    this.ddl(db, (schema) => {
      this.db.exec(`DELETE FROM ${quoteIdent(schema)}.${quoteIdent(def.name)}`);
      if (def.columns.some((c) => c.autoIncrement)) this.db.prepare(`DELETE FROM ${quoteIdent(schema)}.sqlite_sequence WHERE name = ?`).run(def.name);
    });
    return ok();
  }

  private runRename(ast: Ast, state: StatementState): QueryResult {
    for (const pair of ast.table ?? []) {
      const [from, to] = pair as [Ast, Ast];
      const src = this.userTable(from.db, from.table, state);
      if (!src.def) throw new SqlError('ER_NO_SUCH_TABLE', `Table '${src.db}.${src.name}' doesn't exist`);
      const dst = this.targetTable(to.db ?? src.db, to.table, state);
      if (dst.db.toLowerCase() !== src.db.toLowerCase()) throw notSupported('RENAME TABLE across databases');
      this.alterTable(src.def, [{ action: 'rename', resource: 'table', table: dst.name }], state);
    }
    return ok();
  }

  private runAlter(ast: Ast, state: StatementState): QueryResult {
    const t = ast.table?.[0];
    const { db, name, def } = this.userTable(t?.db, t?.table, state);
    if (!def) throw new SqlError('ER_NO_SUCH_TABLE', `Table '${db}.${name}' doesn't exist`);
    return this.alterTable(def, ast.expr ?? [], state);
  }

  /** ALTER TABLE: applies every action to a copy of the definition, then rebuilds or alters in place. */
  private alterTable(def: TableDef, actions: Ast[], state: StatementState): QueryResult {
    const columns: ColumnDef[] = [...def.columns];
    let indexes: IndexDef[] = [...def.indexes];
    let name = def.name;
    let comment = def.comment;
    let autoIncrement: bigint | undefined;
    let rebuild = false;
    /** New column name (lower) → old column name, for copying rows. */
    const sources = new Map<string, string | null>(columns.map((c) => [c.name.toLowerCase(), c.name]));
    const find = (n: string): number => columns.findIndex((c) => c.name.toLowerCase() === n.toLowerCase());
    const place = (col: ColumnDef, suffix: Ast, at?: number): void => {
      const kw = String(suffix?.keyword ?? '').toLowerCase();
      if (kw === 'first') columns.splice(0, 0, col);
      else if (kw === 'after') {
        const after = find(identText(suffix.expr?.column ?? suffix.expr));
        if (after < 0) throw new SqlError('ER_BAD_FIELD_ERROR', `Unknown column '${identText(suffix.expr?.column)}' in '${def.name}'`);
        columns.splice(after + 1, 0, col);
      } else if (at !== undefined) columns.splice(at, 0, col);
      else columns.push(col);
    };
    const inlineKeys = (col: ColumnDef, primary: boolean, unique: boolean): void => {
      if (primary) addIndex(indexes, { name: 'PRIMARY', kind: 'primary', columns: [{ name: col.name }], comment: '' });
      if (unique) addIndex(indexes, { name: autoIndexName(col.name, indexes), kind: 'unique', columns: [{ name: col.name }], comment: '' });
    };
    for (const a of actions) {
      const action = String(a.action ?? '').toLowerCase();
      const resource = String(a.resource ?? '').toLowerCase();
      if (resource === 'column' && (action === 'add' || action === 'modify' || action === 'change')) {
        const { column, primary, unique } = columnFromAst(a, state.sql);
        rebuild = true;
        if (action === 'add') {
          if (find(column.name) >= 0) throw new SqlError('ER_DUP_FIELDNAME', `Duplicate column name '${column.name}'`);
          place(column, a.suffix);
          sources.set(column.name.toLowerCase(), null);
        } else {
          const oldName = action === 'change' ? identText(a.old_column?.column) : column.name;
          const at = find(oldName);
          if (at < 0) throw new SqlError('ER_BAD_FIELD_ERROR', `Unknown column '${oldName}' in '${def.name}'`);
          const [old] = columns.splice(at, 1);
          if (column.name.toLowerCase() !== oldName.toLowerCase() && find(column.name) >= 0) throw new SqlError('ER_DUP_FIELDNAME', `Duplicate column name '${column.name}'`);
          place(column, a.suffix, at);
          const src = sources.get(oldName.toLowerCase()) ?? old?.name ?? null;
          sources.delete(oldName.toLowerCase());
          sources.set(column.name.toLowerCase(), src);
          indexes = renameInIndexes(indexes, oldName, column.name);
        }
        inlineKeys(column, primary, unique);
      } else if (resource === 'column' && action === 'drop') {
        const col = identText(a.column?.column ?? a.column);
        const at = find(col);
        if (at < 0) throw new SqlError('ER_CANT_DROP_FIELD_OR_KEY', `Can't DROP '${col}'; check that column/key exists`);
        columns.splice(at, 1);
        sources.delete(col.toLowerCase());
        // MySQL removes a dropped column from its indexes, and drops indexes left empty.
        indexes = indexes.map((i) => ({ ...i, columns: i.columns.filter((c) => c.name.toLowerCase() !== col.toLowerCase()) })).filter((i) => i.columns.length > 0);
        rebuild = true;
      } else if (resource === 'column' && action === 'rename') {
        const from = identText(a.old_column?.column);
        const to = identText(a.column?.column);
        const at = find(from);
        if (at < 0) throw new SqlError('ER_BAD_FIELD_ERROR', `Unknown column '${from}' in '${def.name}'`);
        if (find(to) >= 0 && to.toLowerCase() !== from.toLowerCase()) throw new SqlError('ER_DUP_FIELDNAME', `Duplicate column name '${to}'`);
        columns[at] = { ...(columns[at] as ColumnDef), name: to };
        sources.set(to.toLowerCase(), sources.get(from.toLowerCase()) ?? from);
        if (to.toLowerCase() !== from.toLowerCase()) sources.delete(from.toLowerCase());
        indexes = renameInIndexes(indexes, from, to);
        rebuild = true;
      } else if ((resource === 'constraint' || resource === 'index') && action === 'add') {
        const idx = indexFromAst(a.create_definitions ?? a, indexes);
        if (idx) {
          addIndex(indexes, idx);
          if (idx.kind === 'primary') rebuild = true;
        }
      } else if ((resource === 'index' || resource === 'key') && action === 'drop') {
        const keyword = String(a.keyword ?? '').toLowerCase();
        const idxName = keyword === 'primary key' ? 'PRIMARY' : identText(a.index ?? a.key);
        const at = indexes.findIndex((i) => i.name.toLowerCase() === idxName.toLowerCase());
        if (at < 0) throw new SqlError('ER_CANT_DROP_FIELD_OR_KEY', `Can't DROP '${idxName}'; check that column/key exists`);
        if (indexes[at]?.kind === 'primary') rebuild = true;
        indexes.splice(at, 1);
      } else if (resource === 'table' && action === 'rename') {
        name = identText(a.table);
        validateTableName(name);
        if (name.toLowerCase() !== def.name.toLowerCase() && this.tableDef(def.database, name)) {
          throw new SqlError('ER_TABLE_EXISTS_ERROR', `Table '${name}' already exists`);
        }
      } else if (resource === 'comment') {
        comment = unescapeMysqlString(String(a.comment ?? '').replace(/^'|'$/g, ''), "'");
      } else if (resource === 'auto_increment') {
        autoIncrement = BigInt(String(a.auto_increment ?? 1));
      } else if (['engine', 'charset', 'character set', 'collate', 'row_format', 'default charset', 'default character set'].includes(resource) || a.keyword) {
        // Table options that do not apply to SQLite are accepted and ignored, as at CREATE.
        if (!['engine', 'charset', 'character set', 'collate', 'row_format', 'default charset', 'default character set'].includes(String(a.keyword ?? resource).toLowerCase())) {
          throw notSupported(`ALTER TABLE ${String(a.keyword ?? action).toUpperCase()}`);
        }
      } else {
        throw notSupported(`ALTER TABLE ${action.toUpperCase()} ${resource.toUpperCase()}`);
      }
    }
    const next = normalizeTableDef({ ...def, name, columns, indexes, comment });
    const print = this.expressionPrinter(state);
    this.ddl(def.database, (schema) => {
      const s = quoteIdent(schema);
      if (rebuild) {
        this.rebuildTable(schema, def, next, sources, print);
      } else {
        if (name !== def.name) {
          this.dropIndexesAndTriggers(schema, def);
          this.db.exec(`ALTER TABLE ${s}.${quoteIdent(def.name)} RENAME TO ${quoteIdent(name)}`);
          for (const st of sqliteCreateStatements(schema, name, next, print).slice(1)) this.db.exec(st);
        } else {
          const before = new Map(def.indexes.map((i) => [i.name.toLowerCase(), i]));
          const after = new Map(next.indexes.map((i) => [i.name.toLowerCase(), i]));
          for (const [k, i] of before) if (!after.has(k) && i.kind !== 'primary') this.db.exec(`DROP INDEX ${s}.${quoteIdent(sqliteIndexName(def.name, i.name))}`);
          for (const [k, i] of after) if (!before.has(k) && i.kind !== 'primary') this.db.exec(sqliteCreateIndex(schema, name, name, i));
        }
      }
      if (autoIncrement !== undefined) this.setSequence(schema, name, autoIncrement - 1n);
      writeCatalogEntry(this.db, schema, next, def.name);
    });
    return ok();
  }

  private dropIndexesAndTriggers(schema: string, def: TableDef): void {
    const s = quoteIdent(schema);
    for (const i of def.indexes) if (i.kind !== 'primary') this.db.exec(`DROP INDEX IF EXISTS ${s}.${quoteIdent(sqliteIndexName(def.name, i.name))}`);
    for (const c of def.columns) if (c.onUpdateCurrentTimestamp) this.db.exec(`DROP TRIGGER IF EXISTS ${s}.${quoteIdent(sqliteTriggerName(def.name, c.name))}`);
  }

  /** SQLite cannot change a column in place: build the new table, copy the rows, swap names. */
  private rebuildTable(schema: string, old: TableDef, next: TableDef, sources: ReadonlyMap<string, string | null>, print: (mysql: string) => string): void {
    const s = quoteIdent(schema);
    const tmp = `${RESERVED_TABLE_PREFIX}_rebuild_${next.name}`;
    const seqRow = this.db.prepare(`SELECT seq FROM ${s}.sqlite_sequence WHERE name = ?`).safeIntegers(true).get(old.name) as { seq: bigint } | undefined;
    const createTmp = sqliteCreateStatements(schema, tmp, next, print)[0] as string;
    this.db.exec(createTmp);
    const targetCols: string[] = [];
    const selectExprs: string[] = [];
    for (const c of next.columns) {
      const src = sources.get(c.name.toLowerCase());
      if (src) {
        targetCols.push(quoteIdent(c.name));
        selectExprs.push(quoteIdent(src));
      } else if (!c.nullable && !c.default && !c.autoIncrement) {
        // MySQL fills a new NOT NULL column without a default with its type's implicit default.
        const t = parseType(c.type);
        const fam = t ? typeFamily(t) : 'string';
        const implicit = ['integer', 'decimal', 'float', 'bit', 'year'].includes(fam) ? '0' : ['string', 'text', 'enum', 'set'].includes(fam) ? "''" : undefined;
        if (implicit !== undefined) {
          targetCols.push(quoteIdent(c.name));
          selectExprs.push(implicit);
        }
      }
    }
    if (targetCols.length > 0) {
      this.db.exec(`INSERT INTO ${s}.${quoteIdent(tmp)} (${targetCols.join(', ')}) SELECT ${selectExprs.join(', ')} FROM ${s}.${quoteIdent(old.name)}`);
    } else {
      this.db.exec(`INSERT INTO ${s}.${quoteIdent(tmp)} DEFAULT VALUES`);
      this.db.exec(`DELETE FROM ${s}.${quoteIdent(tmp)}`);
    }
    this.db.exec(`DROP TABLE ${s}.${quoteIdent(old.name)}`);
    this.db.exec(`ALTER TABLE ${s}.${quoteIdent(tmp)} RENAME TO ${quoteIdent(next.name)}`);
    for (const st of sqliteCreateStatements(schema, next.name, next, print).slice(1)) this.db.exec(st);
    if (seqRow && next.columns.some((c) => c.autoIncrement)) {
      const cur = this.db.prepare(`SELECT seq FROM ${s}.sqlite_sequence WHERE name = ?`).safeIntegers(true).get(next.name) as { seq: bigint } | undefined;
      if (!cur || cur.seq < seqRow.seq) this.setSequence(schema, next.name, seqRow.seq);
    }
  }
}

function renameInIndexes(indexes: IndexDef[], from: string, to: string): IndexDef[] {
  return indexes.map((i) => ({ ...i, columns: i.columns.map((c) => (c.name.toLowerCase() === from.toLowerCase() ? { ...c, name: to } : c)) }));
}

function literalValue(v: Ast): unknown {
  if (!v) return undefined;
  switch (v.type) {
    case 'number': case 'bigint':
      return typeof v.value === 'number' ? v.value : Number(v.value);
    case 'single_quote_string': case 'natural_string':
      return unescapeMysqlString(String(v.value), "'");
    case 'double_quote_string':
      return unescapeMysqlString(String(v.value), '"');
    case 'bool':
      return v.value ? 1 : 0;
    case 'unary_expr':
      return v.operator === '-' && v.expr?.type === 'number' ? -Number(v.expr.value) : undefined;
    default:
      return undefined;
  }
}

/** DESCRIBE t col: the column name is a LIKE pattern. */
function showColumnsLike(result: RowsResult, pattern: string): readonly (readonly Value[])[] {
  const re = likeToRegExp(pattern);
  return [...(result.rows as Iterable<readonly Value[]>)].filter((r) => re.test(String(r[0])));
}

/** Points every `loc` of the AST back into the user's text after rewriteForParser. */
function mapLocations(node: unknown, toOriginal: (offset: number) => number, seen = new Set<object>()): void {
  if (!node || typeof node !== 'object' || seen.has(node)) return;
  seen.add(node);
  const n = node as { loc?: { start?: { offset: number }; end?: { offset: number } } };
  if (n.loc?.start && n.loc.end) {
    n.loc.start.offset = toOriginal(n.loc.start.offset);
    n.loc.end.offset = toOriginal(n.loc.end.offset);
  }
  for (const v of Object.values(node)) mapLocations(v, toOriginal, seen);
}

function firstTable(ast: Ast): string {
  const from = ast.from?.find((f: Ast) => f.table !== undefined);
  return from ? identText(from.table) : '';
}

