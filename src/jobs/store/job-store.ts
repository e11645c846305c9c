// The job store: one SQLite file (<dataDir>/jobs.sqlite) behind the operations of this folder.
// Each operation lives in its own module; this class only binds them to the open connection.

import type { ErrorRow, ErrorRowsRange, FileRef } from '../../load/contract.js';
import type { Job, JobProgress, Task } from '../model.js';
import type { JobState } from '../states.js';
import { alterPausedJob, type JobAlteration } from './alter-job.js';
import { openStoreDb, type StoreDb } from './database.js';
import { deleteJob, purgeExpiredJobs } from './delete-job.js';
import { isDiscardPending, listDiscardPending, setDiscardPending } from './discard-pending.js';
import { insertErrorRows, listErrorRows, type StoredErrorRow } from './error-rows.js';
import { findJobById, findJobByName } from './find-job.js';
import { finishTask, type TaskOutcome } from './finish-task.js';
import { insertJob, type NewJob } from './insert-job.js';
import { insertTask } from './insert-task.js';
import { countJobs, countJobsByState, listJobs, listJobsInStates } from './list-jobs.js';
import { findRunningTask, latestTask, listTasks } from './list-tasks.js';
import { makePauseSticky, resetFailures, transitionJob, type TransitionFields, type TransitionGuard } from './transition-job.js';
import { setRunningMessage, updateEndOffset, updateJobProgress } from './update-job-progress.js';

export class JobStore {
  private constructor(readonly db: StoreDb) {}

  static open(path: string): JobStore {
    return new JobStore(openStoreDb(path));
  }

  close(): void {
    this.db.close();
  }

  insertJob(job: NewJob): number {
    return insertJob(this.db, job);
  }
  findJob(id: number): Job | null {
    return findJobById(this.db, id);
  }
  findJobByName(name: string): Job | null {
    return findJobByName(this.db, name);
  }
  listJobs(definer: string | null): Job[] {
    return listJobs(this.db, definer);
  }
  listJobsInStates(states: readonly JobState[], options?: { streaming?: boolean; limit?: number }): Job[] {
    return listJobsInStates(this.db, states, options);
  }
  countJobs(states: readonly JobState[], streaming: boolean): number {
    return countJobs(this.db, states, streaming);
  }
  countJobsByState(): Map<JobState, number> {
    return countJobsByState(this.db);
  }
  /** Returns the state the job left. */
  transition(id: number, to: JobState, now: number, fields?: TransitionFields, guard?: TransitionGuard): JobState {
    return transitionJob(this.db, id, to, now, fields, guard);
  }
  makePauseSticky(id: number, now: number): void {
    makePauseSticky(this.db, id, now);
  }
  resetFailures(id: number): void {
    resetFailures(this.db, id);
  }
  updateProgress(id: number, progress: JobProgress, now: number): void {
    updateJobProgress(this.db, id, progress, now);
  }
  setRunningMessage(id: number, message: string | null, now: number): void {
    setRunningMessage(this.db, id, message, now);
  }
  updateEndOffset(id: number, endOffset: string, now: number): void {
    updateEndOffset(this.db, id, endOffset, now);
  }
  alterPausedJob(id: number, change: JobAlteration, now: number): void {
    alterPausedJob(this.db, id, change, now);
  }
  deleteJob(id: number): boolean {
    return deleteJob(this.db, id);
  }
  purgeExpired(cutoff: number): Map<JobState, number> {
    return purgeExpiredJobs(this.db, cutoff);
  }
  setDiscardPending(id: number, pending: boolean): void {
    setDiscardPending(this.db, id, pending);
  }
  isDiscardPending(id: number): boolean {
    return isDiscardPending(this.db, id);
  }
  listDiscardPending(limit: number): Job[] {
    return listDiscardPending(this.db, limit);
  }
  insertTask(jobId: number, files: readonly FileRef[], now: number): number {
    return insertTask(this.db, jobId, files, now);
  }
  finishTask(jobId: number, taskId: number, outcome: TaskOutcome, now: number): void {
    finishTask(this.db, jobId, taskId, outcome, now);
  }
  listTasks(jobId: number | null): Task[] {
    return listTasks(this.db, jobId);
  }
  findRunningTask(jobId: number): Task | null {
    return findRunningTask(this.db, jobId);
  }
  latestTask(jobId: number): Task | null {
    return latestTask(this.db, jobId);
  }
  insertErrorRows(jobId: number, taskId: number, rows: readonly ErrorRow[], range: ErrorRowsRange, maxPerJob: number): void {
    insertErrorRows(this.db, jobId, taskId, rows, range, maxPerJob);
  }
  listErrorRows(jobId: number, limit: number): StoredErrorRow[] {
    return listErrorRows(this.db, jobId, limit);
  }
}
