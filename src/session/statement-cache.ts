// Parsed statements by text, shared by all sessions. Clients repeat the same statements
// constantly (driver probes, `SELECT 1` health checks, prepared statements); parsing them again
// cost about a third of the CPU of a `SELECT 1` round trip. The AST is immutable plain data, so a
// cached tree can be handed to any session. Bounded in entries and in statement length.

import type { Statement } from '../sql/ast.js';
import { parseStatement, splitStatements } from '../sql/index.js';

const MAX_ENTRIES = 2048;
const MAX_SQL_LENGTH = 4096;

export class StatementCache {
  private readonly entries = new Lru<Statement>();
  private readonly splits = new Lru<readonly string[]>();

  parse(sql: string): Statement {
    return this.entries.get(sql, parseStatement);
  }

  /** The statements of a multi-statement text (CLIENT_MULTI_STATEMENTS), trimmed as MySQL does. */
  split(sql: string): readonly string[] {
    return this.splits.get(sql, (text) => splitStatements(text).map((piece) => piece.sql));
  }

  get size(): number {
    return this.entries.size;
  }
}

/** Least recently used first out; texts too long to be worth keeping are computed every time. */
class Lru<T> {
  private readonly entries = new Map<string, T>();

  get(sql: string, compute: (sql: string) => T): T {
    if (sql.length > MAX_SQL_LENGTH) return compute(sql);
    const hit = this.entries.get(sql);
    if (hit) {
      // Map keeps insertion order: re-inserting makes this the most recently used entry.
      this.entries.delete(sql);
      this.entries.set(sql, hit);
      return hit;
    }
    const value = compute(sql);
    this.entries.set(sql, value);
    if (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    return value;
  }

  get size(): number {
    return this.entries.size;
  }
}

export const sharedStatementCache = new StatementCache();
