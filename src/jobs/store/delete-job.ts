// Removes jobs: DROP JOB (one), and retention (finished jobs older than label_keep_max_second).
// Their tasks, files and error rows go with them (ON DELETE CASCADE), and so do their labels.

import { TERMINAL_JOB_STATES, type JobState } from '../states.js';
import { prepared, type StoreDb } from './database.js';
import { placeholders } from './rows.js';

export function deleteJob(db: StoreDb, id: number): boolean {
  return db.transaction((): boolean => {
    prepared(db, 'DELETE FROM labels WHERE job_id = ?').run(id);
    return prepared(db, 'DELETE FROM jobs WHERE id = ?').run(id).changes === 1;
  })();
}

/**
 * Deletes finished jobs whose end is before `cutoff`; returns how many left each state (for the
 * jobs gauge). A job whose leftovers in the target are still to be discarded stays until they are:
 * its mark is what the engine's sweep retries from.
 */
export function purgeExpiredJobs(db: StoreDb, cutoff: number): Map<JobState, number> {
  return db.transaction((): Map<JobState, number> => {
    const states = TERMINAL_JOB_STATES;
    const where = `finished_at IS NOT NULL AND finished_at < ? AND discard_pending = 0 AND state IN (${placeholders(states.length)})`;
    const counts = prepared(db, `SELECT state, count(*) AS n FROM jobs WHERE ${where} GROUP BY state`).all(cutoff, ...states) as { state: JobState; n: number }[];
    if (counts.length === 0) return new Map();
    prepared(db, `DELETE FROM labels WHERE job_id IN (SELECT id FROM jobs WHERE ${where})`).run(cutoff, ...states);
    prepared(db, `DELETE FROM jobs WHERE ${where}`).run(cutoff, ...states);
    return new Map(counts.map((c) => [c.state, c.n]));
  })();
}
