// MySQL → SQLite translation of node-sql-parser ASTs. node-sql-parser's own SQLite printer only
// re-quotes identifiers (it prints INSERT IGNORE, ON DUPLICATE KEY, DIV, CONVERT(x, SIGNED),
// INTERVAL and backslash escapes unchanged), so expressions and DML are printed here, for the
// subset loadwire supports; anything else is refused with a MySQL error rather than guessed at.
// Every table reference is qualified with its database's schema name, because several databases
// are attached to one connection and SQLite would otherwise search them all.

/* eslint-disable @typescript-eslint/restrict-template-expressions -- node-sql-parser's AST is `any`; every piece printed into a template is a string built here */

import { SqlError } from '../../protocol/sql-error.js';
import { quoteIdent, quoteString, unescapeMysqlString } from './sql-text.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- node-sql-parser's AST is loosely typed
export type Ast = any;

export interface TranslateContext {
  /** The session's current database, or null. */
  database: string | null;
  /** The original statement text, for column names of select-list expressions. */
  sql: string;
  /** Canonical name of an existing database (case-insensitive lookup), or undefined. */
  resolveDatabase(name: string): string | undefined;
  /** SQLite schema name under which a database is attached. */
  schemaOf(database: string): string;
  /** Literal answers for DATABASE(), VERSION(), USER(), CONNECTION_ID(). */
  version: string;
  user: string;
  connectionId: number;
  /** Filled while printing: databases the statement touches (canonical names). */
  referenced: Set<string>;
  usesInformationSchema: boolean;
  /** How many `?` placeholders were printed. */
  paramCount: number;
  /** Set when a referenced database does not exist (reported by the caller with its own code). */
  missingDatabase?: string;
  /**
   * SQL function that brings a value written into a column to MySQL's stored form
   * ('2024-01-31' into a DATETIME becomes '2024-01-31 00:00:00'), or undefined.
   */
  normalizerFor?(column: string): string | undefined;
  /** Column names of the INSERT target, in order, for INSERT without a column list. */
  tableColumns?: readonly string[];
}

/** Names of tables that hold loadwire's own bookkeeping inside each database file. */
export const RESERVED_TABLE_PREFIX = '__loadwire';

export const INFORMATION_SCHEMA = 'information_schema';

function notSupported(what: string): SqlError {
  return new SqlError('ER_NOT_SUPPORTED_YET', `This version of loadwire doesn't yet support '${what}'`);
}

/** An identifier as node-sql-parser hands it over: a string (backticks doubled) or a wrapper. */
export function identText(x: unknown): string {
  if (typeof x === 'string') return x.replace(/``/g, '`');
  if (x && typeof x === 'object') {
    const o = x as { value?: unknown; expr?: { value?: unknown } };
    if (o.expr !== undefined) return identText(o.expr.value);
    if (o.value !== undefined) return identText(o.value);
  }
  return String(x);
}

function functionName(node: Ast): string {
  const parts = node?.name?.name;
  if (Array.isArray(parts)) return parts.map((p: Ast) => identText(p.value)).join('.');
  return identText(node?.name);
}

/** A table reference `{db, table}` printed as "schema"."table". */
export class Translator {
  private readonly cteScopes: Set<string>[] = [];

  constructor(readonly ctx: TranslateContext) {}

  /** Resolves the database of a table reference; undefined when it is a CTE name. */
  tableDatabase(dbRaw: unknown, tableRaw: unknown): string | undefined {
    const table = identText(tableRaw);
    if (dbRaw === null || dbRaw === undefined || dbRaw === '') {
      if (this.cteScopes.some((s) => s.has(table.toLowerCase()))) return undefined;
      if (this.ctx.database === null) throw new SqlError('ER_NO_DB_ERROR', 'No database selected');
      return this.resolveDb(this.ctx.database);
    }
    return this.resolveDb(identText(dbRaw));
  }

  private resolveDb(name: string): string {
    if (name.toLowerCase() === INFORMATION_SCHEMA) {
      this.ctx.usesInformationSchema = true;
      return INFORMATION_SCHEMA;
    }
    const found = this.ctx.resolveDatabase(name);
    if (found === undefined) {
      this.ctx.missingDatabase ??= name;
      return name;
    }
    this.ctx.referenced.add(found);
    return found;
  }

