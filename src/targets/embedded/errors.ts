// SQLite's errors → MySQL's, through one table of message patterns, so drivers that pick their
// exception class from the errno (PyMySQL, Sequelize) react as they would to MySQL.

import { SqlError, isSqlError, syntaxError } from '../../protocol/sql-error.js';

export interface ErrorContext {
  /** The statement as the user wrote it, for syntax errors. */
  sql: string;
  /** Current database, for messages that name it. */
  database: string | null;
  /** Maps a SQLite schema name back to the database name. */
  databaseOfSchema(schema: string): string;
  /** The duplicate value for a UNIQUE failure, when the caller can find it. */
  duplicateValue?(table: string, columns: readonly string[]): { value: string; key: string } | undefined;
}

function splitQualified(name: string, ctx: ErrorContext): { db: string; table: string } {
  const dot = name.indexOf('.');
  if (dot < 0) return { db: ctx.database ?? '', table: name };
  return { db: ctx.databaseOfSchema(name.slice(0, dot)), table: name.slice(dot + 1) };
}

function columnOf(qualified: string): string {
  const dot = qualified.lastIndexOf('.');
  return dot < 0 ? qualified : qualified.slice(dot + 1);
}

const CHECK_KINDS: Readonly<Record<string, (column: string) => SqlError>> = {
  len: (c) => new SqlError('ER_DATA_TOO_LONG', `Data too long for column '${c}' at row 1`),
  range: (c) => new SqlError('ER_WARN_DATA_OUT_OF_RANGE', `Out of range value for column '${c}' at row 1`),
  date: (c) => new SqlError('ER_TRUNCATED_WRONG_VALUE', `Incorrect date value for column '${c}' at row 1`),
  datetime: (c) => new SqlError('ER_TRUNCATED_WRONG_VALUE', `Incorrect datetime value for column '${c}' at row 1`),
  enum: (c) => new SqlError('WARN_DATA_TRUNCATED', `Data truncated for column '${c}' at row 1`),
  json: (c) => new SqlError('ER_INVALID_JSON_TEXT', `Invalid JSON text: "Invalid value." at position 0 in value for column '${c}'.`),
};

const STORAGE_WORDS: Readonly<Record<string, string>> = { INTEGER: 'integer', REAL: 'decimal', TEXT: 'string', BLOB: 'binary' };

