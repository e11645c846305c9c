// A worker's view of the whole daemon for the statements that need more than this process:
// SHOW PROCESSLIST, SHOW STATUS, KILL and SET GLOBAL. The session reads its ServerControl and the
// global variables synchronously, so before such a statement the worker fetches the other workers'
// connections from the primary, and before answering it waits until a KILL or SET GLOBAL has
// reached the worker it was meant for. Every other statement (SELECT 1 included) pays one regular
// expression test and nothing else.

import type { Column, ConnectionInfo, MaybePromise, PreparedStatementInfo, ProcessInfo, QueryResult, ServerControl, ServerHandler, Session, SessionStatus, UserCredentials, Value } from '../protocol/handler.js';
import { DEFAULT_VALUE, GlobalVariables, type SetValue } from '../session/variables.js';
import { PrimaryCall, type GlobalAssignment, type ProcessSnapshot } from './calls.js';
import type { RpcChannel } from './rpc.js';

/** Statement texts that may read other workers' state or change theirs. */
const NEEDS_CLUSTER = /processlist|kill|status|global/i;

/** Global variables whose SET GLOBAL is passed on to every other worker through the primary. */
export class ClusterGlobals extends GlobalVariables {
  private rpc: RpcChannel | null = null;
  private readonly inFlight = new Set<Promise<void>>();

  connect(rpc: RpcChannel): void {
    this.rpc = rpc;
  }

  override set(name: string, value: SetValue): void {
    super.set(name, value); // validates and throws MySQL's error before anything is sent
    if (!this.rpc) return;
    const assignment: GlobalAssignment = value === DEFAULT_VALUE ? { name, value: null, isDefault: true } : { name, value, isDefault: false };
    const sent = this.rpc.call<void>(PrimaryCall.setGlobal, [assignment]).catch(() => undefined);
    this.inFlight.add(sent);
    void sent.finally(() => this.inFlight.delete(sent));
  }

  /** A SET GLOBAL made by another worker. */
  apply(assignment: GlobalAssignment): void {
    super.set(assignment.name, assignment.isDefault ? DEFAULT_VALUE : assignment.value);
  }

  /** Resolves when every SET GLOBAL made here so far has reached all other workers. */
  async settled(): Promise<void> {
    await Promise.all(this.inFlight);
  }
}

/** One session's ServerControl: this worker's connections live, the others' as last fetched. */
export class ClusterControl implements ServerControl {
  private remote: ProcessSnapshot = { processes: [], counters: { questions: 0, connections: 0 } };
  private readonly kills: Promise<unknown>[] = [];

  constructor(
    private readonly local: ServerControl,
    private readonly rpc: RpcChannel,
  ) {}

  async refresh(): Promise<void> {
    this.remote = await this.rpc.call<ProcessSnapshot>(PrimaryCall.processList, []);
  }

  /** Resolves when every KILL of another worker's connection has been carried out. */
  async settled(): Promise<void> {
    await Promise.all(this.kills.splice(0));
  }

  processList(): ProcessInfo[] {
    return [...this.local.processList(), ...this.remote.processes].sort((a, b) => a.id - b.id);
  }

  kill(connectionId: number, mode: 'query' | 'connection'): boolean {
    if (this.local.kill(connectionId, mode)) return true;
    if (!this.remote.processes.some((p) => p.id === connectionId)) return false;
    this.kills.push(this.rpc.call(PrimaryCall.kill, [connectionId, mode]).catch(() => false));
    return true;
  }

  counters(): { questions: number; connections: number } {
    const own = this.local.counters();
    return { questions: own.questions + this.remote.counters.questions, connections: own.connections + this.remote.counters.connections };
  }
}

class ClusterSession implements Session {
  constructor(
    private readonly inner: Session,
    private readonly control: ClusterControl,
    private readonly globals: ClusterGlobals,
  ) {}

  statements(sql: string, multiStatements: boolean): readonly string[] {
    return this.inner.statements(sql, multiStatements);
  }

  run(sql: string, signal: AbortSignal): MaybePromise<QueryResult> {
    return NEEDS_CLUSTER.test(sql) ? this.withCluster(() => this.inner.run(sql, signal)) : this.inner.run(sql, signal);
  }

  prepare(sql: string): Promise<PreparedStatementInfo> {
    return this.inner.prepare(sql);
  }

  execute(sql: string, params: readonly Value[], signal: AbortSignal): MaybePromise<QueryResult> {
    return NEEDS_CLUSTER.test(sql) ? this.withCluster(() => this.inner.execute(sql, params, signal)) : this.inner.execute(sql, params, signal);
  }

  initDb(database: string): Promise<void> {
    return this.inner.initDb(database);
  }

  fieldList(table: string, wildcard: string): Promise<readonly Column[]> {
    return this.inner.fieldList(table, wildcard);
  }

  status(): SessionStatus {
    return this.inner.status();
  }

  database(): string | null {
    return this.inner.database();
  }

  idleTimeoutSeconds(): number {
    return this.inner.idleTimeoutSeconds();
  }

  reset(): Promise<void> {
    return this.inner.reset();
  }

  close(): void {
    this.inner.close();
  }

  private async withCluster(run: () => MaybePromise<QueryResult>): Promise<QueryResult> {
    await this.control.refresh();
    const result = await run();
    await this.settle();
    return result;
  }

  private async settle(): Promise<void> {
    await this.control.settled();
    await this.globals.settled();
  }
}

/** Wraps the session factory so every session of this worker sees the whole cluster. */
export class ClusterHandler implements ServerHandler {
  constructor(
    private readonly sessions: ServerHandler,
    private readonly globals: ClusterGlobals,
    private readonly rpc: RpcChannel,
  ) {}

  lookupUser(user: string): UserCredentials | undefined {
    return this.sessions.lookupUser(user);
  }

  async openSession(connection: ConnectionInfo, control: ServerControl): Promise<Session> {
    const clusterControl = new ClusterControl(control, this.rpc);
    return new ClusterSession(await this.sessions.openSession(connection, clusterControl), clusterControl, this.globals);
  }
}
