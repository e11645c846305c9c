// The job engine: admits jobs (queue limits, labels), schedules them (priority then FIFO, a global
// limit for one-shot jobs, one IMPORT INTO per target table, a thread pool for streaming tasks),
// runs them through the Loader, and recovers them on restart. Job state lives in the store; this
// class holds only what a running process needs (abort controllers, poll and resume times, waiters).

import type { Logger } from 'pino';
import { isTransientTargetFailure, type FileRef, type LaneLimit, type LedgerEntry, type LoadProgress, type LoadRequest, type LoadResult, type Loader } from '../load/contract.js';
import type { LoadMetrics } from '../ops/metrics.js';
import { SqlError, isSqlError } from '../protocol/sql-error.js';
import { JobAbort, abortReasonOf, messageOf, queueFullError, type AbortReason } from './errors.js';
import { jobSpec, streamingSettings, type JobSpec } from './job-spec.js';
import { DEFAULT_LIMITS, type JobLimits } from './limits.js';
import type { Job, JobProgress, Task } from './model.js';
import type { NewJob } from './store/insert-job.js';
import type { JobStore } from './store/job-store.js';
import { isTerminal, type JobState } from './states.js';
import type { TransitionFields, TransitionGuard } from './store/transition-job.js';

export interface Clock {
  now(): number;
  setTimer(fn: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
}

/** Reads the globals at call time, so tests may swap in fake timers. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref();
    return t;
  },
  clearTimer: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export interface JobEngineOptions {
  readonly store: JobStore;
  readonly loader: Loader;
  readonly limits?: Partial<JobLimits>;
  readonly clock?: Clock;
  readonly logger?: Logger;
  readonly metrics?: LoadMetrics;
}

interface RunningJob {
  readonly controller: AbortController;
  readonly done: Promise<void>;
  readonly streaming: boolean;
  readonly tableKey: string | null;
}

/** A one-shot job's task and its files, kept from one attempt to the next. */
interface OneShotState {
  task: Task | null;
  files: FileRef[];
}

const ZERO: LoadProgress = { filesDone: 0, bytesRead: 0, rowsScanned: 0, rowsLoaded: 0, rowsFiltered: 0 };
/** How often a running one-shot job's progress is written to the store. */
const PROGRESS_WRITE_MS = 500;
/** Pending discards tried per sweep. */
const SWEEP_DISCARDS = 16;
/** How long CANCEL / PAUSE / DROP wait for a running task to roll back before answering. */
const ABORT_WAIT_MS = 30_000;

export class JobEngine {
  readonly limits: JobLimits;
  readonly store: JobStore;
  private readonly loader: Loader;
  private readonly clock: Clock;
  private readonly logger: Logger | undefined;
  private readonly metrics: LoadMetrics | undefined;
  private readonly running = new Map<number, RunningJob>();
  /** RUNNING streaming jobs between batches: when to poll the source next. */
  private readonly pollAt = new Map<number, number>();
  /** PAUSED streaming jobs paused by a failure: when to resume them. */
  private readonly resumeAt = new Map<number, number>();
  private readonly waiters = new Map<number, Set<() => void>>();
  private readonly busyTables = new Set<string>();
  private oneShotRunning = 0;
  private streamingRunning = 0;
  private timer: unknown = null;
  private timerAt = Infinity;
  private sweepTimer: unknown = null;
  /** Jobs whose discard is under way (a sweep does not start a second). */
  private readonly discarding = new Set<number>();
  private started = false;
  private stopped = false;

  constructor(options: JobEngineOptions) {
    this.store = options.store;
    this.loader = options.loader;
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger;
    this.metrics = options.metrics;
  }

  // --- lifecycle -------------------------------------------------------------------------------

