// SHOW TABLES / SHOW [FULL] COLUMNS / SHOW INDEX / SHOW CREATE TABLE / SHOW TABLE STATUS / DESCRIBE
// and COM_FIELD_LIST: answered from the target's catalog in MySQL's exact layouts (JDBC, SQLAlchemy,
// Sequelize and Knex parse them), or passed through to a MySQL-compatible target, which already
// answers them itself.

import type { Column, QueryResult } from '../protocol/handler.js';
import type { StatementOf } from '../sql/ast.js';
import type { Target } from '../targets/target.js';

export type CatalogStatement = StatementOf<'showTables' | 'showColumns' | 'showIndex' | 'showCreateTable' | 'showTableStatus' | 'describe'>;

export interface CatalogStatements {
  execute(statement: CatalogStatement, sql: string, options: { database: string | null; signal: AbortSignal }): Promise<QueryResult>;
  fieldList(database: string, table: string, wildcard: string): Promise<readonly Column[]>;
}

/** For a MySQL-compatible target: the server answers SHOW and COM_FIELD_LIST itself. */
export class PassthroughCatalog implements CatalogStatements {
  constructor(private readonly target: Target) {}

  execute(_statement: CatalogStatement, sql: string, options: { database: string | null; signal: AbortSignal }): Promise<QueryResult> {
    return this.target.execute(sql, options);
  }

  async fieldList(database: string, table: string): Promise<readonly Column[]> {
    const result = await this.target.execute(`SELECT * FROM \`${database.replace(/`/g, '``')}\`.\`${table.replace(/`/g, '``')}\` LIMIT 0`, { database });
    return result.kind === 'rows' ? result.columns : [];
  }
}
