// The session's JobStatements port: every job statement of every dialect, answered from the one
// job record in that dialect's vocabulary and with its error wording.

import type { QueryResult } from '../protocol/handler.js';
import { ER, SqlError } from '../protocol/sql-error.js';
import type { ImportOptionName, JobInsert, Property, S3Select, Statement, StatementOf, TableFunctionArg } from '../sql/ast.js';
import { filterShowRows, rowsResult } from '../session/results.js';
import type { JobStatements, SessionContext } from '../session/session.js';
import type { JobEngine } from './engine.js';
import { JobTransitionError, dorisError } from './errors.js';
import { isDetached, jobKindOf, timeoutSeconds } from './job-spec.js';
import { canSee, type Job, type JobStatement, type Requester } from './model.js';
import { adbStatus, tidbStatus, type JobState } from './states.js';
import { adbView } from './views/adb-view.js';
import { dorisJobsView, dorisTasksView } from './views/doris-view.js';
import { adbJobId, dateTime, parseAdbJobId } from './views/format.js';
import { TIDB_COLUMNS, tidbView } from './views/tidb-view.js';
import { filterView, queryView, viewResult, type View, type ViewColumn } from './views/view-query.js';

/** WITH options of IMPORT INTO that are validated (parser) but have no effect here, and why. */
const IMPORT_OPTIONS_WITHOUT_EFFECT: Partial<Record<ImportOptionName, string>> = {
  SPLIT_FILE: 'each file is read start to end by one lane',
  DISK_QUOTA: 'loadwire does not sort data on local disk',
  DISABLE_TIKV_IMPORT_MODE: 'there is no TiKV import mode outside TiDB',
  CLOUD_STORAGE_URI: 'loadwire does not use global sort',
  DISABLE_PRECHECK: 'the target table must still be empty',
  RECORD_ERRORS: 'every error row is kept (SHOW JOB ERRORS)',
  __MAX_ENGINE_SIZE: 'a TiDB Lightning tuning option',
  __FORCE_MERGE_STEP: 'a TiDB Lightning tuning option',
};

const DEFAULT_PRIORITY = 1;

const ERROR_ROW_COLUMNS: readonly ViewColumn[] = [
  { name: 'File', type: 'text' },
  { name: 'Line', type: 'int' },
  { name: 'Reason', type: 'text' },
  { name: 'Raw_Text', type: 'text' },
  { name: 'Task_ID', type: 'int' },
];

function requester(session: SessionContext): Requester {
  return { user: session.user, admin: session.admin };
}

function databaseOf(schema: string | null, session: SessionContext): string {
  const db = schema ?? session.database;
  if (db === null || db === '') throw new SqlError('ER_NO_DB_ERROR', 'No database selected');
  return db;
}

function withDatabase<I extends JobInsert>(insert: I, database: string): I {
  return { ...insert, table: { schema: database, name: insert.table.name } };
}

function stateOf(e: unknown): JobState | null | undefined {
  return e instanceof JobTransitionError ? e.current : undefined;
}

export class EngineJobStatements implements JobStatements {
  constructor(private readonly engine: JobEngine) {}

  async execute(s: Statement, session: SessionContext, signal: AbortSignal): Promise<QueryResult> {
    switch (s.kind) {
      case 'submitJob':
        return this.submitJob(s, session);
      case 'showJobStatus':
        return this.showJobStatus(s, session);
      case 'cancelJob':
        return this.cancelJob(s, session);
      case 'showJobErrors':
        return this.showJobErrors(s, session);
      case 'createJob':
        return this.createJob(s, session);
      case 'createSyncJob':
        throw dorisError(
          'ER_NOT_SUPPORTED_YET',
          `database-level sync jobs (CREATE JOB ${s.name} ON STREAMING FROM ${s.source} ... TO DATABASE ${s.targetDatabase}) are not supported yet; use a table-level job: CREATE JOB ... DO INSERT INTO t SELECT ... FROM S3(...)`,
        );
      case 'pauseJob':
        return this.pauseJob(s, session);
      case 'resumeJob':
        return this.resumeJob(s, session);
      case 'dropJob':
        return this.dropJob(s, session);
      case 'alterJob':
        return this.alterJob(s, session);
      case 'jobsQuery':
        return this.jobsQuery(s, session);
      case 'importInto':
        return this.importInto(s, session, signal);
      case 'showImportJobs':
        return this.showImportJobs(s, session);
      case 'showImportJob':
        return viewResult(tidbView([this.importJob(s.jobId, session)]));
      case 'cancelImportJob':
        return this.cancelImportJob(s, session);
      default:
        throw new SqlError('ER_NOT_SUPPORTED_YET', `${s.kind} is not a job statement`);
    }
  }

