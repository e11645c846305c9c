// AnalyticDB's SHOW JOB STATUS: its columns, statuses (SUBMITTING, RUNNING, SUCCEEDED, FAILED,
// CANCELLED) and long numeric job ids, for every job whatever statement created it.

import type { SqlValue } from '../../session/evaluate.js';
import type { Job, Task } from '../model.js';
import { adbStatus } from '../states.js';
import { definitionOf } from './definition.js';
import { adbJobId, adbTime, errorRowsPointer, progressText } from './format.js';
import type { View, ViewColumn } from './view-query.js';

export const ADB_COLUMNS: readonly ViewColumn[] = [
  { name: 'job_id', type: 'text' },
  { name: 'schema_name', type: 'text' },
  { name: 'status', type: 'text' },
  { name: 'process_rows', type: 'int' },
  { name: 'fail_rows', type: 'int' },
  { name: 'fail_msg', type: 'text' },
  { name: 'create_time', type: 'datetime' },
  { name: 'update_time', type: 'datetime' },
  { name: 'definition', type: 'text' },
  { name: 'exec_job_id', type: 'text' },
  { name: 'total_rows', type: 'int' },
  { name: 'progress', type: 'text' },
  { name: 'start_time', type: 'datetime' },
  { name: 'result_rows', type: 'int' },
  { name: 'result_url', type: 'text' },
  { name: 'query_priority', type: 'text' },
  { name: 'user_define_job_name', type: 'text' },
];

function queryPriority(priority: number): string {
  return priority > 1 ? 'HIGH' : priority < 1 ? 'LOW' : 'NORMAL';
}

export function adbRow(job: Job, latest: Task | null): SqlValue[] {
  const p = job.progress;
  return [
    adbJobId(job.id, job.createdAt),
    job.database,
    adbStatus(job.state),
    BigInt(p.rowsLoaded),
    BigInt(p.rowsFiltered),
    job.errorMsg ?? job.firstError,
    adbTime(job.createdAt),
    adbTime(job.updatedAt),
    definitionOf(job),
    latest === null ? null : adbJobId(latest.id, latest.createdAt),
    BigInt(p.rowsScanned),
    progressText(job),
    job.startedAt === null ? null : adbTime(job.startedAt),
    BigInt(p.rowsLoaded),
    errorRowsPointer(job),
    queryPriority(job.priority),
    job.name,
  ];
}

export function adbView(jobs: readonly { job: Job; latest: Task | null }[]): View {
  return { columns: ADB_COLUMNS, rows: jobs.map((j) => adbRow(j.job, j.latest)) };
}
