import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LoadMetrics } from '../ops/metrics.js';
import type { QueryResult } from '../protocol/handler.js';
import { SqlError } from '../protocol/sql-error.js';
import { parseStatement } from '../sql/index.js';
import type { SessionContext } from '../session/session.js';
import { JobEngine, type Clock } from './engine.js';
import { FakeLoader } from '../../test/support/fake-loader.js';
import { EngineJobStatements } from './job-statements.js';
import type { JobLimits } from './limits.js';
import { JobStore } from './store/job-store.js';

class FakeClock implements Clock {
  t = 1_700_000_000_000;
  private timers: { at: number; fn: () => void; id: number }[] = [];
  private seq = 0;
  now(): number {
    return this.t;
  }
  setTimer(fn: () => void, ms: number): unknown {
    const id = ++this.seq;
    this.timers.push({ at: this.t + ms, fn, id });
    return id;
  }
  clearTimer(h: unknown): void {
    this.timers = this.timers.filter((x) => x.id !== h);
  }
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      await settle();
      const due = this.timers.filter((x) => x.at <= end).sort((a, b) => a.at - b.at)[0];
      if (due === undefined) break;
      this.timers = this.timers.filter((x) => x !== due);
      this.t = Math.max(this.t, due.at);
      due.fn();
    }
    this.t = end;
    await settle();
  }
}

async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
}

function ctx(user = 'root', admin = true, database: string | null = 'db1', inTransaction = false): SessionContext {
  return { connectionId: 1, user, admin, database, inTransaction, originalSql: '', warn: () => undefined };
}

function rows(r: QueryResult): unknown[][] {
  if (r.kind !== 'rows') throw new Error('expected rows');
  return [...(r.rows as Iterable<unknown[]>)];
}

function col(r: QueryResult, name: string): unknown[] {
  if (r.kind !== 'rows') throw new Error('expected rows');
  const i = r.columns.findIndex((c) => c.name === name);
  return rows(r).map((row) => row[i]);
}

const S3 = `S3("uri" = "s3://bucket/in/*.csv", "format" = "csv", "s3.access_key" = "AKIA", "s3.secret_key" = "SECRET")`;

