// Tasks of one job or of all jobs (for the Doris tasks() view), newest last.

import type { Task } from '../model.js';
import { prepared, type StoreDb } from './database.js';
import { taskFromRow, type TaskRow } from './rows.js';

export function listTasks(db: StoreDb, jobId: number | null): Task[] {
  const rows = (jobId === null ? prepared(db, 'SELECT * FROM tasks ORDER BY id').all() : prepared(db, 'SELECT * FROM tasks WHERE job_id = ? ORDER BY id').all(jobId)) as TaskRow[];
  return rows.map(taskFromRow);
}

export function findRunningTask(db: StoreDb, jobId: number): Task | null {
  const row = prepared(db, "SELECT * FROM tasks WHERE job_id = ? AND state = 'RUNNING' ORDER BY id LIMIT 1").get(jobId) as TaskRow | undefined;
  return row === undefined ? null : taskFromRow(row);
}

export function latestTask(db: StoreDb, jobId: number): Task | null {
  const row = prepared(db, 'SELECT * FROM tasks WHERE job_id = ? ORDER BY id DESC LIMIT 1').get(jobId) as TaskRow | undefined;
  return row === undefined ? null : taskFromRow(row);
}
