// Reads one job by id or by name.

import type { Job } from '../model.js';
import { prepared, type StoreDb } from './database.js';
import { jobFromRow, type JobRow } from './rows.js';

export function findJobById(db: StoreDb, id: number): Job | null {
  const row = prepared(db, 'SELECT * FROM jobs WHERE id = ?').get(id) as JobRow | undefined;
  return row === undefined ? null : jobFromRow(row);
}

export function findJobByName(db: StoreDb, name: string): Job | null {
  const row = prepared(db, 'SELECT * FROM jobs WHERE name = ?').get(name) as JobRow | undefined;
  return row === undefined ? null : jobFromRow(row);
}
