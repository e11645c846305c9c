#!/usr/bin/env node
// Entry point: parse configuration, start the daemon, stop gracefully on SIGTERM/SIGINT.

import { ConfigError, helpText, loadConfig } from './config/config.js';
import { createLogger } from './config/logger.js';
import { startDaemon } from './server.js';
import { startClusterPrimary } from './cluster/primary.js';
import { VERSION } from './version.js';

async function main(): Promise<void> {
  let loaded;
  try {
    loaded = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`loadwire: ${(e as Error).message}\nRun 'loadwire --help' for the options.\n`);
      process.exit(2);
    }
    throw e;
  }
  if (loaded.help) {
    process.stdout.write(`${helpText(VERSION)}\n`);
    return;
  }
  if (loaded.version) {
    process.stdout.write(`${VERSION}\n`);
    return;
  }
  const logger = createLogger(loaded.config.logLevel);
  // --workers 1 (the default) is one process, exactly as without the option.
  const daemon = (loaded.config.workers ?? 1) > 1 ? await startClusterPrimary(loaded.config, logger) : await startDaemon(loaded.config, logger);
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      logger.error('shutdown took longer than 30s; exiting');
      process.exit(1);
    }, 30_000);
    force.unref();
    daemon.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(`loadwire failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
