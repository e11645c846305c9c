// Starts a private mariadbd for tests and benchmarks: a temp datadir, a free loopback port, root
// without a password, LOAD DATA LOCAL allowed. Never depends on a server already running.

import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { accessSync, constants as fsConstants } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import mysql from 'mysql2/promise';

const run = promisify(execFile);

export interface MariaDbInstance {
  host: string;
  port: number;
  user: string;
  password: string;
  dataDir: string;
  url: string;
  stop(): Promise<void>;
  /** Shuts the server down cleanly and starts it again on the same datadir and port, after `downMs` down. */
  restart(downMs?: number): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

function isExecutable(p: string): boolean {
  try {
    accessSync(p, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function findBinary(names: string[]): string {
  for (const n of names) {
    for (const dir of ['/usr/sbin', '/usr/bin', '/usr/local/sbin', '/usr/local/bin']) {
      if (isExecutable(join(dir, n))) return join(dir, n);
    }
  }
  throw new Error(`none of ${names.join(', ')} is installed: run .ci/run (it installs mariadb-server) or apt-get install mariadb-server`);
}

/** `parent`: where the temp datadir goes (default the system's temp directory), e.g. a small filesystem. */
export async function startMariaDb(options: { extraArgs?: string[]; parent?: string } = {}): Promise<MariaDbInstance> {
  const mariadbd = findBinary(['mariadbd', 'mysqld']);
  const installDb = findBinary(['mariadb-install-db', 'mysql_install_db']);
  const dataDir = await mkdtemp(join(options.parent ?? tmpdir(), 'loadwire-mariadb-'));
  const user = userInfo().username;
  await run(installDb, [
    '--no-defaults',
    `--datadir=${join(dataDir, 'data')}`,
    `--user=${user}`,
    '--auth-root-authentication-method=normal',
    '--skip-test-db',
  ]);
  const port = await freePort();
  const args = [
    '--no-defaults',
    `--datadir=${join(dataDir, 'data')}`,
    `--socket=${join(dataDir, 'mysqld.sock')}`,
    `--pid-file=${join(dataDir, 'mysqld.pid')}`,
    `--port=${port}`,
    '--bind-address=127.0.0.1',
    `--user=${user}`,
    '--local-infile=1',
    '--character-set-server=utf8mb4',
    '--collation-server=utf8mb4_general_ci',
    '--innodb-buffer-pool-size=256M',
    '--innodb-flush-log-at-trx-commit=2',
    '--max-connections=1000',
    '--skip-log-bin',
    ...(options.extraArgs ?? []),
  ];

  interface Running {
    readonly child: ChildProcess;
    readonly exited: Promise<number | null>;
  }
  /** Starts mariadbd on the datadir and port and waits until it answers. */
  const launch = async (): Promise<Running> => {
    const child: ChildProcess = spawn(mariadbd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        const c = await mysql.createConnection({ host: '127.0.0.1', port, user: 'root', password: '' });
        await c.query('CREATE DATABASE IF NOT EXISTS test');
        await c.end();
        return { child, exited };
      } catch (e) {
        if (child.exitCode !== null || Date.now() > deadline) {
          child.kill('SIGKILL');
          throw new Error(`mariadbd did not start: ${(e as Error).message}\n${stderr}`);
        }
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  };
  /** A clean shutdown (SIGTERM), as a service restart does. */
  const shutdown = async (r: Running): Promise<void> => {
    if (r.child.exitCode !== null) return;
    r.child.kill('SIGTERM');
    const timer = setTimeout(() => r.child.kill('SIGKILL'), 15_000);
    await r.exited;
    clearTimeout(timer);
  };

  let running: Running;
  try {
    running = await launch();
  } catch (e) {
    await rm(dataDir, { recursive: true, force: true });
    throw e;
  }

  return {
    host: '127.0.0.1',
    port,
    user: 'root',
    password: '',
    dataDir,
    url: `mysql://root@127.0.0.1:${port}/test`,
    async stop() {
      await shutdown(running);
      await rm(dataDir, { recursive: true, force: true });
    },
    async restart(downMs = 0) {
      await shutdown(running);
      if (downMs > 0) await new Promise((r) => setTimeout(r, downMs));
      running = await launch();
    },
  };
}
