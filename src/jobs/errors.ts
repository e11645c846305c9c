// The engine's errors: an internal transition failure (the guarded UPDATE changed no row) that
// each statement turns into its dialect's wording, and the user-facing SqlErrors themselves.

import { SqlError } from '../protocol/sql-error.js';
import type { JobState, TaskState } from './states.js';

/** A guarded transition matched no row: the job is in `current` (null: it no longer exists). */
export class JobTransitionError extends Error {
  constructor(
    readonly jobId: number,
    readonly to: JobState,
    readonly current: JobState | null,
  ) {
    super(current === null ? `job ${jobId} does not exist` : `job ${jobId} cannot go from ${current} to ${to}`);
    this.name = 'JobTransitionError';
  }
}

export class TaskTransitionError extends Error {
  constructor(
    readonly taskId: number,
    readonly to: TaskState,
    readonly current: TaskState | null,
  ) {
    super(current === null ? `task ${taskId} does not exist` : `task ${taskId} cannot go from ${current} to ${to}`);
    this.name = 'TaskTransitionError';
  }
}

/** StarRocks' at-most-once rule: a label of a finished (or unfinished) job cannot be reused. */
export class LabelInUseError extends SqlError {
  constructor(label: string, database: string, state: JobState) {
    super(
      'ER_LABEL_ALREADY_USED',
      state === 'FINISHED'
        ? `Label [${label}] has already been used in database [${database}] by a FINISHED job`
        : `Label [${label}] is in use in database [${database}] by a ${state} job`,
    );
  }
}

export class JobNameExistsError extends SqlError {
  constructor(name: string) {
    super('ER_JOB_EXISTS', `errCode = 2, detailMessage = job name exist, jobName:${name}`);
  }
}

/** Doris' message shape for job statements. */
export function dorisError(code: 'ER_JOB_NOT_FOUND' | 'ER_JOB_INVALID_STATE' | 'ER_NOT_SUPPORTED_YET' | 'ER_WRONG_ARGUMENTS', message: string): SqlError {
  return new SqlError(code, `errCode = 2, detailMessage = ${message}`);
}

export function queueFullError(limit: number): SqlError {
  return new SqlError(
    'ER_TOO_MANY_CONCURRENT_TRXS',
    `There are more than ${limit} unfinished load jobs waiting (desired_max_waiting_jobs = ${limit}); please retry later`,
  );
}

/** The reason a running job's AbortSignal fired. */
export type AbortReason = 'cancel' | 'pause' | 'drop' | 'timeout' | 'shutdown';

export class JobAbort extends Error {
  constructor(readonly reason: AbortReason) {
    super(`job aborted: ${reason}`);
    this.name = 'JobAbort';
  }
}

export function abortReasonOf(signal: AbortSignal): AbortReason | null {
  return signal.aborted && signal.reason instanceof JobAbort ? signal.reason.reason : null;
}

export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
