// Jobs whose leftovers in the target (a shadow table, staged ledger entries) could not be
// discarded when they ended, because the target did not answer: the engine's sweep tries again.

import type { Job } from '../model.js';
import { prepared, type StoreDb } from './database.js';
import { jobFromRow, type JobRow } from './rows.js';

export function setDiscardPending(db: StoreDb, id: number, pending: boolean): void {
  prepared(db, 'UPDATE jobs SET discard_pending = ? WHERE id = ?').run(pending ? 1 : 0, id);
}

export function isDiscardPending(db: StoreDb, id: number): boolean {
  return prepared(db, 'SELECT 1 FROM jobs WHERE id = ? AND discard_pending = 1').get(id) !== undefined;
}

/** Jobs with a discard to try again, oldest first. */
export function listDiscardPending(db: StoreDb, limit: number): Job[] {
  return (prepared(db, 'SELECT * FROM jobs WHERE discard_pending = 1 ORDER BY id LIMIT ?').all(limit) as JobRow[]).map(jobFromRow);
}