  tableName(dbRaw: unknown, tableRaw: unknown): string {
    const table = identText(tableRaw);
    if (table.toLowerCase().startsWith(RESERVED_TABLE_PREFIX)) {
      const db = this.tableDatabase(dbRaw, tableRaw) ?? '';
      throw new SqlError('ER_NO_SUCH_TABLE', `Table '${db}.${table}' doesn't exist`);
    }
    const db = this.tableDatabase(dbRaw, tableRaw);
    if (db === undefined) return quoteIdent(table);
    return `${quoteIdent(db === INFORMATION_SCHEMA ? INFORMATION_SCHEMA : this.ctx.schemaOf(db))}.${quoteIdent(table)}`;
  }

  // ---- statements ----

  statement(ast: Ast): string {
    switch (ast?.type) {
      case 'select':
        return this.select(ast, true);
      case 'insert':
      case 'replace':
        return this.insert(ast);
      case 'update':
        return this.update(ast);
      case 'delete':
        return this.delete(ast);
      default:
        throw notSupported(String(ast?.type ?? 'statement').toUpperCase());
    }
  }

  /** SELECT, including WITH, UNION/INTERSECT/EXCEPT chains. */
  select(ast: Ast, top = false): string {
    let out = '';
    const scope = new Set<string>();
    if (Array.isArray(ast.with) && ast.with.length > 0) {
      this.cteScopes.push(scope);
      const parts: string[] = [];
      for (const w of ast.with) {
        const name = identText(w.name?.value ?? w.name);
        scope.add(name.toLowerCase());
        const cols = Array.isArray(w.columns) && w.columns.length > 0 ? `(${w.columns.map((c: Ast) => quoteIdent(identText(c.column ?? c))).join(', ')})` : '';
        parts.push(`${quoteIdent(name)}${cols} AS (${this.select(w.stmt?.ast ?? w.stmt)})`);
      }
      out += `WITH ${ast.with.some((w: Ast) => w.recursive) || ast.with.recursive ? 'RECURSIVE ' : ''}${parts.join(', ')} `;
    }
    try {
      let node = ast;
      let op = '';
      while (node) {
        if (op) out += ` ${setOperator(op)} `;
        out += this.simpleSelect(node, top && op === '');
        op = String(node.set_op ?? 'union');
        node = node._next;
      }
    } finally {
      if (scope.size > 0) this.cteScopes.pop();
    }
    return out;
  }

  private simpleSelect(s: Ast, top: boolean): string {
    if (s.into && (s.into.expr || s.into.keyword)) throw notSupported('SELECT ... INTO');
    if (s.type && s.type !== 'select') return this.statement(s);
    let out = 'SELECT ';
    if (s.distinct === 'DISTINCT' || s.distinct?.type === 'DISTINCT') out += 'DISTINCT ';
    const cols: Ast[] = s.columns === '*' ? [{ expr: { type: 'star', value: '*' } }] : (s.columns ?? []);
    out += cols.map((c: Ast) => this.selectItem(c, top)).join(', ');
    const from = (s.from ?? []).filter((f: Ast) => f.type !== 'dual');
    if (from.length > 0) out += ` FROM ${this.fromList(from)}`;
    if (s.where) out += ` WHERE ${this.expr(s.where)}`;
    const groupCols = Array.isArray(s.groupby) ? s.groupby : s.groupby?.columns;
    if (Array.isArray(groupCols) && groupCols.length > 0) {
      if (Array.isArray(s.groupby?.modifiers) && s.groupby.modifiers.some((m: Ast) => m)) throw notSupported('GROUP BY ... WITH ROLLUP');
      out += ` GROUP BY ${groupCols.map((g: Ast) => this.expr(g)).join(', ')}`;
    }
    if (s.having) out += ` HAVING ${this.expr(s.having)}`;
    out += this.orderLimit(s);
    return out;
  }

  private orderLimit(s: Ast): string {
    let out = '';
    if (Array.isArray(s.orderby) && s.orderby.length > 0) {
      out += ` ORDER BY ${s.orderby.map((o: Ast) => `${this.expr(o.expr)}${o.type === 'DESC' ? ' DESC' : ''}`).join(', ')}`;
    }
    const lim = s.limit;
    if (lim && Array.isArray(lim.value) && lim.value.length > 0) {
      const v = lim.value as Ast[];
      if (v.length === 1) out += ` LIMIT ${this.expr(v[0])}`;
      else if (lim.seperator === ',') out += ` LIMIT ${this.expr(v[1])} OFFSET ${this.expr(v[0])}`;
      else out += ` LIMIT ${this.expr(v[0])} OFFSET ${this.expr(v[1])}`;
    }
    return out;
  }

