// Every job state change: a guarded UPDATE ... WHERE state IN (allowed from-states) whose affected
// count is checked; 0 rows means the job is elsewhere, reported with its current state.

import { JobTransitionError } from '../errors.js';
import { jobStatesInto, type JobState } from '../states.js';
import { prepared, type StoreDb } from './database.js';
import { placeholders } from './rows.js';

/** Columns a transition may set along with the state. */
export interface TransitionFields {
  readonly startedAt?: number | null;
  readonly finishedAt?: number | null;
  readonly errorMsg?: string | null;
  readonly errorErrno?: number | null;
  readonly errorSqlState?: string | null;
  readonly pausedByUser?: boolean;
  readonly resumeAt?: number | null;
  readonly failureCount?: number;
}

const FIELD_COLUMNS: Readonly<Record<keyof TransitionFields, string>> = {
  startedAt: 'started_at',
  finishedAt: 'finished_at',
  errorMsg: 'error_msg',
  errorErrno: 'error_errno',
  errorSqlState: 'error_sqlstate',
  pausedByUser: 'paused_by_user',
  resumeAt: 'resume_at',
  failureCount: 'failure_count',
};

export interface TransitionGuard {
  /** Narrower than the table allows (e.g. RESUME only from PAUSED). */
  readonly from?: readonly JobState[];
  /** Only when the job was not paused by a user (auto-resume must not wake a manual pause). */
  readonly notPausedByUser?: boolean;
}

/** Returns the state the job left (read on the same connection just before the guarded UPDATE). */
export function transitionJob(db: StoreDb, id: number, to: JobState, now: number, fields: TransitionFields = {}, guard: TransitionGuard = {}): JobState {
  const allowed = jobStatesInto(to).filter((s) => guard.from === undefined || guard.from.includes(s));
  const sets = ['state = ?', 'updated_at = ?'];
  const values: unknown[] = [to, now];
  for (const key of Object.keys(fields) as (keyof TransitionFields)[]) {
    const v = fields[key];
    if (v === undefined) continue;
    sets.push(`${FIELD_COLUMNS[key]} = ?`);
    values.push(typeof v === 'boolean' ? (v ? 1 : 0) : v);
  }
  const extra = guard.notPausedByUser === true ? ' AND paused_by_user = 0' : '';
  const sql = `UPDATE jobs SET ${sets.join(', ')} WHERE id = ? AND state IN (${placeholders(allowed.length || 1)})${extra}`;
  const before = prepared(db, 'SELECT state FROM jobs WHERE id = ?').get(id) as { state: JobState } | undefined;
  const changes = allowed.length === 0 || before === undefined ? 0 : prepared(db, sql).run(...values, id, ...allowed).changes;
  if (changes === 1 && before !== undefined) return before.state;
  const row = prepared(db, 'SELECT state FROM jobs WHERE id = ?').get(id) as { state: JobState } | undefined;
  throw new JobTransitionError(id, to, row?.state ?? null);
}

/** PAUSE JOB on a job a failure already paused: it stays PAUSED, now sticky (never auto-resumed). */
export function makePauseSticky(db: StoreDb, id: number, now: number): void {
  const changes = prepared(db, "UPDATE jobs SET paused_by_user = 1, resume_at = NULL, updated_at = ? WHERE id = ? AND state = 'PAUSED'").run(now, id).changes;
  if (changes === 1) return;
  const row = prepared(db, 'SELECT state FROM jobs WHERE id = ?').get(id) as { state: JobState } | undefined;
  throw new JobTransitionError(id, 'PAUSED', row?.state ?? null);
}

/** A streaming batch succeeded: the failure streak that drives the auto-resume backoff ends. */
export function resetFailures(db: StoreDb, id: number): void {
  prepared(db, 'UPDATE jobs SET failure_count = 0 WHERE id = ? AND failure_count <> 0').run(id);
}
