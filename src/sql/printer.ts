// AST -> canonical SQL: upper-case keywords, one line, identifiers quoted only when they must be,
// the fewest parentheses MySQL's precedence allows. Used for the definitions that views show
// (ExecuteSql, definition, Data_Source); by default secrets are redacted. parse(print(x, { redact:
// false })) deep-equals x for every statement the parser produces.

import {
  assertNever,
  type CastType,
  type Expr,
  type JobInsert,
  type JobQuery,
  type Limit,
  type OrderItem,
  type Property,
  type SelectItem,
  type SetAssignment,
  type ShowFilter,
  type Statement,
  type TableName,
  type VariableScope,
} from './ast.js';
import { isReserved, RESERVED_FUNCTION_NAMES, RESERVED_SET_VALUES } from './keywords.js';
import { redactStatement } from './redact.js';

export interface PrintOptions {
  /** Replace credentials (S3 keys, tokens, URI secrets); default true. */
  readonly redact?: boolean;
}

// --- literals and names ----------------------------------------------------------------------

const STRING_ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\\\',
  '\0': '\\0',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\b': '\\b',
  '\x1a': '\\Z',
};

/** A quoted string literal that the lexer reads back to exactly `value`. */
export function quoteString(value: string, quote: "'" | '"' = "'"): string {
  let out = quote;
  for (const ch of value) {
    if (ch === quote) out += '\\' + quote;
    else out += STRING_ESCAPES[ch] ?? ch;
  }
  return out + quote;
}

/** An identifier, backticked when it is reserved or not a plain word. */
export function quoteIdent(name: string): string {
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !isReserved(name.toUpperCase())) return name;
  return '`' + name.replace(/`/g, '``') + '`';
}

function printTableName(t: TableName): string {
  return t.schema === null ? quoteIdent(t.name) : `${quoteIdent(t.schema)}.${quoteIdent(t.name)}`;
}

/** Charset, collation and label names: bare when they are plain words, else a string. */
function nameOrString(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !isReserved(name.toUpperCase()) ? name : quoteString(name);
}

function printUserVariable(name: string): string {
  return /^[A-Za-z0-9_$.]+$/.test(name) ? `@${name}` : `@${quoteString(name)}`;
}

function printSystemVariableName(name: string): string {
  return name.split('.').map(quoteIdent).join('.');
}

// --- expressions -----------------------------------------------------------------------------

// Binding strength of each construct in the parser's grammar; higher binds tighter.
const PREC_OR = 1;
const PREC_XOR = 2;
const PREC_AND = 3;
const PREC_NOT = 4;
const PREC_COMPARISON = 5;
const PREC_PREDICATE = 6;
const PREC_BIT_OR = 7;
const PREC_BIT_AND = 8;
const PREC_SHIFT = 9;
const PREC_ADDITIVE = 10;
const PREC_MULTIPLICATIVE = 11;
const PREC_BIT_XOR = 12;
const PREC_UNARY = 13;
const PREC_COLLATE = 14;
const PREC_PRIMARY = 15;

function binaryPrecedence(op: Extract<Expr, { kind: 'binary' }>['op']): number {
  switch (op) {
    case 'OR':
      return PREC_OR;
    case 'XOR':
      return PREC_XOR;
    case 'AND':
      return PREC_AND;
    case '=':
    case '<=>':
    case '<>':
    case '<':
    case '<=':
    case '>':
    case '>=':
      return PREC_COMPARISON;
    case '|':
      return PREC_BIT_OR;
    case '&':
      return PREC_BIT_AND;
    case '<<':
    case '>>':
      return PREC_SHIFT;
    case '+':
    case '-':
      return PREC_ADDITIVE;
    case '*':
    case '/':
    case 'DIV':
    case 'MOD':
      return PREC_MULTIPLICATIVE;
    case '^':
      return PREC_BIT_XOR;
    default:
      return assertNever(op, 'binary operator');
  }
}

