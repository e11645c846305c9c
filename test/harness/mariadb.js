// Starts a private mariadbd for tests and benchmarks: a temp datadir, a free loopback port, root
// without a password, LOAD DATA LOCAL allowed. Never depends on a server already running.
import { spawn, execFile } from 'node:child_process';
import { accessSync, constants as fsConstants } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import mysql from 'mysql2/promise';
const run = promisify(execFile);
export async function freePort() {
    return new Promise((resolve, reject) => {
        const s = createServer();
        s.once('error', reject);
        s.listen(0, '127.0.0.1', () => {
            const { port } = s.address();
            s.close(() => resolve(port));
        });
    });
}
function isExecutable(p) {
    try {
        accessSync(p, fsConstants.X_OK);
        return true;
    }
    catch {
        return false;
    }
}
export function findBinary(names) {
    for (const n of names) {
        for (const dir of ['/usr/sbin', '/usr/bin', '/usr/local/sbin', '/usr/local/bin']) {
            if (isExecutable(join(dir, n)))
                return join(dir, n);
        }
    }
    throw new Error(`none of ${names.join(', ')} is installed: run .ci/run (it installs mariadb-server) or apt-get install mariadb-server`);
}
export async function startMariaDb(options = {}) {
    const mariadbd = findBinary(['mariadbd', 'mysqld']);
    const installDb = findBinary(['mariadb-install-db', 'mysql_install_db']);
    const dataDir = await mkdtemp(join(tmpdir(), 'loadwire-mariadb-'));
    const user = userInfo().username;
    await run(installDb, [
        '--no-defaults',
        `--datadir=${join(dataDir, 'data')}`,
        `--user=${user}`,
        '--auth-root-authentication-method=normal',
        '--skip-test-db',
    ]);
    const port = await freePort();
    const child = spawn(mariadbd, [
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
    ], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (d) => (stderr = (stderr + d.toString()).slice(-4000)));
    const exited = new Promise((resolve) => child.once('exit', resolve));
    const deadline = Date.now() + 60_000;
    for (;;) {
        try {
            const c = await mysql.createConnection({ host: '127.0.0.1', port, user: 'root', password: '' });
            await c.query('CREATE DATABASE IF NOT EXISTS test');
            await c.end();
            break;
        }
        catch (e) {
            if (child.exitCode !== null || Date.now() > deadline) {
                child.kill('SIGKILL');
                await rm(dataDir, { recursive: true, force: true });
                throw new Error(`mariadbd did not start: ${e.message}\n${stderr}`);
            }
            await new Promise((r) => setTimeout(r, 200));
        }
    }
    return {
        host: '127.0.0.1',
        port,
        user: 'root',
        password: '',
        dataDir,
        url: `mysql://root@127.0.0.1:${port}/test`,
        async stop() {
            if (child.exitCode === null) {
                child.kill('SIGTERM');
                const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
                await exited;
                clearTimeout(timer);
            }
            await rm(dataDir, { recursive: true, force: true });
        },
    };
}
//# sourceMappingURL=mariadb.js.map