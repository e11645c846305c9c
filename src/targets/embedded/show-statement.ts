// The SHOW/DESCRIBE forms node-sql-parser does not parse, read with the small tokenizer, so the
// embedded target can answer them itself as a MySQL server would (the session may also parse
// them and call the builders in ../show.ts directly).

import { SqlError, syntaxError } from '../../protocol/sql-error.js';
import { significant, tokenize, unescapeMysqlString, type Token } from './sql-text.js';

export interface TableRef {
  database: string | null;
  table: string;
}

export type ShowStatement =
  | { kind: 'tables'; full: boolean; database: string | null; like?: string; where?: string }
  | { kind: 'columns'; full: boolean; table: TableRef; like?: string; where?: string }
  | { kind: 'index'; table: TableRef; where?: string }
  | { kind: 'createTable'; table: TableRef }
  | { kind: 'tableStatus'; database: string | null; like?: string; where?: string }
  | { kind: 'databases'; like?: string; where?: string }
  | { kind: 'describe'; table: TableRef; column?: string };

/** True when the statement starts with SHOW, DESCRIBE or DESC (or EXPLAIN of a table). */
export function isShowStatement(sql: string): boolean {
  const first = significant(tokenize(sql)).slice(0, 2);
  const w = first[0]?.kind === 'word' ? first[0].text.toLowerCase() : '';
  if (w === 'show' || w === 'describe' || w === 'desc') return true;
  // EXPLAIN <table> is DESCRIBE; EXPLAIN SELECT ... is a plan, which is not ours.
  return w === 'explain' && first[1] !== undefined && !/^(select|insert|update|delete|replace|with|format|analyze|extended|partitions|table|for)$/i.test(first[1].text);
}

class Reader {
  private pos = 0;
  constructor(private readonly tokens: Token[], private readonly sql: string) {}

  peekWord(): string {
    const t = this.tokens[this.pos];
    return t?.kind === 'word' ? t.text.toLowerCase() : '';
  }

  done(): boolean {
    return this.pos >= this.tokens.length;
  }

  fail(): never {
    const t = this.tokens[this.pos];
    const near = t ? this.sql.slice(t.start) : '';
    throw syntaxError(near, t ? this.sql.slice(0, t.start).split('\n').length : 1);
  }

  optional(...words: string[]): string | undefined {
    const w = this.peekWord();
    if (words.includes(w)) {
      this.pos++;
      return w;
    }
    return undefined;
  }

  expect(...words: string[]): string {
    return this.optional(...words) ?? this.fail();
  }

  /** An identifier, possibly `db`.`t` or db.t when qualified is allowed. */
  name(): string[] {
    const parts: string[] = [];
    for (;;) {
      const t = this.tokens[this.pos];
      if (!t) this.fail();
      if (t.kind === 'quoted') parts.push(t.text.slice(1, -1).replace(/``/g, '`'));
      else if (t.kind === 'word') parts.push(...t.text.split('.'));
      else if (t.kind === 'string' && t.text.startsWith('"')) parts.push(unescapeMysqlString(t.text.slice(1, -1), '"'));
      else this.fail();
      this.pos++;
      const next = this.tokens[this.pos];
      if (next?.kind === 'punct' && next.text === '.') {
        this.pos++;
        continue;
      }
      return parts;
    }
  }

  tableRef(): TableRef {
    const parts = this.name();
    if (parts.length === 1) return { database: null, table: parts[0] ?? '' };
    if (parts.length === 2) return { database: parts[0] ?? null, table: parts[1] ?? '' };
    return this.fail();
  }

  string(): string {
    const t = this.tokens[this.pos];
    if (t?.kind !== 'string') this.fail();
    this.pos++;
    return unescapeMysqlString(t.text.slice(1, -1), t.text.startsWith('"') ? '"' : "'");
  }

  /** LIKE 'pattern' or WHERE <rest>, if present. */
  filter(allowLike = true): { like?: string; where?: string } {
    if (allowLike && this.optional('like')) return { like: this.string() };
    if (this.optional('where')) {
      const t = this.tokens[this.pos];
      if (!t) this.fail();
      const where = this.sql.slice(t.start).trim().replace(/;+\s*$/, '');
      this.pos = this.tokens.length;
      return { where };
    }
    return {};
  }

  fromDatabase(): string | null {
    if (this.optional('from', 'in')) return this.name()[0] ?? null;
    return null;
  }

  end(): void {
    while (this.tokens[this.pos]?.kind === 'punct' && this.tokens[this.pos]?.text === ';') this.pos++;
    if (!this.done()) this.fail();
  }
}

export function parseShowStatement(sql: string): ShowStatement {
  const r = new Reader(significant(tokenize(sql)), sql);
  const first = r.expect('show', 'describe', 'desc', 'explain');
  if (first !== 'show') {
    const table = r.tableRef();
    let column: string | undefined;
    if (!r.done() && !(r.peekWord() === '' && r.done())) {
      const next = r.name();
      column = next[0];
    }
    r.end();
    return column !== undefined ? { kind: 'describe', table, column } : { kind: 'describe', table };
  }
  const full = r.optional('full') !== undefined;
  const what = r.expect('tables', 'columns', 'fields', 'index', 'indexes', 'keys', 'create', 'table', 'databases', 'schemas');
  let out: ShowStatement;
  switch (what) {
    case 'tables': {
      const database = r.fromDatabase();
      out = { kind: 'tables', full, database, ...r.filter() };
      break;
    }
    case 'columns': case 'fields': {
      r.expect('from', 'in');
      const table = r.tableRef();
      const db = r.fromDatabase();
      if (db !== null) table.database = db;
      out = { kind: 'columns', full, table, ...r.filter() };
      break;
    }
    case 'index': case 'indexes': case 'keys': {
      if (full) r.fail();
      r.expect('from', 'in');
      const table = r.tableRef();
      const db = r.fromDatabase();
      if (db !== null) table.database = db;
      out = { kind: 'index', table, ...r.filter(false) };
      break;
    }
    case 'create': {
      if (full) r.fail();
      if (r.expect('table', 'database', 'schema', 'view') !== 'table') {
        throw new SqlError('ER_NOT_SUPPORTED_YET', "This version of loadwire doesn't yet support 'SHOW CREATE DATABASE/VIEW'");
      }
      out = { kind: 'createTable', table: r.tableRef() };
      break;
    }
    case 'table': {
      if (full) r.fail();
      r.expect('status');
      const database = r.fromDatabase();
      out = { kind: 'tableStatus', database, ...r.filter() };
      break;
    }
    case 'databases': case 'schemas':
      if (full) r.fail();
      out = { kind: 'databases', ...r.filter() };
      break;
    default:
      return r.fail();
  }
  r.end();
  return out;
}
