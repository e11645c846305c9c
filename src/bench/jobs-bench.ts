// Job engine figures: SUBMIT JOB latency with 1,000 jobs queued, SHOW JOB STATUS by id with 100,000
// jobs in history, and the CPU that 1,024 idle streaming jobs cost (one listing per job per
// max_interval). The loader is the in-memory fake, so these measure the engine and its store only.
// Run alone: node dist-bench/src/bench/jobs-bench.js; LOADWIRE_BENCH_QUICK=1 for a smaller run.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { FakeLoader } from '../../test/support/fake-loader.js';
import { JobEngine } from '../jobs/engine.js';
import { EngineJobStatements } from '../jobs/job-statements.js';
import { JobStore } from '../jobs/store/job-store.js';
import { adbJobId } from '../jobs/views/format.js';
import type { SessionContext } from '../session/session.js';
import { parseStatement } from '../sql/index.js';

const SESSION: SessionContext = { connectionId: 1, user: 'root', admin: true, database: 'bench', inTransaction: false, originalSql: '', warn: () => undefined };
const S3 = `S3("uri" = "s3://bucket/in/*.csv", "format" = "csv", "s3.access_key" = "AK", "s3.secret_key" = "SK")`;

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

function ms(n: number): string {
  return `${n.toFixed(3)} ms`;
}

export async function benchJobs(): Promise<void> {
  const quick = process.env.LOADWIRE_BENCH_QUICK === '1';
  const queued = quick ? 200 : 1000;
  const history = quick ? 10_000 : 100_000;
  const streaming = 1024;
  const idleSeconds = quick ? 11 : 30;
  const never = new AbortController().signal;
  const dir = mkdtempSync(join(tmpdir(), 'loadwire-jobs-bench-'));
  try {
    // --- SUBMIT latency with `queued` jobs waiting (one runs, held forever by the fake loader)
    {
      const store = JobStore.open(join(dir, 'submit.sqlite'));
      const loader = new FakeLoader();
      loader.hold = true;
      const engine = new JobEngine({ store, loader, limits: { maxConcurrentJobs: 1, desiredMaxWaitingJobs: 1_000_000 } });
      engine.start();
      const jobs = new EngineJobStatements(engine);
      const submit = parseStatement(`SUBMIT JOB INSERT INTO t SELECT * FROM ${S3}`);
      for (let i = 0; i < queued; i++) await jobs.execute(submit, SESSION, never);
      const samples: number[] = [];
      for (let i = 0; i < queued; i++) {
        const t0 = process.hrtime.bigint();
        await jobs.execute(submit, SESSION, never);
        samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
      samples.sort((a, b) => a - b);
      console.log(`SUBMIT JOB with ${queued} jobs queued: p50 ${ms(percentile(samples, 50))}, p99 ${ms(percentile(samples, 99))}`);
      await engine.stop();
      store.close();
    }
    // --- SHOW JOB STATUS by id with `history` finished jobs
    {
      const store = JobStore.open(join(dir, 'history.sqlite'));
      const statement = parseStatement(`SUBMIT JOB INSERT INTO t SELECT * FROM ${S3}`);
      if (statement.kind !== 'submitJob') throw new Error('unexpected statement');
      const now = Date.now();
      store.db.transaction(() => {
        for (let i = 0; i < history; i++) {
          const id = store.insertJob({ kind: 'submit', name: null, label: null, database: 'bench', table: 't', priority: 1, definer: 'root', statement, properties: [], comment: null, timeoutSeconds: 3600, now });
          store.transition(id, 'RUNNING', now, { startedAt: now });
          store.transition(id, 'FINISHED', now, { finishedAt: now });
        }
      })();
      const engine = new JobEngine({ store, loader: new FakeLoader() });
      const jobs = new EngineJobStatements(engine);
      const samples: number[] = [];
      for (let i = 0; i < 2000; i++) {
        const id = 1 + Math.floor(Math.random() * history);
        const show = parseStatement(`SHOW JOB STATUS WHERE job_id = '${adbJobId(id, now)}'`);
        const t0 = process.hrtime.bigint();
        const r = await jobs.execute(show, SESSION, never);
        samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
        if (r.kind !== 'rows' || [...(r.rows as Iterable<unknown>)].length !== 1) throw new Error(`job ${id} not found`);
      }
      samples.sort((a, b) => a - b);
      console.log(`SHOW JOB STATUS by id with ${history} jobs in history: p50 ${ms(percentile(samples, 50))}, p99 ${ms(percentile(samples, 99))}`);
      store.close();
    }
    // --- CPU of idle streaming jobs (default max_interval 10 s: one listing per job per 10 s)
    {
      const store = JobStore.open(join(dir, 'streaming.sqlite'));
      const loader = new FakeLoader();
      const engine = new JobEngine({ store, loader });
      engine.start();
      const jobs = new EngineJobStatements(engine);
      for (let i = 0; i < streaming; i++) {
        await jobs.execute(parseStatement(`CREATE JOB s${i} ON STREAMING DO INSERT INTO t SELECT * FROM ${S3}`), SESSION, never);
      }
      // let the first round of listings settle before measuring the steady state
      await new Promise((r) => setTimeout(r, 2000));
      const lists0 = loader.listCalls;
      const cpu0 = process.cpuUsage();
      const t0 = Date.now();
      await new Promise((r) => setTimeout(r, idleSeconds * 1000));
      const cpu = process.cpuUsage(cpu0);
      const wall = (Date.now() - t0) / 1000;
      const cpuMs = (cpu.user + cpu.system) / 1000;
      console.log(
        `${streaming} idle streaming jobs over ${wall.toFixed(1)} s: CPU ${cpuMs.toFixed(0)} ms (${((cpuMs / 10 / wall)).toFixed(2)}% of one core), ` +
          `${loader.listCalls - lists0} source listings`,
      );
      await engine.stop();
      store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await benchJobs();
}
