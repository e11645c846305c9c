// The session's ports as a worker sees them: the target, the catalog and the job engine all live in
// the primary, so each call crosses to it. Signals cross as abort messages, so KILL QUERY reaches a
// long passthrough SELECT or a blocking IMPORT INTO running there.

import type { Column, QueryResult } from '../protocol/handler.js';
import type { Statement } from '../sql/ast.js';
import type { CatalogStatement, CatalogStatements } from '../session/catalog-statements.js';
import type { JobStatements, SessionContext } from '../session/session.js';
import type { ExecuteOptions, TableDef, TableStatus, Target } from '../targets/target.js';
import { PrimaryCall, type JobContext, type JobOutcome } from './calls.js';
import { fromWireError, type RpcChannel } from './rpc.js';

export class RemoteTarget implements Target {
  constructor(
    readonly kind: 'embedded' | 'mysql',
    private readonly rpc: RpcChannel,
  ) {}

  execute(sql: string, options: ExecuteOptions): Promise<QueryResult> {
    const { signal, ...rest } = options;
    return this.rpc.call(PrimaryCall.targetExecute, [sql, rest], signal);
  }

  databases(): Promise<readonly string[]> {
    return this.rpc.call(PrimaryCall.targetDatabases, []);
  }

  tables(database: string): Promise<readonly TableDef[]> {
    return this.rpc.call(PrimaryCall.targetTables, [database]);
  }

  table(database: string, name: string): Promise<TableDef | undefined> {
    return this.rpc.call(PrimaryCall.targetTable, [database, name]);
  }

  tableStatus(database: string, name: string): Promise<TableStatus | undefined> {
    return this.rpc.call(PrimaryCall.targetTableStatus, [database, name]);
  }

  /** The primary owns the target and closes it. */
  async close(): Promise<void> {}
}

export class RemoteCatalog implements CatalogStatements {
  constructor(private readonly rpc: RpcChannel) {}

  execute(statement: CatalogStatement, sql: string, options: { database: string | null; signal: AbortSignal }): Promise<QueryResult> {
    return this.rpc.call(PrimaryCall.catalogExecute, [statement, sql, { database: options.database }], options.signal);
  }

  fieldList(database: string, table: string, wildcard: string): Promise<readonly Column[]> {
    return this.rpc.call(PrimaryCall.catalogFieldList, [database, table, wildcard]);
  }
}

export class RemoteJobStatements implements JobStatements {
  constructor(private readonly rpc: RpcChannel) {}

  async execute(statement: Statement, session: SessionContext, signal: AbortSignal): Promise<QueryResult> {
    const context: JobContext = {
      connectionId: session.connectionId,
      user: session.user,
      admin: session.admin,
      database: session.database,
      inTransaction: session.inTransaction,
      originalSql: session.originalSql,
    };
    const outcome = await this.rpc.call<JobOutcome>(PrimaryCall.jobsExecute, [statement, context], signal);
    // The engine warned through a context in the primary; the warnings belong to this session.
    for (const w of outcome.warnings) session.warn(w.code, w.message, w.level);
    if (!outcome.ok) throw fromWireError(outcome.error);
    return outcome.result;
  }
}
