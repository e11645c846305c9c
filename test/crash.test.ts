// Issue 5's crash test: the built daemon (dist/cli.js) runs as a child process against s3rver and
// each target (the embedded one, and a mariadbd the test starts), and is killed with SIGKILL at random points during one-shot imports
// (IMPORT INTO ... WITH DETACHED) and streaming batches (CREATE JOB ... ON STREAMING, files added
// over time). After each restart on the same data directory the job resumes; once it is done the
// table must hold exactly the source rows: count, distinct ids and sums.
// Kill points come from a seeded PRNG so a failure replays: LOADWIRE_CRASH_SEED=n; more points
// with LOADWIRE_CRASH_KILLS=n (default 50 on the embedded target, split between the two job kinds;
// 20 on mariadbd, where a restart costs more). Needs `npm run build`.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMariaDb, type MariaDbInstance } from './harness/mariadb.js';
import { startS3, type S3Instance } from './harness/s3.js';
import { prng } from './support/prng.js';

const CLI = join(import.meta.dirname, '..', 'dist', 'cli.js');
const KILLS = Number(process.env.LOADWIRE_CRASH_KILLS ?? 50);
/** On mariadbd, where every restart also reconnects the pool: fewer points, same scenarios. */
const MARIADB_KILLS = Number(process.env.LOADWIRE_CRASH_KILLS ?? 20);
const SEED = Number(process.env.LOADWIRE_CRASH_SEED ?? 20_251_122);
const FILES = 4;
const ROWS_PER_FILE = 5_000;
const BUCKET = 'crash';


/** Malformed lines per file when a test asks for them: each must become exactly one error row. */
const BAD_PER_FILE = 3;

function csv(file: number, withBadLines = false): string {
  const lines: string[] = [];
  for (let i = 0; i < ROWS_PER_FILE; i++) {
    const id = file * ROWS_PER_FILE + i + 1;
    lines.push(`${id},${(id * 7919) % 1000}`);
    if (withBadLines && i % Math.floor(ROWS_PER_FILE / BAD_PER_FILE) === 100) lines.push(`bad-${id},1`);
  }
  return `${lines.join('\n')}\n`;
}

/** What the first `files` files hold: count, sum of ids, sum of values. */
function expected(files: number): { n: number; ids: number; sumId: number; sumV: number } {
  let sumId = 0;
  let sumV = 0;
  const n = files * ROWS_PER_FILE;
  for (let id = 1; id <= n; id++) {
    sumId += id;
    sumV += (id * 7919) % 1000;
  }
  return { n, ids: n, sumId, sumV };
}

interface Child {
  readonly port: number;
  readonly process: ChildProcess;
  readonly exited: Promise<void>;
}

