// The statement of a job as the views show it: printed canonically with credentials redacted.

import { print, printJobInsert, redactUri } from '../../sql/index.js';
import type { Job } from '../model.js';

/** The INSERT (AnalyticDB definition, Doris ExecuteSql) or the IMPORT INTO statement. */
export function definitionOf(job: Pick<Job, 'statement'>): string {
  const s = job.statement;
  switch (s.kind) {
    case 'submitJob':
    case 'createJob':
      return printJobInsert(s.insert);
    case 'importInto':
      return print({ ...s, options: s.options.filter((o) => o.name !== 'DETACHED') });
  }
}

/** TiDB Data_Source: the location or S3 uri, redacted; the query of a table-to-table SUBMIT JOB. */
export function dataSourceOf(job: Pick<Job, 'statement'>): string {
  const s = job.statement;
  if (s.kind === 'importInto') return redactUri(s.location);
  const q = s.insert.query;
  if (q.kind === 'querySql') return definitionOf(job).replace(/^INSERT .*? (SELECT )/i, '$1');
  const uri = q.properties.find((p) => p.key.toLowerCase() === 'uri')?.value ?? '';
  return redactUri(uri);
}

export function targetTableOf(job: Pick<Job, 'database' | 'table'>): string {
  const q = (name: string): string => '`' + name.replace(/`/g, '``') + '`';
  return `${q(job.database)}.${q(job.table)}`;
}
