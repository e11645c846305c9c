// Progress of a running job (throttled by the runner), the totals it learns when it lists files, and what it waits for.

import type { JobProgress } from '../model.js';
import { prepared, type StoreDb } from './database.js';

export function updateJobProgress(db: StoreDb, id: number, p: JobProgress, now: number): void {
  prepared(
    db,
    `UPDATE jobs SET total_files = ?, total_bytes = ?, files_done = ?, bytes_done = ?, rows_scanned = ?, rows_loaded = ?,
                     rows_filtered = ?, updated_at = ?
     WHERE id = ?`,
  ).run(p.totalFiles, p.totalBytes, p.filesDone, p.bytesDone, p.rowsScanned, p.rowsLoaded, p.rowsFiltered, now, id);
}

/** Doris EndOffset: the greatest file the source has shown so far. */
export function updateEndOffset(db: StoreDb, id: number, endOffset: string, now: number): void {
  prepared(db, 'UPDATE jobs SET end_offset = ?, updated_at = ? WHERE id = ? AND (end_offset IS NULL OR end_offset < ?)').run(endOffset, now, id, endOffset);
}

/** What a running job is waiting for (a retry after the target failed), shown as its message; null clears it. */
export function setRunningMessage(db: StoreDb, id: number, message: string | null, now: number): void {
  prepared(db, "UPDATE jobs SET error_msg = ?, updated_at = ? WHERE id = ? AND state = 'RUNNING'").run(message, now, id);
}
