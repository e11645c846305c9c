// The MySQL-compatible target goes away in the middle of loads: the mariadbd the test started is
// shut down and started again on the same datadir and port, as a service restart or a failover
// does. An IMPORT INTO resumes after its last committed unit and finishes with exactly the source
// rows; a streaming job pauses, resumes by itself and loses or repeats nothing; an import whose
// target stays down past its retries fails with the reason, and what it staged is gone once the
// target is back. And a target whose disk fills up fails the import with the server's own error,
// leaving the table as it was.

import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/config.js';
import { createLogger } from '../src/config/logger.js';
import type { JobLimits } from '../src/jobs/index.js';
import { startDaemon, type Daemon } from '../src/server.js';
import { startMariaDb, type MariaDbInstance } from './harness/mariadb.js';
import { startS3, type S3Instance } from './harness/s3.js';
import { q, until } from './support/queries.js';

let s3: S3Instance;
let maria: MariaDbInstance;
let dataDir: string;
const bucket = 'outage';

beforeAll(async () => {
  [s3, maria] = await Promise.all([startS3(), startMariaDb()]);
  await s3.createBucket(bucket);
  dataDir = await mkdtemp(join(tmpdir(), 'loadwire-outage-'));
}, 120_000);
afterAll(async () => {
  await Promise.all([s3?.stop(), maria?.stop()]);
  await rm(dataDir, { recursive: true, force: true });
});

function csv(from: number, to: number): string {
  const lines: string[] = [];
  for (let i = from; i <= to; i++) lines.push(`${i},name-${i},${i % 97}`);
  return lines.join('\n') + '\n';
}

const endpoint = (): string => encodeURIComponent(s3.endpoint);
const uri = (p: string): string => `s3://${bucket}/${p}?endpoint=${endpoint()}&access-key=${s3.accessKey}&secret-access-key=${s3.secretKey}&force-path-style=true`;

async function start(limits: Partial<JobLimits> = {}): Promise<{ daemon: Daemon; c: mysql.Connection }> {
  const { config } = loadConfig({ argv: ['--port', '0', '--data-dir', dataDir, '--http-port=-1', '--target', maria.url], env: {} });
  // Streaming jobs paused by the outage resume after a second, not the default five.
  const daemon = await startDaemon(config, createLogger('silent', { pretty: false }), { limits: { autoResumeBaseMs: 1_000, ...limits } });
  const c = await mysql.createConnection({ host: '127.0.0.1', port: daemon.port, user: 'root' });
  await c.query('CREATE DATABASE IF NOT EXISTS outage');
  await c.query('USE outage');
  return { daemon, c };
}

/** Tables in the target's database that are not the user's: shadows and retired tables of loads. */
async function residue(): Promise<string[]> {
  const c = await mysql.createConnection({ host: maria.host, port: maria.port, user: maria.user });
  try {
    const [rows] = await c.query("SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'outage' AND TABLE_NAME LIKE '\\_\\_loadwire\\_%' AND TABLE_NAME <> '__loadwire_ledger'");
    return (rows as { name: string }[]).map((r) => r.name);
  } finally {
    await c.end();
  }
}

