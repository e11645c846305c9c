// Restart semantics with real data: a daemon is stopped in the middle of an IMPORT INTO and of a
// streaming job, and a new daemon is started in-process on the same data directory (same job store,
// same target). Both jobs finish with exactly the source rows and the views tell the truth.
// stop() aborts the running tasks without marking them (as a crash leaves them: RUNNING, with a
// RUNNING task); SIGKILL at random points is test/crash.test.ts's subject.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/config.js';
import { createLogger } from '../src/config/logger.js';
import { startDaemon, type Daemon } from '../src/server.js';
import { startMariaDb, type MariaDbInstance } from './harness/mariadb.js';
import { startS3, type S3Instance } from './harness/s3.js';
import { q, until } from './support/queries.js';


let s3: S3Instance;
let maria: MariaDbInstance;

beforeAll(async () => {
  [s3, maria] = await Promise.all([startS3(), startMariaDb()]);
}, 120_000);
afterAll(async () => {
  await Promise.all([s3?.stop(), maria?.stop()]);
});


function csv(from: number, to: number): string {
  const lines: string[] = [];
  for (let i = from; i <= to; i++) lines.push(`${i},name-${i},${i % 97}`);
  return lines.join('\n') + '\n';
}

describe.each(['embedded', 'mariadb'] as const)('restart on the same data directory (%s target)', (target) => {
  let dataDir: string;
  const bucket = `restart-${target}`;

  async function start(): Promise<{ daemon: Daemon; c: mysql.Connection }> {
    const argv = ['--port', '0', '--data-dir', dataDir, '--http-port=-1', ...(target === 'mariadb' ? ['--target', maria.url] : [])];
    const { config } = loadConfig({ argv, env: {} });
    const daemon = await startDaemon(config, createLogger('silent', { pretty: false }));
    const c = await mysql.createConnection({ host: '127.0.0.1', port: daemon.port, user: 'root' });
    await c.query('CREATE DATABASE IF NOT EXISTS rs');
    await c.query('USE rs');
    return { daemon, c };
  }

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'loadwire-restart-'));
    await s3.createBucket(bucket);
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('an import and a streaming job interrupted by a stop finish after restart with exactly the source rows', async () => {
    const endpoint = encodeURIComponent(s3.endpoint);
    const uri = (p: string): string => `s3://${bucket}/${p}?endpoint=${endpoint}&access-key=${s3.accessKey}&secret-access-key=${s3.secretKey}&force-path-style=true`;
    const s3Args = `S3("uri" = "s3://${bucket}/st/*.csv", "s3.endpoint" = "${s3.endpoint}", "s3.access_key" = "${s3.accessKey}", "s3.secret_key" = "${s3.secretKey}", "s3.region" = "us-east-1", "use_path_style" = "true", "format" = "csv")`;
    const IMPORT_ROWS = 20_000;
    // 20 files of 1,000 rows: progress is written per committed file, so "under way" is observable.
    for (let f = 0; f < 20; f++) await s3.put(bucket, `imp/${String(f).padStart(2, '0')}.csv`, csv(f * 1000 + 1, (f + 1) * 1000));
    await s3.put(bucket, 'st/01.csv', csv(1, 1000));
    await s3.put(bucket, 'st/02.csv', csv(1001, 2000));

    let { daemon, c } = await start();
    await c.query('CREATE TABLE imp (id INT PRIMARY KEY, name VARCHAR(40), v INT)');
    await c.query('CREATE TABLE st (id INT PRIMARY KEY, name VARCHAR(40), v INT)');
    // One lane, throttled, so that the stop lands mid-import (≈ 370 KB at 64 KiB/s).
    const [imp] = await q(c, `IMPORT INTO imp FROM '${uri('imp/*.csv')}' WITH DETACHED, THREAD=1, MAX_WRITE_SPEED='64KiB'`);
    const importId = Number(imp?.Job_ID);
    await q(c, `CREATE JOB st_job ON STREAMING PROPERTIES ("max_interval" = "1", "s3.max_batch_files" = "1") DO INSERT INTO st SELECT * FROM ${s3Args}`);
    await until('streaming job past its first file', async () => (await q(c, "SELECT CurrentOffset FROM jobs('type'='insert') WHERE Name = 'st_job'"))[0]?.CurrentOffset !== null);
    await until('import under way', async () => {
      const [row] = await q(c, `SHOW IMPORT JOB ${importId}`);
      return row?.Status !== 'running' || Number(row.Imported_Rows ?? 0) > 0;
    });
    const [mid] = await q(c, `SHOW IMPORT JOB ${importId}`);
    expect(mid?.Status).toBe('running');
    expect(Number(mid?.Imported_Rows)).toBeLessThan(IMPORT_ROWS);

    await c.end();
    await daemon.stop();
    // While the daemon is down a new file arrives.
    await s3.put(bucket, 'st/03.csv', csv(2001, 2500));

    ({ daemon, c } = await start());
    try {
      // Atomic one-shot: nothing of the import is visible until it finishes, then all of it.
      expect(Number((await q(c, 'SELECT count(*) AS n FROM imp'))[0]?.n)).toBe(0);
      await until('import finished', async () => (await q(c, `SHOW IMPORT JOB ${importId}`))[0]?.Status === 'finished', 60_000);
      await until('streaming caught up', async () => (await q(c, "SELECT CurrentOffset FROM jobs('type'='insert') WHERE Name = 'st_job'"))[0]?.CurrentOffset === '{"fileName":"st/03.csv"}');

      const [impCount] = await q(c, 'SELECT count(*) AS n, count(DISTINCT id) AS d, min(id) AS lo, max(id) AS hi FROM imp');
      expect(impCount).toEqual({ n: IMPORT_ROWS, d: IMPORT_ROWS, lo: 1, hi: IMPORT_ROWS });
      const [stCount] = await q(c, 'SELECT count(*) AS n, count(DISTINCT id) AS d FROM st');
      expect(stCount).toEqual({ n: 2500, d: 2500 });

      // The views tell the truth in every vocabulary.
      const [tidb] = await q(c, `SHOW IMPORT JOB ${importId}`);
      expect(tidb).toMatchObject({ Status: 'finished', Imported_Rows: IMPORT_ROWS, Result_Message: '' });
      const [adb] = (await q(c, 'SHOW JOB STATUS')).filter((r) => String(r.job_id).endsWith(String(importId).padStart(20, '0')));
      expect(adb).toMatchObject({ status: 'SUCCEEDED', process_rows: IMPORT_ROWS, progress: '100.0%' });
      const [doris] = await q(c, "SELECT * FROM jobs('type'='insert') WHERE Name = 'st_job'");
      expect(doris).toMatchObject({ Status: 'RUNNING', EndOffset: '{"fileName":"st/03.csv"}', ErrorMsg: null });
      expect(JSON.parse(String(doris?.LoadStatistic))).toMatchObject({ scannedRows: 2500, fileNumber: 3 });
      const tasks = await q(c, `SELECT Status, RunningOffset FROM tasks('type'='insert') WHERE JobId = '${String(doris?.Id)}' ORDER BY TaskId`);
      const done = tasks.filter((t) => t.Status === 'SUCCESS').map((t) => JSON.parse(String(t.RunningOffset)).startFileName);
      expect(done).toEqual(['st/01.csv', 'st/02.csv', 'st/03.csv']);
      await q(c, 'DROP JOB WHERE jobName = st_job');
    } finally {
      await c.end();
      await daemon.stop();
    }
  }, 90_000);
});