  private selectItem(c: Ast, top: boolean): string {
    const e = c.expr ?? c;
    if (e.type === 'star' || (e.type === 'column_ref' && identText(e.column) === '*')) {
      if (e.type === 'column_ref' && e.table) {
        return `${e.db ? `${this.tableName(e.db, e.table)}` : quoteIdent(identText(e.table))}.*`;
      }
      return '*';
    }
    let sql = this.expr(e);
    if (c.as !== undefined && c.as !== null) {
      sql += ` AS ${quoteIdent(identText(c.as))}`;
    } else if (top) {
      // MySQL names an unaliased expression after its text as written (a string literal after
      // its value); SQLite would use the translated text instead.
      const name = this.mysqlColumnName(e);
      if (name !== undefined) sql += ` AS ${quoteIdent(name)}`;
    }
    return sql;
  }

  private mysqlColumnName(e: Ast): string | undefined {
    if (e.type === 'column_ref' && !isExponentLiteral(e)) return undefined;
    if (e.type === 'single_quote_string' || e.type === 'double_quote_string' || e.type === 'natural_string') {
      return unescapeMysqlString(String(e.value), e.type === 'double_quote_string' ? '"' : "'");
    }
    const loc = e.loc;
    if (loc?.start && loc?.end) return this.ctx.sql.slice(loc.start.offset, loc.end.offset).trim();
    if (e.type === 'hex_string') return `x'${String(e.value)}'`;
    if (e.type === 'bit_string') return `b'${String(e.value)}'`;
    if (e.type === 'bool') return e.value ? 'TRUE' : 'FALSE';
    if (e.type === 'number' || e.type === 'bigint') return String(e.value);
    return undefined;
  }

  private fromList(from: Ast[]): string {
    let out = '';
    from.forEach((f: Ast, i: number) => {
      const item = this.fromItem(f);
      if (i === 0) out += item;
      else if (f.join) {
        const join = String(f.join).toUpperCase();
        out += ` ${join} ${item}`;
        if (f.on) out += ` ON ${this.expr(f.on)}`;
        if (Array.isArray(f.using) && f.using.length > 0) out += ` USING (${f.using.map((u: Ast) => quoteIdent(identText(u.column ?? u))).join(', ')})`;
      } else out += `, ${item}`;
    });
    return out;
  }

  private fromItem(f: Ast): string {
    let out: string;
    if (f.expr?.ast) out = `(${this.select(f.expr.ast)})`;
    else if (f.expr && f.expr.type === 'values') throw notSupported('VALUES as a table');
    else if (f.table !== undefined) out = this.tableName(f.db, f.table);
    else throw notSupported('this FROM clause');
    if (f.as) out += ` AS ${quoteIdent(identText(f.as))}`;
    return out;
  }

  private insert(ast: Ast): string {
    const t = ast.table?.[0];
    if (!t) throw notSupported('INSERT without a table');
    const table = this.tableName(t.db, t.table);
    const prefix = String(ast.prefix ?? '').toLowerCase();
    let verb = ast.type === 'replace' ? 'REPLACE' : prefix.includes('ignore') ? 'INSERT OR IGNORE' : 'INSERT';
    let columns: string[] = (ast.columns ?? []).map((c: Ast) => identText(c?.column ?? c));
    let body: string;
    if (Array.isArray(ast.set) && ast.set.length > 0) {
      columns = ast.set.map((s: Ast) => identText(s.column));
      body = `VALUES (${ast.set.map((s: Ast) => this.stored(identText(s.column), this.expr(s.value))).join(', ')})`;
    } else if (ast.values?.type === 'values') {
      const rows = ast.values.values as Ast[];
      if (rows.length === 1 && (rows[0].value ?? []).length === 0 && columns.length === 0) body = 'DEFAULT VALUES';
      else {
        const names = columns.length > 0 ? columns : (this.ctx.tableColumns ?? []);
        body = `VALUES ${rows.map((r: Ast) => `(${(r.value ?? []).map((v: Ast, i: number) => this.stored(names[i], this.expr(v))).join(', ')})`).join(', ')}`;
      }
    } else if (ast.values?.type === 'select' || ast.values?.ast) {
      const sel = this.select(ast.values.ast ?? ast.values);
      // SQLite parses `INSERT ... SELECT ... ON CONFLICT` ambiguously unless the SELECT has a WHERE.
      body = ast.on_duplicate_update ? `SELECT * FROM (${sel}) WHERE true` : sel;
    } else throw notSupported('this INSERT form');
    let out = `${verb} INTO ${table}`;
    if (columns.length > 0) out += ` (${columns.map(quoteIdent).join(', ')})`;
    out += ` ${body}`;
    const dup = ast.on_duplicate_update;
    if (dup && Array.isArray(dup.set)) {
      if (verb !== 'INSERT') verb = 'INSERT';
      out += ` ON CONFLICT DO UPDATE SET ${dup.set.map((s: Ast) => `${quoteIdent(identText(s.column))} = ${this.expr(s.value, { upsert: true })}`).join(', ')}`;
    }
    return out;
  }