describe('JobEngine', () => {
  let dir: string;
  let store: JobStore;
  let loader: FakeLoader;
  let clock: FakeClock;
  let engine: JobEngine;
  let jobs: EngineJobStatements;
  const never = new AbortController().signal;

  function start(limits: Partial<JobLimits> = {}, extra: Pick<ConstructorParameters<typeof JobEngine>[0], 'logger' | 'metrics'> = {}): void {
    engine = new JobEngine({ store, loader, clock, limits, ...extra });
    engine.start();
    jobs = new EngineJobStatements(engine);
  }
  const run = (sql: string, session = ctx()): Promise<QueryResult> => jobs.execute(parseStatement(sql), { ...session, originalSql: sql }, never);

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'loadwire-jobs-'));
    store = JobStore.open(join(dir, 'jobs.sqlite'));
    loader = new FakeLoader();
    clock = new FakeClock();
  });
  afterEach(async () => {
    await engine.stop();
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('logs one line per state change with the job id and never the statement, and reports to LoadMetrics', async () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const l of chunk.toString().split('\n')) if (l !== '') lines.push(JSON.parse(l) as Record<string, unknown>);
        done();
      },
    });
    const events: unknown[][] = [];
    const metrics: LoadMetrics = {
      jobStateChanged: (from, to) => events.push(['state', from, to]),
      loaded: (r, b, f) => events.push(['loaded', r, b, f]),
      taskFinished: (_s, outcome) => events.push(['task', outcome]),
      sourceError: () => undefined,
      targetError: () => undefined,
    };
    loader.addFiles('in/a.csv');
    start({}, { logger: pino({ level: 'info' }, sink), metrics });
    const id = String(rows(await run(`SUBMIT JOB INSERT INTO t SELECT * FROM ${S3}`))[0]?.[0]);
    await clock.advance(10);
    expect(col(await run(`SHOW JOB STATUS WHERE job_id = '${id}'`), 'status')).toEqual(['SUCCEEDED']);
    const changes = lines.filter((l) => l.msg === 'job state changed');
    expect(changes.map((l) => [l.from, l.to])).toEqual([[null, 'PENDING'], ['PENDING', 'RUNNING'], ['RUNNING', 'FINISHED']]);
    expect(changes.every((l) => l.jobId === Number(id.slice(-20)))).toBe(true);
    expect(JSON.stringify(lines)).not.toContain('SECRET');
    expect(events).toEqual([
      ['state', null, 'PENDING'],
      ['state', 'PENDING', 'RUNNING'],
      ['state', 'RUNNING', 'FINISHED'],
      ['task', 'succeeded'],
      ['loaded', 10, 100, 1],
    ]);
  });

  it('runs SUBMIT JOBs by priority, FIFO within a priority, under the concurrency limit', async () => {
    loader.hold = true;
    loader.addFiles('in/a.csv');
    start({ maxConcurrentJobs: 1 });
    const ids: string[] = [];
    for (const sql of [
      `SUBMIT JOB INSERT INTO t SELECT * FROM ${S3}`,
      `SUBMIT JOB INSERT INTO t SELECT * FROM ${S3}`,
      `/*+async_job_priority=10*/ SUBMIT JOB INSERT INTO t SELECT * FROM ${S3}`,
      `SUBMIT JOB INSERT INTO t SELECT * FROM ${S3}`,
    ]) {
      ids.push(String(rows(await run(sql))[0]?.[0]));
    }
    expect(ids.every((id) => /^\d{37}$/.test(id))).toBe(true);
    const order: string[] = [];
    for (let i = 0; i < 4; i++) {
      await settle();
      expect(loader.calls.length).toBe(i + 1);
      order.push(loader.calls[i]?.request.jobId ?? '');
      loader.calls[i]?.release();
    }
    expect(order).toEqual(['1', '3', '2', '4']);
    await settle();
    const status = await run(`SHOW JOB STATUS WHERE job_id = '${ids[0]}'`);
    expect(col(status, 'status')).toEqual(['SUCCEEDED']);
    expect(col(status, 'process_rows')).toEqual([10n]);
    expect(col(status, 'progress')).toEqual(['100.0%']);
    expect(String(col(status, 'definition')[0])).not.toContain('SECRET');
  });

  it('refuses jobs beyond desired_max_waiting_jobs and runs one IMPORT INTO per table', async () => {
    loader.hold = true;
    start({ desiredMaxWaitingJobs: 2, maxConcurrentJobs: 4 });
    await run(`IMPORT INTO t FROM 's3://bucket/in/*.csv' WITH DETACHED`);
    await run(`IMPORT INTO t FROM 's3://bucket/in/*.csv' WITH DETACHED`);
    await run(`IMPORT INTO u FROM 's3://bucket/in/*.csv' WITH DETACHED`);
    await settle();
    expect(loader.calls.map((c) => c.request.table)).toEqual(['t', 'u']);
    await run(`IMPORT INTO t FROM 's3://bucket/in/*.csv' WITH DETACHED`);
    await expect(run(`IMPORT INTO v FROM 's3://bucket/in/*.csv' WITH DETACHED`)).rejects.toMatchObject({ errno: 1637 });
    loader.calls[0]?.release();
    await settle();
    expect(loader.calls.map((c) => c.request.table)).toEqual(['t', 'u', 't']);
  });

  it('cancels a queued job, aborts a running one, and refuses to cancel a finished one', async () => {
    loader.hold = true;
    start({ maxConcurrentJobs: 1 });
    await run(`IMPORT INTO t FROM 's3://bucket/in/*.csv' WITH DETACHED`);
    await run(`IMPORT INTO u FROM 's3://bucket/in/*.csv' WITH DETACHED`);
    await settle();
    await run('CANCEL IMPORT JOB 2');
    await run('CANCEL IMPORT JOB 1');
    expect(col(await run('SHOW IMPORT JOBS'), 'Status')).toEqual(['cancelled', 'cancelled']);
    expect(loader.calls).toHaveLength(1);
    expect(loader.calls[0]?.request.signal.aborted).toBe(true);
    await expect(run('CANCEL IMPORT JOB 1')).rejects.toThrow(/need status pending or running, but got cancelled/);
    await expect(run('SHOW IMPORT JOB 99')).rejects.toMatchObject({ errno: 8170 });
  });

  it('blocks IMPORT INTO until the job ends and refuses it inside a transaction', async () => {
    start();
    loader.addFiles('in/a.csv', 'in/b.csv');
    const r = await run(`IMPORT INTO t FROM 's3://bucket/in/*.csv?access-key=AK&secret-access-key=SK'`);
    expect(col(r, 'Status')).toEqual(['finished']);
    expect(col(r, 'Imported_Rows')).toEqual([20n]);
    expect(col(r, 'Target_Table')).toEqual(['`db1`.`t`']);
    expect(col(r, 'Source_File_Size')).toEqual(['200B']);
    expect(String(col(r, 'Data_Source')[0])).not.toContain('SK');
    await expect(run(`IMPORT INTO t FROM 's3://bucket/x.csv'`, ctx('root', true, 'db1', true))).rejects.toMatchObject({ errno: 8173 });
    loader.failNext.push(new Error('boom'));
    await expect(run(`IMPORT INTO t2 FROM 's3://bucket/in/*.csv'`)).rejects.toThrow(/boom/);
  });

  it('enforces labels: a FINISHED label is taken, a FAILED one reusable', async () => {
    start();
    await run(`IMPORT INTO t FROM 's3://bucket/x.csv' WITH label='l1'`);
    await expect(run(`IMPORT INTO t FROM 's3://bucket/x.csv' WITH label='l1'`)).rejects.toThrow(/Label \[l1\] has already been used/);
    loader.failNext.push(new Error('bad'));
    await expect(run(`IMPORT INTO t FROM 's3://bucket/x.csv' WITH label='l2'`)).rejects.toThrow(/bad/);
    await run(`IMPORT INTO t FROM 's3://bucket/x.csv' WITH label='l2'`);
    // another database: the same label is free
    await run(`IMPORT INTO other.t FROM 's3://bucket/x.csv' WITH label='l1'`);
  });

  it('streams new files after CurrentOffset in bounded batches, pauses on failure and auto-resumes', async () => {
    start();
    loader.addFiles('in/1.csv', 'in/2.csv', 'in/3.csv');
    await run(`CREATE JOB s1 ON STREAMING PROPERTIES ("s3.max_batch_files" = "2", "max_interval" = "5") DO INSERT INTO t SELECT * FROM ${S3}`);
    await clock.advance(0);
    expect(loader.calls.map((c) => c.request.files.map((f) => f.key))).toEqual([['in/1.csv', 'in/2.csv'], ['in/3.csv']]);
    let j = await run(`SELECT Status, CurrentOffset, SucceedTaskCount, LoadStatistic FROM jobs("type"="insert") WHERE Name = 's1'`);
    expect(rows(j)[0]).toEqual(['RUNNING', '{"fileName":"in/3.csv"}', 2n, '{"scannedRows":30,"loadBytes":300,"fileNumber":3,"fileSize":300}']);
    // a file lexicographically before the offset is never loaded; one after it is, within max_interval
    loader.addFiles('in/0.csv', 'in/4.csv');
    await clock.advance(5000);
    expect(loader.calls.at(-1)?.request.files.map((f) => f.key)).toEqual(['in/4.csv']);
    // failure → PAUSED with ErrorMsg, then back to RUNNING after the backoff
    loader.addFiles('in/5.csv');
    loader.failNext.push(new Error('target down'));
    await clock.advance(5000);
    j = await run(`SELECT Status, ErrorMsg FROM jobs("type"="insert") WHERE Name = 's1'`);
    expect(rows(j)[0]).toEqual(['PAUSED', 'target down']);
    await clock.advance(5000);
    j = await run(`SELECT Status, CurrentOffset FROM jobs("type"="insert") WHERE Name = 's1'`);
    expect(rows(j)[0]).toEqual(['RUNNING', '{"fileName":"in/5.csv"}']);
    const t = await run(`SELECT Status, RunningOffset FROM tasks("type"="insert") ORDER BY TaskId DESC LIMIT 1`);
    expect(rows(t)[0]).toEqual(['SUCCESS', '{"startFileName":"in/5.csv","endFileName":"in/5.csv"}']);
  });

  it('after a restart finishes a streaming batch whose file had committed only some of its parts', async () => {
    loader.hold = true;
    loader.addFiles('in/1.csv');
    start();
    await run(`CREATE JOB s1 ON STREAMING DO INSERT INTO t SELECT * FROM ${S3}`);
    await clock.advance(0);
    // The first part of the file committed before the crash; the file is not finished.
    loader.ledger.push({ jobId: '1', taskId: '1', file: 'in/1.csv', etag: null, rows: 4, committedAt: '', done: false });
    await engine.stop();
    loader.hold = false;
    loader.calls.length = 0;
    start();
    await clock.advance(0);
    // Loaded again under the same task (the loader resumes after the committed part), not taken as done.
    expect(loader.calls.map((c) => [c.request.taskId, c.request.files.map((f) => f.key)])).toEqual([['1', ['in/1.csv']]]);
  });

  it('PAUSE is sticky, ALTER only while PAUSED, RESUME → PENDING, DROP removes', async () => {
    start();
    await run(`CREATE JOB s2 ON STREAMING DO INSERT INTO t SELECT * FROM ${S3}`);
    await clock.advance(0);
    await expect(run(`ALTER JOB s2 PROPERTIES ("s3.max_batch_files" = "3")`)).rejects.toThrow(/Only PAUSED job can be altered, job s2 is RUNNING/);
    await expect(run(`RESUME JOB WHERE jobName = 's2'`)).rejects.toThrow(/its status is RUNNING/);
    await run(`PAUSE JOB WHERE jobName = 's2'`);
    await clock.advance(3_600_000);
    expect(col(await run(`SELECT Status FROM jobs("type"="insert")`), 'Status')).toEqual(['PAUSED']);
    await run(`ALTER JOB s2 PROPERTIES ("s3.max_batch_files" = "3", "session.insert_max_filter_ratio" = "0.5")`);
    expect(col(await run(`SELECT Properties FROM jobs("type"="insert")`), 'Properties')).toEqual(['{"s3.max_batch_files":"3","session.insert_max_filter_ratio":"0.5"}']);
    await run(`RESUME JOB WHERE jobName = 's2'`);
    loader.addFiles('in/1.csv', 'in/2.csv', 'in/3.csv', 'in/4.csv');
    await clock.advance(10_000);
    expect(loader.calls[0]?.request.files).toHaveLength(3);
    expect(loader.calls[0]?.request.maxFilterRatio).toBe(0.5);
    await run(`DROP JOB WHERE jobName = 's2'`);
    expect(rows(await run(`SELECT * FROM jobs("type"="insert")`))).toEqual([]);
    await expect(run(`DROP JOB WHERE jobName = 's2'`)).rejects.toThrow(/job not exist/);
    await run(`DROP JOB IF EXISTS WHERE jobName = 's2'`);
    await expect(run(`CREATE JOB d ON STREAMING FROM MYSQL ("host" = "h") TO DATABASE x`)).rejects.toMatchObject({ errno: 1235 });
  });

  it('shows users their own jobs; admins all', async () => {
    start();
    await run(`SUBMIT JOB a1 AS INSERT INTO t SELECT * FROM ${S3}`, ctx('alice', false));
    await run(`SUBMIT JOB b1 AS INSERT INTO t SELECT * FROM ${S3}`, ctx('bob', false));
    await settle();
    expect(col(await run('SHOW JOB STATUS', ctx('alice', false)), 'user_define_job_name')).toEqual(['a1']);
    expect(col(await run('SHOW IMPORT JOBS', ctx('root', true)), 'Created_By')).toEqual(['alice@%', 'bob@%']);
    expect(col(await run(`SELECT Name, Definer FROM jobs("type"="insert")`, ctx('bob', false)), 'Definer')).toEqual(['bob']);
    await expect(run('CANCEL IMPORT JOB 1', ctx('bob', false))).rejects.toMatchObject({ errno: 8170 });
    expect(col(await run(`SHOW JOB STATUS WHERE job_name = 'b1'`, ctx('bob', false)), 'status')).toEqual(['SUCCEEDED']);
  });

  it('resumes unfinished jobs after a restart, trusting the ledger', async () => {
    loader.hold = true;
    loader.addFiles('in/1.csv');
    start();
    await run(`IMPORT INTO t FROM 's3://bucket/in/*.csv' WITH DETACHED`);
    await run(`IMPORT INTO u FROM 's3://bucket/in/*.csv' WITH DETACHED`);
    await settle();
    // job 1 committed just before the crash; job 2 did not
    loader.ledger.push({ jobId: '1', taskId: '1', file: 'in/1.csv', etag: null, rows: 7, committedAt: '', done: true });
    await engine.stop();
    loader.hold = false;
    loader.calls.length = 0;
    start();
    await settle();
    const r = await run('SHOW IMPORT JOBS');
    expect(col(r, 'Status')).toEqual(['finished', 'finished']);
    expect(col(r, 'Imported_Rows')).toEqual([7n, 10n]);
    // only job 2 ran again, with its original task id
    expect(loader.calls.map((c) => [c.request.jobId, c.request.taskId])).toEqual([['2', '2']]);
  });

  it('tries a one-shot job again on the same task after a transient target failure, with backoff; not after other failures', async () => {
    const lost = (): SqlError => new SqlError('ER_NET_READ_ERROR', 'Target t:3306 is not reachable: ECONNREFUSED');
    loader.addFiles('in/1.csv');
    start({ targetRetries: 2, targetRetryBaseMs: 1_000 });
    loader.failNext.push(lost(), lost());
    await run(`IMPORT INTO t FROM 's3://bucket/in/*.csv' WITH DETACHED`);
    await clock.advance(0);
    expect(loader.calls).toHaveLength(1);
    // Not before its backoff: 1 s, then 2 s.
    await clock.advance(999);
    expect(loader.calls).toHaveLength(1);
    await clock.advance(1);
    expect(loader.calls).toHaveLength(2);
    expect(col(await run('SHOW IMPORT JOB 1'), 'Status')).toEqual(['running']);
    // While it waits, the job says why; the message goes once the next try starts.
    expect(col(await run('SHOW IMPORT JOB 1'), 'Result_Message')).toEqual([expect.stringMatching(/^retrying in 2 s \(try 3 of 3\) from the last committed unit after: .*not reachable/)]);
    await clock.advance(2_000);
    expect(col(await run('SHOW IMPORT JOB 1'), 'Status')).toEqual(['finished']);
    expect(store.findJob(1)?.errorMsg).toBeNull();
    expect(loader.calls.map((c) => [c.request.jobId, c.request.taskId])).toEqual([['1', '1'], ['1', '1'], ['1', '1']]);
    expect(loader.discarded).toEqual([]);

    // A failure that is not the target going away fails at once, and what the job left is discarded.
    loader.failNext.push(new SqlError('ER_NO_SUCH_TABLE', "Table 'd.u' doesn't exist"));
    await run(`IMPORT INTO u FROM 's3://bucket/in/*.csv' WITH DETACHED`);
    await clock.advance(0);
    expect(col(await run('SHOW IMPORT JOB 2'), 'Status')).toEqual(['failed']);
    expect(loader.calls).toHaveLength(4);
    expect(loader.discarded).toEqual(['2']);
  });

  it('fails a one-shot job after its last retry and discards what it left once the target answers again', async () => {
    const lost = (): SqlError => new SqlError('ER_NET_READ_ERROR', 'Target t:3306 is not reachable: ECONNREFUSED');
    loader.addFiles('in/1.csv');
    start({ targetRetries: 1, targetRetryBaseMs: 1_000, retentionSweepMs: 10_000 });
    loader.failNext.push(lost(), lost());
    loader.failDiscards = 2;
    await run(`IMPORT INTO t FROM 's3://bucket/in/*.csv' WITH DETACHED`);
    await clock.advance(1_000);
    const r = await run('SHOW IMPORT JOB 1');
    expect(col(r, 'Status')).toEqual(['failed']);
    expect(col(r, 'Result_Message')).toEqual(['Target t:3306 is not reachable: ECONNREFUSED']);
    expect(loader.calls).toHaveLength(2);
    // The discard at the failure and the sweep's first try meet the target down; the next one succeeds.
    expect(loader.discarded).toEqual([]);
    await clock.advance(10_000);
    expect(loader.discarded).toEqual([]);
    await clock.advance(10_000);
    expect(loader.discarded).toEqual(['1']);
    await clock.advance(10_000);
    expect(loader.discarded).toEqual(['1']);
  });

  it('drops a job only once what it left in the target is discarded, and says why not yet', async () => {
    start({ retentionSweepMs: 60_000 });
    loader.failNext.push(new SqlError('ER_NO_SUCH_TABLE', "Table 'd.t' doesn't exist"));
    loader.failDiscards = 2;
    await run(`SUBMIT JOB nightly AS INSERT INTO t SELECT * FROM ${S3}`);
    await clock.advance(0);
    // The discard at the failure met the target down; so does the one DROP JOB tries first.
    await expect(run(`DROP JOB WHERE jobName = 'nightly'`)).rejects.toMatchObject({ errno: 1105, message: expect.stringMatching(/left a shadow table in the target that could not be dropped yet .*run DROP JOB again once the target answers/) });
    expect(loader.discarded).toEqual([]);
    await run(`DROP JOB WHERE jobName = 'nightly'`);
    expect(loader.discarded).toEqual(['1']);
    await expect(run(`DROP JOB WHERE jobName = 'nightly'`)).rejects.toThrow(/job not exist/);
  });

  it('fails a job that exceeds its timeout', async () => {
    loader.hold = true;
    start({ defaultLoadTimeoutSecond: 5 });
    await run(`IMPORT INTO t FROM 's3://bucket/x.csv' WITH DETACHED`);
    await clock.advance(6000);
    const r = await run('SHOW IMPORT JOB 1');
    expect(col(r, 'Status')).toEqual(['failed']);
    expect(String(col(r, 'Result_Message')[0])).toMatch(/timeout/);
  });
});
