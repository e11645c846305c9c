// Row types of the job store (snake_case, as SQLite returns them) and their domain types.

import type { FileRef } from '../../load/contract.js';
import type { Job, JobKind, JobStatement, Task } from '../model.js';
import type { JobState, TaskState } from '../states.js';

export interface JobRow {
  id: number;
  kind: JobKind;
  name: string | null;
  label: string;
  database_name: string;
  table_name: string;
  table_id: number;
  state: JobState;
  priority: number;
  definer: string;
  statement_json: string;
  properties_json: string;
  comment: string | null;
  created_at: number;
  updated_at: number;
  started_at: number | null;
  finished_at: number | null;
  timeout_s: number;
  paused_by_user: number;
  resume_at: number | null;
  failure_count: number;
  error_msg: string | null;
  error_errno: number | null;
  error_sqlstate: string | null;
  current_offset: string | null;
  end_offset: string | null;
  total_files: number | null;
  total_bytes: number | null;
  files_done: number;
  bytes_done: number;
  rows_scanned: number;
  rows_loaded: number;
  rows_filtered: number;
  succeeded_tasks: number;
  failed_tasks: number;
  cancelled_tasks: number;
  first_error: string | null;
  error_row_count: number;
}

export interface TaskRow {
  id: number;
  job_id: number;
  label: string;
  state: TaskState;
  files_json: string;
  start_file: string | null;
  end_file: string | null;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  error_msg: string | null;
  first_error: string | null;
  files_done: number;
  bytes_done: number;
  rows_scanned: number;
  rows_loaded: number;
  rows_filtered: number;
  error_row_count: number;
}

export function jobFromRow(r: JobRow): Job {
  return {
    id: r.id,
    kind: r.kind,
    name: r.name,
    label: r.label,
    database: r.database_name,
    table: r.table_name,
    tableId: r.table_id,
    state: r.state,
    priority: r.priority,
    definer: r.definer,
    statement: JSON.parse(r.statement_json) as JobStatement,
    properties: JSON.parse(r.properties_json) as Job['properties'],
    comment: r.comment,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    timeoutSeconds: r.timeout_s,
    pausedByUser: r.paused_by_user !== 0,
    resumeAt: r.resume_at,
    failureCount: r.failure_count,
    errorMsg: r.error_msg,
    errorCode: r.error_errno === null || r.error_sqlstate === null ? null : { errno: r.error_errno, sqlState: r.error_sqlstate },
    currentOffset: r.current_offset,
    endOffset: r.end_offset,
    progress: {
      totalFiles: r.total_files,
      totalBytes: r.total_bytes,
      filesDone: r.files_done,
      bytesDone: r.bytes_done,
      rowsScanned: r.rows_scanned,
      rowsLoaded: r.rows_loaded,
      rowsFiltered: r.rows_filtered,
    },
    succeededTasks: r.succeeded_tasks,
    failedTasks: r.failed_tasks,
    cancelledTasks: r.cancelled_tasks,
    firstError: r.first_error,
    errorRowCount: r.error_row_count,
  };
}

export function taskFromRow(r: TaskRow): Task {
  return {
    id: r.id,
    jobId: r.job_id,
    label: r.label,
    state: r.state,
    files: JSON.parse(r.files_json) as FileRef[],
    startFile: r.start_file,
    endFile: r.end_file,
    createdAt: r.created_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    errorMsg: r.error_msg,
    firstError: r.first_error,
    filesDone: r.files_done,
    bytesDone: r.bytes_done,
    rowsScanned: r.rows_scanned,
    rowsLoaded: r.rows_loaded,
    rowsFiltered: r.rows_filtered,
    errorRowCount: r.error_row_count,
  };
}

/** `IN (?, ?, ...)` placeholders for a list. */
export function placeholders(n: number): string {
  return Array.from({ length: n }, () => '?').join(', ');
}