  /** A value written into `column`, normalized to MySQL's stored form where the column needs it. */
  private stored(column: string | undefined, sql: string): string {
    const fn = column === undefined ? undefined : this.ctx.normalizerFor?.(column);
    return fn ? fn.replace('?', () => sql) : sql;
  }

  private update(ast: Ast): string {
    const tables = ast.table ?? [];
    if (tables.length !== 1 || tables[0].join) throw notSupported('multiple-table UPDATE');
    const t = tables[0];
    let out = `UPDATE ${this.tableName(t.db, t.table)}`;
    if (t.as) out += ` AS ${quoteIdent(identText(t.as))}`;
    out += ` SET ${(ast.set ?? []).map((s: Ast) => `${quoteIdent(identText(s.column))} = ${this.stored(identText(s.column), this.expr(s.value))}`).join(', ')}`;
    if (ast.where) out += ` WHERE ${this.expr(ast.where)}`;
    out += this.orderLimit(ast);
    return out;
  }

  private delete(ast: Ast): string {
    const from = ast.from ?? [];
    if (from.length !== 1 || (Array.isArray(ast.table) && ast.table.some((t: Ast) => !t.addition))) throw notSupported('multiple-table DELETE');
    const t = from[0];
    let out = `DELETE FROM ${this.tableName(t.db, t.table)}`;
    if (t.as) out += ` AS ${quoteIdent(identText(t.as))}`;
    if (ast.where) out += ` WHERE ${this.expr(ast.where)}`;
    out += this.orderLimit(ast);
    return out;
  }

  // ---- expressions ----

  expr(e: Ast, opts: { upsert?: boolean } = {}): string {
    if (e === null || e === undefined) return 'NULL';
    if (e.ast) return `(${this.select(e.ast)})`;
    switch (e.type) {
      case 'column_ref':
        return this.columnRef(e);
      case 'number':
        return String(e.value);
      case 'bigint':
        return String(e.value);
      case 'single_quote_string':
      case 'natural_string':
      case 'string':
        return quoteString(unescapeMysqlString(String(e.value), "'"));
      case 'double_quote_string':
        return quoteString(unescapeMysqlString(String(e.value), '"'));
      case 'backticks_quote_string':
        return quoteIdent(identText(e.value));
      case 'hex_string':
      case 'full_hex_string': {
        const hex = String(e.value);
        return `X'${hex.length % 2 === 1 ? `0${hex}` : hex}'`;
      }
      case 'bit_string':
        return BigInt(`0b${String(e.value) || '0'}`).toString();
      case 'bool':
        return e.value ? 'TRUE' : 'FALSE';
      case 'null':
        return 'NULL';
      case 'star':
        return '*';
      case 'param':
        this.ctx.paramCount++;
        return '?';
      case 'origin':
        if (e.value === '?') {
          this.ctx.paramCount++;
          return '?';
        }
        return String(e.value);
      case 'var':
        throw notSupported(`${String(e.prefix ?? '@')}variables in statements on tables`);
      case 'binary_expr':
        return this.binary(e, opts);
      case 'unary_expr':
        return this.unary(e, opts);
      case 'function':
        return this.func(e, opts);
      case 'aggr_func':
        return this.aggregate(e, opts);
      case 'case':
        return this.caseExpr(e, opts);
      case 'cast':
        return this.cast(this.expr(e.expr, opts), e.target?.[0] ?? e.target);
      case 'expr_list':
        return `(${(e.value ?? []).map((v: Ast) => this.expr(v, opts)).join(', ')})`;
      case 'interval':
        throw new SqlError('ER_PARSE_ERROR', `You have an error in your SQL syntax; an INTERVAL is only valid in date arithmetic`);
      case 'extract':
        return `mysql_extract(${quoteString(String(e.args?.field ?? '').toUpperCase())}, ${this.expr(e.args?.source, opts)})`;
      case 'datatype':
        return quoteString(String(e.dataType));
      default:
        throw notSupported(`expression ${String(e.type)}`);
    }
  }