  // --- AnalyticDB ------------------------------------------------------------------------------

  private submitJob(s: StatementOf<'submitJob'>, session: SessionContext): QueryResult {
    const database = databaseOf(s.insert.table.schema, session);
    const statement: JobStatement = { ...s, insert: withDatabase(s.insert, database) };
    const job = this.engine.submit({
      kind: 'submit',
      name: s.alias,
      label: s.label,
      database,
      table: s.insert.table.name,
      priority: s.priority ?? DEFAULT_PRIORITY,
      definer: session.user,
      statement,
      properties: [],
      comment: null,
      timeoutSeconds: timeoutSeconds([], this.engine.limits),
    });
    return rowsResult([{ name: 'job_id', type: 0xfd, length: 148 }], [[adbJobId(job.id, job.createdAt)]]);
  }

  private showJobStatus(s: StatementOf<'showJobStatus'>, session: SessionContext): QueryResult {
    const who = requester(session);
    let jobs: Job[];
    if (s.filter === null) {
      jobs = this.engine.store.listJobs(who.admin ? null : who.user);
    } else if (s.filter.field === 'job_id') {
      const id = parseAdbJobId(s.filter.value);
      const job = id === null ? null : this.engine.store.findJob(id);
      jobs = job !== null && adbJobId(job.id, job.createdAt) === s.filter.value && canSee(job, who) ? [job] : [];
    } else {
      const job = this.engine.store.findJobByName(s.filter.value);
      jobs = job !== null && canSee(job, who) ? [job] : [];
    }
    return viewResult(adbView(jobs.map((job) => ({ job, latest: this.engine.store.latestTask(job.id) }))));
  }

  private async cancelJob(s: StatementOf<'cancelJob'>, session: SessionContext): Promise<QueryResult> {
    const id = parseAdbJobId(s.jobId);
    const found = id === null ? null : this.engine.store.findJob(id);
    const job = found !== null && adbJobId(found.id, found.createdAt) === s.jobId && canSee(found, requester(session)) ? found : null;
    if (job === null) throw new SqlError('ER_JOB_NOT_FOUND', `Job ${s.jobId} does not exist`);
    try {
      await this.engine.cancel(job);
    } catch (e) {
      const current = stateOf(e);
      if (current === undefined) throw e;
      throw new SqlError('ER_JOB_INVALID_STATE', `Cannot cancel job ${s.jobId}: its status is ${current === null ? 'unknown' : adbStatus(current)}`);
    }
    return { kind: 'ok', affectedRows: 1 };
  }

  // --- error rows (loadwire's own; every view's result_url / TrackingUrl points here) ------------

  /** Any id a view shows: the AnalyticDB job_id, or the job number (Doris Id, TiDB Job_ID). */
  private anyIdJob(text: string, session: SessionContext): Job {
    let job: Job | null = null;
    const adb = parseAdbJobId(text);
    if (adb !== null) {
      const found = this.engine.store.findJob(adb);
      if (found !== null && adbJobId(found.id, found.createdAt) === text) job = found;
    }
    if (job === null && /^\d{1,15}$/.test(text)) job = this.engine.store.findJob(Number(text));
    if (job === null || !canSee(job, requester(session))) throw new SqlError('ER_JOB_NOT_FOUND', `Job ${text} does not exist`);
    return job;
  }