async function startDaemon(dataDir: string, extraArgs: readonly string[]): Promise<Child> {
  const child = spawn(process.execPath, [CLI, '--port', '0', '--data-dir', dataDir, '--http-port=-1', ...extraArgs], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const logs: string[] = [];
  child.stderr.on('data', (d: Buffer) => logs.push(d.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no 'listening' log line: ${logs.join('\n')}`)), 20_000);
    createInterface({ input: child.stdout }).on('line', (line) => {
      logs.push(line);
      try {
        const entry = JSON.parse(line) as { msg?: string; port?: number };
        if (entry.msg === 'loadwire is listening' && entry.port) {
          clearTimeout(timer);
          resolve(entry.port);
        }
      } catch {
        // not a log line
      }
    });
    void exited.then(() => reject(new Error(`daemon exited: ${logs.join('\n')}`)));
  });
  return { port, process: child, exited };
}

async function kill(child: Child): Promise<void> {
  child.process.kill('SIGKILL');
  await child.exited;
}

type Conn = mysql.Connection;
type Row = Record<string, unknown>;

async function connect(port: number): Promise<Conn> {
  return mysql.createConnection({ host: '127.0.0.1', port, user: 'root', database: 'crash', dateStrings: true });
}

async function rows(c: Conn, sql: string): Promise<Row[]> {
  const [r] = await c.query(sql);
  return r as Row[];
}

async function until<T>(what: string, f: () => Promise<T | undefined>, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function contents(c: Conn, table: string): Promise<{ n: number; ids: number; sumId: number; sumV: number }> {
  const [r] = await rows(c, `SELECT COUNT(*) AS n, COUNT(DISTINCT id) AS ids, COALESCE(SUM(id), 0) AS sumId, COALESCE(SUM(v), 0) AS sumV FROM ${table}`);
  return { n: Number(r?.n), ids: Number(r?.ids), sumId: Number(r?.sumId), sumV: Number(r?.sumV) };
}

describe.each([
  { target: 'embedded', kills: KILLS },
  { target: 'mariadb', kills: MARIADB_KILLS },
] as const)('crash on the $target target: SIGKILL at random points, then exactly the source rows', ({ target, kills: killPoints }) => {
  beforeAll(() => {
    // `npm test` builds first; a missing build is a failure, never a silent skip.
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` (npm test does)`);
  });
  let s3: S3Instance;
  let dataDir: string;
  let daemon: Child | null = null;
  let mariadb: MariaDbInstance | null = null;
  let targetArgs: string[] = [];
  const random = prng(SEED);

  const s3Uri = (prefix: string): string =>
    `s3://${BUCKET}/${prefix}/*.csv?endpoint=${encodeURIComponent(s3.endpoint)}&access-key=${s3.accessKey}&secret-access-key=${s3.secretKey}&force-path-style=true`;
  const put = async (key: string, body: string): Promise<void> => {
    await s3.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
  };
  const restart = async (): Promise<Conn> => {
    if (daemon) await kill(daemon);
    daemon = await startDaemon(dataDir, targetArgs);
    return connect(daemon.port);
  };

  beforeAll(async () => {
    s3 = await startS3();
    await s3.createBucket(BUCKET);
    for (let f = 0; f < FILES; f++) await put(`oneshot/${f}.csv`, csv(f));
    dataDir = await mkdtemp(join(tmpdir(), 'loadwire-crash-'));
    if (target === 'mariadb') {
      mariadb = await startMariaDb();
      targetArgs = ['--target', mariadb.url];
    }
    daemon = await startDaemon(dataDir, targetArgs);
    const c = await mysql.createConnection({ host: '127.0.0.1', port: daemon.port, user: 'root' });
    await c.query('CREATE DATABASE crash');
    await c.end();
  }, 60_000);

  afterAll(async () => {
    if (daemon) await kill(daemon);
    await s3?.stop();
    await mariadb?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it(`IMPORT INTO ... WITH DETACHED survives ${Math.ceil(killPoints / 2)} kills (seed ${SEED})`, async () => {
    let kills = 0;
    let job = 0;
    let c = await connect(daemon!.port);
    while (kills < Math.ceil(killPoints / 2)) {
      const table = `t${job++}`;
      await c.query(`CREATE TABLE ${table} (id BIGINT NOT NULL, v INT)`);
      const [started] = await rows(c, `IMPORT INTO ${table} FROM '${s3Uri('oneshot')}' WITH DETACHED, thread=2`);
      const jobId = String(started?.Job_ID);
      // A few kills per job, each after a random part of a typical run (≈ 1 s here).
      const perJob = 1 + Math.floor(random() * 3);
      for (let k = 0; k < perJob && kills < Math.ceil(killPoints / 2); k++) {
        await new Promise((r) => setTimeout(r, Math.floor(random() * 1200)));
        await c.end().catch(() => undefined);
        c = await restart();
        kills++;
      }
      const status = await until(`import job ${jobId}`, async () => {
        const [r] = await rows(c, `SHOW IMPORT JOB ${jobId}`);
        return r?.Status === 'finished' || r?.Status === 'failed' || r?.Status === 'cancelled' ? r : undefined;
      });
      expect(status, `job ${jobId} (seed ${SEED})`).toMatchObject({ Status: 'finished' });
      expect(await contents(c, table), `${table} after ${perJob} kills (seed ${SEED})`).toEqual(expected(FILES));
      // No shadow (or retired table of a rename publish) left behind; the ledger may stay.
      expect(await rows(c, `SHOW TABLES LIKE '%loadwire%'`)).toEqual(target === 'mariadb' ? [{ 'Tables_in_crash (%loadwire%)': '__loadwire_ledger' }] : []);
    }
    await c.end();
  }, 360_000);

  it(`CREATE JOB ... ON STREAMING survives ${Math.floor(killPoints / 2)} kills while files arrive (seed ${SEED})`, async () => {
    let kills = 0;
    let job = 0;
    let c = await connect(daemon!.port);
    while (kills < Math.floor(killPoints / 2)) {
      const name = `s${job++}`;
      const prefix = `stream-${name}`;
      await c.query(`CREATE TABLE ${name} (id BIGINT NOT NULL, v INT)`);
      await put(`${prefix}/0.csv`, csv(0, true));
      const source = `S3("uri" = "s3://${BUCKET}/${prefix}/*.csv", "format" = "csv", "s3.endpoint" = "${s3.endpoint}", "s3.access_key" = "${s3.accessKey}", "s3.secret_key" = "${s3.secretKey}")`;
      await c.query(`CREATE JOB ${name} ON STREAMING PROPERTIES ("s3.max_batch_files" = "1", "max_interval" = "1", "session.insert_max_filter_ratio" = "0.01") DO INSERT INTO crash.${name} SELECT * FROM ${source}`);
      // Files keep arriving between kills; each kill lands somewhere in a batch or between batches.
      for (let f = 1; f < FILES && kills < Math.floor(killPoints / 2); f++) {
        await new Promise((r) => setTimeout(r, Math.floor(random() * 1000)));
        await put(`${prefix}/${f}.csv`, csv(f, true));
        await new Promise((r) => setTimeout(r, Math.floor(random() * 600)));
        await c.end().catch(() => undefined);
        c = await restart();
        kills++;
      }
      // Whatever files were added by now must all land, once each.
      const want = expected(await filesUnder(prefix));
      // Generous: after the last restart the remaining batches run while other test files load
      // the same two cores. A timeout reports the job's own account of where it stands.
      await until(`${name} to hold ${want.n} rows`, async () => ((await contents(c, name)).n >= want.n ? true : undefined), 150_000).catch(async (e: unknown) => {
        const [job] = await rows(c, `SELECT Status, ErrorMsg, CurrentOffset, SucceedTaskCount, FailedTaskCount FROM jobs("type"="insert") WHERE Name = '${name}'`);
        throw new Error(`${(e as Error).message}; table has ${(await contents(c, name)).n}; job: ${JSON.stringify(job)}`);
      });
      expect(await contents(c, name), `${name} (seed ${SEED})`).toEqual(want);
      // Every malformed line is one error row: none lost to a kill, none recorded twice.
      const [{ Id: id }] = (await rows(c, `SELECT Id FROM jobs("type"="insert") WHERE Name = '${name}'`)) as [{ Id: string }];
      const errors = await rows(c, `SHOW JOB ERRORS '${id}' LIMIT 1000`);
      expect(errors.map((e) => `${String(e.File).split('/').pop()}:${String(e.Line)}`).sort(), `${name} error rows (seed ${SEED})`)
        .toEqual([...new Set(errors.map((e) => `${String(e.File).split('/').pop()}:${String(e.Line)}`))].sort());
      expect(errors, `${name} error rows (seed ${SEED})`).toHaveLength(BAD_PER_FILE * (await filesUnder(prefix)));
      await c.query(`DROP JOB where jobName = ${name}`);
    }
    await c.end();
  }, 360_000);

  /** How many data files were uploaded under a prefix (the test put them, so it knows). */
  async function filesUnder(prefix: string): Promise<number> {
    const listed = await s3.client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: `${prefix}/` }));
    return (listed.Contents ?? []).filter((o) => o.Key?.endsWith('.csv')).length;
  }
});