/** Any error thrown while running a statement → SqlError (never anything else). */
export function toSqlError(e: unknown, ctx: ErrorContext): SqlError {
  if (isSqlError(e)) return e;
  const message = e instanceof Error ? e.message : String(e);
  const code = (e as { code?: unknown } | null)?.code;
  let m: RegExpExecArray | null;

  if ((m = /^no such table: (.+)$/.exec(message))) {
    const { db, table } = splitQualified(m[1] ?? '', ctx);
    return new SqlError('ER_NO_SUCH_TABLE', `Table '${db}.${table}' doesn't exist`);
  }
  if ((m = /^no such column: (.+)$/.exec(message)) || (m = /^table .+ has no column named (.+)$/.exec(message))) {
    return new SqlError('ER_BAD_FIELD_ERROR', `Unknown column '${m[1] ?? ''}' in 'field list'`);
  }
  if ((m = /^ambiguous column name: (.+)$/.exec(message))) {
    return new SqlError('ER_NON_UNIQ_ERROR', `Column '${m[1] ?? ''}' in field list is ambiguous`);
  }
  if ((m = /^table "?([^"]+)"? already exists$/.exec(message))) {
    return new SqlError('ER_TABLE_EXISTS_ERROR', `Table '${m[1] ?? ''}' already exists`);
  }
  if ((m = /^(?:UNIQUE|PRIMARY KEY) constraint failed: (.+)$/.exec(message))) {
    const cols = (m[1] ?? '').split(', ');
    const first = cols[0] ?? '';
    const table = first.includes('.') ? first.slice(0, first.lastIndexOf('.')) : '';
    const found = ctx.duplicateValue?.(table, cols.map(columnOf));
    return new SqlError('ER_DUP_ENTRY', `Duplicate entry '${found?.value ?? ''}' for key '${found?.key ?? 'PRIMARY'}'`);
  }
  if ((m = /^NOT NULL constraint failed: (.+)$/.exec(message))) {
    return new SqlError('ER_BAD_NULL_ERROR', `Column '${columnOf(m[1] ?? '')}' cannot be null`);
  }
  if ((m = /^CHECK constraint failed: (\w+):(.+)$/.exec(message))) {
    const make = CHECK_KINDS[m[1] ?? ''];
    if (make) return make(m[2] ?? '');
  }
  if ((m = /^cannot store (\w+) value in (\w+) column (.+)$/.exec(message))) {
    const column = columnOf(m[3] ?? '');
    if (m[1] === 'REAL' && m[2] === 'INTEGER') return new SqlError('ER_WARN_DATA_OUT_OF_RANGE', `Out of range value for column '${column}' at row 1`);
    return new SqlError('ER_TRUNCATED_WRONG_VALUE_FOR_FIELD', `Incorrect ${STORAGE_WORDS[m[2] ?? ''] ?? 'string'} value for column '${column}' at row 1`);
  }
  if ((m = /^no such function: (.+)$/.exec(message))) {
    const fn = (m[1] ?? '').replace(/^mysql_/, '');
    return new SqlError('ER_SP_DOES_NOT_EXIST', `FUNCTION ${ctx.database ?? ''}${ctx.database ? '.' : ''}${fn} does not exist`);
  }
  if ((m = /^wrong number of arguments to function (\w+)\(\)$/.exec(message))) {
    return new SqlError('ER_WRONG_PARAMCOUNT_TO_NATIVE_FCT', `Incorrect parameter count in the call to native function '${(m[1] ?? '').replace(/^mysql_/, '')}'`);
  }
  if (/^(table \S+ has \d+ columns but \d+ values were supplied|\d+ values for \d+ columns|all VALUES must have the same number of terms)$/.test(message)) {
    return new SqlError('ER_WRONG_VALUE_COUNT_ON_ROW', "Column count doesn't match value count at row 1");
  }
  if (/^SELECTs to the left and right of \w+ do not have the same number of result columns$/.test(message)) {
    return new SqlError('ER_WRONG_NUMBER_OF_COLUMNS_IN_SELECT', 'The used SELECT statements have a different number of columns');
  }
  if (/^(sub-select returns \d+ columns - expected 1|row value misused)$/.test(message)) {
    return new SqlError('ER_OPERAND_COLUMNS', 'Operand should contain 1 column(s)');
  }
  if (/^misuse of aggregate/.test(message)) return new SqlError('ER_INVALID_GROUP_FUNC_USE', 'Invalid use of group function');
  if ((m = /^duplicate column name: (.+)$/.exec(message))) return new SqlError('ER_DUP_FIELDNAME', `Duplicate column name '${m[1] ?? ''}'`);
  if ((m = /^no such index: (.+)$/.exec(message))) {
    return new SqlError('ER_CANT_DROP_FIELD_OR_KEY', `Can't DROP '${(m[1] ?? '').split('/').pop() ?? ''}'; check that column/key exists`);
  }
  if (/^(near ".*": syntax error|incomplete input|unrecognized token)/.test(message)) {
    const first = ctx.sql.trim().split('\n')[0] ?? '';
    return syntaxError(first, 1);
  }
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED' || /database is locked/.test(message)) {
    return new SqlError('ER_LOCK_WAIT_TIMEOUT', 'Lock wait timeout exceeded; try restarting transaction');
  }
  if (code === 'SQLITE_FULL' || /database or disk is full/.test(message)) {
    return new SqlError('ER_RECORD_FILE_FULL', 'The table is full: the disk that holds the embedded warehouse (--data-dir) has no space left; free some and run the statement or job again');
  }
  if (code === 'SQLITE_INTERRUPT' || /interrupted/.test(message)) {
    return new SqlError('ER_QUERY_INTERRUPTED', 'Query execution was interrupted');
  }
  if (/too many SQL variables/.test(message)) return new SqlError('ER_WRONG_ARGUMENTS', 'Too many placeholders in one statement');
  return new SqlError('ER_UNKNOWN_ERROR', message || 'Unknown error');
}
