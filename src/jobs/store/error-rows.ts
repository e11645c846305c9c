// Source records the loader could not turn into rows (onErrorRows): kept per job up to a cap, the
// first reason copied onto the job and task for FirstErrorMsg / fail_msg. Recorded exactly once:
// the loader reports a unit's error rows before committing the unit, and a per-file mark skips
// the ones already recorded when a unit is read again after a crash.

import type { ErrorRow, ErrorRowsRange } from '../../load/contract.js';
import { prepared, type StoreDb } from './database.js';

export interface StoredErrorRow extends ErrorRow {
  readonly taskId: number;
}

export function insertErrorRows(db: StoreDb, jobId: number, taskId: number, reported: readonly ErrorRow[], range: ErrorRowsRange, maxPerJob: number): void {
  db.transaction(() => {
    const mark = (prepared(db, 'SELECT next_line AS n FROM error_row_marks WHERE job_id = ? AND file = ?').get(jobId, range.file) as { n: number } | undefined)?.n ?? 0;
    const rows = reported.filter((r) => r.file !== range.file || r.line >= mark);
    if (range.nextLine > mark) {
      prepared(db, 'INSERT INTO error_row_marks (job_id, file, next_line) VALUES (?, ?, ?) ON CONFLICT (job_id, file) DO UPDATE SET next_line = excluded.next_line')
        .run(jobId, range.file, range.nextLine);
    }
    if (rows.length === 0) return;
    const kept = (prepared(db, 'SELECT error_row_count AS n FROM jobs WHERE id = ?').get(jobId) as { n: number } | undefined)?.n ?? 0;
    const insert = prepared(db, 'INSERT INTO error_rows (job_id, task_id, file, line, reason, raw) VALUES (?, ?, ?, ?, ?, ?)');
    for (const r of rows.slice(0, Math.max(0, maxPerJob - kept))) insert.run(jobId, taskId, r.file, r.line, r.reason, r.raw.slice(0, 4096));
    const first = rows[0];
    const firstMsg = first === undefined ? null : `${first.file}:${first.line}: ${first.reason}`;
    prepared(db, 'UPDATE jobs SET error_row_count = error_row_count + ?, first_error = COALESCE(first_error, ?) WHERE id = ?').run(rows.length, firstMsg, jobId);
    prepared(db, 'UPDATE tasks SET error_row_count = error_row_count + ?, first_error = COALESCE(first_error, ?) WHERE id = ?').run(rows.length, firstMsg, taskId);
  })();
}

export function listErrorRows(db: StoreDb, jobId: number, limit: number): StoredErrorRow[] {
  const rows = prepared(db, 'SELECT task_id, file, line, reason, raw FROM error_rows WHERE job_id = ? ORDER BY id LIMIT ?').all(jobId, limit) as {
    task_id: number;
    file: string;
    line: number;
    reason: string;
    raw: string;
  }[];
  return rows.map((r) => ({ taskId: r.task_id, file: r.file, line: r.line, reason: r.reason, raw: r.raw }));
}
