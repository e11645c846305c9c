// Protocol throughput and footprint, side by side with MariaDB measured in the same run:
//   - SELECT 1 queries/s from mariadb-slap (mysqlslap) at concurrency 1, 16 and 64;
//   - resident memory of each server holding 2,000 idle authenticated connections.
// Both servers run as child processes on loopback; loadwire without TLS, as mariadbd here.
// loadwire is measured twice: as one process, and with front-end workers (--workers N, from
// LOADWIRE_BENCH_WORKERS, default 2; 0 skips that column).

import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { findBinary, freePort, startMariaDb } from '../../test/harness/mariadb.js';
import { RawClient } from '../../test/support/wire.js';

const run = promisify(execFile);
const QUICK = process.env.LOADWIRE_BENCH_QUICK === '1';
const WORKERS = Number(process.env.LOADWIRE_BENCH_WORKERS ?? '2');
const ROUNDS = QUICK ? 1 : 3;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export interface RunningLoadwire {
  port: number;
  pid: number;
  stop(): Promise<void>;
}

/** Starts the built daemon (dist-bench) as a child process on a free port with a fresh data dir. */
export async function startLoadwireProcess(extraArgs: string[] = []): Promise<RunningLoadwire> {
  const dataDir = await mkdtemp(join(tmpdir(), 'loadwire-bench-'));
  const port = await freePort();
  const cli = new URL('../cli.js', import.meta.url).pathname;
  const child: ChildProcess = spawn(process.execPath, [cli, '--port', String(port), '--data-dir', dataDir, '--tls', 'off', '--log-level', 'warn', '--http-port=-1', ...extraArgs], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const c = await RawClient.login(port);
      c.close();
      break;
    } catch (e) {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`loadwire did not start: ${(e as Error).message}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    port,
    pid: child.pid!,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Queries/s as mariadb-slap measures it itself (its timing excludes its own start-up). */
async function slap(port: number, concurrency: number, queries: number): Promise<number> {
  const slapBin = findBinary(['mariadb-slap', 'mysqlslap']);
  const { stdout } = await run(slapBin, [
    '--no-defaults', '-h', '127.0.0.1', '-P', String(port), '-u', 'root', '--skip-ssl',
    `--concurrency=${concurrency}`, '--iterations=1', `--number-of-queries=${queries}`,
    '--query=SELECT 1', '--create-schema=test', '--no-drop', '--csv',
  ], { maxBuffer: 1 << 20 });
  // CSV line: ,engine,avg seconds,min,max,clients,queries per client
  const seconds = Number(stdout.trim().split('\n').pop()!.split(',')[2]);
  return queries / seconds;
}

async function rssKb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
}

async function mariadbPid(dataDir: string): Promise<number> {
  return Number((await readFile(join(dataDir, 'mysqld.pid'), 'utf8')).trim());
}

async function idleFootprint(port: number, pid: number, connections: number): Promise<{ before: number; after: number }> {
  const before = await rssKb(pid);
  const clients: RawClient[] = [];
  for (let i = 0; i < connections; i += 100) {
    clients.push(...(await Promise.all(Array.from({ length: Math.min(100, connections - i) }, () => RawClient.login(port)))));
  }
  await new Promise((r) => setTimeout(r, 500));
  const after = await rssKb(pid);
  for (const c of clients) c.close();
  return { before, after };
}

export async function benchProtocol(): Promise<void> {
  const mariadb = await startMariaDb({ extraArgs: ['--max-connections=2200', '--thread-cache-size=100'] });
  const targetArgs = process.env.LOADWIRE_BENCH_TARGET === 'mariadb' ? ['--target', mariadb.url] : [];
  const loadwire = await startLoadwireProcess(targetArgs);
  const clustered = WORKERS > 1 ? await startLoadwireProcess([...targetArgs, '--workers', String(WORKERS)]) : null;
  try {
    const w = `loadwire --workers ${WORKERS}`;
    console.log(`\n## Protocol: SELECT 1 from mariadb-slap (queries/s, median of ${ROUNDS} interleaved runs; higher is better)\n`);
    console.log(clustered ? `| concurrency | loadwire | ${w} | mariadbd | ratio | ratio ${w} |` : '| concurrency | loadwire | mariadbd | ratio |');
    console.log(clustered ? '|---:|---:|---:|---:|---:|---:|' : '|---:|---:|---:|---:|');
    const fmt = (n: number): string => Math.round(n).toLocaleString('en');
    // The servers take turns, ROUNDS times, and each reports its median: on a shared 2-core VM a
    // single pass swings by ±30% from one minute to the next, for mariadbd as much as for us.
    for (const concurrency of [1, 16, 64]) {
      const queries = (QUICK ? 2_000 : 10_000) * Math.min(concurrency, 16);
      const ports = [loadwire.port, ...(clustered ? [clustered.port] : []), mariadb.port];
      for (const port of ports) await slap(port, concurrency, Math.min(queries, 2_000)); // warm-up
      const runs: number[][] = ports.map(() => []);
      for (let round = 0; round < ROUNDS; round++) {
        for (let i = 0; i < ports.length; i++) runs[i]!.push(await slap(ports[i]!, concurrency, queries));
      }
      const [lw, lwc, md] = clustered ? runs.map(median) : [median(runs[0]!), 0, median(runs[1]!)];
      console.log(
        clustered
          ? `| ${concurrency} | ${fmt(lw!)} | ${fmt(lwc!)} | ${fmt(md!)} | ${(lw! / md!).toFixed(2)}× | ${(lwc! / md!).toFixed(2)}× |`
          : `| ${concurrency} | ${fmt(lw!)} | ${fmt(md!)} | ${(lw! / md!).toFixed(2)}× |`,
      );
    }
    const n = QUICK ? 500 : 2000;
    console.log(`\n## Protocol: resident memory with ${n} idle connections\n`);
    console.log('| server | RSS before | RSS with connections | per connection |');
    console.log('|---|---:|---:|---:|');
    for (const [name, port, pid] of [
      ['loadwire', loadwire.port, loadwire.pid],
      ['mariadbd', mariadb.port, await mariadbPid(mariadb.dataDir)],
    ] as const) {
      const { before, after } = await idleFootprint(port, pid, n);
      console.log(`| ${name} | ${(before / 1024).toFixed(1)} MB | ${(after / 1024).toFixed(1)} MB | ${((after - before) / n).toFixed(1)} kB |`);
    }
  } finally {
    await clustered?.stop();
    await loadwire.stop();
    await mariadb.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  benchProtocol().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
