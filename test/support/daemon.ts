// Starts the real daemon in-process on port 0 with a fresh data directory, configured exactly as
// the CLI would be (through loadConfig), and removes everything on stop.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/config.js';
import { createLogger } from '../../src/config/logger.js';
import { startDaemon, type Daemon } from '../../src/server.js';

export interface TestDaemon {
  port: number;
  dataDir: string;
  daemon: Daemon;
  stop(): Promise<void>;
}

export async function startTestDaemon(args: string[] = [], configFile?: object): Promise<TestDaemon> {
  const dataDir = await mkdtemp(join(tmpdir(), 'loadwire-test-'));
  const argv = ['--port', '0', '--data-dir', dataDir, '--http-port=-1', ...args];
  if (configFile) {
    const { writeFile } = await import('node:fs/promises');
    const path = join(dataDir, 'config.json');
    await writeFile(path, JSON.stringify(configFile));
    argv.push('--config', path);
  }
  const { config } = loadConfig({ argv, env: {} });
  const logger = createLogger(process.env.LOADWIRE_TEST_LOG === '1' ? 'debug' : 'silent', { pretty: false });
  const daemon = await startDaemon(config, logger);
  return {
    port: daemon.port,
    dataDir,
    daemon,
    async stop() {
      await daemon.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
