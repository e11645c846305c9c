// Domain types of the job engine: one Job record whatever the dialect that created it.

import type { Statement, StatementOf } from '../sql/ast.js';
import type { FileRef } from '../load/contract.js';
import type { JobState, TaskState } from './states.js';

/** Which statement family created the job; it decides how the job runs, not how views show it. */
export type JobKind = 'submit' | 'streaming' | 'import';

/** The statement a job runs, kept unredacted (it carries the credentials the loader needs). */
export type JobStatement = StatementOf<'submitJob'> | StatementOf<'createJob'> | StatementOf<'importInto'>;

export function isJobStatement(s: Statement): s is JobStatement {
  return s.kind === 'submitJob' || s.kind === 'createJob' || s.kind === 'importInto';
}

export interface JobProgress {
  readonly totalFiles: number | null;
  readonly totalBytes: number | null;
  readonly filesDone: number;
  readonly bytesDone: number;
  readonly rowsScanned: number;
  readonly rowsLoaded: number;
  readonly rowsFiltered: number;
}

export interface Job {
  readonly id: number;
  readonly kind: JobKind;
  /** Doris job name or AnalyticDB alias; null when none was given. */
  readonly name: string | null;
  readonly label: string;
  readonly database: string;
  readonly table: string;
  readonly state: JobState;
  readonly priority: number;
  readonly definer: string;
  readonly statement: JobStatement;
  /** Doris PROPERTIES as given (label excluded), in written order. */
  readonly properties: readonly { readonly key: string; readonly value: string }[];
  readonly comment: string | null;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly startedAt: number | null;
  readonly finishedAt: number | null;
  readonly timeoutSeconds: number;
  readonly pausedByUser: boolean;
  readonly resumeAt: number | null;
  readonly failureCount: number;
  readonly errorMsg: string | null;
  /** MySQL error number and SQLSTATE of the failure's cause, when it had one. */
  readonly errorCode: { readonly errno: number; readonly sqlState: string } | null;
  readonly currentOffset: string | null;
  readonly endOffset: string | null;
  readonly progress: JobProgress;
  readonly succeededTasks: number;
  readonly failedTasks: number;
  readonly cancelledTasks: number;
  readonly firstError: string | null;
  readonly errorRowCount: number;
  readonly tableId: number;
}

export interface Task {
  readonly id: number;
  readonly jobId: number;
  readonly label: string;
  readonly state: TaskState;
  readonly files: readonly FileRef[];
  readonly startFile: string | null;
  readonly endFile: string | null;
  readonly createdAt: number;
  readonly startedAt: number | null;
  readonly finishedAt: number | null;
  readonly errorMsg: string | null;
  readonly firstError: string | null;
  readonly filesDone: number;
  readonly bytesDone: number;
  readonly rowsScanned: number;
  readonly rowsLoaded: number;
  readonly rowsFiltered: number;
  readonly errorRowCount: number;
}

/** Who is asking: users see and control their own jobs, an admin all of them. */
export interface Requester {
  readonly user: string;
  readonly admin: boolean;
}

export function canSee(job: Pick<Job, 'definer'>, who: Requester): boolean {
  return who.admin || job.definer === who.user;
}
