// Wiring: configuration in, a running daemon out. Each room is built here and handed what it
// needs; nothing else in the code base constructs another room's objects.

import { hostname } from 'node:os';
import type { Logger } from './config/logger.js';
import type { Config } from './config/config.js';
import { prepareDataDir } from './config/data-dir.js';
import { resolveTls } from './config/tls.js';
import { ProtocolServer } from './protocol/server.js';
import { redactSqlText } from './sql/index.js';
import { OpsServer } from './ops/http-server.js';
import { Metrics } from './ops/metrics.js';
import { PassthroughCatalog, type CatalogStatements } from './session/catalog-statements.js';
import { SessionFactory } from './session/session-factory.js';
import { GlobalVariables } from './session/variables.js';
import { UserRegistry } from './session/users.js';
import { createTarget } from './targets/create-target.js';
import { startJobService } from './jobs/index.js';
import type { Loader } from './load/contract.js';
import { createLoader } from './load/loader.js';
import { VERSION, SERVER_VERSION, VERSION_COMMENT } from './version.js';

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
}

export async function startDaemon(config: Config, logger: Logger, dependencies: DaemonDependencies = {}): Promise<Daemon> {
  const { samplesInstalled } = prepareDataDir(config);
  if (samplesInstalled) logger.info({ directory: `${config.importDir}/samples` }, 'sample dataset installed');
  const tls = await resolveTls(config);
  const { target, catalog, writer } = await createTarget(config, logger);

  const globals = new GlobalVariables({
    version: SERVER_VERSION,
    versionComment: VERSION_COMMENT,
    port: config.port,
    hostname: hostname(),
    dataDir: config.dataDir,
    importDir: config.importDir,
    maxAllowedPacket: config.maxAllowedPacket,
    maxConnections: config.maxConnections,
    waitTimeout: config.waitTimeout,
    tlsEnabled: tls !== null,
    requireSecureTransport: config.requireSecureTransport,
    defaultAuthPlugin: config.authPlugin,
    systemTimeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
  });
  const users = new UserRegistry(config.users, config.authPlugin);
  let protocolRef: ProtocolServer | null = null;
  const metrics = new Metrics({
    connections: () => protocolRef?.connectionCount ?? 0,
    connectionsTotal: () => protocolRef?.counters().connections ?? 0,
  });
  const catalogStatements: CatalogStatements = catalog ?? new PassthroughCatalog(target);
  const loader = dependencies.loader ?? createLoader({ writer, sources: { importDir: config.importDir } });
  const jobs = startJobService({ dataDir: config.dataDir, loader, logger: logger.child({ room: 'jobs' }), metrics });
  const handler = new SessionFactory(users, {
    globals,
    metrics,
    target,
    catalog: catalogStatements,
    jobs: jobs.statements,
    version: SERVER_VERSION,
    startedAt: Date.now(),
  });

  const protocol = new ProtocolServer({
    host: config.host,
    port: config.port,
    serverVersion: SERVER_VERSION,
    handler,
    logger: logger.child({ room: 'protocol' }),
    tls,
    requireSecureTransport: config.requireSecureTransport,
    defaultAuthPlugin: config.authPlugin,
    maxAllowedPacket: config.maxAllowedPacket,
    maxConnections: config.maxConnections,
    redactStatement: redactSqlText,
  });
  protocolRef = protocol;
  const address = await protocol.listen();
  let ops: OpsServer | null = null;
  let opsPort: number | null = null;
  if (config.httpPort >= 0) {
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
    opsPort = opsAddress.port;
    logger.info({ host: opsAddress.address, port: opsAddress.port }, 'health and metrics endpoint is listening');
  }
  logger.info({ host: address.address, port: address.port, version: VERSION, target: target.kind, tls: tls !== null, dataDir: config.dataDir }, 'loadwire is listening');

  return {
    port: address.port,
    host: address.address,
    protocol,
    metrics,
    opsPort,
    async stop() {
      await ops?.close();
      await protocol.close();
      await jobs.stop();
      await writer.close();
      await target.close();
      logger.info('loadwire stopped');
    },
  };
}