  /** Recovers unfinished jobs (restart) and starts scheduling. */
  start(): void {
    if (this.started) return;
    this.started = true;
    if (this.metrics !== undefined) {
      for (const [state, n] of this.store.countJobsByState()) for (let i = 0; i < n; i++) this.metrics.jobStateChanged(null, state);
    }
    const now = this.clock.now();
    for (const job of this.store.listJobsInStates(['RUNNING', 'PAUSED'])) {
      if (job.kind === 'streaming') {
        if (job.state === 'RUNNING') this.pollAt.set(job.id, now);
        else if (!job.pausedByUser) this.resumeAt.set(job.id, job.resumeAt ?? now);
      } else if (job.state === 'RUNNING') {
        // Back to the queue; its runner reconciles the RUNNING task with the ledger first.
        this.transition(job.id, 'PENDING', now, {}, { from: ['RUNNING'] });
      }
    }
    this.sweep();
    this.pump();
  }

  /** Stops scheduling and aborts running tasks; their jobs stay RUNNING and resume on restart. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== null) this.clock.clearTimer(this.timer);
    if (this.sweepTimer !== null) this.clock.clearTimer(this.sweepTimer);
    const runs = [...this.running.values()];
    for (const r of runs) r.controller.abort(new JobAbort('shutdown'));
    await Promise.allSettled(runs.map((r) => r.done));
  }

  now(): number {
    return this.clock.now();
  }

  // --- admission -------------------------------------------------------------------------------

  submit(job: Omit<NewJob, 'now'>): Job {
    if (this.stopped) throw new SqlError('ER_SERVER_SHUTDOWN', 'Server shutdown in progress');
    if (job.kind === 'streaming') {
      const n = this.store.countJobs(['PENDING', 'RUNNING', 'PAUSED'], true);
      if (n >= this.limits.maxStreamingJobNum) {
        throw new SqlError(
          'ER_TOO_MANY_CONCURRENT_TRXS',
          `errCode = 2, detailMessage = The number of streaming jobs exceeds the limit max_streaming_job_num = ${this.limits.maxStreamingJobNum}`,
        );
      }
    } else if (this.store.countJobs(['PENDING'], false) >= this.limits.desiredMaxWaitingJobs) {
      throw queueFullError(this.limits.desiredMaxWaitingJobs);
    }
    const id = this.store.insertJob({ ...job, now: this.clock.now() });
    this.stateChanged(id, null, 'PENDING', { kind: job.kind, ...(job.name === null ? {} : { name: job.name }), ...(job.label === null ? {} : { label: job.label }) });
    // The job as submitted (PENDING), which is what SUBMIT JOB and IMPORT INTO ... DETACHED report.
    const created = this.store.findJob(id);
    if (created === null) throw new Error(`job ${id} vanished after insert`);
    this.pump();
    return created;
  }

  // --- control ---------------------------------------------------------------------------------

  /** CANCEL JOB / CANCEL IMPORT JOB: a queued job leaves the queue; a running one is aborted and rolled back. */
  async cancel(job: Job): Promise<Job> {
    const run = this.running.get(job.id);
    if (run !== undefined) {
      run.controller.abort(new JobAbort('cancel'));
      await this.settle(run);
    }
    const now = this.clock.now();
    const current = this.store.findJob(job.id);
    if (current !== null && !isTerminal(current.state)) {
      this.transition(job.id, 'CANCELLED', now, { finishedAt: now, resumeAt: null });
      if (current.kind !== 'streaming' && current.startedAt !== null) await this.discard(current);
    } else if (current !== null && !(run !== undefined && current.state === 'CANCELLED')) {
      // Let the transition error name the state (the job finished before the abort landed).
      this.transition(job.id, 'CANCELLED', now, { finishedAt: now });
    }
    this.pollAt.delete(job.id);
    this.resumeAt.delete(job.id);
    this.notify(job.id);
    this.pump();
    return this.store.findJob(job.id) ?? job;
  }

  /** PAUSE JOB: sticky; a running batch is aborted (its data rolled back to the last batch). */
  async pause(job: Job): Promise<void> {
    const now = this.clock.now();
    if (job.state === 'PAUSED') this.store.makePauseSticky(job.id, now);
    else this.transition(job.id, 'PAUSED', now, { pausedByUser: true, resumeAt: null }, { from: ['PENDING', 'RUNNING'] });
    this.pollAt.delete(job.id);
    this.resumeAt.delete(job.id);
    const run = this.running.get(job.id);
    if (run !== undefined) {
      run.controller.abort(new JobAbort('pause'));
      await this.settle(run);
    }
  }

