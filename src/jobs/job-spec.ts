// What a job statement asks the loader to do: its source, mapping, mode and options, derived from
// the stored (unredacted) statement each time a task starts, so ALTER JOB takes effect on the next batch.

import { availableParallelism } from 'node:os';
import type { Mapping, SourceSpec } from '../load/contract.js';
import { parseByteSize } from '../sql/index.js';
import type { JobInsert, Property, S3Select } from '../sql/ast.js';
import type { Job, JobKind, JobStatement } from './model.js';
import type { JobLimits } from './limits.js';

export interface JobSpec {
  readonly database: string | null;
  readonly table: string;
  readonly mode: 'append' | 'overwrite';
  readonly source: SourceSpec | null;
  readonly mapping: Mapping;
  readonly requireEmptyTarget: boolean;
  readonly maxFilterRatio: number;
  readonly threads: number;
  readonly maxWriteSpeed: number | null;
  readonly checksum: 'required' | 'optional' | 'off';
}

/** IMPORT INTO's THREAD when the statement has none: TiDB's default, half the CPU cores, at least 1. */
export function defaultImportThreads(): number {
  return Math.max(1, Math.floor(availableParallelism() / 2));
}

export function jobKindOf(statement: JobStatement): JobKind {
  switch (statement.kind) {
    case 'submitJob':
      return 'submit';
    case 'createJob':
      return 'streaming';
    case 'importInto':
      return 'import';
  }
}

function propertyRecord(props: readonly Property[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of props) out[p.key.toLowerCase()] = p.value;
  return out;
}

function s3Format(format: string | undefined): SourceSpec['format'] {
  const f = (format ?? 'csv').toLowerCase();
  if (f === 'json' || f === 'jsonl') return 'json';
  if (f === 'parquet') return 'parquet';
  return 'csv';
}

function s3Source(q: S3Select): SourceSpec {
  const properties = propertyRecord(q.properties);
  return { uri: properties.uri ?? '', properties, format: s3Format(properties.format), importOptions: [] };
}

function insertMapping(insert: JobInsert): { source: SourceSpec | null; mapping: Mapping } {
  const q = insert.query;
  if (q.kind === 's3Select') return { source: s3Source(q), mapping: { kind: 'select', columns: insert.columns, items: q.items, where: q.where } };
  return { source: null, mapping: { kind: 'query', columns: insert.columns, sql: q.sql } };
}

function jobProperty(props: readonly Property[], key: string): string | undefined {
  return props.find((p) => p.key.toLowerCase() === key)?.value;
}

export function jobSpec(statement: JobStatement, properties: readonly Property[]): JobSpec {
  switch (statement.kind) {
    case 'submitJob':
    case 'createJob': {
      const { source, mapping } = insertMapping(statement.insert);
      const ratio = Number(jobProperty(properties, 'session.insert_max_filter_ratio') ?? 0);
      return {
        database: statement.insert.table.schema,
        table: statement.insert.table.name,
        mode: statement.insert.mode === 'overwrite' ? 'overwrite' : 'append',
        source,
        mapping,
        requireEmptyTarget: false,
        maxFilterRatio: Number.isFinite(ratio) ? Math.min(1, Math.max(0, ratio)) : 0,
        threads: 1,
        maxWriteSpeed: null,
        checksum: 'off',
      };
    }
    case 'importInto': {
      const option = (name: string): string | number | true | undefined => statement.options.find((o) => o.name === name)?.value;
      const thread = option('THREAD');
      const speed = option('MAX_WRITE_SPEED');
      const checksum = String(option('CHECKSUM_TABLE') ?? 'required').toLowerCase();
      return {
        database: statement.table.schema,
        table: statement.table.name,
        mode: 'append',
        source: { uri: statement.location, properties: {}, format: statement.format ?? 'csv', importOptions: statement.options },
        mapping: { kind: 'import', columns: statement.columns, set: statement.set },
        requireEmptyTarget: true,
        maxFilterRatio: 0,
        threads: typeof thread === 'number' ? thread : defaultImportThreads(),
        maxWriteSpeed: typeof speed === 'string' ? parseByteSize(speed) : null,
        checksum: checksum === 'off' || checksum === 'false' ? 'off' : checksum === 'optional' ? 'optional' : 'required',
      };
    }
  }
}

export function isDetached(statement: JobStatement): boolean {
  return statement.kind === 'importInto' && statement.options.some((o) => o.name === 'DETACHED');
}

/** Streaming batch bounds and idle interval from the job's PROPERTIES. */
export function streamingSettings(job: Pick<Job, 'properties'>, limits: JobLimits): { maxFiles: number; maxBytes: number; intervalMs: number } {
  const files = Number(jobProperty(job.properties, 's3.max_batch_files'));
  const bytes = parseByteSize(jobProperty(job.properties, 's3.max_batch_bytes') ?? '');
  const interval = Number.parseInt(jobProperty(job.properties, 'max_interval') ?? '', 10);
  return {
    maxFiles: Number.isInteger(files) && files > 0 ? files : limits.defaultMaxBatchFiles,
    maxBytes: bytes !== null && bytes > 0 ? bytes : limits.defaultMaxBatchBytes,
    intervalMs: (Number.isInteger(interval) && interval > 0 ? interval : limits.defaultMaxIntervalSecond) * 1000,
  };
}

/** A job's timeout: session.insert_timeout / session.query_timeout when given, bounded by the limits. */
export function timeoutSeconds(properties: readonly Property[], limits: JobLimits): number {
  const given = Number(jobProperty(properties, 'session.insert_timeout') ?? jobProperty(properties, 'session.query_timeout') ?? limits.defaultLoadTimeoutSecond);
  const t = Number.isFinite(given) && given > 0 ? Math.floor(given) : limits.defaultLoadTimeoutSecond;
  return Math.min(limits.maxLoadTimeoutSecond, Math.max(limits.minLoadTimeoutSecond, t));
}