  private columnRef(e: Ast): string {
    if (isExponentLiteral(e)) return identText(e.column);
    const col = identText(e.column);
    let out: string;
    if (e.db) out = `${this.tableName(e.db, e.table)}.${quoteIdent(col)}`;
    else if (e.table) out = `${quoteIdent(identText(e.table))}.${quoteIdent(col)}`;
    else out = quoteIdent(col);
    const collate = e.collate?.collate?.name ?? e.collate?.name;
    if (typeof collate === 'string') out += /_bin$|^binary$/i.test(collate) ? ' COLLATE BINARY' : ' COLLATE NOCASE';
    return out;
  }

  private side(e: Ast, opts: { upsert?: boolean }): string {
    const s = this.expr(e, opts);
    return e?.type === 'binary_expr' || e?.type === 'unary_expr' ? `(${s})` : s;
  }

  private binary(e: Ast, opts: { upsert?: boolean }): string {
    const op = String(e.operator).toUpperCase();
    const l = (): string => this.side(e.left, opts);
    const r = (): string => this.side(e.right, opts);
    if ((op === '+' || op === '-') && (e.right?.type === 'interval' || e.left?.type === 'interval')) {
      const [date, iv] = e.right?.type === 'interval' ? [e.left, e.right] : [e.right, e.left];
      if (op === '-' && e.left?.type === 'interval') throw new SqlError('ER_PARSE_ERROR', 'You have an error in your SQL syntax; INTERVAL - date is not valid');
      return this.dateAdd(this.expr(date, opts), iv, op === '-' ? -1 : 1, opts);
    }
    switch (op) {
      case '=': case '!=': case '<>': case '<': case '>': case '<=': case '>=':
      case '+': case '-': case '*': case '%': case '&': case '|': case '<<': case '>>':
        return `${l()} ${op} ${r()}`;
      case 'AND': case '&&':
        return `${l()} AND ${r()}`;
      case 'OR': case '||':
        return `${l()} OR ${r()}`;
      case 'XOR':
        return `(NOT ${l()}) <> (NOT ${r()})`;
      case '/':
        // MySQL's / never truncates (5/2 = 2.5); SQLite's does for two integers.
        return `CAST(${l()} AS REAL) / ${r()}`;
      case 'DIV':
        return `CAST(${l()} / ${r()} AS INTEGER)`;
      case 'MOD':
        return `${l()} % ${r()}`;
      case '^':
        return `((${l()}) | (${r()})) - ((${l()}) & (${r()}))`;
      case 'IS': case 'IS NOT':
        return `${l()} ${op} ${r()}`;
      case 'LIKE': case 'NOT LIKE': {
        const esc = e.right?.escape?.value;
        // MySQL's LIKE escapes with a backslash unless told otherwise; SQLite has no default.
        const escape = esc ? this.expr(esc, opts) : `'\\'`;
        return `${l()} ${op} ${this.expr({ ...e.right, escape: undefined }, opts)} ESCAPE ${escape}`;
      }
      case 'REGEXP': case 'RLIKE':
        return `${l()} REGEXP ${r()}`;
      case 'NOT REGEXP': case 'NOT RLIKE':
        return `NOT (${l()} REGEXP ${r()})`;
      case 'IN': case 'NOT IN': {
        const right = e.right;
        if (right?.type === 'expr_list') {
          const vals = right.value ?? [];
          if (vals.length === 1 && vals[0]?.ast) return `${l()} ${op} (${this.select(vals[0].ast)})`;
          return `${l()} ${op} (${vals.map((v: Ast) => this.expr(v, opts)).join(', ')})`;
        }
        return `${l()} ${op} ${this.expr(right, opts)}`;
      }
      case 'BETWEEN': case 'NOT BETWEEN': {
        const v = e.right?.value ?? [];
        return `${l()} ${op} ${this.side(v[0], opts)} AND ${this.side(v[1], opts)}`;
      }
      case '->': case '->>':
        return `${l()} ${op} ${r()}`;
      default:
        throw notSupported(`operator ${op}`);
    }
  }