describe('the MySQL target restarts during loads', () => {
  it('an IMPORT INTO resumes after its last committed unit and a streaming job after its last batch: exactly the source rows', async () => {
    const ROWS = 40_000;
    // 40 files of 1,000 rows: a unit per file, so "some committed, some not" is observable.
    for (let f = 0; f < 40; f++) await s3.put(bucket, `imp/${String(f).padStart(2, '0')}.csv`, csv(f * 1000 + 1, (f + 1) * 1000));
    for (let f = 0; f < 4; f++) await s3.put(bucket, `st/${String(f).padStart(2, '0')}.csv`, csv(f * 500 + 1, (f + 1) * 500));
    const { daemon, c } = await start();
    try {
      await c.query('CREATE TABLE imp (id INT PRIMARY KEY, name VARCHAR(40), v INT)');
      await c.query('CREATE TABLE st (id INT PRIMARY KEY, name VARCHAR(40), v INT)');
      // Throttled (≈ 690 KB at 96 KiB/s) so that the restart lands mid-import.
      const [imp] = await q(c, `IMPORT INTO imp FROM '${uri('imp/*.csv')}' WITH DETACHED, THREAD=1, MAX_WRITE_SPEED='96KiB'`);
      const importId = Number(imp?.Job_ID);
      const s3Args = `S3("uri" = "s3://${bucket}/st/*.csv", "s3.endpoint" = "${s3.endpoint}", "s3.access_key" = "${s3.accessKey}", "s3.secret_key" = "${s3.secretKey}", "s3.region" = "us-east-1", "use_path_style" = "true", "format" = "csv")`;
      await q(c, `CREATE JOB st_job ON STREAMING PROPERTIES ("max_interval" = "1", "s3.max_batch_files" = "1") DO INSERT INTO st SELECT * FROM ${s3Args}`);
      await until('import under way', async () => Number((await q(c, `SHOW IMPORT JOB ${importId}`))[0]?.Imported_Rows ?? 0) > 0);
      await until('streaming job past its first file', async () => (await q(c, "SELECT CurrentOffset FROM jobs('type'='insert') WHERE Name = 'st_job'"))[0]?.CurrentOffset !== null);

      const [mid] = await q(c, `SHOW IMPORT JOB ${importId}`);
      expect(mid?.Status).toBe('running');
      expect(Number(mid?.Imported_Rows)).toBeLessThan(ROWS);
      // Down for two seconds: every statement in flight fails, and so does every connection attempt.
      await maria.restart(2_000);
      // Files arriving after the outage are picked up too.
      await s3.put(bucket, 'st/04.csv', csv(2001, 2500));

      await until('import finished', async () => {
        const [row] = await q(c, `SHOW IMPORT JOB ${importId}`);
        if (row?.Status === 'failed') throw new Error(`import failed: ${String(row.Result_Message)}`);
        return row?.Status === 'finished';
      }, 60_000);
      await until('streaming caught up', async () => (await q(c, "SELECT CurrentOffset FROM jobs('type'='insert') WHERE Name = 'st_job'"))[0]?.CurrentOffset === '{"fileName":"st/04.csv"}', 60_000);

      const [impCount] = await q(c, 'SELECT count(*) AS n, count(DISTINCT id) AS d, min(id) AS lo, max(id) AS hi, sum(v) AS s FROM imp');
      const expectedSum = (n: number): number => Array.from({ length: n }, (_, i) => (i + 1) % 97).reduce((a, b) => a + b, 0);
      expect(impCount).toEqual({ n: ROWS, d: ROWS, lo: 1, hi: ROWS, s: String(expectedSum(ROWS)) });
      expect(await q(c, `SHOW IMPORT JOB ${importId}`)).toMatchObject([{ Status: 'finished', Imported_Rows: ROWS, Result_Message: '' }]);
      const [stCount] = await q(c, 'SELECT count(*) AS n, count(DISTINCT id) AS d, sum(v) AS s FROM st');
      expect(stCount).toEqual({ n: 2500, d: 2500, s: String(expectedSum(2500)) });
      const [doris] = await q(c, "SELECT Status, LoadStatistic FROM jobs('type'='insert') WHERE Name = 'st_job'");
      expect(doris?.Status).toBe('RUNNING');
      expect(JSON.parse(String(doris?.LoadStatistic))).toMatchObject({ scannedRows: 2500, fileNumber: 5 });
      expect(await residue()).toEqual([]);
      await q(c, 'DROP JOB WHERE jobName = st_job');
    } finally {
      await c.end();
      await daemon.stop();
    }
  }, 120_000);

  it('an IMPORT INTO whose target stays down past its retries fails with the reason, and what it staged goes once the target is back', async () => {
    for (let f = 0; f < 20; f++) await s3.put(bucket, `down/${String(f).padStart(2, '0')}.csv`, csv(f * 1000 + 1, (f + 1) * 1000));
    // Two quick retries (0.2 s, 0.4 s) against four seconds down; the sweep looks every half second.
    const { daemon, c } = await start({ targetRetries: 2, targetRetryBaseMs: 200, retentionSweepMs: 500 });
    try {
      await c.query('CREATE TABLE down (id INT PRIMARY KEY, name VARCHAR(40), v INT)');
      const [imp] = await q(c, `IMPORT INTO down FROM '${uri('down/*.csv')}' WITH DETACHED, THREAD=1, MAX_WRITE_SPEED='96KiB'`);
      const importId = Number(imp?.Job_ID);
      await until('import under way', async () => Number((await q(c, `SHOW IMPORT JOB ${importId}`))[0]?.Imported_Rows ?? 0) > 0);
      expect(await residue()).toHaveLength(1);

      const restarting = maria.restart(4_000);
      await until('import failed', async () => (await q(c, `SHOW IMPORT JOB ${importId}`))[0]?.Status === 'failed', 30_000);
      const [failed] = await q(c, `SHOW IMPORT JOB ${importId}`);
      expect(String(failed?.Result_Message)).toMatch(/^Target 127\.0\.0\.1:\d+ (is not reachable|closed the connection)/);
      await restarting;

      // Back: the shadow and the staged ledger entries go, the table was never touched.
      await until('shadow discarded', async () => (await residue()).length === 0, 30_000);
      expect(await q(c, 'SELECT count(*) AS n FROM down')).toEqual([{ n: 0 }]);
      expect(await q(c, `SELECT count(*) AS n FROM __loadwire_ledger WHERE job_id = '${importId}'`)).toEqual([{ n: 0 }]);
    } finally {
      await c.end();
      await daemon.stop();
    }
  }, 120_000);
});

