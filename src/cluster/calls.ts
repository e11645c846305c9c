// The calls the primary and its workers make to each other, and what crosses with them. Only plain
// data crosses (structured clone): results are materialised, errors travel as WireError, a job
// statement's warnings travel back with its outcome.

import type { Config } from '../config/config.js';
import type { ProcessInfo, QueryResult, Row } from '../protocol/handler.js';
import type { SessionContext } from '../session/session.js';
import type { VarValue } from '../session/variables.js';
import type { TlsMaterial } from './front-end.js';
import type { WireError } from './rpc.js';

/** Worker → primary. */
export const PrimaryCall = {
  hello: 'hello',
  listening: 'listening',
  targetExecute: 'target.execute',
  targetDatabases: 'target.databases',
  targetTables: 'target.tables',
  targetTable: 'target.table',
  targetTableStatus: 'target.tableStatus',
  catalogExecute: 'catalog.execute',
  catalogFieldList: 'catalog.fieldList',
  jobsExecute: 'jobs.execute',
  processList: 'cluster.processList',
  kill: 'cluster.kill',
  setGlobal: 'cluster.setGlobal',
} as const;

/** Primary → worker. */
export const WorkerCall = {
  processList: 'processList',
  kill: 'kill',
  setGlobal: 'setGlobal',
  metrics: 'metrics',
  shutdown: 'shutdown',
} as const;

/** What a new worker is told: everything it needs to answer the protocol like the primary would. */
export interface WorkerInit {
  config: Config;
  tls: TlsMaterial;
  index: number;
  count: number;
  targetKind: 'embedded' | 'mysql';
  startedAt: number;
  /** SET GLOBAL assignments made so far, in order, so a restarted worker agrees with the others. */
  globals: GlobalAssignment[];
}

/** One SET GLOBAL; `DEFAULT` cannot be cloned (it is a symbol), hence the flag. */
export interface GlobalAssignment {
  name: string;
  value: VarValue;
  isDefault: boolean;
}

export interface ProcessSnapshot {
  processes: ProcessInfo[];
  counters: { questions: number; connections: number };
}

export type JobContext = Omit<SessionContext, 'warn'>;

export interface JobWarning {
  code: number;
  message: string;
  level: 'Warning' | 'Note';
}

export type JobOutcome = { warnings: JobWarning[] } & ({ ok: true; result: QueryResult } | { ok: false; error: WireError });

/** A result that can cross: row iterables (possibly async, possibly lazy) become arrays. */
export async function plainResult(result: QueryResult): Promise<QueryResult> {
  if (result.kind === 'ok') return result;
  const rows: Row[] = [];
  for await (const row of result.rows) rows.push(row);
  return { ...result, rows };
}

/** The worker whose id sequence (idStart = index + 1, idStep = count) contains a connection id. */
export function workerOfConnection(id: number, count: number): number {
  return (id - 1) % count;
}
