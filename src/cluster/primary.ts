// --workers N (N > 1): this process keeps everything that has state — configuration, TLS material,
// the target, the job engine and load pipeline, the ops endpoint — and forks N front-end workers
// (worker.ts) that answer the MySQL protocol on the shared port and call back here for the rest.
// Why: one Node process answers `SELECT 1` at ≈ 0.3–0.45× mariadbd on this 2-core machine, and even
// a canned-response server without parsing only reaches ≈ 0.5× — the socket writes of one event
// loop are the ceiling, so the protocol needs more than one.

import cluster, { type Worker } from 'node:cluster';
import { fileURLToPath } from 'node:url';
import { AggregatorRegistry, type MetricObjectWithValues, type MetricValue } from 'prom-client';
import type { Config } from '../config/config.js';
import type { Logger } from '../config/logger.js';
import type { ProcessInfo } from '../protocol/handler.js';
import type { CatalogStatement } from '../session/catalog-statements.js';
import type { Statement } from '../sql/ast.js';
import type { ExecuteOptions } from '../targets/target.js';
import { startCore, type DaemonDependencies } from '../server.js';
import { VERSION } from '../version.js';
import {
  PrimaryCall, WorkerCall, plainResult, workerOfConnection,
  type GlobalAssignment, type JobContext, type JobOutcome, type JobWarning, type ProcessSnapshot, type WorkerInit,
} from './calls.js';
import { RpcChannel, toWireError, type RpcHandler } from './rpc.js';

export interface ClusterDaemon {
  readonly port: number;
  readonly host: string;
  readonly opsPort: number | null;
  readonly workers: number;
  stop(): Promise<void>;
}

interface Slot {
  readonly index: number;
  readonly worker: Worker;
  readonly rpc: RpcChannel;
  readonly startedAt: number;
  readonly listening: Promise<{ host: string; port: number }>;
}

type MetricsJson = MetricObjectWithValues<MetricValue<string>>[];

const SHUTDOWN_GRACE_MS = 10_000;
/** A worker that dies this soon after its start is restarted after a pause, not in a tight loop. */
const CRASH_LOOP_MS = 5_000;

