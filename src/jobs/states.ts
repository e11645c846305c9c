// Job and task states and the transitions allowed between them, as data: the store's guarded
// UPDATEs derive their `WHERE state IN (...)` from these tables, and the views translate the one
// internal state into each dialect's vocabulary (AnalyticDB, Doris, TiDB).

import { assertNever } from '../sql/ast.js';

export const JobState = {
  PENDING: 'PENDING',
  RUNNING: 'RUNNING',
  PAUSED: 'PAUSED',
  FINISHED: 'FINISHED',
  FAILED: 'FAILED',
  CANCELLED: 'CANCELLED',
} as const;
export type JobState = (typeof JobState)[keyof typeof JobState];

export const JOB_STATES: readonly JobState[] = Object.values(JobState);

/** to-states allowed from each state. RUNNING → PENDING is the restart path; PAUSED only for streaming jobs. */
export const JOB_TRANSITIONS: Readonly<Record<JobState, readonly JobState[]>> = {
  PENDING: ['RUNNING', 'PAUSED', 'CANCELLED', 'FAILED'],
  RUNNING: ['FINISHED', 'FAILED', 'CANCELLED', 'PAUSED', 'PENDING'],
  PAUSED: ['PENDING', 'CANCELLED'],
  FINISHED: [],
  FAILED: [],
  CANCELLED: [],
};

export const TERMINAL_JOB_STATES: readonly JobState[] = JOB_STATES.filter((s) => JOB_TRANSITIONS[s].length === 0);

export function isTerminal(state: JobState): boolean {
  return JOB_TRANSITIONS[state].length === 0;
}

/** The states from which `to` may be entered. */
export function jobStatesInto(to: JobState): JobState[] {
  return JOB_STATES.filter((from) => JOB_TRANSITIONS[from].includes(to));
}

export const TaskState = {
  RUNNING: 'RUNNING',
  SUCCESS: 'SUCCESS',
  FAILED: 'FAILED',
  CANCELED: 'CANCELED',
} as const;
export type TaskState = (typeof TaskState)[keyof typeof TaskState];

export const TASK_STATES: readonly TaskState[] = Object.values(TaskState);

export const TASK_TRANSITIONS: Readonly<Record<TaskState, readonly TaskState[]>> = {
  RUNNING: ['SUCCESS', 'FAILED', 'CANCELED'],
  SUCCESS: [],
  FAILED: [],
  CANCELED: [],
};

export function taskStatesInto(to: TaskState): TaskState[] {
  return TASK_STATES.filter((from) => TASK_TRANSITIONS[from].includes(to));
}

// --- dialect vocabularies ------------------------------------------------------------------------

/** AnalyticDB (Data Lakehouse Edition): a paused streaming job is waiting to run again. */
export function adbStatus(state: JobState): string {
  switch (state) {
    case 'PENDING':
    case 'PAUSED':
      return 'SUBMITTING';
    case 'RUNNING':
      return 'RUNNING';
    case 'FINISHED':
      return 'SUCCEEDED';
    case 'FAILED':
      return 'FAILED';
    case 'CANCELLED':
      return 'CANCELLED';
    default:
      return assertNever(state, 'job state');
  }
}

/** Doris JobStatus: a cancelled job is STOPPED. */
export function dorisStatus(state: JobState): string {
  switch (state) {
    case 'PENDING':
    case 'RUNNING':
    case 'PAUSED':
    case 'FINISHED':
    case 'FAILED':
      return state;
    case 'CANCELLED':
      return 'STOPPED';
    default:
      return assertNever(state, 'job state');
  }
}

/** TiDB import job status: a paused streaming job waits, like a pending one. */
export function tidbStatus(state: JobState): string {
  switch (state) {
    case 'PENDING':
    case 'PAUSED':
      return 'pending';
    case 'RUNNING':
      return 'running';
    case 'FINISHED':
      return 'finished';
    case 'FAILED':
      return 'failed';
    case 'CANCELLED':
      return 'cancelled';
    default:
      return assertNever(state, 'job state');
  }
}
