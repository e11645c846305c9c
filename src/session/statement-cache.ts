// Parsed statements by text, shared by all sessions. Clients repeat the same statements
// constantly (driver probes, `SELECT 1` health checks, prepared statements); parsing them again
// cost about a third of the CPU of a `SELECT 1` round trip. The AST is immutable plain data, so a
// cached tree can be handed to any session. Bounded in entries and in statement length.

import type { Statement } from '../sql/ast.js';
import { parseStatement } from '../sql/index.js';

const MAX_ENTRIES = 2048;
const MAX_SQL_LENGTH = 4096;

export class StatementCache {
  private readonly entries = new Map<string, Statement>();

  parse(sql: string): Statement {
    if (sql.length > MAX_SQL_LENGTH) return parseStatement(sql);
    const hit = this.entries.get(sql);
    if (hit) {
      // Map keeps insertion order: re-inserting makes this the most recently used entry.
      this.entries.delete(sql);
      this.entries.set(sql, hit);
      return hit;
    }
    const statement = parseStatement(sql);
    this.entries.set(sql, statement);
    if (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    return statement;
  }

  get size(): number {
    return this.entries.size;
  }
}

export const sharedStatementCache = new StatementCache();
