// Doris' jobs("type"="insert") and tasks(type='insert') views: their columns and states, for every
// job (ExecuteType STREAMING for CREATE JOB, ONE_TIME for SUBMIT JOB and IMPORT INTO).

import type { SqlValue } from '../../session/evaluate.js';
import type { Job, Task } from '../model.js';
import { dorisStatus } from '../states.js';
import { definitionOf } from './definition.js';
import { bytesSize, dateTime, errorRowsPointer, percentDone } from './format.js';
import type { View, ViewColumn } from './view-query.js';
import { isSecretKey } from '../../sql/index.js';

export const DORIS_JOB_COLUMNS: readonly ViewColumn[] = [
  { name: 'Id', type: 'text' },
  { name: 'Name', type: 'text' },
  { name: 'Definer', type: 'text' },
  { name: 'ExecuteType', type: 'text' },
  { name: 'RecurringStrategy', type: 'text' },
  { name: 'Status', type: 'text' },
  { name: 'ExecuteSql', type: 'text' },
  { name: 'CreateTime', type: 'datetime' },
  { name: 'SucceedTaskCount', type: 'int' },
  { name: 'FailedTaskCount', type: 'int' },
  { name: 'CanceledTaskCount', type: 'int' },
  { name: 'Comment', type: 'text' },
  { name: 'Properties', type: 'text' },
  { name: 'CurrentOffset', type: 'text' },
  { name: 'EndOffset', type: 'text' },
  { name: 'LoadStatistic', type: 'text' },
  { name: 'ErrorMsg', type: 'text' },
  { name: 'JobRuntimeMsg', type: 'text' },
];

export const DORIS_TASK_COLUMNS: readonly ViewColumn[] = [
  { name: 'TaskId', type: 'text' },
  { name: 'JobId', type: 'text' },
  { name: 'JobName', type: 'text' },
  { name: 'Label', type: 'text' },
  { name: 'Status', type: 'text' },
  { name: 'ErrorMsg', type: 'text' },
  { name: 'CreateTime', type: 'datetime' },
  { name: 'StartTime', type: 'datetime' },
  { name: 'FinishTime', type: 'datetime' },
  { name: 'TrackingUrl', type: 'text' },
  { name: 'LoadStatistic', type: 'text' },
  { name: 'User', type: 'text' },
  { name: 'FirstErrorMsg', type: 'text' },
  { name: 'RunningOffset', type: 'text' },
];

function loadStatistic(s: { rowsScanned: number; bytesDone: number; filesDone: number; fileSize: number }): string {
  return JSON.stringify({ scannedRows: s.rowsScanned, loadBytes: s.bytesDone, fileNumber: s.filesDone, fileSize: s.fileSize });
}

function offset(fileName: string | null): string | null {
  return fileName === null ? null : JSON.stringify({ fileName });
}

function runtimeMsg(job: Job): string | null {
  const p = job.progress;
  if (job.kind === 'streaming') {
    if (job.state === 'PAUSED' && !job.pausedByUser && job.resumeAt !== null) return `auto-resume at ${dateTime(job.resumeAt)} (attempt ${job.failureCount})`;
    return null;
  }
  const pct = percentDone(p);
  if (pct === null) return null;
  return `progress ${pct.toFixed(1)}%: files ${p.filesDone}/${p.totalFiles ?? '?'}, bytes ${bytesSize(p.bytesDone)}/${p.totalBytes === null ? '?' : bytesSize(p.totalBytes)}, rows ${p.rowsLoaded}`;
}

export function dorisJobRow(job: Job): SqlValue[] {
  const p = job.progress;
  const props = job.properties.length === 0 ? null : JSON.stringify(Object.fromEntries(job.properties.map((x) => [x.key, isSecretKey(x.key) ? '*XXX' : x.value])));
  return [
    String(job.id),
    job.name ?? job.label,
    job.definer,
    job.kind === 'streaming' ? 'STREAMING' : 'ONE_TIME',
    null,
    dorisStatus(job.state),
    definitionOf(job),
    dateTime(job.createdAt),
    BigInt(job.succeededTasks),
    BigInt(job.failedTasks),
    BigInt(job.cancelledTasks),
    job.comment,
    props,
    job.kind === 'streaming' ? offset(job.currentOffset) : null,
    job.kind === 'streaming' ? offset(job.endOffset) : null,
    loadStatistic({ rowsScanned: p.rowsScanned, bytesDone: p.bytesDone, filesDone: p.filesDone, fileSize: p.totalBytes ?? p.bytesDone }),
    job.errorMsg,
    runtimeMsg(job),
  ];
}

const TASK_STATUS: Readonly<Record<Task['state'], string>> = { RUNNING: 'RUNNING', SUCCESS: 'SUCCESS', FAILED: 'FAILED', CANCELED: 'CANCELED' };

export function dorisTaskRow(task: Task, job: Job): SqlValue[] {
  const size = task.files.reduce((n, f) => n + f.size, 0);
  return [
    String(task.id),
    String(job.id),
    job.name ?? job.label,
    task.label,
    TASK_STATUS[task.state],
    task.errorMsg,
    dateTime(task.createdAt),
    task.startedAt === null ? null : dateTime(task.startedAt),
    task.finishedAt === null ? null : dateTime(task.finishedAt),
    errorRowsPointer({ id: job.id, errorRowCount: task.errorRowCount }),
    loadStatistic({ rowsScanned: task.rowsScanned, bytesDone: task.bytesDone, filesDone: task.filesDone, fileSize: size }),
    job.definer,
    task.firstError,
    job.kind === 'streaming' ? JSON.stringify({ startFileName: task.startFile, endFileName: task.endFile }) : null,
  ];
}

export function dorisJobsView(jobs: readonly Job[]): View {
  return { columns: DORIS_JOB_COLUMNS, rows: jobs.map(dorisJobRow) };
}

export function dorisTasksView(tasks: readonly { task: Task; job: Job }[]): View {
  return { columns: DORIS_TASK_COLUMNS, rows: tasks.map((t) => dorisTaskRow(t.task, t.job)) };
}
