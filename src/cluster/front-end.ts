// What every process that answers the MySQL protocol builds the same way, whether it is the only
// process (workers = 1) or one of several front-end workers: the global variables and the listener.

import { hostname } from 'node:os';
import type { Config } from '../config/config.js';
import { ProtocolServer } from '../protocol/server.js';
import type { ProtocolLogger, ServerHandler } from '../protocol/handler.js';
import { redactSqlText } from '../sql/index.js';
import { GlobalVariables } from '../session/variables.js';
import { SERVER_VERSION, VERSION_COMMENT } from '../version.js';

export type TlsMaterial = { cert: string; key: string } | null;

/** The variable environment of this daemon; every front-end process computes the same one. */
export function variableEnvironment(config: Config, tls: TlsMaterial): ConstructorParameters<typeof GlobalVariables>[0] {
  return {
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
  };
}

export function createProtocolServer(
  config: Config,
  options: { handler: ServerHandler; logger: ProtocolLogger; tls: TlsMaterial; idStart?: number; idStep?: number },
): ProtocolServer {
  return new ProtocolServer({
    host: config.host,
    port: config.port,
    serverVersion: SERVER_VERSION,
    handler: options.handler,
    logger: options.logger,
    tls: options.tls,
    requireSecureTransport: config.requireSecureTransport,
    defaultAuthPlugin: config.authPlugin,
    maxAllowedPacket: config.maxAllowedPacket,
    maxConnections: config.maxConnections,
    redactStatement: redactSqlText,
    ...(options.idStart === undefined ? {} : { idStart: options.idStart }),
    ...(options.idStep === undefined ? {} : { idStep: options.idStep }),
  });
}
