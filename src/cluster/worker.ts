// One front-end worker (forked by primary.ts): the MySQL protocol and the sessions, nothing else.
// The target, the job engine and the catalog are the primary's, reached through remote ports. Its
// connection ids are index + 1, index + 1 + count, ... so they never collide with another worker's.

import { createLogger } from '../config/logger.js';
import { Metrics } from '../ops/metrics.js';
import type { ProtocolServer } from '../protocol/server.js';
import { SessionFactory } from '../session/session-factory.js';
import { UserRegistry } from '../session/users.js';
import { SERVER_VERSION } from '../version.js';
import { PrimaryCall, WorkerCall, type GlobalAssignment, type ProcessSnapshot, type WorkerInit } from './calls.js';
import { ClusterGlobals, ClusterHandler } from './cluster-session.js';
import { createProtocolServer, variableEnvironment } from './front-end.js';
import { RemoteCatalog, RemoteJobStatements, RemoteTarget } from './remote-ports.js';
import { RpcChannel } from './rpc.js';

interface WorkerState {
  protocol: ProtocolServer;
  globals: ClusterGlobals;
  metrics: Metrics;
}

export async function runWorker(): Promise<void> {
  let state: WorkerState | null = null;
  const ready = (): WorkerState => {
    if (!state) throw new Error('worker is still starting');
    return state;
  };
  const rpc = new RpcChannel((message) => process.send?.(message), {
    [WorkerCall.processList]: (): ProcessSnapshot => ({ processes: ready().protocol.processList(), counters: ready().protocol.counters() }),
    [WorkerCall.kill]: ([id, mode]) => ready().protocol.kill(id as number, mode as 'query' | 'connection'),
    [WorkerCall.setGlobal]: ([assignment]) => ready().globals.apply(assignment as GlobalAssignment),
    [WorkerCall.metrics]: () => ready().metrics.registry.getMetricsAsJSON(),
    [WorkerCall.shutdown]: async () => {
      await ready().protocol.close();
    },
  });
  process.on('message', (message) => rpc.receive(message));
  // The primary stops workers itself (after they close their connections) and restarts crashed
  // ones; a signal sent to the whole process group (Ctrl-C) must not kill them under it. When the
  // primary is gone the IPC channel closes, and so does the worker.
  process.on('SIGINT', () => undefined);
  process.on('SIGTERM', () => undefined);
  process.on('disconnect', () => process.exit(0));

  const init = await rpc.call<WorkerInit>(PrimaryCall.hello, []);
  const { config, tls } = init;
  const logger = createLogger(config.logLevel).child({ worker: init.index });
  const globals = new ClusterGlobals(variableEnvironment(config, tls));
  for (const assignment of init.globals) globals.apply(assignment);
  globals.connect(rpc);

  let protocolRef: ProtocolServer | null = null;
  const metrics = new Metrics({
    connections: () => protocolRef?.connectionCount ?? 0,
    connectionsTotal: () => protocolRef?.counters().connections ?? 0,
  });
  const sessions = new SessionFactory(new UserRegistry(config.users, config.authPlugin), {
    globals,
    metrics,
    target: new RemoteTarget(init.targetKind, rpc),
    catalog: new RemoteCatalog(rpc),
    jobs: new RemoteJobStatements(rpc),
    version: SERVER_VERSION,
    startedAt: init.startedAt,
  });
  const protocol = createProtocolServer(config, {
    handler: new ClusterHandler(sessions, globals, rpc),
    logger: logger.child({ room: 'protocol' }),
    tls,
    idStart: init.index + 1,
    idStep: init.count,
  });
  protocolRef = protocol;
  state = { protocol, globals, metrics };
  const address = await protocol.listen();
  await rpc.call(PrimaryCall.listening, [address.address, address.port]);
  logger.debug({ host: address.address, port: address.port }, 'front-end worker is listening');
}
