// TiDB's SHOW IMPORT JOB(S) and the IMPORT INTO result row: its columns and statuses (pending,
// running, finished, failed, cancelled), for every job.

import type { SqlValue } from '../../session/evaluate.js';
import type { Job } from '../model.js';
import { tidbStatus } from '../states.js';
import { dataSourceOf, targetTableOf } from './definition.js';
import { bytesSize, errorRowsPointer, tidbTime } from './format.js';
import type { View, ViewColumn } from './view-query.js';

export const TIDB_COLUMNS: readonly ViewColumn[] = [
  { name: 'Job_ID', type: 'int' },
  { name: 'Data_Source', type: 'text' },
  { name: 'Target_Table', type: 'text' },
  { name: 'Table_ID', type: 'int' },
  { name: 'Phase', type: 'text' },
  { name: 'Status', type: 'text' },
  { name: 'Source_File_Size', type: 'text' },
  { name: 'Imported_Rows', type: 'int' },
  { name: 'Result_Message', type: 'text' },
  { name: 'Create_Time', type: 'datetime' },
  { name: 'Start_Time', type: 'datetime' },
  { name: 'End_Time', type: 'datetime' },
  { name: 'Created_By', type: 'text' },
];

function resultMessage(job: Job): string {
  switch (job.state) {
    case 'FAILED':
    case 'PAUSED': {
      const pointer = errorRowsPointer(job);
      return (job.errorMsg ?? '') + (pointer === null ? '' : `; see ${pointer}`);
    }
    case 'CANCELLED':
      return job.errorMsg ?? 'cancelled by user';
    case 'FINISHED': {
      const pointer = errorRowsPointer(job);
      return job.progress.rowsFiltered > 0 ? `${job.progress.rowsFiltered} rows filtered; first error: ${job.firstError ?? ''}${pointer === null ? '' : `; see ${pointer}`}` : '';
    }
    case 'RUNNING':
      return job.errorMsg ?? '';
    default:
      return '';
  }
}

export function tidbRow(job: Job): SqlValue[] {
  const p = job.progress;
  return [
    BigInt(job.id),
    dataSourceOf(job),
    targetTableOf(job),
    BigInt(job.tableId),
    job.state === 'RUNNING' ? 'importing' : '',
    tidbStatus(job.state),
    p.totalBytes === null ? null : bytesSize(p.totalBytes),
    job.state === 'PENDING' && job.startedAt === null ? null : BigInt(p.rowsLoaded),
    resultMessage(job),
    tidbTime(job.createdAt),
    job.startedAt === null ? null : tidbTime(job.startedAt),
    job.finishedAt === null ? null : tidbTime(job.finishedAt),
    `${job.definer}@%`,
  ];
}

export function tidbView(jobs: readonly Job[]): View {
  return { columns: TIDB_COLUMNS, rows: jobs.map(tidbRow) };
}