  private showJobErrors(s: StatementOf<'showJobErrors'>, session: SessionContext): QueryResult {
    const job = this.anyIdJob(s.jobId, session);
    const rows = this.engine.store.listErrorRows(job.id, s.limit ?? this.engine.limits.maxErrorRowsPerJob);
    return viewResult({
      columns: ERROR_ROW_COLUMNS,
      rows: rows.map((r) => [r.file, BigInt(r.line), r.reason, r.raw, BigInt(r.taskId)]),
    });
  }

  // --- Doris -----------------------------------------------------------------------------------

  private createJob(s: StatementOf<'createJob'>, session: SessionContext): QueryResult {
    if (s.insert.mode === 'overwrite') throw dorisError('ER_NOT_SUPPORTED_YET', 'a streaming job only supports INSERT INTO');
    const database = databaseOf(s.insert.table.schema, session);
    this.engine.submit({
      kind: 'streaming',
      name: s.name,
      label: s.label,
      database,
      table: s.insert.table.name,
      priority: DEFAULT_PRIORITY,
      definer: session.user,
      statement: { ...s, insert: withDatabase(s.insert, database) },
      properties: s.properties,
      comment: s.comment,
      timeoutSeconds: timeoutSeconds(s.properties, this.engine.limits),
    });
    return { kind: 'ok' };
  }

  /** The named job, if the requester may see it; Doris' error otherwise. */
  private namedJob(name: string, session: SessionContext): Job {
    const job = this.engine.store.findJobByName(name);
    if (job === null || !canSee(job, requester(session))) throw dorisError('ER_JOB_NOT_FOUND', `job not exist, jobName:${name}`);
    return job;
  }

  private async pauseJob(s: StatementOf<'pauseJob'>, session: SessionContext): Promise<QueryResult> {
    const job = this.namedJob(s.name, session);
    if (job.kind !== 'streaming') throw dorisError('ER_JOB_INVALID_STATE', `Only STREAMING jobs can be paused; job ${s.name} is ONE_TIME`);
    if (job.state === 'PAUSED' && job.pausedByUser) throw dorisError('ER_JOB_INVALID_STATE', `Can't pause job ${s.name}, it is already PAUSED`);
    try {
      await this.engine.pause(job);
    } catch (e) {
      const current = stateOf(e);
      if (current === undefined) throw e;
      throw dorisError('ER_JOB_INVALID_STATE', `Can't pause job ${s.name}, its status is ${current ?? 'unknown'}`);
    }
    return { kind: 'ok' };
  }

  private resumeJob(s: StatementOf<'resumeJob'>, session: SessionContext): QueryResult {
    const job = this.namedJob(s.name, session);
    try {
      this.engine.resume(job);
    } catch (e) {
      const current = stateOf(e);
      if (current === undefined) throw e;
      throw dorisError('ER_JOB_INVALID_STATE', `Can't resume job ${s.name}, its status is ${current ?? 'unknown'}; only a PAUSED job can be resumed`);
    }
    return { kind: 'ok' };
  }

  private async dropJob(s: StatementOf<'dropJob'>, session: SessionContext): Promise<QueryResult> {
    const job = this.engine.store.findJobByName(s.name);
    if (job === null || !canSee(job, requester(session))) {
      if (s.ifExists) return { kind: 'ok' };
      throw dorisError('ER_JOB_NOT_FOUND', `job not exist, jobName:${s.name}`);
    }
    await this.engine.drop(job);
    return { kind: 'ok' };
  }

