// The built executable, as users run it: --help, bad flags, start on the embedded default with a
// fresh data dir, then SIGTERM / SIGINT stop it gracefully (exit 0) with connections open.

import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CLI = join(import.meta.dirname, '..', 'dist', 'cli.js');
let dataDir: string;

beforeAll(async () => {
  if (!existsSync(CLI)) throw new Error('dist/cli.js is missing: `npm test` builds it first (npm run build)');
  dataDir = await mkdtemp(join(tmpdir(), 'loadwire-cli-'));
});
afterAll(async () => rm(dataDir, { recursive: true, force: true }));

async function startCli(args: string[]): Promise<{ port: number; exited: Promise<number | null>; kill(signal: NodeJS.Signals): void; logs: string[] }> {
  const child = spawn(process.execPath, [CLI, '--port', '0', '--data-dir', dataDir, '--http-port=-1', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const logs: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no 'listening' log line: ${logs.join('\n')}`)), 20_000);
    createInterface({ input: child.stdout }).on('line', (line) => {
      logs.push(line);
      const entry = JSON.parse(line) as { msg?: string; port?: number };
      if (entry.msg === 'loadwire is listening' && entry.port) {
        clearTimeout(timer);
        resolve(entry.port);
      }
    });
    child.once('exit', () => reject(new Error(`exited early: ${logs.join('\n')}`)));
  });
  return { port, exited, kill: (s) => child.kill(s), logs };
}

describe('the loadwire executable', () => {
  it('prints every option with --help and exits 0', () => {
    const r = spawnSync(process.execPath, [CLI, '--help'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('--port');
    expect(r.stdout).toContain('LOADWIRE_DATA_DIR');
  });

  it('refuses bad flags with exit code 2 and a message naming the fix', () => {
    const r = spawnSync(process.execPath, [CLI, '--port', '99999'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('port must be an integer between 0 and 65535, got "99999"');
    const unknown = spawnSync(process.execPath, [CLI, '--colour'], { encoding: 'utf8' });
    expect(unknown.status).toBe(2);
  });

  it('starts on the embedded default, serves clients, and stops gracefully on SIGTERM and SIGINT', async () => {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      const d = await startCli([]);
      const c = await mysql.createConnection({ host: '127.0.0.1', port: d.port, user: 'root' });
      c.on('error', () => undefined);
      const [rows] = await c.query('SELECT DATABASE() AS db, @@version AS v');
      expect(rows).toEqual([{ db: null, v: expect.stringMatching(/^8\.0\.36-loadwire-/) }]);
      await c.query('CREATE TABLE IF NOT EXISTS test.kept (id INT PRIMARY KEY)');
      d.kill(signal);
      expect(await d.exited).toBe(0);
      expect(d.logs.some((l) => l.includes('loadwire stopped'))).toBe(true);
    }
    expect(existsSync(join(dataDir, 'tls', 'server-cert.pem'))).toBe(true);
    expect(existsSync(join(dataDir, 'import', 'samples', 'orders', '2026-11-01.csv'))).toBe(true);
    expect(existsSync(join(dataDir, 'import', 'samples', 'orders.parquet'))).toBe(true);
    // The data survived both restarts.
    const d = await startCli([]);
    const c = await mysql.createConnection({ host: '127.0.0.1', port: d.port, user: 'root', database: 'test' });
    const [tables] = await c.query('SHOW TABLES');
    expect(tables).toEqual([{ Tables_in_test: 'kept' }]);
    await c.end();
    d.kill('SIGTERM');
    expect(await d.exited).toBe(0);
  });
});
