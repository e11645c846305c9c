// The SHOW family built from TableDefs, in MySQL 8's exact layouts: clients parse these answers
// (SQLAlchemy reads SHOW CREATE TABLE line by line, Sequelize compares SHOW INDEX's Non_unique
// with `!== 1`), so column names, order, types and text must match MySQL's. The session parses
// the SHOW statement itself and calls these; LIKE is applied here, WHERE is left to the caller.

import { ColumnFlag, type Column, type Row, type RowsResult, type Value } from '../protocol/handler.js';
import type { ColumnDef, IndexDef, TableDef, TableStatus } from './target.js';
import {
  DEFAULT_CHARSET, DEFAULT_COLLATION, isCharacterType, parseType, quoteMysqlString, typeFamily, wireType,
} from './mysql-types.js';

/** A result column typed with a MySQL type text, as MySQL's own SHOW answers declare them. */
export function resultColumn(name: string, type: string, options: { nullable?: boolean; table?: string } = {}): Column {
  const t = parseType(type);
  if (!t) throw new Error(`bad column type ${type}`);
  const w = wireType(t);
  return {
    name,
    type: w.type,
    flags: w.flags | (options.nullable === false ? ColumnFlag.NOT_NULL : 0),
    charset: w.charset,
    length: w.length,
    decimals: w.decimals,
    ...(options.table !== undefined ? { table: options.table, orgTable: options.table } : {}),
  };
}

function rows(columns: Column[], data: Row[]): RowsResult {
  return { kind: 'rows', columns, rows: data };
}

/** MySQL's LIKE as a RegExp: % and _ wildcards, backslash escapes, case-insensitive. */
export function likeToRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] ?? '';
    if (c === '\\' && i + 1 < pattern.length) {
      re += escapeRe(pattern[++i] ?? '');
    } else if (c === '%') re += '[\\s\\S]*';
    else if (c === '_') re += '[\\s\\S]';
    else re += escapeRe(c);
  }
  return new RegExp(`^${re}$`, 'iu');
}

function escapeRe(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

function matches(name: string, like: string | undefined): boolean {
  return like === undefined || likeToRegExp(like).test(name);
}

// ---- per-column facts shared by SHOW COLUMNS and information_schema.COLUMNS ----

/** Key column: PRI, UNI or MUL by MySQL's rules (a NOT NULL unique key stands in for a missing primary key). */
export function columnKey(def: TableDef, column: ColumnDef): 'PRI' | 'UNI' | 'MUL' | '' {
  const name = column.name.toLowerCase();
  const same = (i: IndexDef, pos = 0): boolean => i.columns[pos]?.name.toLowerCase() === name;
  const pk = def.indexes.find((i) => i.kind === 'primary') ?? implicitPrimary(def);
  if (pk && pk.columns.some((c) => c.name.toLowerCase() === name)) return 'PRI';
  if (def.indexes.some((i) => i.kind === 'unique' && i.columns.length === 1 && same(i) && i !== pk)) return 'UNI';
  if (def.indexes.some((i) => same(i))) return 'MUL';
  return '';
}

/** Without a primary key, MySQL treats the first UNIQUE key over NOT NULL columns as one. */
function implicitPrimary(def: TableDef): IndexDef | undefined {
  const notNull = new Set(def.columns.filter((c) => !c.nullable).map((c) => c.name.toLowerCase()));
  return def.indexes.find((i) => i.kind === 'unique' && i.columns.every((c) => notNull.has(c.name.toLowerCase()) && c.length === undefined));
}

export function columnExtra(column: ColumnDef): string {
  if (column.autoIncrement) return 'auto_increment';
  const parts: string[] = [];
  if (column.default?.kind === 'expression') parts.push('DEFAULT_GENERATED');
  if (column.onUpdateCurrentTimestamp) {
    const fsp = parseType(column.type)?.fsp;
    parts.push(`on update CURRENT_TIMESTAMP${fsp ? `(${fsp})` : ''}`);
  }
  return parts.join(' ');
}

/** COLUMN_DEFAULT / SHOW COLUMNS' Default: the literal, or the expression's text. */
export function columnDefaultText(column: ColumnDef): string | null {
  const d = column.default;
  if (!d) return null;
  return d.kind === 'literal' ? d.value : d.sql;
}

function columnCollation(column: ColumnDef): string | null {
  const t = parseType(column.type);
  return t && isCharacterType(t) ? DEFAULT_COLLATION : null;
}

// ---- SHOW CREATE TABLE ----

function bt(name: string): string {
  return `\`${name.replace(/`/g, '``')}\``;
}

function defaultClause(column: ColumnDef): string {
  const t = parseType(column.type);
  const fam = t ? typeFamily(t) : 'string';
  const d = column.default;
  if (column.autoIncrement) return '';
  if (!d) {
    // BLOB/TEXT/JSON/GEOMETRY never show DEFAULT NULL; NOT NULL without default shows nothing.
    if (!column.nullable || ['text', 'blob', 'json', 'geometry'].includes(fam)) return '';
    return ' DEFAULT NULL';
  }
  if (d.kind === 'expression') return /^CURRENT_TIMESTAMP(\(\d\))?$/i.test(d.sql) ? ` DEFAULT ${d.sql}` : ` DEFAULT (${d.sql})`;
  if (fam === 'bit' && d.value.startsWith("b'")) return ` DEFAULT ${d.value}`;
  return ` DEFAULT ${quoteMysqlString(d.value)}`;
}

