// Wiring: configuration in, a running daemon out. Each room is built here and handed what it
// needs; nothing else in the code base constructs another room's objects.

import type { Logger } from './config/logger.js';
import type { Config } from './config/config.js';
import { prepareDataDir } from './config/data-dir.js';
import { resolveTls } from './config/tls.js';
import type { ProtocolServer } from './protocol/server.js';
import { OpsServer } from './ops/http-server.js';
import { Metrics } from './ops/metrics.js';
import { PassthroughCatalog, type CatalogStatements } from './session/catalog-statements.js';
import { SessionFactory } from './session/session-factory.js';
import { GlobalVariables } from './session/variables.js';
import { UserRegistry } from './session/users.js';
import { createTarget } from './targets/create-target.js';
import { startJobService, type JobLimits, type JobService } from './jobs/index.js';
import type { Target } from './targets/target.js';
import { createProtocolServer, variableEnvironment, type TlsMaterial } from './cluster/front-end.js';
import type { Loader } from './load/contract.js';
import { createLoader } from './load/loader.js';
import { VERSION, SERVER_VERSION } from './version.js';

export interface Daemon {
  readonly port: number;
  readonly host: string;
  readonly protocol: ProtocolServer;
  readonly metrics: Metrics;
  /** Port of the health and metrics endpoint, or null when disabled. */
  readonly opsPort: number | null;
  stop(): Promise<void>;
}

export interface DaemonDependencies {
  /** The load pipeline the job engine runs tasks with; tests inject a fake. Default: the real one for the target. */
  readonly loader?: Loader;
  /** The job engine's limits, where a test needs other waits than the defaults. */
  readonly limits?: Partial<JobLimits>;
}

/** The state every front end serves: target, job engine, metrics and the ops endpoint. */
export interface DaemonCore {
  readonly tls: TlsMaterial;
  readonly target: Target;
  readonly catalog: CatalogStatements;
  readonly jobs: JobService;
  readonly metrics: Metrics;
  /** Starts /healthz, /readyz and /metrics when configured; returns their port or null. */
  startOps(): Promise<number | null>;
  /** Stops the ops endpoint; front ends close between this and close(). */
  closeOps(): Promise<void>;
  /** Stops jobs, then the writer and the target. */
  close(): Promise<void>;
}

/**
 * Builds everything but the client listener. With --workers > 1 only the primary process runs
 * this (src/cluster/primary.ts); `connections` tells the metrics how many clients are connected.
 */
export async function startCore(
  config: Config,
  logger: Logger,
  dependencies: DaemonDependencies,
  connections: { connections: () => number; connectionsTotal: () => number },
): Promise<DaemonCore> {
  const { samplesInstalled } = prepareDataDir(config);
  if (samplesInstalled) logger.info({ directory: `${config.importDir}/samples` }, 'sample dataset installed');
  const tls = await resolveTls(config);
  const { target, catalog, writer } = await createTarget(config, logger);

  const metrics = new Metrics(connections);
  const catalogStatements: CatalogStatements = catalog ?? new PassthroughCatalog(target);
  const loader = dependencies.loader ?? createLoader({ writer, sources: { importDir: config.importDir }, metrics, warmWorker: true });
  const jobs = startJobService({ dataDir: config.dataDir, loader, logger: logger.child({ room: 'jobs' }), metrics, ...(dependencies.limits ? { limits: dependencies.limits } : {}) });

  let ops: OpsServer | null = null;
  return {
    tls,
    target,
    catalog: catalogStatements,
    jobs,
    metrics,
    async startOps() {
      if (config.httpPort < 0) return null;
      ops = new OpsServer({
        host: config.httpHost,
        port: config.httpPort,
        metrics,
        checks: {
          target: async () => void (await target.databases()),
          jobStore: async () => jobs.check(),
        },
      });
      const opsAddress = await ops.listen();
      logger.info({ host: opsAddress.address, port: opsAddress.port }, 'health and metrics endpoint is listening');
      return opsAddress.port;
    },
    async closeOps() {
      await ops?.close();
    },
    async close() {
      await jobs.stop();
      await loader.close?.();
      await writer.close();
      await target.close();
    },
  };
}

export async function startDaemon(config: Config, logger: Logger, dependencies: DaemonDependencies = {}): Promise<Daemon> {
  let protocolRef: ProtocolServer | null = null;
  const core = await startCore(config, logger, dependencies, {
    connections: () => protocolRef?.connectionCount ?? 0,
    connectionsTotal: () => protocolRef?.counters().connections ?? 0,
  });
  const { tls, target, metrics } = core;
  const globals = new GlobalVariables(variableEnvironment(config, tls));
  const users = new UserRegistry(config.users, config.authPlugin);
  const handler = new SessionFactory(users, {
    globals,
    metrics,
    target,
    catalog: core.catalog,
    jobs: core.jobs.statements,
    version: SERVER_VERSION,
    startedAt: Date.now(),
  });

  const protocol = createProtocolServer(config, { handler, logger: logger.child({ room: 'protocol' }), tls });
  protocolRef = protocol;
  const address = await protocol.listen();
  const opsPort = await core.startOps();
  logger.info({ host: address.address, port: address.port, version: VERSION, target: target.kind, tls: tls !== null, dataDir: config.dataDir }, 'loadwire is listening');

  return {
    port: address.port,
    host: address.address,
    protocol,
    metrics,
    opsPort,
    async stop() {
      await core.closeOps();
      await protocol.close();
      await core.close();
      logger.info('loadwire stopped');
    },
  };
}
