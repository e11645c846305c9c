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

/**
 * Recently used entries stay, the others go: two generations, the young one taking every new or
 * revived entry. When it is full the old generation is dropped and the young one becomes old. A hit
 * in the young generation (the `SELECT 1` a pool sends all day) costs one Map lookup; a strict
 * LRU's delete-and-reinsert per hit cost three.
 */
class Lru<T> {
  private young = new Map<string, T>();
  private old = new Map<string, T>();

  get(sql: string, compute: (sql: string) => T): T {
    if (sql.length > MAX_SQL_LENGTH) return compute(sql);
    const hit = this.young.get(sql);
    if (hit !== undefined) return hit;
    const value = this.old.get(sql) ?? compute(sql);
    if (this.young.size >= MAX_ENTRIES / 2) {
      this.old = this.young;
      this.young = new Map();
    }
    this.young.set(sql, value);
    return value;
  }

  get size(): number {
    let n = this.young.size;
    for (const key of this.old.keys()) if (!this.young.has(key)) n++;
    return n;
  }
}

export const sharedStatementCache = new StatementCache();