/** One column's line in SHOW CREATE TABLE, without the leading two spaces. */
export function columnDefinitionText(column: ColumnDef): string {
  const t = parseType(column.type);
  let s = `${bt(column.name)} ${column.type}`;
  if (!column.nullable) s += ' NOT NULL';
  else if (t?.name === 'timestamp') s += ' NULL';
  s += defaultClause(column);
  if (column.onUpdateCurrentTimestamp) s += ` ON UPDATE CURRENT_TIMESTAMP${t?.fsp ? `(${t.fsp})` : ''}`;
  if (column.autoIncrement) s += ' AUTO_INCREMENT';
  if (column.comment) s += ` COMMENT ${quoteMysqlString(column.comment)}`;
  return s;
}

function indexText(idx: IndexDef): string {
  const cols = idx.columns.map((c) => `${bt(c.name)}${c.length !== undefined ? `(${c.length})` : ''}${c.descending ? ' DESC' : ''}`).join(',');
  const comment = idx.comment ? ` COMMENT ${quoteMysqlString(idx.comment)}` : '';
  if (idx.kind === 'primary') return `PRIMARY KEY (${cols})${comment}`;
  return `${idx.kind === 'unique' ? 'UNIQUE KEY' : 'KEY'} ${bt(idx.name)} (${cols})${comment}`;
}

/** The CREATE TABLE text exactly as MySQL 8 prints it. */
export function createTableText(def: TableDef, autoIncrement: bigint | null = null): string {
  const lines = [...def.columns.map(columnDefinitionText), ...def.indexes.map(indexText)];
  let tail = ') ENGINE=InnoDB';
  if (autoIncrement !== null && autoIncrement > 1n) tail += ` AUTO_INCREMENT=${autoIncrement}`;
  tail += ` DEFAULT CHARSET=${DEFAULT_CHARSET} COLLATE=${DEFAULT_COLLATION}`;
  if (def.comment) tail += ` COMMENT=${quoteMysqlString(def.comment)}`;
  return `CREATE TABLE ${bt(def.name)} (\n${lines.map((l) => `  ${l}`).join(',\n')}\n${tail}`;
}

export function showCreateTable(def: TableDef, status?: Pick<TableStatus, 'autoIncrement'>): RowsResult {
  return rows(
    [resultColumn('Table', 'varchar(64)', { nullable: false }), resultColumn('Create Table', 'varchar(1024)', { nullable: false })],
    [[def.name, createTableText(def, status?.autoIncrement ?? null)]],
  );
}

// ---- SHOW [FULL] COLUMNS / DESCRIBE ----

export interface ShowColumnsOptions {
  full?: boolean;
  like?: string;
}

/** Plain rows of SHOW [FULL] COLUMNS, for callers that filter with WHERE. */
export function showColumnsRows(def: TableDef, options: ShowColumnsOptions = {}): Row[] {
  return def.columns
    .filter((c) => matches(c.name, options.like))
    .map((c) => {
      const key = columnKey(def, c);
      const base: Value[] = [c.name, c.type];
      const rest: Value[] = [c.nullable ? 'YES' : 'NO', key, columnDefaultText(c), columnExtra(c)];
      if (!options.full) return [...base, ...rest];
      return [...base, columnCollation(c), ...rest, 'select,insert,update,references', c.comment];
    });
}

export function showColumnsColumns(full = false): Column[] {
  const cols = [
    resultColumn('Field', 'varchar(64)', { nullable: false }),
    resultColumn('Type', 'mediumtext', { nullable: false }),
  ];
  if (full) cols.push(resultColumn('Collation', 'varchar(64)'));
  cols.push(
    resultColumn('Null', 'varchar(3)', { nullable: false }),
    resultColumn('Key', 'char(3)', { nullable: false }),
    resultColumn('Default', 'text'),
    resultColumn('Extra', 'varchar(256)', { nullable: false }),
  );
  if (full) cols.push(resultColumn('Privileges', 'varchar(154)', { nullable: false }), resultColumn('Comment', 'text', { nullable: false }));
  return cols;
}

export function showColumns(def: TableDef, options: ShowColumnsOptions = {}): RowsResult {
  return rows(showColumnsColumns(options.full), showColumnsRows(def, options));
}

/** DESCRIBE t is SHOW COLUMNS FROM t. */
export function describeTable(def: TableDef): RowsResult {
  return showColumns(def);
}

// ---- SHOW INDEX ----