  private alterJob(s: StatementOf<'alterJob'>, session: SessionContext): QueryResult {
    const job = this.namedJob(s.name, session);
    if (job.state !== 'PAUSED') throw dorisError('ER_JOB_INVALID_STATE', `Only PAUSED job can be altered, job ${s.name} is ${job.state}`);
    if (job.statement.kind !== 'createJob') throw dorisError('ER_JOB_INVALID_STATE', `Only STREAMING jobs can be altered; job ${s.name} is ONE_TIME`);
    let insert: JobInsert<S3Select> = job.statement.insert;
    if (s.insert !== null) {
      const database = databaseOf(s.insert.table.schema, session);
      if (database !== job.database || s.insert.table.name !== job.table) {
        throw dorisError('ER_WRONG_ARGUMENTS', `The target table of job ${s.name} cannot be changed (${job.database}.${job.table})`);
      }
      if (s.insert.mode === 'overwrite') throw dorisError('ER_NOT_SUPPORTED_YET', 'a streaming job only supports INSERT INTO');
      insert = withDatabase(s.insert, database);
    }
    // `offset` moves CurrentOffset ('{"fileName":"k"}' as Doris shows it, or the key itself).
    let currentOffset = job.currentOffset;
    const properties: Property[] = [...job.properties];
    for (const p of s.properties) {
      if (p.key.toLowerCase() === 'offset') {
        currentOffset = parseOffset(p.value);
        continue;
      }
      const i = properties.findIndex((q) => q.key.toLowerCase() === p.key.toLowerCase());
      if (i >= 0) properties[i] = p;
      else properties.push(p);
    }
    const statement: JobStatement = { ...job.statement, insert, properties, label: s.label ?? job.statement.label };
    try {
      this.engine.store.alterPausedJob(job.id, { statement, properties, currentOffset }, this.engine.now());
    } catch (e) {
      const current = stateOf(e);
      if (current === undefined) throw e;
      throw dorisError('ER_JOB_INVALID_STATE', `Only PAUSED job can be altered, job ${s.name} is ${current ?? 'unknown'}`);
    }
    return { kind: 'ok' };
  }

  private jobsQuery(s: StatementOf<'jobsQuery'>, session: SessionContext): QueryResult {
    checkInsertType(s.args);
    const who = requester(session);
    const jobs = this.engine.store.listJobs(who.admin ? null : who.user);
    let view: View;
    if (s.table === 'jobs') {
      view = dorisJobsView(jobs);
    } else {
      const byId = new Map(jobs.map((j) => [j.id, j]));
      const tasks = this.engine.store.listTasks(null).flatMap((task) => {
        const job = byId.get(task.jobId);
        return job === undefined ? [] : [{ task, job }];
      });
      view = dorisTasksView(tasks);
    }
    return queryView(view, s);
  }

  // --- TiDB ------------------------------------------------------------------------------------