  /** RESUME JOB: PAUSED → PENDING, scheduled again at once. */
  resume(job: Job): void {
    this.transition(job.id, 'PENDING', this.clock.now(), { pausedByUser: false, resumeAt: null, errorMsg: null, failureCount: 0 }, { from: ['PAUSED'] });
    this.resumeAt.delete(job.id);
    this.pump();
  }

  /**
   * DROP JOB: stops the job and removes it with its tasks, history and label. What a one-shot job
   * left in the target goes first: once the job is gone, nothing would try to discard it again.
   */
  async drop(job: Job): Promise<void> {
    const run = this.running.get(job.id);
    if (run !== undefined) {
      run.controller.abort(new JobAbort('drop'));
      await this.settle(run);
    }
    if (this.store.isDiscardPending(job.id)) {
      const failure = await this.discard(job);
      if (failure !== null) {
        throw new SqlError(
          'ER_UNKNOWN_ERROR',
          `Job ${job.name ?? job.id} left a shadow table in the target that could not be dropped yet (${failure}); the job stays until it is, and loadwire keeps trying: run DROP JOB again once the target answers`,
        );
      }
    }
    const state = this.store.findJob(job.id)?.state ?? null;
    if (this.store.deleteJob(job.id) && state !== null) this.stateChanged(job.id, state, null);
    this.pollAt.delete(job.id);
    this.resumeAt.delete(job.id);
    this.notify(job.id);
    this.pump();
  }

  /** The most lanes (THREAD) one task writes through at once, and why; undefined: no limit. */
  /** The most lanes a task writing `table` gets, and why (the loader's limit, or a lower one the table sets). */
  async threadLimitFor(database: string, table: string): Promise<LaneLimit | undefined> {
    return (await this.loader.threadLimitFor?.(database, table)) ?? this.loader.threadLimit;
  }

  /** Resolves with the job once it is FINISHED, FAILED or CANCELLED (or gone: null). */
  async waitForEnd(id: number, signal: AbortSignal): Promise<Job | null> {
    for (;;) {
      const job = this.store.findJob(id);
      if (job === null || isTerminal(job.state)) return job;
      if (signal.aborted) throw new SqlError('ER_QUERY_INTERRUPTED', 'Query execution was interrupted');
      await new Promise<void>((resolve) => {
        let set = this.waiters.get(id);
        if (set === undefined) this.waiters.set(id, (set = new Set()));
        const done = (): void => {
          set.delete(done);
          signal.removeEventListener('abort', done);
          resolve();
        };
        set.add(done);
        signal.addEventListener('abort', done, { once: true });
      });
    }
  }

  isRunning(id: number): boolean {
    return this.running.has(id);
  }

  // --- scheduling ------------------------------------------------------------------------------

  /** Starts whatever may start now and arms one timer for the next due poll or resume. */
  pump(): void {
    if (!this.started || this.stopped) return;
    const now = this.clock.now();
    for (const [id, at] of this.resumeAt) {
      if (at > now) continue;
      this.resumeAt.delete(id);
      try {
        this.transition(id, 'PENDING', now, { resumeAt: null }, { from: ['PAUSED'], notPausedByUser: true });
      } catch {
        // Resumed, paused by a user or dropped meanwhile: nothing to do.
      }
    }
    if (this.oneShotRunning < this.limits.maxConcurrentJobs) {
      // Skipped jobs (their table busy) keep their place; a bounded window suffices since only
      // imports into busy tables are ever skipped.
      const queued = this.store.listJobsInStates(['PENDING'], { streaming: false, limit: this.limits.maxConcurrentJobs * 16 });
      for (const job of queued) {
        if (this.oneShotRunning >= this.limits.maxConcurrentJobs) break;
        if (this.running.has(job.id)) continue;
        const tableKey = job.kind === 'import' ? `${job.database}.${job.table}` : null;
        if (tableKey !== null && this.busyTables.has(tableKey)) continue;
        this.startOneShot(job, tableKey, now);
      }
    }
    if (this.streamingRunning < this.limits.streamingTaskExecThreadNum) {
      const pending = this.store.listJobsInStates(['PENDING'], { streaming: true, limit: this.limits.streamingTaskExecThreadNum });
      for (const job of pending) {
        if (this.streamingRunning >= this.limits.streamingTaskExecThreadNum) break;
        if (!this.running.has(job.id)) this.startStreaming(job.id, now);
      }
      if (this.streamingRunning < this.limits.streamingTaskExecThreadNum) {
        const due = [...this.pollAt].filter(([, at]) => at <= now).sort((a, b) => a[1] - b[1]);
        for (const [id] of due) {
          if (this.streamingRunning >= this.limits.streamingTaskExecThreadNum) break;
          if (this.running.has(id)) continue;
          this.pollAt.delete(id);
          this.startStreaming(id, now);
        }
      }
    }
    this.arm(now);
  }