export function showIndexColumns(): Column[] {
  return [
    resultColumn('Table', 'varchar(64)', { nullable: false }),
    resultColumn('Non_unique', 'int', { nullable: false }),
    resultColumn('Key_name', 'varchar(64)'),
    resultColumn('Seq_in_index', 'int unsigned', { nullable: false }),
    resultColumn('Column_name', 'varchar(64)'),
    resultColumn('Collation', 'varchar(1)'),
    resultColumn('Cardinality', 'bigint'),
    resultColumn('Sub_part', 'bigint'),
    resultColumn('Packed', 'binary(0)'),
    resultColumn('Null', 'varchar(3)', { nullable: false }),
    resultColumn('Index_type', 'varchar(11)', { nullable: false }),
    resultColumn('Comment', 'varchar(8)', { nullable: false }),
    resultColumn('Index_comment', 'varchar(2048)', { nullable: false }),
    resultColumn('Visible', 'varchar(3)', { nullable: false }),
    resultColumn('Expression', 'longtext'),
  ];
}

export function showIndexRows(def: TableDef, cardinality?: ReadonlyMap<string, number>): Row[] {
  const nullable = new Map(def.columns.map((c) => [c.name.toLowerCase(), c.nullable]));
  const out: Row[] = [];
  for (const idx of def.indexes) {
    idx.columns.forEach((c, i) => {
      out.push([
        def.name,
        idx.kind === 'index' ? 1 : 0,
        idx.name,
        i + 1,
        c.name,
        c.descending ? 'D' : 'A',
        cardinality?.get(idx.name.toLowerCase()) ?? 0,
        c.length ?? null,
        null,
        nullable.get(c.name.toLowerCase()) ? 'YES' : '',
        'BTREE',
        '',
        idx.comment,
        'YES',
        null,
      ]);
    });
  }
  return out;
}

export function showIndex(def: TableDef, cardinality?: ReadonlyMap<string, number>): RowsResult {
  return rows(showIndexColumns(), showIndexRows(def, cardinality));
}

// ---- SHOW [FULL] TABLES / SHOW DATABASES / SHOW TABLE STATUS ----

export interface ShowTablesOptions {
  full?: boolean;
  like?: string;
}

export function showTables(database: string, tables: readonly Pick<TableDef, 'name' | 'tableType'>[], options: ShowTablesOptions = {}): RowsResult {
  // MySQL names the column after the database, and adds the pattern when there is one.
  const name = `Tables_in_${database}${options.like !== undefined ? ` (${options.like})` : ''}`;
  const cols = [resultColumn(name, 'varchar(64)', { nullable: false })];
  if (options.full) cols.push(resultColumn('Table_type', 'varchar(64)', { nullable: false }));
  const data = [...tables]
    .filter((t) => matches(t.name, options.like))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((t): Row => (options.full ? [t.name, t.tableType] : [t.name]));
  return rows(cols, data);
}

/** SHOW DATABASES / SHOW SCHEMAS; information_schema is listed as in MySQL. */
export function showDatabases(databases: readonly string[], options: { like?: string } = {}): RowsResult {
  const name = `Database${options.like !== undefined ? ` (${options.like})` : ''}`;
  const all = [...new Set(['information_schema', ...databases])].sort();
  return rows([resultColumn(name, 'varchar(64)', { nullable: false })], all.filter((d) => matches(d, options.like)).map((d) => [d]));
}

export function showTableStatusColumns(): Column[] {
  return [
    resultColumn('Name', 'varchar(64)', { nullable: false }),
    resultColumn('Engine', 'varchar(64)'),
    resultColumn('Version', 'int'),
    resultColumn('Row_format', 'varchar(10)'),
    resultColumn('Rows', 'bigint unsigned'),
    resultColumn('Avg_row_length', 'bigint unsigned'),
    resultColumn('Data_length', 'bigint unsigned'),
    resultColumn('Max_data_length', 'bigint unsigned'),
    resultColumn('Index_length', 'bigint unsigned'),
    resultColumn('Data_free', 'bigint unsigned'),
    resultColumn('Auto_increment', 'bigint unsigned'),
    resultColumn('Create_time', 'timestamp', { nullable: false }),
    resultColumn('Update_time', 'datetime'),
    resultColumn('Check_time', 'datetime'),
    resultColumn('Collation', 'varchar(64)'),
    resultColumn('Checksum', 'bigint'),
    resultColumn('Create_options', 'varchar(256)'),
    resultColumn('Comment', 'text'),
  ];
}

export function showTableStatus(tables: readonly { def: TableDef; status: TableStatus | undefined }[], options: { like?: string } = {}): RowsResult {
  const data = tables
    .filter((t) => matches(t.def.name, options.like))
    .map(({ def, status }): Row => {
      const r = status?.rows ?? 0;
      const data = status?.dataLength ?? 0;
      return [
        def.name, 'InnoDB', 10, 'Dynamic', r, r > 0 ? Math.floor(data / r) : 0, data, 0, status?.indexLength ?? 0, 0,
        status?.autoIncrement ?? null, def.createTime, null, null, DEFAULT_COLLATION, null, '', def.comment,
      ];
    });
  return rows(showTableStatusColumns(), data);
}