  private async importInto(s: StatementOf<'importInto'>, session: SessionContext, signal: AbortSignal): Promise<QueryResult> {
    if (session.inTransaction) throw new SqlError('ER_LOAD_DATA_PRECHECK_FAILED', 'PreCheck failed: cannot run IMPORT INTO in explicit transaction');
    // TiDB's options that loadwire validates but cannot honour are reported, never silently dropped.
    for (const o of s.options) {
      const why = IMPORT_OPTIONS_WITHOUT_EFFECT[o.name];
      if (why) session.warn(ER.ER_NOT_SUPPORTED_YET.errno, `IMPORT INTO option ${o.name} is accepted but has no effect in loadwire: ${why}`);
    }
    const thread = s.options.find((o) => o.name === 'THREAD')?.value;
    const database = databaseOf(s.table.schema, session);
    // Asked of the target only when THREAD asks for more than one lane: the table may allow fewer.
    const limit = typeof thread === 'number' && thread > 1 ? await this.engine.threadLimitFor(database, s.table.name) : undefined;
    if (typeof thread === 'number' && limit !== undefined && thread > limit.max) {
      session.warn(ER.ER_UNKNOWN_ERROR.errno, `THREAD=${thread} is lowered to ${limit.max}: ${limit.why}`, 'Note');
    }
    const statement: JobStatement = { ...s, table: { schema: database, name: s.table.name } };
    const job = this.engine.submit({
      kind: jobKindOf(statement),
      name: null,
      label: s.label,
      database,
      table: s.table.name,
      priority: DEFAULT_PRIORITY,
      definer: session.user,
      statement,
      properties: [],
      comment: null,
      timeoutSeconds: timeoutSeconds([], this.engine.limits),
    });
    if (isDetached(statement)) return viewResult(tidbView([job]));
    const ended = await this.engine.waitForEnd(job.id, signal);
    if (ended === null) throw new SqlError('ER_QUERY_INTERRUPTED', `Query execution was interrupted: import job ${job.id} was dropped`);
    switch (ended.state) {
      case 'FINISHED':
        return viewResult(tidbView([ended]));
      case 'CANCELLED':
        throw new SqlError('ER_QUERY_INTERRUPTED', `Query execution was interrupted: import job ${job.id} was cancelled`);
      default:
        // The cause's own errno and SQLSTATE (1146, 1054, 1292, 8173 ...); 1105 only when it had none.
        if (ended.errorCode !== null) {
          const pointer = ended.errorRowCount > 0 && !(ended.errorMsg ?? '').includes('SHOW JOB ERRORS') ? `; see SHOW JOB ERRORS '${ended.id}'` : '';
          throw SqlError.fromServer(ended.errorCode.errno, ended.errorCode.sqlState, `${ended.errorMsg ?? ''}${pointer}`);
        }
        if (ended.errorMsg?.startsWith('PreCheck failed') === true) throw new SqlError('ER_LOAD_DATA_PRECHECK_FAILED', ended.errorMsg);
        throw new SqlError('ER_UNKNOWN_ERROR', `Import job ${job.id} failed: ${ended.errorMsg ?? tidbStatus(ended.state)}`);
    }
  }

  private showImportJobs(s: StatementOf<'showImportJobs'>, session: SessionContext): QueryResult {
    const who = requester(session);
    const view = tidbView(this.engine.store.listJobs(who.admin ? null : who.user));
    if (s.filter === null) return viewResult(view);
    if (s.filter.kind === 'where') return viewResult(filterView(view, s.filter.expr));
    const rows = filterShowRows(
      TIDB_COLUMNS.map((c) => c.name),
      view.rows,
      s.filter,
      { userVariable: () => null, systemVariable: () => null, sessionFunction: () => undefined, now: () => dateTime(Date.now()) },
    );
    return viewResult({ columns: view.columns, rows });
  }

  private importJob(id: number, session: SessionContext): Job {
    const job = this.engine.store.findJob(id);
    if (job === null || !canSee(job, requester(session))) throw new SqlError('ER_LOAD_DATA_JOB_NOT_FOUND', `Job ID ${id} doesn't exist`);
    return job;
  }

  private async cancelImportJob(s: StatementOf<'cancelImportJob'>, session: SessionContext): Promise<QueryResult> {
    const job = this.importJob(s.jobId, session);
    try {
      await this.engine.cancel(job);
    } catch (e) {
      const current = stateOf(e);
      if (current === undefined) throw e;
      throw new SqlError(
        'ER_LOAD_DATA_INVALID_OPERATION',
        `The current job status cannot perform the operation. need status pending or running, but got ${current === null ? 'unknown' : tidbStatus(current)}`,
      );
    }
    return { kind: 'ok' };
  }
}

function checkInsertType(args: readonly TableFunctionArg[]): void {
  const type = args.find((a) => a.name === null || a.name.toLowerCase() === 'type');
  if (type === undefined) throw dorisError('ER_WRONG_ARGUMENTS', 'Missing required argument: type');
  if (type.value.toLowerCase() !== 'insert') throw dorisError('ER_WRONG_ARGUMENTS', `Unsupported job type: ${type.value}; only "insert" is supported`);
}

function parseOffset(value: string): string {
  try {
    const parsed = JSON.parse(value) as unknown;
    if (typeof parsed === 'object' && parsed !== null && typeof (parsed as { fileName?: unknown }).fileName === 'string') return (parsed as { fileName: string }).fileName;
  } catch {
    // not JSON: the key itself
  }
  return value;
}
