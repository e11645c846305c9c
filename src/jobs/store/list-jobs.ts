// Lists jobs for the views (all, or one definer's) and for the scheduler (by state, queue order).

import type { Job } from '../model.js';
import type { JobState } from '../states.js';
import { prepared, type StoreDb } from './database.js';
import { jobFromRow, placeholders, type JobRow } from './rows.js';

/** Every job, oldest first; only `definer`'s when given. */
export function listJobs(db: StoreDb, definer: string | null): Job[] {
  const rows = (
    definer === null
      ? prepared(db, 'SELECT * FROM jobs ORDER BY id').all()
      : prepared(db, 'SELECT * FROM jobs WHERE definer = ? ORDER BY id').all(definer)
  ) as JobRow[];
  return rows.map(jobFromRow);
}

/** Jobs in any of `states`, in queue order: higher priority first, FIFO within a priority. */
export function listJobsInStates(db: StoreDb, states: readonly JobState[], options: { streaming?: boolean; limit?: number } = {}): Job[] {
  const kindFilter = options.streaming === undefined ? '' : options.streaming ? " AND kind = 'streaming'" : " AND kind <> 'streaming'";
  const sql = `SELECT * FROM jobs WHERE state IN (${placeholders(states.length)})${kindFilter} ORDER BY priority DESC, id LIMIT ?`;
  return (prepared(db, sql).all(...states, options.limit ?? -1) as JobRow[]).map(jobFromRow);
}

export function countJobs(db: StoreDb, states: readonly JobState[], streaming: boolean): number {
  const sql = `SELECT count(*) AS n FROM jobs WHERE state IN (${placeholders(states.length)}) AND kind ${streaming ? '=' : '<>'} 'streaming'`;
  return (prepared(db, sql).get(...states) as { n: number }).n;
}

/** How many jobs are in each state (seeds the jobs-by-state gauge on start). */
export function countJobsByState(db: StoreDb): Map<JobState, number> {
  const rows = prepared(db, 'SELECT state, count(*) AS n FROM jobs GROUP BY state').all() as { state: JobState; n: number }[];
  return new Map(rows.map((r) => [r.state, r.n]));
}