describe('the MySQL target runs out of disk', () => {
  it('an IMPORT INTO fails with the server\'s 1114 and leaves the table empty, with no shadow', async () => {
    // The target's datadir on a 150 MB tmpfs (the test runs as root, as CI does); a small redo
    // log, and fsync since tmpfs has no O_DIRECT.
    const disk = await mkdtemp(join(tmpdir(), 'loadwire-target-disk-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=150m', 'tmpfs', disk]);
    let full: MariaDbInstance | null = null;
    try {
      full = await startMariaDb({ parent: disk, extraArgs: ['--innodb-log-file-size=8M', '--innodb-flush-method=fsync'] });
      const lines: string[] = [];
      for (let i = 1; i <= 2_000_000; i++) lines.push(`${i},name-${i}-padded-to-be-long,${i % 97}`);
      await s3.put(bucket, 'full/big.csv', lines.join('\n') + '\n');
      const { config } = loadConfig({ argv: ['--port', '0', '--data-dir', dataDir, '--http-port=-1', '--target', full.url], env: {} });
      const daemon = await startDaemon(config, createLogger('silent', { pretty: false }));
      const c = await mysql.createConnection({ host: '127.0.0.1', port: daemon.port, user: 'root' });
      try {
        await c.query('CREATE DATABASE full_disk');
        await c.query('USE full_disk');
        await c.query('CREATE TABLE t (id INT PRIMARY KEY, name VARCHAR(64), v INT)');
        const err = await c.query(`IMPORT INTO t FROM '${uri('full/big.csv')}'`).then(() => null, (e: unknown) => e as { errno?: number; sqlState?: string; message?: string });
        expect(err).toMatchObject({ errno: 1114, sqlState: 'HY000' });
        // The table the user named, not the private one the rows went to.
        expect(err?.message).toBe("The table 't' is full");
        expect(await q(c, 'SELECT count(*) AS n FROM t')).toEqual([{ n: 0 }]);
        const [tables] = await c.query("SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'full_disk' AND TABLE_NAME LIKE '\\_\\_loadwire\\_%' AND TABLE_NAME <> '__loadwire_ledger'");
        expect(tables).toEqual([]);
      } finally {
        await c.end();
        await daemon.stop();
      }
    } finally {
      await full?.stop();
      execFileSync('umount', [disk]);
      await rm(disk, { recursive: true, force: true });
    }
  }, 120_000);
});