  private arm(now: number): void {
    let next = Infinity;
    for (const at of this.pollAt.values()) if (at < next) next = at;
    for (const at of this.resumeAt.values()) if (at < next) next = at;
    if (next === Infinity || next >= this.timerAt) {
      if (next === Infinity && this.timer !== null) {
        this.clock.clearTimer(this.timer);
        this.timer = null;
        this.timerAt = Infinity;
      }
      return;
    }
    if (this.timer !== null) this.clock.clearTimer(this.timer);
    this.timerAt = next;
    this.timer = this.clock.setTimer(
      () => {
        this.timer = null;
        this.timerAt = Infinity;
        this.pump();
      },
      Math.max(0, next - now),
    );
  }

  private sweep(): void {
    if (this.stopped) return;
    try {
      // Leftovers of jobs that ended while their target could not be reached.
      for (const job of this.store.listDiscardPending(SWEEP_DISCARDS)) void this.discard(job);
      const removed = this.store.purgeExpired(this.clock.now() - this.limits.labelKeepMaxSecond * 1000);
      let total = 0;
      for (const [state, n] of removed) {
        total += n;
        for (let i = 0; i < n; i++) this.metrics?.jobStateChanged(state, null);
      }
      if (total > 0) this.logger?.info({ removed: total }, 'removed finished jobs past label_keep_max_second');
    } catch (e) {
      this.logger?.error({ err: messageOf(e) }, 'retention sweep failed');
    }
    this.sweepTimer = this.clock.setTimer(() => this.sweep(), this.limits.retentionSweepMs);
  }

  /** Every state change goes through here: the guarded store update, one log line, the jobs gauge. */
  private transition(id: number, to: JobState, now: number, fields: TransitionFields = {}, guard?: TransitionGuard): void {
    const from = this.store.transition(id, to, now, fields, guard);
    this.stateChanged(id, from, to, fields.errorMsg === undefined || fields.errorMsg === null ? {} : { reason: fields.errorMsg });
  }

  /** Job ids, states and loadwire's own messages only: statements (which hold credentials) are never logged. */
  private stateChanged(jobId: number, from: JobState | null, to: JobState | null, extra: Record<string, unknown> = {}): void {
    this.logger?.info({ jobId, from, to: to ?? 'REMOVED', ...extra }, 'job state changed');
    this.metrics?.jobStateChanged(from, to);
  }

  private taskEnded(startedAt: number, outcome: 'succeeded' | 'failed' | 'cancelled', loaded: LoadProgress | null): void {
    if (this.metrics === undefined) return;
    this.metrics.taskFinished(Math.max(0, this.clock.now() - startedAt) / 1000, outcome);
    if (loaded !== null) this.metrics.loaded(loaded.rowsLoaded, loaded.bytesRead, loaded.filesDone);
  }

