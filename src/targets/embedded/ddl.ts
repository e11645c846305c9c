// MySQL table definitions → TableDef (the catalog's truth) → SQLite DDL. Tables are SQLite STRICT
// tables, so a value that cannot take the column's type is an error as in MySQL's strict mode, and
// named CHECK constraints stand in for MySQL's length, range, date and enum rules; their names
// (`kind:column`) let the error mapper answer with MySQL's error for each.

import { SqlError } from '../../protocol/sql-error.js';
import type { ColumnDef, IndexColumn, IndexDef, TableDef } from '../target.js';
import { formatType, integerRange, makeType, parseType, typeFamily, type MysqlType } from '../mysql-types.js';
import { formatDate, formatDateTime, parseDateTime } from './datetime.js';
import { quoteIdent, quoteString, unescapeMysqlString } from './sql-text.js';
import { identText, type Ast } from './translate.js';

/** Table options MySQL accepts that only matter at creation. */
export interface CreateOptions {
  /** AUTO_INCREMENT=n: the first value to hand out. */
  autoIncrement?: bigint;
}

export const MAX_IDENTIFIER_LENGTH = 64;

/** MySQL forbids '/', '\\' and '.' in table names (they become file names); so do we. */
export function validateTableName(name: string): void {
  if (name.length === 0 || name.length > MAX_IDENTIFIER_LENGTH || /[/\\.\0]/.test(name) || name.endsWith(' ')) {
    throw new SqlError('ER_WRONG_TABLE_NAME', `Incorrect table name '${name}'`);
  }
}

export function validateColumnName(name: string): void {
  if (name.length === 0 || name.length > MAX_IDENTIFIER_LENGTH || name.endsWith(' ')) {
    throw new SqlError('ER_WRONG_COLUMN_NAME', `Incorrect column name '${name}'`);
  }
}

function stringValue(node: Ast): string | undefined {
  if (!node) return undefined;
  if (node.type === 'single_quote_string' || node.type === 'natural_string' || node.type === 'string') return unescapeMysqlString(String(node.value), "'");
  if (node.type === 'double_quote_string') return unescapeMysqlString(String(node.value), '"');
  return undefined;
}

