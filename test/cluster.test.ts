// --workers 2: the built executable as users run it, with two front-end worker processes behind one
// port. Connections land on both workers (odd ids on worker 0, even ids on worker 1); data, the
// process list, KILL and SET GLOBAL are the same whichever worker a client reached; a worker that
// dies is replaced; SIGTERM stops everything.

import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findBinary } from './harness/mariadb.js';

const run = promisify(execFile);
const CLI = join(import.meta.dirname, '..', 'dist', 'cli.js');

interface Cli {
  port: number;
  opsPort: number;
  pid: number;
  logs: string[];
  exited: Promise<number | null>;
  kill(signal: NodeJS.Signals): void;
}

let dataDir: string;
let cli: Cli;
const open: mysql.Connection[] = [];

async function startCli(args: string[]): Promise<Cli> {
  const child = spawn(process.execPath, [CLI, '--port', '0', '--data-dir', dataDir, '--http-port', '0', '--tls', 'off', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const logs: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let opsPort = 0;
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no 'listening' log line: ${logs.join('\n')}`)), 30_000);
    createInterface({ input: child.stdout }).on('line', (line) => {
      logs.push(line);
      const entry = JSON.parse(line) as { msg?: string; port?: number };
      if (entry.msg === 'health and metrics endpoint is listening' && entry.port) opsPort = entry.port;
      if (entry.msg === 'loadwire is listening' && entry.port) {
        clearTimeout(timer);
        resolve(entry.port);
      }
    });
    child.once('exit', () => reject(new Error(`exited early: ${logs.join('\n')}`)));
  });
  return { port, opsPort, pid: child.pid!, logs, exited, kill: (s) => child.kill(s) };
}

async function connect(database = 'test'): Promise<{ conn: mysql.Connection; id: number }> {
  const conn = await mysql.createConnection({ host: '127.0.0.1', port: cli.port, user: 'root', database });
  conn.on('error', () => undefined);
  open.push(conn);
  const [rows] = await conn.query<mysql.RowDataPacket[]>('SELECT CONNECTION_ID() AS id');
  return { conn, id: Number(rows[0]!.id) };
}

/** Connections until one lands on each worker: worker 0 numbers them 1, 3, 5, ...; worker 1 2, 4, 6, ... */
async function onBothWorkers(): Promise<[{ conn: mysql.Connection; id: number }, { conn: mysql.Connection; id: number }]> {
  const found = new Map<number, { conn: mysql.Connection; id: number }>();
  for (let i = 0; i < 20 && found.size < 2; i++) {
    const c = await connect();
    if (!found.has((c.id - 1) % 2)) found.set((c.id - 1) % 2, c);
  }
  const a = found.get(0);
  const b = found.get(1);
  if (!a || !b) throw new Error('20 connections all landed on one worker');
  return [a, b];
}

async function workerPids(parent: number): Promise<number[]> {
  const { stdout } = await run('ps', ['-o', 'pid=', '--ppid', String(parent)]).catch(() => ({ stdout: '' }));
  return stdout.split('\n').map((s) => Number(s.trim())).filter((n) => n > 0);
}

async function until(check: () => Promise<boolean> | boolean, what: string, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  if (!existsSync(CLI)) throw new Error('dist/cli.js is missing: run `npm run build` first (npm test does)');
  dataDir = await mkdtemp(join(tmpdir(), 'loadwire-cluster-'));
  cli = await startCli(['--workers', '2']);
});

afterAll(async () => {
  for (const c of open) c.destroy();
  if (cli) {
    cli.kill('SIGKILL');
    await cli.exited;
  }
  await rm(dataDir, { recursive: true, force: true });
});

describe('loadwire --workers 2', () => {
  it('runs two front-end workers behind one port', async () => {
    expect(cli.logs.some((l) => l.includes('"workers":2'))).toBe(true);
    expect(await workerPids(cli.pid)).toHaveLength(2);
    const [a, b] = await onBothWorkers();
    const [rows] = await b.conn.query('SELECT 1 + 1 AS two, @@version AS v');
    expect(rows).toEqual([{ two: 2, v: expect.stringMatching(/^8\.0\.36-loadwire-/) }]);
    expect(a.id % 2).not.toBe(b.id % 2);
  });

  it('imports on one worker what another worker reads', async () => {
    const [a, b] = await onBothWorkers();
    await a.conn.query(`CREATE TABLE orders (
      order_id INT PRIMARY KEY, ordered_at DATETIME NOT NULL, customer VARCHAR(64) NOT NULL, country CHAR(2),
      product VARCHAR(64), quantity INT, unit_price DECIMAL(8,2), status VARCHAR(16))`);
    const [imported] = await a.conn.query<mysql.RowDataPacket[]>("IMPORT INTO orders FROM 'samples/orders/*.csv' WITH SKIP_ROWS = 1");
    expect(imported[0]).toMatchObject({ Status: 'finished', Imported_Rows: 3000 });
    const [counted] = await b.conn.query('SELECT COUNT(*) AS n FROM orders');
    expect(counted).toEqual([{ n: 3000 }]);
    const [jobs] = await b.conn.query<mysql.RowDataPacket[]>('SHOW IMPORT JOBS');
    expect(jobs.map((j) => j.Status)).toEqual(['finished']);
    // Catalog statements are answered by the primary's catalog.
    const [described] = await b.conn.query<mysql.RowDataPacket[]>('DESCRIBE orders');
    expect(described.map((c) => c.Field)).toContain('unit_price');
  });

  it('lists the connections of every worker in SHOW PROCESSLIST, from the mariadb CLI too', async () => {
    const [a, b] = await onBothWorkers();
    const [list] = await a.conn.query<mysql.RowDataPacket[]>('SHOW PROCESSLIST');
    const ids = list.map((p) => Number(p.Id));
    expect(ids).toEqual(expect.arrayContaining([a.id, b.id]));
    expect(ids).toEqual([...ids].sort((x, y) => x - y));
    const { stdout } = await run(findBinary(['mariadb', 'mysql']), ['-h', '127.0.0.1', '-P', String(cli.port), '-u', 'root', '--skip-ssl', '-N', '-B', '-e', 'SHOW PROCESSLIST']);
    const cliIds = stdout.trim().split('\n').map((l) => Number(l.split('\t')[0]));
    expect(cliIds).toEqual(expect.arrayContaining([a.id, b.id]));
    const [status] = await b.conn.query<mysql.RowDataPacket[]>("SHOW STATUS LIKE 'Threads_connected'");
    expect(Number(status[0]!.Value)).toBeGreaterThanOrEqual(cliIds.length - 1);
  });

  it('kills a query and a connection that live on the other worker', async () => {
    const [a, b] = await onBothWorkers();
    const started = Date.now();
    const sleeping = b.conn.query<mysql.RowDataPacket[]>('SELECT SLEEP(30) AS s');
    await until(async () => {
      const [list] = await a.conn.query<mysql.RowDataPacket[]>('SHOW PROCESSLIST');
      return list.some((p) => Number(p.Id) === b.id && String(p.Info).includes('SLEEP'));
    }, 'the SLEEP to show in the process list');
    await a.conn.query(`KILL QUERY ${b.id}`);
    const [slept] = await sleeping;
    expect(slept).toEqual([{ s: 1 }]);
    expect(Date.now() - started).toBeLessThan(15_000);

    await a.conn.query(`KILL ${b.id}`);
    await expect(b.conn.query('SELECT 1')).rejects.toThrow();
    const [list] = await a.conn.query<mysql.RowDataPacket[]>('SHOW PROCESSLIST');
    expect(list.map((p) => Number(p.Id))).not.toContain(b.id);
    await expect(a.conn.query('KILL 999999')).rejects.toMatchObject({ errno: 1094 });
  });

  it('makes SET GLOBAL visible on every worker at once', async () => {
    const [a, b] = await onBothWorkers();
    await a.conn.query('SET GLOBAL wait_timeout = 1234');
    const [read] = await b.conn.query('SELECT @@global.wait_timeout AS w');
    expect(read).toEqual([{ w: 1234 }]);
    const [c, d] = await onBothWorkers();
    for (const x of [c, d]) {
      const [session] = await x.conn.query('SELECT @@session.wait_timeout AS w');
      expect(session).toEqual([{ w: 1234 }]);
    }
    await b.conn.query('SET GLOBAL wait_timeout = DEFAULT');
    const [reset] = await a.conn.query('SELECT @@global.wait_timeout AS w');
    expect(reset).toEqual([{ w: 28800 }]);
  });

  it('serves the statements of every worker on /metrics', async () => {
    const text = await (await fetch(`http://127.0.0.1:${cli.opsPort}/metrics`)).text();
    expect(text).toMatch(/^loadwire_statements_total\{kind="importInto",result="ok"\} 1$/m);
    const selects = /^loadwire_statements_total\{kind="select",result="ok"\} (\d+)$/m.exec(text);
    expect(Number(selects?.[1])).toBeGreaterThan(10);
    expect(text.match(/^# TYPE loadwire_statements_total counter$/gm)).toHaveLength(1);
  });

  it('replaces a worker that dies', async () => {
    const [victim] = await workerPids(cli.pid);
    process.kill(victim!, 'SIGKILL');
    await until(() => cli.logs.some((l) => l.includes('front-end worker restarted')), 'the restart log line');
    expect(cli.logs.some((l) => l.includes('front-end worker exited; starting a new one'))).toBe(true);
    const pids = await workerPids(cli.pid);
    expect(pids).toHaveLength(2);
    expect(pids).not.toContain(victim);
    const [a, b] = await onBothWorkers();
    const [rows] = await a.conn.query('SELECT COUNT(*) AS n FROM orders');
    expect(rows).toEqual([{ n: 3000 }]);
    // The restarted worker learnt the SET GLOBALs made before it started.
    await a.conn.query('SET GLOBAL net_read_timeout = 77');
    await b.conn.query('SET GLOBAL net_write_timeout = 88');
    const [g] = await b.conn.query('SELECT @@global.net_read_timeout AS r, @@global.net_write_timeout AS w');
    expect(g).toEqual([{ r: 77, w: 88 }]);
  });

  it('stops gracefully on SIGTERM with connections open, workers first', async () => {
    await onBothWorkers();
    const pids = await workerPids(cli.pid);
    cli.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
    expect(cli.logs.some((l) => l.includes('loadwire stopped'))).toBe(true);
    for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow();
  });
});