  private track(id: number, streaming: boolean, tableKey: string | null, body: (controller: AbortController) => Promise<void>): void {
    const controller = new AbortController();
    if (streaming) this.streamingRunning++;
    else this.oneShotRunning++;
    if (tableKey !== null) this.busyTables.add(tableKey);
    const done = body(controller)
      .catch((e: unknown) => this.logger?.error({ jobId: id, err: messageOf(e) }, 'job runner failed'))
      .finally(() => {
        this.running.delete(id);
        if (streaming) this.streamingRunning--;
        else this.oneShotRunning--;
        if (tableKey !== null) this.busyTables.delete(tableKey);
        this.notify(id);
        this.pump();
      });
    this.running.set(id, { controller, done, streaming, tableKey });
  }

  private async settle(run: RunningJob): Promise<void> {
    let timer: unknown = null;
    await Promise.race([run.done, new Promise<void>((resolve) => (timer = this.clock.setTimer(resolve, ABORT_WAIT_MS)))]);
    if (timer !== null) this.clock.clearTimer(timer);
  }

  private notify(id: number): void {
    const set = this.waiters.get(id);
    if (set === undefined) return;
    this.waiters.delete(id);
    for (const w of set) w();
  }

  /**
   * Drops what a one-shot job left in the target (its shadow table, staged ledger entries). When
   * the target does not answer, the job is marked and the sweep tries again until it does.
   */
  private async discard(job: Job): Promise<string | null> {
    if (this.discarding.has(job.id)) return 'a discard of it is under way';
    this.discarding.add(job.id);
    let failure: string | null = null;
    try {
      await this.loader.discard(String(job.id), job.database, job.table);
    } catch (e) {
      failure = messageOf(e);
      this.logger?.warn({ jobId: job.id, err: failure }, 'discarding what the job left in the target failed; will try again');
    } finally {
      this.discarding.delete(job.id);
    }
    try {
      if (!this.stopped) this.store.setDiscardPending(job.id, failure !== null);
    } catch (e) {
      this.logger?.error({ jobId: job.id, err: messageOf(e) }, 'recording a pending discard failed');
    }
    return failure;
  }

  private request(job: Job, spec: JobSpec, taskId: number, files: readonly FileRef[], atomicity: 'job' | 'batch', signal: AbortSignal, onProgress: (p: LoadProgress) => void): LoadRequest {
    return {
      jobId: String(job.id),
      taskId: String(taskId),
      database: job.database,
      table: job.table,
      mode: spec.mode,
      atomicity,
      requireEmptyTarget: spec.requireEmptyTarget,
      source: spec.source,
      files,
      mapping: spec.mapping,
      maxFilterRatio: spec.maxFilterRatio,
      threads: spec.threads,
      maxWriteSpeed: spec.maxWriteSpeed,
      checksum: spec.checksum,
      signal,
      onProgress,
      onErrorRows: (rows, range) => {
        try {
          this.store.insertErrorRows(job.id, taskId, rows, range, this.limits.maxErrorRowsPerJob);
        } catch (e) {
          this.logger?.warn({ jobId: job.id, err: messageOf(e) }, 'recording error rows failed');
        }
      },
    };
  }

  /** Aborts `controller` with 'timeout' after the job's timeout; returns the disarm function. */
  private deadline(job: Job, controller: AbortController): () => void {
    const t = this.clock.setTimer(() => controller.abort(new JobAbort('timeout')), job.timeoutSeconds * 1000);
    return () => this.clock.clearTimer(t);
  }

  // --- one-shot jobs (SUBMIT JOB, IMPORT INTO) ---------------------------------------------------

  private startOneShot(job: Job, tableKey: string | null, now: number): void {
    try {
      this.transition(job.id, 'RUNNING', now, job.startedAt === null ? { startedAt: now } : {}, { from: ['PENDING'] });
    } catch {
      return; // cancelled between the queue read and now
    }
    this.track(job.id, false, tableKey, (controller) => this.runOneShot(job, controller));
  }