  private unary(e: Ast, opts: { upsert?: boolean }): string {
    const op = String(e.operator).toUpperCase();
    const x = this.side(e.expr, opts);
    switch (op) {
      case '!': case 'NOT':
        return `NOT ${x}`;
      case '-':
        return `-${x}`;
      case '+':
        return x;
      case '~':
        return `~${x}`;
      default:
        throw notSupported(`operator ${op}`);
    }
  }

  private caseExpr(e: Ast, opts: { upsert?: boolean }): string {
    let out = 'CASE';
    if (e.expr) out += ` ${this.expr(e.expr, opts)}`;
    for (const a of e.args ?? []) {
      if (a.type === 'when') out += ` WHEN ${this.expr(a.cond, opts)} THEN ${this.expr(a.result, opts)}`;
      else out += ` ELSE ${this.expr(a.result, opts)}`;
    }
    return `${out} END`;
  }

  /** CAST/CONVERT target types, MySQL's spellings. */
  cast(value: string, target: Ast): string {
    const dt = String(target?.dataType ?? '').toUpperCase().replace(/\s+/g, ' ');
    if (/^(SIGNED|UNSIGNED)( INT(EGER)?)?$/.test(dt) || /^(INT|INTEGER|BIGINT)$/.test(dt)) return `CAST(${value} AS INTEGER)`;
    if (/^(CHAR|NCHAR|VARCHAR|TEXT|JSON)$/.test(dt)) {
      const len = target?.length;
      return len !== undefined ? `substr(CAST(${value} AS TEXT), 1, ${Number(len)})` : `CAST(${value} AS TEXT)`;
    }
    if (/^(DECIMAL|NUMERIC|DEC)$/.test(dt)) {
      const scale = target?.scale ?? 0;
      return `round(CAST(${value} AS REAL), ${Number(scale)})`;
    }
    if (/^(DOUBLE|FLOAT|REAL)$/.test(dt)) return `CAST(${value} AS REAL)`;
    if (dt === 'DATE') return `date(${value})`;
    if (dt === 'DATETIME' || dt === 'TIMESTAMP') return `mysql_datetime(${value}, ${Number(target?.length ?? 0)})`;
    if (dt === 'TIME') return `time(${value})`;
    if (dt === 'BINARY' || dt === 'VARBINARY' || dt === 'BLOB') return `CAST(${value} AS BLOB)`;
    throw notSupported(`CAST AS ${dt}`);
  }

  private dateAdd(date: string, interval: Ast, sign: 1 | -1, opts: { upsert?: boolean }): string {
    const unit = String(interval?.unit ?? 'DAY').toUpperCase();
    return `mysql_date_add(${date}, ${this.expr(interval?.expr, opts)}, ${quoteString(unit)}, ${sign})`;
  }

  private args(e: Ast): Ast[] {
    const a = e.args;
    if (!a) return [];
    if (a.type === 'expr_list') return a.value ?? [];
    if (Array.isArray(a)) return a;
    return [a];
  }

