// Builds LoadRequests for the load tests the way the job engine would, collecting what the loader
// reports (progress, error rows) so tests can assert on them.

import type { ErrorRow, FileRef, LoadProgress, LoadRequest, Mapping, SourceSpec } from '../../src/load/contract.js';
import { parseExpression } from '../../src/sql/parser.js';
import type { ImportColumn } from '../../src/sql/ast.js';

export interface Reports {
  progress: LoadProgress[];
  errors: ErrorRow[];
}

export function csvSource(uri: string, properties: Record<string, string> = {}): SourceSpec {
  return { uri, properties, format: 'csv', importOptions: [] };
}

/** IMPORT INTO t (a, @v, ...) SET c = expr, ...: items starting with '@' are variables. */
export function importMapping(columns: string[] | null, set: Record<string, string> = {}): Mapping {
  const cols: ImportColumn[] | null = columns?.map((c) => (c.startsWith('@') ? { kind: 'userVariable', name: c.slice(1) } : { kind: 'column', name: c })) ?? null;
  return { kind: 'import', columns: cols, set: Object.entries(set).map(([column, e]) => ({ column, value: parseExpression(e) })) };
}

/** INSERT INTO t (cols) SELECT items FROM S3(...) WHERE where. */
export function selectMapping(columns: string[] | null, items: string[], where: string | null = null): Mapping {
  return { kind: 'select', columns, items: items.map((i) => ({ expr: parseExpression(i), alias: null })), where: where === null ? null : parseExpression(where) };
}

export function request(
  base: { jobId: string; taskId?: string; database: string; table: string; source: SourceSpec | null; files: readonly FileRef[]; mapping: Mapping },
  overrides: Partial<LoadRequest> = {},
): { request: LoadRequest; reports: Reports } {
  const reports: Reports = { progress: [], errors: [] };
  const req: LoadRequest = {
    taskId: 't1',
    mode: 'append',
    atomicity: 'job',
    requireEmptyTarget: false,
    maxFilterRatio: 0,
    threads: 1,
    maxWriteSpeed: null,
    checksum: 'required',
    signal: new AbortController().signal,
    onProgress: (p) => reports.progress.push(p),
    onErrorRows: (rows) => reports.errors.push(...rows),
    ...base,
    ...overrides,
  };
  return { request: req, reports };
}