  private async runOneShot(job: Job, controller: AbortController): Promise<void> {
    const signal = controller.signal;
    const startedAt = this.clock.now();
    const disarm = this.deadline(job, controller);
    const existing = this.store.findRunningTask(job.id);
    const state: OneShotState = { task: existing, files: existing === null ? [] : [...existing.files] };
    try {
      for (let attempt = 1; ; attempt++) {
        try {
          await this.oneShotAttempt(job, state, signal, startedAt);
          return;
        } catch (e) {
          // The target went away (restarted, failed over) or a lock was in the way: the load kept
          // what it had staged, and the next attempt resumes after its last committed unit.
          if (abortReasonOf(signal) !== null || attempt > this.limits.targetRetries || !isTransientTargetFailure(e)) throw e;
          const wait = Math.min(this.limits.autoResumeMaxMs, this.limits.targetRetryBaseMs * 2 ** (attempt - 1));
          this.logger?.warn({ jobId: job.id, err: messageOf(e), attempt, retryInMs: wait }, 'target failed during an import; retrying from the last committed unit');
          // Shown by SHOW IMPORT JOB and the other views while it waits: a job that stands still
          // as RUNNING with no word of why looks hung.
          const retry = `retrying in ${Math.ceil(wait / 1000)} s (try ${attempt + 1} of ${this.limits.targetRetries + 1}) from the last committed unit after: ${messageOf(e)}`;
          this.store.setRunningMessage(job.id, retry, this.clock.now());
          try {
            await this.sleep(wait, signal);
          } finally {
            this.store.setRunningMessage(job.id, null, this.clock.now());
          }
        }
      }
    } catch (e) {
      const reason = abortReasonOf(signal);
      if (reason === 'shutdown') return;
      const task = state.task;
      if (reason === null && task !== null && (await this.endedByDiscard(job, task.id, state.files, startedAt))) return;
      const now = this.clock.now();
      if (task !== null) {
        this.endTask(job.id, task.id, reason === 'cancel' || reason === 'drop' ? 'CANCELED' : 'FAILED', failureMessage(e, reason, job), null);
        this.taskEnded(startedAt, reason === 'cancel' || reason === 'drop' ? 'cancelled' : 'failed', null);
      }
      if (reason === 'drop') return;
      try {
        if (reason === 'cancel') this.transition(job.id, 'CANCELLED', now, { finishedAt: now });
        else {
          const code = reason === null && e instanceof SqlError ? { errorErrno: e.errno, errorSqlState: e.sqlState } : { errorErrno: null, errorSqlState: null };
          this.transition(job.id, 'FAILED', now, { finishedAt: now, errorMsg: failureMessage(e, reason, job), ...code });
        }
      } catch {
        // CANCEL already moved it on.
      }
    } finally {
      disarm();
    }
  }

  /**
   * What a failed one-shot task left in the target goes: the shadow a transient failure kept for
   * the retries, or one the load could not drop itself (when the target does not answer now,
   * discard() marks the job for the sweep). A publish the failure interrupted past its commit
   * point is finished by the discard instead: then the job did finish, and true says so.
   */
  private async endedByDiscard(job: Job, taskId: number, files: readonly FileRef[], startedAt: number): Promise<boolean> {
    await this.discard(job);
    const entries = (await this.loader.committed(String(job.id)).catch(() => [])).filter((e) => e.taskId === String(taskId));
    if (entries.length === 0) return false;
    const committed = ledgerProgress(entries);
    this.finishOneShot(job, taskId, files, committed, null);
    this.taskEnded(startedAt, 'succeeded', committed);
    return true;
  }