  private func(e: Ast, opts: { upsert?: boolean }): string {
    if (e.over) throw notSupported('window functions');
    const rawName = functionName(e);
    const name = rawName.toLowerCase();
    const args = this.args(e);
    const a = (i: number): string => this.expr(args[i], opts);
    const all = (): string => args.map((x) => this.expr(x, opts)).join(', ');
    const call = (fn: string): string => `${fn}(${all()})`;
    switch (name) {
      case 'if':
        if (args.length !== 3) throw wrongArgs(rawName);
        return `CASE WHEN ${a(0)} THEN ${a(1)} ELSE ${a(2)} END`;
      case 'ifnull': case 'nullif': case 'coalesce': case 'abs': case 'round': case 'replace':
      case 'instr': case 'ltrim': case 'rtrim': case 'sign': case 'sqrt': case 'exp': case 'ln':
      case 'log10': case 'log2': case 'pi': case 'sin': case 'cos': case 'tan': case 'asin': case 'acos':
      case 'atan': case 'atan2': case 'degrees': case 'radians': case 'floor': case 'char': case 'hex':
      case 'json_object': case 'json_array': case 'json_extract': case 'json_valid': case 'json_type':
      case 'date': case 'time':
        return call(name);
      case 'exists':
        return `EXISTS ${this.expr(args[0], opts)}`;
      case 'isnull':
        return `(${a(0)} IS NULL)`;
      case 'any_value':
        return a(0);
      case 'ucase': case 'upper':
        return `upper(${all()})`;
      case 'lcase': case 'lower':
        return `lower(${all()})`;
      case 'char_length': case 'character_length':
        return `length(${all()})`;
      case 'length': case 'octet_length':
        return `octet_length(${all()})`;
      case 'substring': case 'substr': case 'mid':
        return `mysql_substring(${all()})`;
      case 'ceil': case 'ceiling':
        return `CAST(ceil(${all()}) AS INTEGER)`;
      case 'pow': case 'power':
        return `pow(${all()})`;
      case 'log':
        return args.length === 1 ? `ln(${a(0)})` : `log(${all()})`;
      case 'mod':
        return `(${a(0)} % ${a(1)})`;
      case 'greatest':
        return args.length === 1 ? a(0) : `max(${all()})`;
      case 'least':
        return args.length === 1 ? a(0) : `min(${all()})`;
      case 'trim':
        return this.trim(args, opts);
      case 'position':
        if (args[0]?.type === 'binary_expr' && String(args[0].operator).toUpperCase() === 'IN') {
          return `mysql_locate(${this.expr(args[0].left, opts)}, ${this.expr(args[0].right, opts)})`;
        }
        return `mysql_locate(${all()})`;
      case 'database': case 'schema':
        return this.ctx.database === null ? 'NULL' : quoteString(this.ctx.database);
      case 'version':
        return quoteString(this.ctx.version);
      case 'user': case 'current_user': case 'session_user': case 'system_user':
        return quoteString(this.ctx.user);
      case 'connection_id':
        return String(this.ctx.connectionId);
      case 'now': case 'sysdate': case 'localtime': case 'localtimestamp': case 'current_timestamp':
        return `mysql_now(${args.length > 0 ? a(0) : '0'})`;
      case 'curdate': case 'current_date':
        return 'mysql_curdate()';
      case 'curtime': case 'current_time':
        return `mysql_curtime(${args.length > 0 ? a(0) : '0'})`;
      case 'utc_timestamp':
        return `mysql_utc_timestamp(${args.length > 0 ? a(0) : '0'})`;
      case 'utc_date':
        return `date('now')`;
      case 'date_add': case 'adddate': case 'date_sub': case 'subdate': {
        const sign = name === 'date_add' || name === 'adddate' ? 1 : -1;
        if (args[1]?.type === 'interval') return this.dateAdd(a(0), args[1], sign, opts);
        return `mysql_date_add(${a(0)}, ${a(1)}, 'DAY', ${sign})`;
      }
      case 'timestampadd':
        return `mysql_date_add(${a(2)}, ${a(1)}, ${quoteString(unitName(args[0]))}, 1)`;
      case 'timestampdiff':
        return `mysql_timestampdiff(${quoteString(unitName(args[0]))}, ${a(1)}, ${a(2)})`;
      case 'values':
        if (!opts.upsert) throw notSupported('VALUES() outside ON DUPLICATE KEY UPDATE');
        return `excluded.${quoteIdent(identText(args[0]?.column))}`;
      case 'convert': {
        const target = args[1];
        if (target?.type === 'datatype') return this.cast(a(0), target);
        // CONVERT(x USING charset): every string is UTF-8 here.
        return a(0);
      }
      case 'concat': case 'concat_ws': case 'date_format': case 'unix_timestamp': case 'from_unixtime':
      case 'locate': case 'left': case 'right': case 'lpad': case 'rpad': case 'repeat': case 'reverse':
      case 'space': case 'substring_index': case 'find_in_set': case 'field': case 'elt': case 'format':
      case 'unhex': case 'md5': case 'sha1': case 'sha': case 'sha2': case 'uuid': case 'ascii': case 'ord':
      case 'strcmp': case 'to_base64': case 'from_base64': case 'year': case 'month': case 'day':
      case 'dayofmonth': case 'hour': case 'minute': case 'second': case 'microsecond': case 'dayofweek':
      case 'weekday': case 'dayofyear': case 'quarter': case 'week': case 'dayname': case 'monthname':
      case 'last_day': case 'datediff': case 'to_days': case 'from_days': case 'str_to_date':
      case 'truncate': case 'rand': case 'json_unquote': case 'bin': case 'oct': case 'conv':
      case 'inet_aton': case 'inet_ntoa': case 'time_to_sec': case 'sec_to_time': case 'makedate':
      case 'crc32': case 'bit_count': case 'insert': case 'regexp_like': case 'regexp_replace':
      case 'regexp_substr': case 'regexp_instr': case 'yearweek':
        return call(`mysql_${name}`);
      default:
        // Anything else is SQLite's if it has it; an unknown function becomes MySQL's 1305.
        if (!/^[a-z_][a-z0-9_]*$/i.test(rawName)) throw notSupported(`function ${rawName}`);
        return call(rawName);
    }
  }

