// Ends a task with a guarded UPDATE and folds its outcome into the job in the same transaction:
// task counters, and for a successful streaming batch the new CurrentOffset, statistics and the
// file load history, so the offset and the record of what was loaded always agree.

import type { FileRef, LoadProgress } from '../../load/contract.js';
import { TaskTransitionError } from '../errors.js';
import { taskStatesInto, type TaskState } from '../states.js';
import { prepared, type StoreDb } from './database.js';
import { placeholders } from './rows.js';

export interface TaskOutcome {
  readonly state: Exclude<TaskState, 'RUNNING'>;
  readonly progress: LoadProgress;
  readonly errorMsg: string | null;
  readonly firstError: string | null;
  /** Files now committed (recorded in the load history); for a batch, the new offset is the last. */
  readonly committedFiles: readonly FileRef[];
  /** Add the task's statistics to the job's (streaming); one-shot jobs set theirs directly. */
  readonly accumulate: boolean;
  /** Records kept per job; older finished tasks are removed (Doris max_streaming_task_show_count). */
  readonly keepTasks: number;
}

const COUNTER: Readonly<Record<TaskOutcome['state'], string>> = {
  SUCCESS: 'succeeded_tasks',
  FAILED: 'failed_tasks',
  CANCELED: 'cancelled_tasks',
};

export function finishTask(db: StoreDb, jobId: number, taskId: number, outcome: TaskOutcome, now: number): void {
  db.transaction(() => {
    const from = taskStatesInto(outcome.state);
    const p = outcome.progress;
    const changes = prepared(
      db,
      `UPDATE tasks SET state = ?, finished_at = ?, error_msg = ?, first_error = COALESCE(first_error, ?), files_done = ?, bytes_done = ?,
                        rows_scanned = ?, rows_loaded = ?, rows_filtered = ?
       WHERE id = ? AND job_id = ? AND state IN (${placeholders(from.length)})`,
    ).run(outcome.state, now, outcome.errorMsg, outcome.firstError, p.filesDone, p.bytesRead, p.rowsScanned, p.rowsLoaded, p.rowsFiltered, taskId, jobId, ...from).changes;
    if (changes !== 1) {
      const row = prepared(db, 'SELECT state FROM tasks WHERE id = ?').get(taskId) as { state: TaskState } | undefined;
      throw new TaskTransitionError(taskId, outcome.state, row?.state ?? null);
    }
    prepared(db, `UPDATE jobs SET ${COUNTER[outcome.state]} = ${COUNTER[outcome.state]} + 1, updated_at = ? WHERE id = ?`).run(now, jobId);
    const record = prepared(db, 'INSERT OR REPLACE INTO job_files (job_id, task_id, file_key, uri, size, etag, loaded_at) VALUES (?, ?, ?, ?, ?, ?, ?)');
    for (const f of outcome.committedFiles) record.run(jobId, taskId, f.key, f.uri, f.size, f.etag, now);
    if (outcome.accumulate) {
      const last = outcome.committedFiles[outcome.committedFiles.length - 1];
      prepared(
        db,
        `UPDATE jobs SET files_done = files_done + ?, bytes_done = bytes_done + ?, rows_scanned = rows_scanned + ?,
                         rows_loaded = rows_loaded + ?, rows_filtered = rows_filtered + ?,
                         current_offset = CASE WHEN ? IS NOT NULL AND (current_offset IS NULL OR current_offset < ?) THEN ? ELSE current_offset END
         WHERE id = ?`,
      ).run(p.filesDone, p.bytesRead, p.rowsScanned, p.rowsLoaded, p.rowsFiltered, last?.key ?? null, last?.key ?? null, last?.key ?? null, jobId);
    }
    prepared(
      db,
      `DELETE FROM tasks WHERE job_id = ? AND state <> 'RUNNING' AND id NOT IN (SELECT id FROM tasks WHERE job_id = ? ORDER BY id DESC LIMIT ?)`,
    ).run(jobId, jobId, outcome.keepTasks);
  })();
}