  /** Waits `ms`, or less when `signal` aborts. */
  private sleep(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        this.clock.clearTimer(timer);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = this.clock.setTimer(done, ms);
      signal.addEventListener('abort', done, { once: true });
    });
  }

  /** One run of a one-shot job's task: listed and recorded on the first, resumed from the ledger on later ones. */
  private async oneShotAttempt(job: Job, state: OneShotState, signal: AbortSignal, startedAt: number): Promise<void> {
    const spec = jobSpec(job.statement, job.properties);
    if (state.task !== null) {
      // Restarted or retried: the ledger says whether the task already committed (atomicity 'job': all or nothing).
      const taskId = String(state.task.id);
      const entries = (await this.loader.committed(String(job.id))).filter((e) => e.taskId === taskId);
      if (entries.length > 0) {
        const committed = ledgerProgress(entries);
        this.finishOneShot(job, state.task.id, state.files, committed, null);
        this.taskEnded(startedAt, 'succeeded', committed);
        return;
      }
    } else {
      state.files = spec.source === null ? [] : await this.loader.listFiles(spec.source, { signal });
      state.task = this.store.findRunningTask(job.id) ?? { id: this.store.insertTask(job.id, state.files, this.clock.now()) } as Task;
    }
    const { task, files } = state;
    const totals = { totalFiles: files.length, totalBytes: files.reduce((n, f) => n + f.size, 0) };
    this.store.updateProgress(job.id, { ...totals, ...progressOf(ZERO) }, this.clock.now());
    let lastWrite = 0;
    const result: LoadResult = await this.loader.load(
      this.request(job, spec, task.id, files, 'job', signal, (p) => {
        const now = this.clock.now();
        if (now - lastWrite < PROGRESS_WRITE_MS) return;
        lastWrite = now;
        this.store.updateProgress(job.id, { ...totals, ...progressOf(p) }, now);
      }),
    );
    this.store.updateProgress(job.id, { ...totals, ...progressOf(result) }, this.clock.now());
    this.finishOneShot(job, task.id, files, result, result.firstError);
    this.taskEnded(startedAt, 'succeeded', result);
  }

  private finishOneShot(job: Job, taskId: number, files: readonly FileRef[], result: LoadProgress, firstError: string | null): void {
    const now = this.clock.now();
    this.store.finishTask(job.id, taskId, { state: 'SUCCESS', progress: result, errorMsg: null, firstError, committedFiles: files, accumulate: false, keepTasks: this.limits.maxStreamingTaskShowCount }, now);
    this.store.updateProgress(job.id, { totalFiles: files.length, totalBytes: files.reduce((n, f) => n + f.size, 0), ...progressOf(result) }, now);
    this.transition(job.id, 'FINISHED', now, { finishedAt: now });
  }

  private endTask(jobId: number, taskId: number, state: 'FAILED' | 'CANCELED', message: string, progress: LoadProgress | null): void {
    try {
      this.store.finishTask(
        jobId,
        taskId,
        { state, progress: progress ?? ZERO, errorMsg: message, firstError: null, committedFiles: [], accumulate: false, keepTasks: this.limits.maxStreamingTaskShowCount },
        this.clock.now(),
      );
    } catch (e) {
      this.logger?.warn({ jobId, taskId, err: messageOf(e) }, 'ending task failed');
    }
  }

  // --- streaming jobs (Doris CREATE JOB ... ON STREAMING) ----------------------------------------

  private startStreaming(id: number, now: number): void {
    const job = this.store.findJob(id);
    if (job === null) return;
    if (job.state === 'PENDING') {
      try {
        this.transition(id, 'RUNNING', now, job.startedAt === null ? { startedAt: now } : {}, { from: ['PENDING'] });
      } catch {
        return;
      }
    } else if (job.state !== 'RUNNING') {
      return;
    }
    this.track(id, true, null, (controller) => this.runStreamingRound(job, controller));
  }

  /** One round: finish an interrupted batch, or list new files after CurrentOffset and load one batch. */
  private async runStreamingRound(job: Job, controller: AbortController): Promise<void> {
    const signal = controller.signal;
    const startedAt = this.clock.now();
    const disarm = this.deadline(job, controller);
    const settings = streamingSettings(job, this.limits);
    let task: Task | null = this.store.findRunningTask(job.id);
    let next = this.clock.now() + settings.intervalMs;
    try {
      const spec = jobSpec(job.statement, job.properties);
      if (spec.source === null) throw new SqlError('ER_NOT_SUPPORTED_YET', 'A streaming job reads from S3(...)');
      let files: readonly FileRef[];
      if (task !== null) {
        files = task.files;
        const entries = (await this.loader.committed(String(job.id))).filter((e) => e.taskId === String(task?.id));
        // Finished files only: a large file may have committed some of its parts before the restart.
        const done = new Set(entries.filter((e) => e.done).map((e) => e.file));
        if (files.every((f) => done.has(f.key) || done.has(f.uri))) {
          const committed = ledgerProgress(entries);
          this.commitBatch(job.id, task.id, files, committed, null);
          this.taskEnded(startedAt, 'succeeded', committed);
          next = this.clock.now();
          return;
        }
      } else {
        files = await this.loader.listFiles(spec.source, {
          ...(job.currentOffset === null ? {} : { startAfter: job.currentOffset }),
          maxFiles: settings.maxFiles,
          maxBytes: settings.maxBytes,
          signal,
        });
        if (files.length === 0) return; // idle: poll again after max_interval
        const last = files[files.length - 1];
        if (last !== undefined) this.store.updateEndOffset(job.id, last.key, this.clock.now());
        task = { id: this.store.insertTask(job.id, files, this.clock.now()) } as Task;
      }
      const result = await this.loader.load(this.request(job, spec, task.id, files, 'batch', signal, () => undefined));
      this.commitBatch(job.id, task.id, files, result, result.firstError);
      this.taskEnded(startedAt, 'succeeded', result);
      next = this.clock.now(); // there may be more: list again at once
    } catch (e) {
      const reason = abortReasonOf(signal);
      if (reason === 'shutdown' || reason === 'drop') return;
      const message = failureMessage(e, reason, job);
      if (task !== null) {
        this.endTask(job.id, task.id, reason === 'pause' ? 'CANCELED' : 'FAILED', message, null);
        this.taskEnded(startedAt, reason === 'pause' ? 'cancelled' : 'failed', null);
      }
      if (reason === 'pause') return;
      // A failed task pauses the job; it resumes by itself with exponential backoff.
      const now = this.clock.now();
      const failures = job.failureCount + 1;
      const at = now + Math.min(this.limits.autoResumeMaxMs, this.limits.autoResumeBaseMs * 2 ** (failures - 1));
      try {
        this.transition(job.id, 'PAUSED', now, { errorMsg: message, failureCount: failures, resumeAt: at, pausedByUser: false }, { from: ['RUNNING'] });
        this.resumeAt.set(job.id, at);
      } catch {
        // paused or dropped meanwhile
      }
      this.logger?.warn({ jobId: job.id, err: message, resumeInMs: at - now }, 'streaming task failed; job paused');
      next = Infinity;
    } finally {
      disarm();
      const current = this.store.findJob(job.id);
      if (current !== null && current.state === 'RUNNING' && next !== Infinity) this.pollAt.set(job.id, next);
    }
  }

  private commitBatch(jobId: number, taskId: number, files: readonly FileRef[], result: LoadProgress, firstError: string | null): void {
    this.store.finishTask(
      jobId,
      taskId,
      { state: 'SUCCESS', progress: result, errorMsg: null, firstError, committedFiles: files, accumulate: true, keepTasks: this.limits.maxStreamingTaskShowCount },
      this.clock.now(),
    );
    this.store.resetFailures(jobId);
  }
}

function progressOf(p: LoadProgress): Omit<JobProgress, 'totalFiles' | 'totalBytes'> {
  return { filesDone: p.filesDone, bytesDone: p.bytesRead, rowsScanned: p.rowsScanned, rowsLoaded: p.rowsLoaded, rowsFiltered: p.rowsFiltered };
}

/** What the ledger says a task committed, for a task finished before a restart. */
function ledgerProgress(entries: readonly LedgerEntry[]): LoadProgress {
  const rows = entries.reduce((n, e) => n + e.rows, 0);
  return { filesDone: new Set(entries.map((e) => e.file)).size, bytesRead: 0, rowsScanned: rows, rowsLoaded: rows, rowsFiltered: 0 };
}

function failureMessage(e: unknown, reason: AbortReason | null, job: Job): string {
  switch (reason) {
    case 'timeout':
      return `Load timeout: the job ran longer than its timeout of ${job.timeoutSeconds} s`;
    case 'cancel':
      return 'cancelled by user';
    case 'pause':
      return 'cancelled by PAUSE JOB';
    case 'drop':
      return 'cancelled by DROP JOB';
    case 'shutdown':
      return 'interrupted by shutdown';
    case null:
      return isSqlError(e) ? e.message : messageOf(e);
  }
}