  private trim(args: Ast[], opts: { upsert?: boolean }): string {
    // node-sql-parser hands `TRIM([BOTH|LEADING|TRAILING] [remstr] FROM str)` over as a flat list.
    const words = args.filter((x) => x?.type === 'origin').map((x) => String(x.value).toUpperCase());
    const values = args.filter((x) => x?.type !== 'origin');
    const side = words.includes('LEADING') ? 'ltrim' : words.includes('TRAILING') ? 'rtrim' : 'trim';
    if (values.length === 1) return `${side}(${this.expr(values[0], opts)})`;
    if (values.length === 2 && words.includes('FROM')) return `mysql_trim(${quoteString(side)}, ${this.expr(values[1], opts)}, ${this.expr(values[0], opts)})`;
    if (values.length === 2) return `${side}(${this.expr(values[0], opts)}, ${this.expr(values[1], opts)})`;
    throw notSupported('this TRIM form');
  }

  private aggregate(e: Ast, opts: { upsert?: boolean }): string {
    if (e.over) throw notSupported('window functions');
    const name = String(e.name).toUpperCase();
    const args = e.args ?? {};
    const distinct = args.distinct ? 'DISTINCT ' : '';
    const inner = args.expr;
    const arg = inner?.type === 'star' ? '*' : inner?.type === 'expr_list' ? `mysql_concat(${(inner.value ?? []).map((v: Ast) => this.expr(v, opts)).join(', ')})` : this.expr(inner, opts);
    switch (name) {
      case 'COUNT': case 'SUM': case 'AVG': case 'MIN': case 'MAX':
        return `${name.toLowerCase()}(${distinct}${arg})`;
      case 'GROUP_CONCAT': {
        const order = Array.isArray(args.orderby) && args.orderby.length > 0
          ? ` ORDER BY ${args.orderby.map((o: Ast) => `${this.expr(o.expr, opts)}${o.type === 'DESC' ? ' DESC' : ''}`).join(', ')}`
          : '';
        const sepNode = args.separator?.value ?? args.separator;
        const sep = sepNode && typeof sepNode === 'object' ? this.expr(sepNode, opts) : "','";
        if (distinct) {
          if (sep !== "','") throw notSupported('GROUP_CONCAT(DISTINCT ... SEPARATOR)');
          return `group_concat(DISTINCT ${arg}${order})`;
        }
        return `group_concat(${arg}, ${sep}${order})`;
      }
      case 'STD': case 'STDDEV': case 'STDDEV_POP':
        return `mysql_stddev_pop(${distinct}${arg})`;
      case 'STDDEV_SAMP':
        return `mysql_stddev_samp(${distinct}${arg})`;
      case 'VARIANCE': case 'VAR_POP':
        return `mysql_var_pop(${distinct}${arg})`;
      case 'VAR_SAMP':
        return `mysql_var_samp(${distinct}${arg})`;
      case 'BIT_AND': case 'BIT_OR': case 'BIT_XOR':
        return `mysql_${name.toLowerCase()}(${arg})`;
      case 'JSON_ARRAYAGG':
        return `json_group_array(${arg})`;
      default:
        throw notSupported(`aggregate ${name}`);
    }
  }
}

function wrongArgs(name: string): SqlError {
  return new SqlError('ER_WRONG_PARAMCOUNT_TO_NATIVE_FCT', `Incorrect parameter count in the call to native function '${name}'`);
}

function setOperator(op: string): string {
  const o = op.toUpperCase().replace(/\s+/g, ' ');
  if (o === 'UNION DISTINCT') return 'UNION';
  if (o === 'MINUS') return 'EXCEPT';
  if (['UNION', 'UNION ALL', 'INTERSECT', 'EXCEPT'].includes(o)) return o;
  throw notSupported(o);
}

function unitName(node: Ast): string {
  return String(node?.value ?? node?.column ?? 'DAY').toUpperCase();
}

/** node-sql-parser reads `1e3` as a column name. */
function isExponentLiteral(e: Ast): boolean {
  return e?.type === 'column_ref' && !e.table && typeof e.column === 'string' && /^\d+(\.\d*)?e[+-]?\d+$/i.test(e.column);
}
