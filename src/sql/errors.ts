// Errors raised by the SQL front end. Syntax errors carry MySQL's exact 1064 message (clients and
// users grep for it) plus the position and an "Expected X, found Y" detail for logs and tests;
// semantic errors use the specific codes of src/protocol/sql-error.ts.

import { SqlError, syntaxError, type ErrorCode } from '../protocol/sql-error.js';

export class SqlSyntaxError extends SqlError {
  /** UTF-16 offset of the offending token in the statement text. */
  readonly offset: number;
  /** 1-based line and column of the offending token. */
  readonly line: number;
  readonly column: number;
  /** Graphql-style explanation, e.g. `Expected JOB, found "JOBS"`; not sent to clients. */
  readonly detail: string;

  constructor(source: string, offset: number, line: number, column: number, detail: string) {
    super('ER_PARSE_ERROR', syntaxError(source.slice(offset, offset + 80), line).message);
    this.name = 'SqlSyntaxError';
    this.offset = offset;
    this.line = line;
    this.column = column;
    this.detail = detail;
  }
}

export function semanticError(code: ErrorCode, message: string): SqlError {
  return new SqlError(code, message);
}

export function emptyQueryError(): SqlError {
  return new SqlError('ER_EMPTY_QUERY', 'Query was empty');
}