/** Table option values come as raw text ("'it''s'") or as a wrapper. */
function optionText(v: unknown): string {
  if (typeof v === 'string') {
    const m = /^(['"])([\s\S]*)\1$/.exec(v);
    return m ? unescapeMysqlString(m[2] ?? '', m[1] as "'" | '"') : v;
  }
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  if (v && typeof v === 'object') {
    const o = v as { value?: unknown; type?: string };
    if (o.type === 'single_quote_string' || o.type === 'double_quote_string') return stringValue(o) ?? '';
    return optionText(o.value);
  }
  return '';
}

export function typeFromDefinition(def: Ast, columnName: string): MysqlType {
  const raw = String(def?.dataType ?? '');
  const suffix: string[] = Array.isArray(def?.suffix) ? def.suffix.map((s: unknown) => String(s).toUpperCase()) : [];
  const values = def?.expr?.type === 'expr_list' ? (def.expr.value as Ast[]).map((v) => stringValue(v) ?? String(v?.value ?? '')) : undefined;
  const t = makeType(raw, {
    ...(def?.length !== undefined && def?.length !== null ? { length: Number(def.length) } : {}),
    ...(def?.scale !== undefined && def?.scale !== null ? { scale: Number(def.scale) } : {}),
    unsigned: suffix.includes('UNSIGNED'),
    zerofill: suffix.includes('ZEROFILL'),
    ...(values ? { values } : {}),
  });
  if (!t) throw new SqlError('ER_NOT_SUPPORTED_YET', `This version of loadwire doesn't yet support the type '${raw}' of column '${columnName}'`);
  if (t.name === 'varchar' || t.name === 'varbinary') {
    if (t.length === undefined) throw new SqlError('ER_PARSE_ERROR', `You have an error in your SQL syntax; ${t.name.toUpperCase()} of column '${columnName}' needs a length`);
    if (t.length > 65535) throw new SqlError('ER_TOO_BIG_FIELDLENGTH', `Column length too big for column '${columnName}' (max = 16383); use BLOB or TEXT instead`);
  }
  if (t.name === 'decimal' && ((t.length ?? 10) > 65 || (t.scale ?? 0) > 30 || (t.scale ?? 0) > (t.length ?? 10))) {
    throw new SqlError('ER_TOO_BIG_PRECISION', `Too-big precision ${t.length ?? 10} specified for '${columnName}'. Maximum is 65.`);
  }
  return t;
}

const CURRENT_TIMESTAMP_NAMES = new Set(['current_timestamp', 'now', 'localtime', 'localtimestamp']);

/** A DEFAULT clause's AST → ColumnDef.default (undefined for DEFAULT NULL). */
function defaultFromAst(node: Ast, t: MysqlType, column: string, sql: string): ColumnDef['default'] {
  if (!node || node.type === 'null') return undefined;
  const fam = typeFamily(t);
  if (node.type === 'function' && !node.parentheses) {
    const name = String(node.name?.name?.[0]?.value ?? node.name ?? '').toLowerCase();
    if (CURRENT_TIMESTAMP_NAMES.has(name)) {
      if (fam !== 'datetime') throw invalidDefault(column);
      const fsp = node.args?.value?.[0]?.value;
      return { kind: 'expression', sql: fsp ? `CURRENT_TIMESTAMP(${Number(fsp)})` : 'CURRENT_TIMESTAMP' };
    }
  }
  const literal = literalText(node);
  if (literal !== undefined && !node.parentheses) {
    return { kind: 'literal', value: normalizeLiteralDefault(literal, t, column) };
  }
  // An expression default, DEFAULT (expr): kept as the user's MySQL text.
  const loc = node.loc;
  let text = loc ? sql.slice(loc.start.offset, loc.end.offset).trim() : '';
  while (text.startsWith('(') && text.endsWith(')')) text = text.slice(1, -1).trim();
  if (!text) throw invalidDefault(column);
  return { kind: 'expression', sql: text };
}

function literalText(node: Ast): string | undefined {
  const s = stringValue(node);
  if (s !== undefined) return s;
  switch (node.type) {
    case 'number': case 'bigint':
      return String(node.value);
    case 'bool':
      return node.value ? '1' : '0';
    case 'bit_string':
      return `b'${String(node.value)}'`;
    case 'hex_string': case 'full_hex_string':
      return Buffer.from(String(node.value), 'hex').toString('latin1');
    case 'unary_expr':
      if (node.operator === '-' && (node.expr?.type === 'number' || node.expr?.type === 'bigint')) return `-${String(node.expr.value)}`;
      return undefined;
    default:
      return undefined;
  }
}

function invalidDefault(column: string): SqlError {
  return new SqlError('ER_INVALID_DEFAULT', `Invalid default value for '${column}'`);
}

/** MySQL stores defaults in the column's own format: '1.5' for decimal(5,2) becomes '1.50'. */
function normalizeLiteralDefault(value: string, t: MysqlType, column: string): string {
  switch (typeFamily(t)) {
    case 'integer': case 'year': {
      const n = Number(value);
      if (!Number.isFinite(n)) throw invalidDefault(column);
      const range = integerRange(t);
      const v = BigInt(Math.round(n));
      if (range && (v < range[0] || v > range[1])) throw invalidDefault(column);
      return v.toString();
    }
    case 'decimal': {
      const n = Number(value);
      if (!Number.isFinite(n)) throw invalidDefault(column);
      return n.toFixed(t.scale ?? 0);
    }
    case 'float': {
      const n = Number(value);
      if (!Number.isFinite(n)) throw invalidDefault(column);
      return String(n);
    }
    case 'date': {
      const p = parseDateTime(value);
      if (!p) throw invalidDefault(column);
      return formatDate(p);
    }
    case 'datetime': {
      const p = parseDateTime(value);
      if (!p) throw invalidDefault(column);
      return formatDateTime(p, t.fsp ?? 0);
    }
    case 'enum':
      if (!(t.values ?? []).some((v) => v.toLowerCase() === value.toLowerCase())) throw invalidDefault(column);
      return value;
    case 'text': case 'blob': case 'json': case 'geometry':
      // MySQL 8 allows only expression defaults on these.
      throw new SqlError('ER_BLOB_CANT_HAVE_DEFAULT', `BLOB, TEXT, GEOMETRY or JSON column '${column}' can't have a default value`);
    case 'string': case 'binary': case 'bit': case 'time': case 'set':
      return value;
  }
}

/** Builds a ColumnDef (and any key it declares inline) from a column definition. */
export function columnFromAst(d: Ast, sql: string): { column: ColumnDef; primary: boolean; unique: boolean } {
  const name = identText(d.column?.column ?? d.column);
  validateColumnName(name);
  const t = typeFromDefinition(d.definition, name);
  const autoIncrement = Boolean(d.auto_increment);
  if (autoIncrement && typeFamily(t) !== 'integer') {
    throw new SqlError('ER_WRONG_FIELD_SPEC', `Incorrect column specifier for column '${name}'`);
  }
  const primary = d.primary_key === 'primary key' || d.primary_key === 'key';
  const nullable = !(d.nullable?.type === 'not null') && !primary;
  const defNode = d.default_val?.value;
  const def = defNode ? defaultFromAst(defNode, t, name, sql) : undefined;
  if (def && autoIncrement) throw invalidDefault(name);
  if (!nullable && defNode?.type === 'null') throw invalidDefault(name);
  // ON UPDATE comes either folded into the DEFAULT function (DEFAULT CURRENT_TIMESTAMP ON UPDATE ...)
  // or, after another default, as a reference_definition action.
  const onUpdate = defNode?.over?.type === 'on update' || (d.reference_definition?.on_action ?? []).some((x: Ast) => x?.type === 'on update');
  if (onUpdate && typeFamily(t) !== 'datetime') throw new SqlError('ER_INVALID_ON_UPDATE', `Invalid ON UPDATE clause for '${name}' column`);
  const comment = stringValue(d.comment?.value) ?? '';
  const column: ColumnDef = { name, type: formatType(t), nullable, autoIncrement, onUpdateCurrentTimestamp: onUpdate, comment };
  if (def) column.default = def;
  return { column, primary, unique: Boolean(d.unique) };
}

/** Index columns `(a, b(10) DESC)`. */
export function indexColumnsFromAst(definition: Ast[]): IndexColumn[] {
  return definition.map((c: Ast) => {
    const col: IndexColumn = { name: identText(c.column ?? c) };
    const m = typeof c.suffix === 'string' ? /\((\d+)\)/.exec(c.suffix) : null;
    if (m) col.length = Number(m[1]);
    if (String(c.order_by ?? '').toUpperCase() === 'DESC') col.descending = true;
    return col;
  });
}

/** MySQL's name for an unnamed index: its first column, then _2, _3, ... on a clash. */
export function autoIndexName(first: string, taken: readonly IndexDef[]): string {
  const used = new Set(taken.map((i) => i.name.toLowerCase()));
  if (!used.has(first.toLowerCase()) && first.toUpperCase() !== 'PRIMARY') return first;
  for (let k = 2; ; k++) if (!used.has(`${first}_${k}`.toLowerCase())) return `${first}_${k}`;
}

/** Adds an index to a definition in MySQL's order: PRIMARY, then UNIQUE, then the rest. */
export function addIndex(indexes: IndexDef[], idx: IndexDef): void {
  if (indexes.some((i) => i.name.toLowerCase() === idx.name.toLowerCase())) {
    throw new SqlError(idx.kind === 'primary' ? 'ER_MULTIPLE_PRI_KEY' : 'ER_DUP_KEYNAME', idx.kind === 'primary' ? 'Multiple primary key defined' : `Duplicate key name '${idx.name}'`);
  }
  const rank = (i: IndexDef): number => (i.kind === 'primary' ? 0 : i.kind === 'unique' ? 1 : 2);
  let pos = indexes.length;
  while (pos > 0 && rank(indexes[pos - 1] as IndexDef) > rank(idx)) pos--;
  indexes.splice(pos, 0, idx);
}

/** A table-level key/constraint definition → IndexDef, or undefined for ones that are ignored. */
export function indexFromAst(d: Ast, indexes: readonly IndexDef[]): IndexDef | undefined {
  const kind = String(d.constraint_type ?? d.keyword ?? '').toLowerCase();
  if (kind.includes('foreign') || kind === 'check' || kind.includes('fulltext') || kind.includes('spatial')) return undefined;
  const columns = indexColumnsFromAst(d.definition ?? []);
  if (columns.length === 0) return undefined;
  const comment = '';
  if (kind.includes('primary')) return { name: 'PRIMARY', kind: 'primary', columns, comment };
  const given = d.index ?? (kind.includes('unique') ? d.constraint : undefined);
  const name = given ? identText(given) : autoIndexName(columns[0]?.name ?? 'key', indexes);
  return { name, kind: kind.includes('unique') ? 'unique' : 'index', columns, comment };
}

/** CREATE TABLE's AST → TableDef plus the options that only matter once. */
export function tableDefFromCreate(ast: Ast, database: string, name: string, sql: string, createTime: string): { def: TableDef; options: CreateOptions } {
  const columns: ColumnDef[] = [];
  const indexes: IndexDef[] = [];
  const pending: IndexDef[] = [];
  for (const d of ast.create_definitions ?? []) {
    if (d.resource === 'column') {
      const { column, primary, unique } = columnFromAst(d, sql);
      if (columns.some((c) => c.name.toLowerCase() === column.name.toLowerCase())) {
        throw new SqlError('ER_DUP_FIELDNAME', `Duplicate column name '${column.name}'`);
      }
      columns.push(column);
      if (primary) pending.push({ name: 'PRIMARY', kind: 'primary', columns: [{ name: column.name }], comment: '' });
      if (unique) pending.push({ name: '', kind: 'unique', columns: [{ name: column.name }], comment: '' });
    } else if (d.resource === 'constraint' || d.resource === 'index') {
      const idx = indexFromAst(d, [...indexes, ...pending]);
      if (idx) pending.push(idx);
    }
  }
  for (const idx of pending) {
    addIndex(indexes, idx.name === '' ? { ...idx, name: autoIndexName(idx.columns[0]?.name ?? 'key', indexes) } : idx);
  }
  let comment = '';
  const options: CreateOptions = {};
  for (const o of ast.table_options ?? []) {
    const key = String(o.keyword ?? '').toLowerCase();
    if (key === 'comment') comment = optionText(o.value);
    else if (key === 'auto_increment') options.autoIncrement = BigInt(optionText(o.value) || '1');
  }
  const def: TableDef = { database, name, columns, indexes, comment, tableType: 'BASE TABLE', createTime };
  return { def: normalizeTableDef(def), options };
}

/** Primary-key columns are NOT NULL in MySQL; checks every key names an existing column. */
export function normalizeTableDef(def: TableDef): TableDef {
  const names = new Map(def.columns.map((c) => [c.name.toLowerCase(), c]));
  for (const idx of def.indexes) {
    for (const c of idx.columns) {
      if (!names.has(c.name.toLowerCase())) throw new SqlError('ER_KEY_COLUMN_DOES_NOT_EXITS', `Key column '${c.name}' doesn't exist in table`);
    }
  }
  const pk = def.indexes.find((i) => i.kind === 'primary');
  const pkCols = new Set(pk?.columns.map((c) => c.name.toLowerCase()) ?? []);
  const columns = def.columns.map((c) => {
    // Key columns take the column's spelling.
    return pkCols.has(c.name.toLowerCase()) && c.nullable ? { ...c, nullable: false } : c;
  });
  const indexes = def.indexes.map((i) => ({ ...i, columns: i.columns.map((c) => ({ ...c, name: names.get(c.name.toLowerCase())?.name ?? c.name })) }));
  const autos = columns.filter((c) => c.autoIncrement);
  if (autos.length > 1) throw new SqlError('ER_WRONG_AUTO_KEY', 'Incorrect table definition; there can be only one auto column and it must be defined as a key');
  const auto = autos[0];
  if (auto) {
    const keyed = indexes.some((i) => i.columns[0]?.name.toLowerCase() === auto.name.toLowerCase());
    if (!keyed) throw new SqlError('ER_WRONG_AUTO_KEY', 'Incorrect table definition; there can be only one auto column and it must be defined as a key');
    if (!(pk && pk.columns.length === 1 && pk.columns[0]?.name.toLowerCase() === auto.name.toLowerCase())) {
      throw new SqlError('ER_NOT_SUPPORTED_YET', "This version of loadwire doesn't yet support 'an AUTO_INCREMENT column that is not the whole PRIMARY KEY'");
    }
  }
  return { ...def, columns, indexes };
}

// ---- SQLite DDL ----

/** SQLite index names are per schema, MySQL's per table. */
export function sqliteIndexName(table: string, index: string): string {
  return `${table}/${index}`;
}

export function sqliteTriggerName(table: string, column: string): string {
  return `${table}/on_update/${column}`;
}

function storageOf(t: MysqlType): 'INTEGER' | 'REAL' | 'TEXT' | 'ANY' {
  switch (typeFamily(t)) {
    case 'integer': case 'bit': case 'year':
      return 'INTEGER';
    case 'decimal': case 'float':
      return 'REAL';
    case 'binary': case 'blob': case 'geometry':
      // ANY keeps strings inserted into binary columns, which MySQL accepts and STRICT BLOB refuses.
      return 'ANY';
    case 'date': case 'datetime': case 'time': case 'string': case 'text': case 'enum': case 'set': case 'json':
      return 'TEXT';
  }
}

/** MySQL's _ci collations compare case-insensitively; NOCASE is SQLite's nearest (ASCII only). */
function collationOf(t: MysqlType): string {
  return ['string', 'text', 'enum', 'set'].includes(typeFamily(t)) ? ' COLLATE NOCASE' : '';
}

/** SQLite DEFAULT for a column; `expression` is translated by the caller-supplied printer. */
function sqliteDefault(c: ColumnDef, t: MysqlType, printExpression: (mysql: string) => string): string {
  const d = c.default;
  if (!d) return '';
  if (d.kind === 'literal') {
    const storage = storageOf(t);
    if (typeFamily(t) === 'bit' && d.value.startsWith("b'")) return ` DEFAULT ${BigInt(`0b${d.value.slice(2, -1) || '0'}`).toString()}`;
    if ((storage === 'INTEGER' || storage === 'REAL') && /^-?\d+(\.\d+)?$/.test(d.value)) return ` DEFAULT ${d.value}`;
    return ` DEFAULT ${quoteString(d.value)}`;
  }
  const m = /^CURRENT_TIMESTAMP(?:\((\d)\))?$/i.exec(d.sql);
  if (m) return ` DEFAULT (${nowSql(Number(m[1] ?? 0))})`;
  return ` DEFAULT (${printExpression(d.sql)})`;
}

/** The daemon's local time as MySQL text, in SQLite's own functions so the DDL stays portable. */
function nowSql(fsp: number): string {
  return fsp > 0 ? `substr(strftime('%Y-%m-%d %H:%M:%f', 'now', 'localtime'), 1, ${20 + Math.min(fsp, 3)})` : `datetime('now', 'localtime')`;
}

function checksFor(c: ColumnDef, t: MysqlType): string[] {
  const q = quoteIdent(c.name);
  const named = (kind: string, expr: string): string => `CONSTRAINT ${quoteIdent(`${kind}:${c.name}`)} CHECK (${q} IS NULL OR (${expr}))`;
  const out: string[] = [];
  switch (typeFamily(t)) {
    case 'integer': {
      const r = integerRange(t);
      if (r && !(t.name === 'bigint' && !t.unsigned)) out.push(named('range', t.unsigned && t.name === 'bigint' ? `${q} >= 0` : `${q} BETWEEN ${r[0]} AND ${r[1]}`));
      break;
    }
    case 'decimal': {
      const limit = 10 ** ((t.length ?? 10) - (t.scale ?? 0));
      out.push(named('range', t.unsigned ? `${q} >= 0 AND ${q} < ${limit}` : `abs(${q}) < ${limit}`));
      break;
    }
    case 'float':
      if (t.unsigned) out.push(named('range', `${q} >= 0`));
      break;
    case 'year':
      out.push(named('range', `${q} = 0 OR ${q} BETWEEN 1901 AND 2155`));
      break;
    case 'bit':
      out.push(named('range', `${q} >= 0 AND ${q} < ${(1n << BigInt(t.length ?? 1)).toString()}`));
      break;
    case 'string':
      out.push(named('len', `length(${q}) <= ${t.length ?? 1}`));
      break;
    case 'binary':
      out.push(named('len', `length(CAST(${q} AS BLOB)) <= ${t.length ?? 1}`));
      break;
    case 'date':
      out.push(named('date', `date(${q}) IS NOT NULL`));
      break;
    case 'datetime':
      out.push(named('datetime', `datetime(${q}) IS NOT NULL`));
      break;
    case 'enum':
      out.push(named('enum', `${q} IN (${(t.values ?? []).map(quoteString).join(', ')})`));
      break;
    case 'json':
      out.push(named('json', `json_valid(${q})`));
      break;
    case 'text': case 'blob': case 'time': case 'set': case 'geometry':
      break;
  }
  return out;
}

/**
 * Statements that create the table, its indexes and triggers in `schema` under `sqliteName`
 * (the table's own name, or a temporary one while ALTER TABLE rebuilds it).
 */
export function sqliteCreateStatements(schema: string, sqliteName: string, def: TableDef, printExpression: (mysql: string) => string): string[] {
  const s = quoteIdent(schema);
  const lines: string[] = [];
  const checks: string[] = [];
  const pk = def.indexes.find((i) => i.kind === 'primary');
  const autoPk = pk && pk.columns.length === 1 && def.columns.some((c) => c.autoIncrement && c.name.toLowerCase() === pk.columns[0]?.name.toLowerCase());
  for (const c of def.columns) {
    const t = parseType(c.type);
    if (!t) throw new SqlError('ER_UNKNOWN_ERROR', `Unknown type '${c.type}' for column '${c.name}'`);
    let line = `${quoteIdent(c.name)} ${storageOf(t)}`;
    if (autoPk && c.autoIncrement) line += ' PRIMARY KEY AUTOINCREMENT';
    if (!c.nullable) line += ' NOT NULL';
    line += sqliteDefault(c, t, printExpression);
    line += collationOf(t);
    lines.push(line);
    checks.push(...checksFor(c, t));
  }
  if (pk && !autoPk) lines.push(`PRIMARY KEY (${pk.columns.map((c) => quoteIdent(c.name)).join(', ')})`);
  const out = [`CREATE TABLE ${s}.${quoteIdent(sqliteName)} (${[...lines, ...checks].join(', ')}) STRICT`];
  for (const idx of def.indexes) {
    if (idx.kind === 'primary') continue;
    out.push(sqliteCreateIndex(schema, sqliteName, def.name, idx));
  }
  for (const c of def.columns) {
    if (!c.onUpdateCurrentTimestamp) continue;
    const t = parseType(c.type);
    const others = def.columns.filter((o) => o !== c).map((o) => `NEW.${quoteIdent(o.name)} IS NOT OLD.${quoteIdent(o.name)}`);
    // MySQL refreshes the column only when the row really changed and the column was not set.
    const when = [`NEW.${quoteIdent(c.name)} IS OLD.${quoteIdent(c.name)}`, others.length > 0 ? `(${others.join(' OR ')})` : 'FALSE'].join(' AND ');
    out.push(
      `CREATE TRIGGER ${s}.${quoteIdent(sqliteTriggerName(def.name, c.name))} AFTER UPDATE ON ${quoteIdent(sqliteName)} FOR EACH ROW WHEN ${when} ` +
        `BEGIN UPDATE ${quoteIdent(sqliteName)} SET ${quoteIdent(c.name)} = ${nowSql(t?.fsp ?? 0)} WHERE rowid = NEW.rowid; END`,
    );
  }
  return out;
}

export function sqliteCreateIndex(schema: string, sqliteTable: string, table: string, idx: IndexDef): string {
  const cols = idx.columns.map((c) => `${quoteIdent(c.name)}${c.descending ? ' DESC' : ''}`).join(', ');
  return `CREATE ${idx.kind === 'unique' ? 'UNIQUE ' : ''}INDEX ${quoteIdent(schema)}.${quoteIdent(sqliteIndexName(table, idx.name))} ON ${quoteIdent(sqliteTable)} (${cols})`;
}
