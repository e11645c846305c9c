// Every job statement of every dialect through the MySQL protocol (mysql2 against the real daemon
// on port 0), and every view showing the jobs the other dialects created. The load pipeline is a
// fake injected through startDaemon's dependencies, so this tests the engine, not the loading.

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/config.js';
import { createLogger } from '../src/config/logger.js';
import { FakeLoader } from './support/fake-loader.js';
import { startDaemon, type Daemon } from '../src/server.js';

const S3 = `S3("uri" = "s3://bucket/in/*.csv", "format" = "csv", "s3.endpoint" = "http://127.0.0.1:1", "s3.access_key" = "AKIAXXXX", "s3.secret_key" = "TOPSECRET")`;

async function start(dataDir: string, loader: FakeLoader): Promise<Daemon> {
  const path = join(dataDir, 'config.json');
  await writeFile(path, JSON.stringify({ users: [{ name: 'root', password: '', admin: true }, { name: 'alice', password: 'pw' }] }));
  const { config } = loadConfig({ argv: ['--port', '0', '--data-dir', dataDir, '--http-port=-1', '--tls', 'off', '--config', path], env: {} });
  return startDaemon(config, createLogger('silent', { pretty: false }), { loader });
}

type Row = Record<string, unknown>;

describe('job statements through the protocol', () => {
  let dataDir: string;
  let daemon: Daemon;
  let root: mysql.Connection;
  let alice: mysql.Connection;
  const loader = new FakeLoader();

  async function q(c: mysql.Connection, sql: string): Promise<Row[]> {
    const [rows] = await c.query(sql);
    return rows as Row[];
  }
  async function until(check: () => Promise<boolean>): Promise<void> {
    for (let i = 0; i < 200; i++) {
      if (await check()) return;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error('timed out waiting');
  }

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'loadwire-jobs-it-'));
    loader.addFiles('in/1.csv', 'in/2.csv');
    daemon = await start(dataDir, loader);
    root = await mysql.createConnection({ host: '127.0.0.1', port: daemon.port, user: 'root', password: '' });
    alice = await mysql.createConnection({ host: '127.0.0.1', port: daemon.port, user: 'alice', password: 'pw' });
    await root.query('CREATE DATABASE IF NOT EXISTS db1');
    await root.query('USE db1');
    await alice.query('USE db1');
  });
  afterAll(async () => {
    await root?.end();
    await alice?.end();
    await daemon?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('AnalyticDB: SUBMIT JOB, SHOW JOB STATUS by id and by name, CANCEL JOB', async () => {
    const [submitted] = await q(root, `SUBMIT JOB INSERT OVERWRITE t SELECT * FROM ${S3}`);
    const id = String(submitted?.job_id);
    expect(id).toMatch(/^\d{37}$/);
    await until(async () => (await q(root, `SHOW JOB STATUS WHERE job_id = '${id}'`))[0]?.status === 'SUCCEEDED');
    const [row] = await q(root, `SHOW JOB STATUS WHERE job_id = '${id}'`);
    expect(Object.keys(row ?? {})).toEqual([
      'job_id', 'schema_name', 'status', 'process_rows', 'fail_rows', 'fail_msg', 'create_time', 'update_time', 'definition',
      'exec_job_id', 'total_rows', 'progress', 'start_time', 'result_rows', 'result_url', 'query_priority', 'user_define_job_name',
    ]);
    expect(row).toMatchObject({ schema_name: 'db1', process_rows: 20, progress: '100.0%' });
    expect(String(row?.definition)).toContain('INSERT OVERWRITE db1.t SELECT * FROM S3');
    expect(String(row?.definition)).not.toContain('TOPSECRET');
    await q(root, `/*+async_job_priority=10*/ SUBMIT JOB test_123 AS INSERT INTO t SELECT * FROM ${S3}`);
    const [named] = await q(root, `SHOW JOB STATUS WHERE job_name = 'test_123'`);
    expect(named?.user_define_job_name).toBe('test_123');
    expect(named?.query_priority).toBe('HIGH');
    await until(async () => (await q(root, `SHOW JOB STATUS WHERE job_name = 'test_123'`))[0]?.status === 'SUCCEEDED');
    await expect(q(root, `CANCEL JOB '${id}'`)).rejects.toThrow(/Cannot cancel job \d+: its status is SUCCEEDED/);
    await expect(q(root, `CANCEL JOB '1234'`)).rejects.toThrow(/does not exist/);
  });

  it('TiDB: IMPORT INTO (blocking and DETACHED), SHOW IMPORT JOB(S), CANCEL IMPORT JOB', async () => {
    const [done] = await q(root, `IMPORT INTO t2 FROM 's3://bucket/in/*.csv?access-key=AK&secret-access-key=SK' WITH skip_rows=1`);
    expect(Object.keys(done ?? {})).toEqual([
      'Job_ID', 'Data_Source', 'Target_Table', 'Table_ID', 'Phase', 'Status', 'Source_File_Size', 'Imported_Rows', 'Result_Message',
      'Create_Time', 'Start_Time', 'End_Time', 'Created_By',
    ]);
    expect(done).toMatchObject({ Target_Table: '`db1`.`t2`', Status: 'finished', Imported_Rows: 20, Source_File_Size: '200B', Created_By: 'root@%' });
    expect(String(done?.Data_Source)).toBe('s3://bucket/in/*.csv?access-key=xxxxxx&secret-access-key=xxxxxx');
    loader.hold = true;
    const [detached] = await q(root, `IMPORT INTO t3 FROM 's3://bucket/in/*.csv' WITH DETACHED`);
    expect(detached).toMatchObject({ Status: 'pending', Imported_Rows: null, Start_Time: null });
    const jobId = Number(detached?.Job_ID);
    await until(async () => (await q(root, `SHOW IMPORT JOB ${jobId}`))[0]?.Status === 'running');
    await q(root, `CANCEL IMPORT JOB ${jobId}`);
    loader.hold = false;
    expect((await q(root, `SHOW IMPORT JOB ${jobId}`))[0]?.Status).toBe('cancelled');
    await expect(q(root, `CANCEL IMPORT JOB ${jobId}`)).rejects.toMatchObject({ errno: 8171 });
    await expect(q(root, 'SHOW IMPORT JOB 424242')).rejects.toMatchObject({ errno: 8170 });
    await root.query('BEGIN');
    await expect(q(root, `IMPORT INTO t4 FROM 's3://bucket/in/*.csv'`)).rejects.toMatchObject({ errno: 8173 });
    await root.query('ROLLBACK');
    const filtered = await q(root, `SHOW IMPORT JOBS WHERE Status = 'cancelled'`);
    expect(filtered.map((r) => r.Job_ID)).toEqual([jobId]);
  });

  it('TiDB: reports the IMPORT INTO options it accepts but cannot honour as warnings', async () => {
    const [done] = await q(root, `IMPORT INTO t5 FROM 's3://bucket/in/*.csv' WITH DISK_QUOTA='10GiB', THREAD=2, DISABLE_TIKV_IMPORT_MODE`);
    expect(done).toMatchObject({ Status: 'finished' });
    const warnings = await q(root, 'SHOW WARNINGS');
    expect(warnings.map((w) => [w.Level, w.Code, String(w.Message).split(':')[0]])).toEqual([
      ['Warning', 1235, 'IMPORT INTO option DISK_QUOTA is accepted but has no effect in loadwire'],
      ['Warning', 1235, 'IMPORT INTO option DISABLE_TIKV_IMPORT_MODE is accepted but has no effect in loadwire'],
    ]);
  });

  it('Doris: CREATE / PAUSE / ALTER / RESUME / DROP JOB and the jobs() and tasks() views', async () => {
    await q(root, `CREATE JOB my_job ON STREAMING PROPERTIES ("s3.max_batch_files" = "1") COMMENT 'c' DO INSERT INTO db1.tbl1 SELECT * FROM ${S3}`);
    await until(async () => (await q(root, `SELECT CurrentOffset FROM jobs("type"="insert") WHERE Name = 'my_job'`))[0]?.CurrentOffset === '{"fileName":"in/2.csv"}');
    const [job] = await q(root, `select * from jobs("type"="insert") where ExecuteType = "STREAMING"`);
    expect(Object.keys(job ?? {})).toEqual([
      'Id', 'Name', 'Definer', 'ExecuteType', 'RecurringStrategy', 'Status', 'ExecuteSql', 'CreateTime', 'SucceedTaskCount', 'FailedTaskCount',
      'CanceledTaskCount', 'Comment', 'Properties', 'CurrentOffset', 'EndOffset', 'LoadStatistic', 'ErrorMsg', 'JobRuntimeMsg',
    ]);
    expect(job).toMatchObject({ Name: 'my_job', Definer: 'root', Status: 'RUNNING', SucceedTaskCount: 2, Comment: 'c', Properties: '{"s3.max_batch_files":"1"}' });
    expect(String(job?.ExecuteSql)).toContain('"s3.secret_key" = "*XXX"');
    const tasks = await q(root, `select TaskId, Label, Status, RunningOffset from tasks(type='insert') where JobId = '${String(job?.Id)}' order by TaskId`);
    expect(tasks.map((t) => t.RunningOffset)).toEqual(['{"startFileName":"in/1.csv","endFileName":"in/1.csv"}', '{"startFileName":"in/2.csv","endFileName":"in/2.csv"}']);
    const grouped = await q(root, `SELECT JobName, COUNT(*) AS n, MIN(TaskId) AS first FROM tasks(type='insert') WHERE JobName = 'my_job' GROUP BY JobName ORDER BY n DESC`);
    expect(grouped).toEqual([{ JobName: 'my_job', n: 2, first: tasks[0]?.TaskId }]);
    const byStatus = await q(root, `SELECT Status, COUNT(*) AS n FROM jobs("type"="insert") GROUP BY Status ORDER BY Status`);
    expect(byStatus.some((r) => r.Status === 'RUNNING' && Number(r.n) >= 1)).toBe(true);
    await expect(q(root, `SELECT * FROM jobs("type"="insert") GROUP BY Status`)).rejects.toMatchObject({ errno: 1140 });
    await expect(q(root, `ALTER JOB my_job PROPERTIES ("s3.max_batch_files" = "5")`)).rejects.toThrow(/Only PAUSED job can be altered/);
    await q(root, 'PAUSE JOB WHERE jobname = my_job');
    await q(root, `ALTER JOB my_job PROPERTIES ("s3.max_batch_files" = "5") INSERT INTO db1.tbl1 SELECT * FROM ${S3}`);
    await expect(q(root, 'PAUSE JOB WHERE jobname = my_job')).rejects.toThrow(/already PAUSED/);
    await q(root, 'RESUME JOB where jobName = my_job');
    await expect(q(root, 'RESUME JOB where jobName = my_job')).rejects.toThrow(/its status is (PENDING|RUNNING)/);
    await q(root, 'DROP JOB where jobName = my_job');
    expect(await q(root, `select Name from jobs("type"="insert") where Name = 'my_job'`)).toEqual([]);
    await expect(q(root, `CREATE JOB s ON STREAMING FROM MYSQL ("jdbc_url" = "x") TO DATABASE d`)).rejects.toMatchObject({ errno: 1235 });
  });

  it('every view shows the jobs of the other dialects; users see only their own', async () => {
    await q(alice, `SUBMIT JOB alice_job AS INSERT INTO t SELECT * FROM ${S3}`);
    const doris = await q(root, `select Name, ExecuteType, Status from jobs("type"="insert") order by Id`);
    expect(doris.map((r) => r.ExecuteType)).toContain('ONE_TIME');
    expect(doris.length).toBeGreaterThanOrEqual(5);
    const tidb = await q(root, 'SHOW IMPORT JOBS');
    expect(tidb.length).toBe(doris.length);
    const adb = await q(root, 'SHOW JOB STATUS');
    expect(adb.length).toBe(doris.length);
    expect(adb.map((r) => r.status)).toEqual(expect.arrayContaining(['SUCCEEDED', 'CANCELLED']));
    const mine = await q(alice, 'SHOW IMPORT JOBS');
    expect(mine.map((r) => r.Created_By)).toEqual(['alice@%']);
    expect((await q(alice, `select Name from jobs("type"="insert")`)).map((r) => r.Name)).toEqual(['alice_job']);
    await expect(q(alice, 'SHOW IMPORT JOB 1')).rejects.toMatchObject({ errno: 8170 });
  });

  it('keeps jobs across a daemon restart', async () => {
    const before = await q(root, 'SHOW IMPORT JOBS');
    await root.end();
    await alice.end();
    await daemon.stop();
    daemon = await start(dataDir, loader);
    root = await mysql.createConnection({ host: '127.0.0.1', port: daemon.port, user: 'root', password: '', database: 'db1' });
    alice = await mysql.createConnection({ host: '127.0.0.1', port: daemon.port, user: 'alice', password: 'pw', database: 'db1' });
    await until(async () => (await q(root, 'SHOW IMPORT JOBS')).every((r) => r.Status !== 'running' && r.Status !== 'pending'));
    const after = await q(root, 'SHOW IMPORT JOBS');
    expect(after.map((r) => r.Job_ID)).toEqual(before.map((r) => r.Job_ID));
  });
});
