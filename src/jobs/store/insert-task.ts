// Creates a task (one streaming batch, or the one task of a one-shot job) in state RUNNING.

import type { FileRef } from '../../load/contract.js';
import { prepared, type StoreDb } from './database.js';

export function insertTask(db: StoreDb, jobId: number, files: readonly FileRef[], now: number): number {
  return db.transaction((): number => {
    const info = prepared(
      db,
      `INSERT INTO tasks (job_id, label, state, files_json, start_file, end_file, created_at, started_at)
       VALUES (?, '', 'RUNNING', ?, ?, ?, ?, ?)`,
    ).run(jobId, JSON.stringify(files), files[0]?.key ?? null, files[files.length - 1]?.key ?? null, now, now);
    const id = Number(info.lastInsertRowid);
    // Doris' task label: <jobId>_<taskId>.
    prepared(db, 'UPDATE tasks SET label = ? WHERE id = ?').run(`${jobId}_${id}`, id);
    return id;
  })();
}