function precedence(e: Expr): number {
  switch (e.kind) {
    case 'binary':
      return binaryPrecedence(e.op);
    case 'unary':
      return e.op === 'NOT' ? PREC_NOT : PREC_UNARY;
    case 'is':
      return PREC_COMPARISON;
    case 'in':
    case 'between':
    case 'like':
    case 'regexp':
      return PREC_PREDICATE;
    case 'collate':
      return PREC_COLLATE;
    default:
      return PREC_PRIMARY;
  }
}

/** Prints `e`, in parentheses when it binds looser than its position requires. */
function operand(e: Expr, min: number): string {
  const s = printExpr(e);
  return precedence(e) < min ? `(${s})` : s;
}

function printCastType(t: CastType): string {
  let s: string = t.name;
  if (t.length !== null) s += t.scale === null ? `(${t.length})` : `(${t.length}, ${t.scale})`;
  if (t.charset !== null) s += ` CHARACTER SET ${nameOrString(t.charset)}`;
  return s;
}

function printFunctionName(schema: string | null, name: string): string {
  const plain = /^[A-Za-z_][A-Za-z0-9_$]*$/.test(name) && (!isReserved(name) || RESERVED_FUNCTION_NAMES.has(name));
  const fn = plain ? name : '`' + name.replace(/`/g, '``') + '`';
  return schema === null ? fn : `${quoteIdent(schema)}.${fn}`;
}

export function printExpr(e: Expr): string {
  switch (e.kind) {
    case 'string':
      return (e.charset === null ? '' : `_${e.charset}`) + quoteString(e.value);
    case 'number':
      return e.value;
    case 'hex':
      return `X'${e.value}'`;
    case 'bits':
      return `b'${e.value}'`;
    case 'null':
      return 'NULL';
    case 'boolean':
      return e.value ? 'TRUE' : 'FALSE';
    case 'temporal':
      return `${e.type} ${quoteString(e.value)}`;
    case 'column':
      return [e.schema, e.table, e.name].filter((p): p is string => p !== null).map(quoteIdent).join('.');
    case 'star':
      return [e.schema, e.table].filter((p): p is string => p !== null).map((p) => quoteIdent(p) + '.').join('') + '*';
    case 'userVariable':
      return printUserVariable(e.name);
    case 'systemVariable':
      return `@@${e.scope === null ? '' : e.scope + '.'}${printSystemVariableName(e.name)}`;
    case 'param':
      return '?';
    case 'default':
      return 'DEFAULT';
    case 'unary': {
      const inner = operand(e.operand, e.op === 'NOT' ? PREC_NOT : PREC_UNARY);
      if (e.op === 'NOT' || e.op === 'BINARY') return `${e.op} ${inner}`;
      // Keep `- -x` apart: `--` would start a comment.
      return (inner.startsWith('-') || inner.startsWith('+')) ? `${e.op} ${inner}` : `${e.op}${inner}`;
    }
    case 'binary': {
      const p = binaryPrecedence(e.op);
      const rightMin = p === PREC_COMPARISON ? PREC_PREDICATE : p + 1;
      return `${operand(e.left, p)} ${e.op} ${operand(e.right, rightMin)}`;
    }
    case 'is':
      return `${operand(e.expr, PREC_COMPARISON)} IS ${e.not ? 'NOT ' : ''}${e.value}`;
    case 'in':
      return `${operand(e.expr, PREC_BIT_OR)} ${e.not ? 'NOT ' : ''}IN (${e.list.map(printExpr).join(', ')})`;
    case 'between':
      return `${operand(e.expr, PREC_BIT_OR)} ${e.not ? 'NOT ' : ''}BETWEEN ${operand(e.low, PREC_BIT_OR)} AND ${operand(e.high, PREC_BIT_OR)}`;
    case 'like':
      return (
        `${operand(e.expr, PREC_BIT_OR)} ${e.not ? 'NOT ' : ''}LIKE ${operand(e.pattern, PREC_BIT_OR)}` +
        (e.escape === null ? '' : ` ESCAPE ${operand(e.escape, PREC_UNARY)}`)
      );
    case 'regexp':
      return `${operand(e.expr, PREC_BIT_OR)} ${e.not ? 'NOT ' : ''}REGEXP ${operand(e.pattern, PREC_BIT_OR)}`;
    case 'case':
      return (
        'CASE' +
        (e.operand === null ? '' : ' ' + printExpr(e.operand)) +
        e.whens.map((w) => ` WHEN ${printExpr(w.when)} THEN ${printExpr(w.then)}`).join('') +
        (e.else === null ? '' : ` ELSE ${printExpr(e.else)}`) +
        ' END'
      );
    case 'cast':
      return `CAST(${printExpr(e.expr)} AS ${printCastType(e.type)})`;
    case 'convertUsing':
      return `CONVERT(${printExpr(e.expr)} USING ${nameOrString(e.charset)})`;
    case 'collate':
      return `${operand(e.expr, PREC_COLLATE)} COLLATE ${nameOrString(e.collation)}`;
    case 'interval':
      return `INTERVAL ${operand(e.value, PREC_PRIMARY)} ${e.unit}`;
    case 'extract':
      return `EXTRACT(${e.unit} FROM ${printExpr(e.expr)})`;
    case 'trim': {
      if (e.mode === null && e.remove === null) return `TRIM(${printExpr(e.expr)})`;
      const parts = [e.mode, e.remove === null ? null : printExpr(e.remove)].filter((p): p is string => p !== null);
      return `TRIM(${parts.join(' ')} FROM ${printExpr(e.expr)})`;
    }
    case 'function':
      return `${printFunctionName(e.schema, e.name)}(${e.distinct ? 'DISTINCT ' : ''}${e.args.map(printExpr).join(', ')})`;
    case 'row':
      return `(${e.items.map(printExpr).join(', ')})`;
    default:
      return assertNever(e, 'expression');
  }
}

// --- statement pieces ------------------------------------------------------------------------

function printSelectItems(items: readonly SelectItem[]): string {
  return items.map((i) => printExpr(i.expr) + (i.alias === null ? '' : ` AS ${quoteIdent(i.alias)}`)).join(', ');
}

function printOrderBy(items: readonly OrderItem[]): string {
  if (items.length === 0) return '';
  return ' ORDER BY ' + items.map((o) => printExpr(o.expr) + (o.direction === null ? '' : ' ' + o.direction)).join(', ');
}

function printLimit(limit: Limit | null): string {
  if (limit === null) return '';
  // `LIMIT offset, count`: SHOW WARNINGS accepts only this form.
  return limit.offset === null ? ` LIMIT ${limit.count}` : ` LIMIT ${limit.offset}, ${limit.count}`;
}

function printFilter(filter: ShowFilter | null): string {
  if (filter === null) return '';
  return filter.kind === 'like' ? ` LIKE ${quoteString(filter.pattern)}` : ` WHERE ${printExpr(filter.expr)}`;
}

function printProperties(props: readonly Property[], label: string | null = null): string {
  const all = label === null ? props : [...props, { key: 'label', value: label }];
  return '(' + all.map((p) => `${quoteString(p.key, '"')} = ${quoteString(p.value, '"')}`).join(', ') + ')';
}

function printQuery(q: JobQuery): string {
  switch (q.kind) {
    case 's3Select':
      return (
        `SELECT ${printSelectItems(q.items)} FROM S3${printProperties(q.properties)}` +
        (q.alias === null ? '' : ` AS ${quoteIdent(q.alias)}`) +
        (q.where === null ? '' : ` WHERE ${printExpr(q.where)}`)
      );
    case 'querySql':
      return q.sql;
    default:
      return assertNever(q, 'job query');
  }
}

/**
 * The INSERT of a job (Doris' ExecuteSql, AnalyticDB's definition). `label` is printed as
 * `WITH LABEL` when given.
 */
export function printJobInsert(insert: JobInsert, options: PrintOptions & { label?: string | null } = {}): string {
  const stmt: Statement = { kind: 'submitJob', alias: null, priority: null, label: options.label ?? null, insert };
  const redacted = options.redact === false ? stmt : redactStatement(stmt);
  if (redacted.kind !== 'submitJob') throw new Error('redaction changed the statement kind');
  return printInsert(redacted.insert, redacted.label);
}

function printInsert(insert: JobInsert, label: string | null): string {
  return (
    `INSERT ${insert.mode === 'into' ? 'INTO' : 'OVERWRITE'} ${printTableName(insert.table)}` +
    (label === null ? '' : ` WITH LABEL ${nameOrString(label)}`) +
    (insert.columns === null ? '' : ` (${insert.columns.map(quoteIdent).join(', ')})`) +
    ` ${printQuery(insert.query)}`
  );
}

function scopeKeyword(scope: VariableScope): string {
  switch (scope) {
    case 'session':
      return 'SESSION';
    case 'global':
      return 'GLOBAL';
    case 'persist':
      return 'PERSIST';
    case 'persistOnly':
      return 'PERSIST_ONLY';
    default:
      return assertNever(scope, 'scope');
  }
}

function printSetValue(value: Expr): string {
  // Bare ON / SYSTEM / ... are values in SET, not identifiers to quote.
  if (value.kind === 'column' && value.table === null && RESERVED_SET_VALUES.has(value.name.toUpperCase())) return value.name;
  return printExpr(value);
}

function printSet(assignments: readonly SetAssignment[]): string {
  // A scope keyword carries over to later assignments, so print one only when the scope changes.
  let current: VariableScope = 'session';
  const parts = assignments.map((a) => {
    switch (a.kind) {
      case 'userVariable':
        return `${printUserVariable(a.name)} = ${printExpr(a.value)}`;
      case 'systemVariable': {
        const prefix = a.scope === current ? '' : scopeKeyword(a.scope) + ' ';
        current = a.scope;
        return `${prefix}${printSystemVariableName(a.name)} = ${printSetValue(a.value)}`;
      }
      case 'names':
        return a.charset === null ? 'NAMES DEFAULT' : `NAMES ${nameOrString(a.charset)}` + (a.collation === null ? '' : ` COLLATE ${nameOrString(a.collation)}`);
      case 'characterSet':
        return `CHARACTER SET ${a.charset === null ? 'DEFAULT' : nameOrString(a.charset)}`;
      default:
        return assertNever(a, 'SET assignment');
    }
  });
  return 'SET ' + parts.join(', ');
}

// --- statements ------------------------------------------------------------------------------

/** Canonical SQL for `stmt`; secrets are redacted unless `{ redact: false }`. */
export function print(stmt: Statement, options: PrintOptions = {}): string {
  return printStatement(options.redact === false ? stmt : redactStatement(stmt));
}

function printStatement(s: Statement): string {
  switch (s.kind) {
    case 'submitJob':
      return (
        (s.priority === null ? '' : `/*+async_job_priority=${s.priority}*/ `) +
        'SUBMIT JOB ' +
        (s.alias === null ? '' : `${s.alias} AS `) +
        printInsert(s.insert, s.label)
      );
    case 'showJobStatus':
      return 'SHOW JOB STATUS' + (s.filter === null ? '' : ` WHERE ${s.filter.field} = ${quoteString(s.filter.value)}`);
    case 'cancelJob':
      return `CANCEL JOB ${quoteString(s.jobId)}`;
    case 'showJobErrors':
      return `SHOW JOB ERRORS ${quoteString(s.jobId)}` + (s.limit === null ? '' : ` LIMIT ${s.limit}`);
    case 'createJob':
      return (
        `CREATE JOB ${quoteIdent(s.name)} ON STREAMING` +
        (s.properties.length === 0 && s.label === null ? '' : ` PROPERTIES ${printProperties(s.properties, s.label)}`) +
        (s.comment === null ? '' : ` COMMENT ${quoteString(s.comment)}`) +
        ` DO ${printInsert(s.insert, null)}`
      );
    case 'createSyncJob':
      return (
        `CREATE JOB ${quoteIdent(s.name)} ON STREAMING` +
        (s.properties.length === 0 && s.label === null ? '' : ` PROPERTIES ${printProperties(s.properties, s.label)}`) +
        (s.comment === null ? '' : ` COMMENT ${quoteString(s.comment)}`) +
        ` FROM ${s.source} ${printProperties(s.sourceProperties)} TO DATABASE ${quoteIdent(s.targetDatabase)}` +
        (s.targetProperties.length === 0 ? '' : ` ${printProperties(s.targetProperties)}`)
      );
    case 'pauseJob':
      return `PAUSE JOB WHERE jobName = ${quoteString(s.name)}`;
    case 'resumeJob':
      return `RESUME JOB WHERE jobName = ${quoteString(s.name)}`;
    case 'dropJob':
      return `DROP JOB ${s.ifExists ? 'IF EXISTS ' : ''}WHERE jobName = ${quoteString(s.name)}`;
    case 'alterJob': {
      const props = s.properties.length > 0 || s.label !== null || s.insert === null;
      return (
        `ALTER JOB ${quoteIdent(s.name)}` +
        (props ? ` PROPERTIES ${printProperties(s.properties, s.label)}` : '') +
        (s.insert === null ? '' : ` ${printInsert(s.insert, null)}`)
      );
    }
    case 'jobsQuery':
      return (
        `SELECT ${s.distinct ? 'DISTINCT ' : ''}${printSelectItems(s.items)} FROM ${s.table}(` +
        s.args.map((a) => (a.name === null ? '' : `${quoteString(a.name, '"')} = `) + quoteString(a.value, '"')).join(', ') +
        ')' +
        (s.alias === null ? '' : ` AS ${quoteIdent(s.alias)}`) +
        (s.where === null ? '' : ` WHERE ${printExpr(s.where)}`) +
        (s.groupBy.length === 0 ? '' : ` GROUP BY ${s.groupBy.map(printExpr).join(', ')}`) +
        printOrderBy(s.orderBy) +
        printLimit(s.limit)
      );
    case 'importInto': {
      const options: string[] = s.options.map((o) =>
        o.value === true ? o.name : `${o.name} = ${typeof o.value === 'number' ? String(o.value) : quoteString(o.value)}`,
      );
      if (s.label !== null) options.push(`LABEL = ${quoteString(s.label)}`);
      return (
        `IMPORT INTO ${printTableName(s.table)}` +
        (s.columns === null ? '' : ` (${s.columns.map((c) => (c.kind === 'column' ? quoteIdent(c.name) : printUserVariable(c.name))).join(', ')})`) +
        (s.set.length === 0 ? '' : ' SET ' + s.set.map((a) => `${quoteIdent(a.column)} = ${printExpr(a.value)}`).join(', ')) +
        ` FROM ${quoteString(s.location)}` +
        (s.format === null ? '' : ` FORMAT ${quoteString(s.format)}`) +
        (options.length === 0 ? '' : ` WITH ${options.join(', ')}`)
      );
    }
    case 'showImportJobs':
      return 'SHOW IMPORT JOBS' + printFilter(s.filter);
    case 'showImportJob':
      return `SHOW IMPORT JOB ${s.jobId}`;
    case 'cancelImportJob':
      return `CANCEL IMPORT JOB ${s.jobId}`;
    case 'set':
      return printSet(s.assignments);
    case 'setTransaction': {
      const parts: string[] = [];
      if (s.isolationLevel !== null) parts.push(`ISOLATION LEVEL ${s.isolationLevel}`);
      if (s.accessMode !== null) parts.push(s.accessMode === 'readOnly' ? 'READ ONLY' : 'READ WRITE');
      const scope = s.scope === 'next' ? '' : s.scope === 'global' ? 'GLOBAL ' : 'SESSION ';
      return `SET ${scope}TRANSACTION ${parts.join(', ')}`;
    }
    case 'use':
      return `USE ${quoteIdent(s.database)}`;
    case 'showVariables':
      return `SHOW ${s.scope === 'global' ? 'GLOBAL ' : ''}VARIABLES${printFilter(s.filter)}`;
    case 'showStatus':
      return `SHOW ${s.scope === 'global' ? 'GLOBAL ' : ''}STATUS${printFilter(s.filter)}`;
    case 'showWarnings':
      return `SHOW ${s.which === 'warnings' ? 'WARNINGS' : 'ERRORS'}${printLimit(s.limit)}`;
    case 'showWarningCount':
      return `SHOW COUNT(*) ${s.which === 'warnings' ? 'WARNINGS' : 'ERRORS'}`;
    case 'showDatabases':
      return `SHOW DATABASES${printFilter(s.filter)}`;
    case 'showCharset':
      return `SHOW CHARACTER SET${printFilter(s.filter)}`;
    case 'showCollation':
      return `SHOW COLLATION${printFilter(s.filter)}`;
    case 'showEngines':
      return 'SHOW ENGINES';
    case 'showProcesslist':
      return `SHOW ${s.full ? 'FULL ' : ''}PROCESSLIST`;
    case 'showGrants':
      return 'SHOW GRANTS' + (s.user === null ? '' : ` FOR ${quoteString(s.user.user)}` + (s.user.host === null ? '' : `@${quoteString(s.user.host)}`));
    case 'showCreateDatabase':
      return `SHOW CREATE DATABASE ${s.ifNotExists ? 'IF NOT EXISTS ' : ''}${quoteIdent(s.database)}`;
    case 'startTransaction': {
      const parts: string[] = [];
      if (s.consistentSnapshot) parts.push('WITH CONSISTENT SNAPSHOT');
      if (s.accessMode !== null) parts.push(s.accessMode === 'readOnly' ? 'READ ONLY' : 'READ WRITE');
      return 'START TRANSACTION' + (parts.length === 0 ? '' : ' ' + parts.join(', '));
    }
    case 'commit':
      return 'COMMIT';
    case 'rollback':
      return 'ROLLBACK';
    case 'kill':
      return `KILL ${s.target === 'query' ? 'QUERY ' : ''}${s.id}`;
    case 'select':
      return (
        `SELECT ${s.distinct ? 'DISTINCT ' : ''}${printSelectItems(s.items)}` +
        // FROM DUAL keeps a WHERE valid for servers older than 8.0 too.
        (s.where === null ? '' : ` FROM DUAL WHERE ${printExpr(s.where)}`) +
        printOrderBy(s.orderBy) +
        printLimit(s.limit)
      );
    case 'showTables':
      return `SHOW ${s.full ? 'FULL ' : ''}TABLES${s.database === null ? '' : ` FROM ${quoteIdent(s.database)}`}${printFilter(s.filter)}`;
    case 'showColumns':
      return `SHOW ${s.full ? 'FULL ' : ''}COLUMNS FROM ${printTableName(s.table)}${printFilter(s.filter)}`;
    case 'showIndex':
      return `SHOW INDEX FROM ${printTableName(s.table)}` + (s.where === null ? '' : ` WHERE ${printExpr(s.where)}`);
    case 'showCreateTable':
      return `SHOW CREATE TABLE ${printTableName(s.table)}`;
    case 'showTableStatus':
      return `SHOW TABLE STATUS${s.database === null ? '' : ` FROM ${quoteIdent(s.database)}`}${printFilter(s.filter)}`;
    case 'describe':
      return `DESCRIBE ${printTableName(s.table)}` + (s.column === null ? '' : ` ${quoteString(s.column)}`);
    case 'passthrough':
      return s.sql;
    default:
      return assertNever(s, 'statement');
  }
}
