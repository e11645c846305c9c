import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseStatement } from '../../sql/index.js';
import { JobTransitionError } from '../errors.js';
import type { JobStatement } from '../model.js';
import { JOB_STATES, JOB_TRANSITIONS, type JobState } from '../states.js';
import { JobStore } from './job-store.js';
import { MIGRATIONS } from './migrations.js';

const statement = parseStatement(`IMPORT INTO t FROM 's3://b/x.csv'`) as JobStatement;

describe('JobStore', () => {
  let dir: string;
  let store: JobStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'loadwire-store-'));
    store = JobStore.open(join(dir, 'jobs.sqlite'));
  });
  afterEach(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function insert(label: string | null = null, name: string | null = null, database = 'db'): number {
    return store.insertJob({ kind: 'import', name, label, database, table: 't', priority: 1, definer: 'u', statement, properties: [], comment: null, timeoutSeconds: 10, now: 1000 });
  }

  /** Drives a new job into `state` through allowed transitions only. */
  function jobIn(state: JobState): number {
    const id = insert();
    const path: Record<JobState, JobState[]> = {
      PENDING: [],
      RUNNING: ['RUNNING'],
      PAUSED: ['RUNNING', 'PAUSED'],
      FINISHED: ['RUNNING', 'FINISHED'],
      FAILED: ['RUNNING', 'FAILED'],
      CANCELLED: ['CANCELLED'],
    };
    for (const s of path[state]) store.transition(id, s, 2000);
    return id;
  }

  it('migrates to the latest version once and survives reopening', () => {
    expect(store.db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.at(-1)?.version);
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    store.close();
    store = JobStore.open(join(dir, 'jobs.sqlite'));
    expect(store.db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.at(-1)?.version);
  });

  it('allows exactly the transitions of the table, from one job in every state', () => {
    for (const from of JOB_STATES) {
      for (const to of JOB_STATES) {
        const id = jobIn(from);
        expect(store.findJob(id)?.state).toBe(from);
        if (JOB_TRANSITIONS[from].includes(to)) {
          store.transition(id, to, 3000);
          expect(store.findJob(id)?.state).toBe(to);
        } else {
          let error: unknown;
          try {
            store.transition(id, to, 3000);
          } catch (e) {
            error = e;
          }
          expect(error).toBeInstanceOf(JobTransitionError);
          expect((error as JobTransitionError).current).toBe(from);
          expect(store.findJob(id)?.state).toBe(from);
        }
      }
    }
  });

  it('guards narrower from-sets and manual pauses', () => {
    const id = jobIn('PAUSED');
    store.makePauseSticky(id, 3000);
    expect(() => store.transition(id, 'PENDING', 3000, {}, { notPausedByUser: true })).toThrow(JobTransitionError);
    expect(() => store.transition(jobIn('RUNNING'), 'PENDING', 3000, {}, { from: ['PAUSED'] })).toThrow(/cannot go from RUNNING to PENDING/);
    expect(() => store.transition(999, 'RUNNING', 3000)).toThrow(/does not exist/);
  });

  it('keeps labels unique per database, reusable after failure or cancellation only', () => {
    const a = insert('l');
    expect(() => insert('l')).toThrow(/in use .* by a PENDING job/);
    store.transition(a, 'RUNNING', 1);
    store.transition(a, 'FAILED', 1);
    const b = insert('l');
    store.transition(b, 'RUNNING', 1);
    store.transition(b, 'FINISHED', 1);
    expect(() => insert('l')).toThrow(/has already been used .* FINISHED/);
    insert('l', null, 'other');
    expect(insert(null)).toBeGreaterThan(0);
    expect(store.findJob(b)?.label).toBe('l');
    expect(() => insert(null, 'n1') && insert(null, 'n1')).toThrow(/job name exist/);
  });

  it('records tasks, the file history and error rows; prunes old tasks; purges expired jobs', () => {
    const id = jobIn('RUNNING');
    const files = [1, 2].map((n) => ({ uri: `s3://b/${n}.csv`, key: `${n}.csv`, size: 10, etag: null }));
    for (let i = 0; i < 5; i++) {
      const task = store.insertTask(id, files, 5000);
      store.insertErrorRows(id, task, [{ file: `${i + 1}.csv`, line: 3, reason: 'bad int', raw: 'x' }], { file: `${i + 1}.csv`, nextLine: 10 }, 3);
      store.finishTask(id, task, { state: 'SUCCESS', progress: { filesDone: 2, bytesRead: 20, rowsScanned: 4, rowsLoaded: 3, rowsFiltered: 1 }, errorMsg: null, firstError: null, committedFiles: files, accumulate: true, keepTasks: 2 }, 6000);
    }
    const job = store.findJob(id);
    expect(job?.progress).toMatchObject({ filesDone: 10, bytesDone: 100, rowsLoaded: 15, rowsFiltered: 5 });
    expect(job?.currentOffset).toBe('2.csv');
    expect(job?.succeededTasks).toBe(5);
    expect(job?.firstError).toBe('1.csv:3: bad int');
    expect(job?.errorRowCount).toBe(5);
    expect(store.listErrorRows(id, 100)).toHaveLength(3);
    expect(store.listTasks(id)).toHaveLength(2);
    expect(store.listTasks(id)[0]?.label).toMatch(new RegExp(`^${id}_\\d+$`));
    store.transition(id, 'FINISHED', 7000, { finishedAt: 7000 });
    expect(store.purgeExpired(7000).size).toBe(0);
    // Not while what it left in the target is still to be discarded.
    store.setDiscardPending(id, true);
    expect(store.purgeExpired(7001).size).toBe(0);
    expect(store.listDiscardPending(10).map((j) => j.id)).toEqual([id]);
    store.setDiscardPending(id, false);
    expect([...store.purgeExpired(7001)]).toEqual([["FINISHED", 1]]);
    expect(store.findJob(id)).toBeNull();
    expect(store.listTasks(id)).toHaveLength(0);
    expect(store.listErrorRows(id, 10)).toHaveLength(0);
  });

  it('records each error row once when a unit is read again after a crash', () => {
    const id = jobIn('RUNNING');
    const task = store.insertTask(id, [], 5000);
    const row = (line: number): { file: string; line: number; reason: string; raw: string } => ({ file: 'a.csv', line, reason: `bad ${line}`, raw: 'x' });
    store.insertErrorRows(id, task, [row(3), row(7)], { file: 'a.csv', nextLine: 10 }, 100);
    // The daemon died before the unit committed: the unit (lines 1..9) is read again, then the next.
    store.insertErrorRows(id, task, [row(3), row(7)], { file: 'a.csv', nextLine: 10 }, 100);
    store.insertErrorRows(id, task, [row(12)], { file: 'a.csv', nextLine: 20 }, 100);
    // Another file has its own mark.
    store.insertErrorRows(id, task, [{ ...row(3), file: 'b.csv' }], { file: 'b.csv', nextLine: 5 }, 100);
    expect(store.listErrorRows(id, 100).map((r) => `${r.file}:${r.line}`)).toEqual(['a.csv:3', 'a.csv:7', 'a.csv:12', 'b.csv:3']);
    expect(store.findJob(id)?.errorRowCount).toBe(4);
  });
});