export async function startClusterPrimary(config: Config, logger: Logger, dependencies: DaemonDependencies = {}): Promise<ClusterDaemon> {
  const count = config.workers ?? 1;
  // Client connections live in the workers; their gauges reach /metrics through the aggregation below.
  const core = await startCore(config, logger, dependencies, { connections: () => 0, connectionsTotal: () => 0 });
  const startedAt = Date.now();
  const globals = new Map<string, GlobalAssignment>();
  const slots = new Map<number, Slot>();
  let started = false;
  let stopping = false;

  cluster.setupPrimary({ exec: fileURLToPath(new URL('./worker-main.js', import.meta.url)), args: [], serialization: 'advanced' });

  const others = (index: number): Slot[] => [...slots.values()].filter((s) => s.index !== index);

  const handlers = (index: number, listening: (address: { host: string; port: number }) => void): Record<string, RpcHandler> => ({
    [PrimaryCall.hello]: (): WorkerInit => ({
      config, tls: core.tls, index, count, targetKind: core.target.kind, startedAt, globals: [...globals.values()],
    }),
    [PrimaryCall.listening]: ([host, port]) => listening({ host: host as string, port: port as number }),
    [PrimaryCall.targetExecute]: async ([sql, options], signal) => plainResult(await core.target.execute(sql as string, { ...(options as ExecuteOptions), signal })),
    [PrimaryCall.targetDatabases]: () => core.target.databases(),
    [PrimaryCall.targetTables]: ([database]) => core.target.tables(database as string),
    [PrimaryCall.targetTable]: ([database, name]) => core.target.table(database as string, name as string),
    [PrimaryCall.targetTableStatus]: ([database, name]) => core.target.tableStatus(database as string, name as string),
    [PrimaryCall.catalogExecute]: async ([statement, sql, options], signal) =>
      plainResult(await core.catalog.execute(statement as CatalogStatement, sql as string, { database: (options as { database: string | null }).database, signal })),
    [PrimaryCall.catalogFieldList]: ([database, table, wildcard]) => core.catalog.fieldList(database as string, table as string, wildcard as string),
    [PrimaryCall.jobsExecute]: async ([statement, context], signal): Promise<JobOutcome> => {
      const warnings: JobWarning[] = [];
      const session = { ...(context as JobContext), warn: (code: number, message: string, level: 'Warning' | 'Note' = 'Warning') => void warnings.push({ code, message, level }) };
      try {
        return { warnings, ok: true, result: await plainResult(await core.jobs.statements.execute(statement as Statement, session, signal)) };
      } catch (e) {
        return { warnings, ok: false, error: toWireError(e) };
      }
    },
    [PrimaryCall.processList]: async (): Promise<ProcessSnapshot> => {
      const snapshots = await Promise.all(others(index).map((s) => s.rpc.call<ProcessSnapshot>(WorkerCall.processList, []).catch(() => null)));
      const processes: ProcessInfo[] = [];
      const counters = { questions: 0, connections: 0 };
      for (const snapshot of snapshots) {
        if (!snapshot) continue;
        processes.push(...snapshot.processes);
        counters.questions += snapshot.counters.questions;
        counters.connections += snapshot.counters.connections;
      }
      return { processes, counters };
    },
    [PrimaryCall.kill]: async ([id, mode]) => {
      const owner = slots.get(workerOfConnection(id as number, count));
      if (!owner || owner.index === index) return false;
      return owner.rpc.call<boolean>(WorkerCall.kill, [id, mode]);
    },
    [PrimaryCall.setGlobal]: async ([assignment]) => {
      const a = assignment as GlobalAssignment;
      // Kept in order for workers started later; a later assignment of the same name replaces it.
      globals.delete(a.name.toLowerCase());
      globals.set(a.name.toLowerCase(), a);
      await Promise.all(others(index).map((s) => s.rpc.call(WorkerCall.setGlobal, [a]).catch(() => undefined)));
    },
  });

  const fork = (index: number): Slot => {
    const worker = cluster.fork();
    let onListening: (address: { host: string; port: number }) => void = () => undefined;
    let onExit: (e: Error) => void = () => undefined;
    const listening = new Promise<{ host: string; port: number }>((resolve, reject) => {
      onListening = resolve;
      onExit = reject;
    });
    listening.catch(() => undefined); // awaited by the start-up or the restart; never unhandled
    const rpc = new RpcChannel((message) => worker.send(message), handlers(index, (address) => onListening(address)));
    const slot: Slot = { index, worker, rpc, startedAt: Date.now(), listening };
    slots.set(index, slot);
    worker.on('message', (message) => rpc.receive(message));
    worker.on('error', (err) => logger.warn({ err, worker: index }, 'front-end worker IPC error'));
    worker.on('exit', (code, signal) => {
      rpc.close(new Error(`front-end worker ${index} exited`));
      onExit(new Error(`front-end worker ${index} exited before listening (code ${code}, signal ${signal})`));
      if (slots.get(index) === slot) slots.delete(index);
      if (stopping || !started) return;
      logger.error({ worker: index, pid: worker.process.pid, code, signal }, 'front-end worker exited; starting a new one');
      const delay = Date.now() - slot.startedAt < CRASH_LOOP_MS ? 1000 : 0;
      setTimeout(() => {
        if (stopping) return;
        const next = fork(index);
        next.listening.then(
          () => logger.info({ worker: index, pid: next.worker.process.pid }, 'front-end worker restarted'),
          (err: unknown) => logger.error({ err, worker: index }, 'front-end worker failed to restart'),
        );
      }, delay).unref();
    });
    return slot;
  };

  const stopWorker = async (slot: Slot): Promise<void> => {
    if (slot.worker.isDead()) return;
    const exited = new Promise<void>((resolve) => slot.worker.once('exit', () => resolve()));
    const timeout = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());
    // Close its connections first, then its IPC channel; the worker exits when the channel closes.
    await Promise.race([slot.rpc.call(WorkerCall.shutdown, []).catch(() => undefined), timeout(SHUTDOWN_GRACE_MS)]);
    if (slot.worker.isConnected()) slot.worker.disconnect();
    await Promise.race([exited, timeout(SHUTDOWN_GRACE_MS)]);
    if (!slot.worker.isDead()) slot.worker.process.kill('SIGKILL');
  };

  // /metrics answers for the whole daemon: the primary's own figures (jobs, loads) summed with every
  // worker's (statements, connections), with prom-client's cluster aggregation rules. ops/ serves
  // `metrics.registry.metrics()`, so that is the method replaced.
  const registry = core.metrics.registry;
  registry.metrics = async () => {
    const own = await registry.getMetricsAsJSON();
    const theirs = await Promise.all([...slots.values()].map((s) => s.rpc.call<MetricsJson>(WorkerCall.metrics, []).catch(() => null)));
    return AggregatorRegistry.aggregate([own, ...theirs.filter((m): m is MetricsJson => m !== null)]).metrics();
  };

  let address: { host: string; port: number };
  try {
    for (let i = 0; i < count; i++) fork(i);
    const addresses = await Promise.all([...slots.values()].map((s) => s.listening));
    address = addresses[0]!;
    started = true;
  } catch (e) {
    stopping = true;
    await Promise.all([...slots.values()].map((s) => stopWorker(s)));
    await core.close();
    throw e;
  }
  const opsPort = await core.startOps();
  logger.info(
    { host: address.host, port: address.port, version: VERSION, target: core.target.kind, tls: core.tls !== null, dataDir: config.dataDir, workers: count },
    'loadwire is listening',
  );

  return {
    port: address.port,
    host: address.host,
    opsPort,
    workers: count,
    async stop() {
      stopping = true;
      await core.closeOps();
      await Promise.all([...slots.values()].map((s) => stopWorker(s)));
      await core.close();
      logger.info('loadwire stopped');
    },
  };
}
