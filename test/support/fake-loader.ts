// An in-memory Loader for the engine's tests and bench: a listing of file keys per source URI
// prefix, loads that take as long as the test says (or fail), and a ledger like the target's.

import type { FileRef, LedgerEntry, LoadRequest, LoadResult, Loader, SourceSpec } from '../../src/load/contract.js';
import { SqlError } from '../../src/protocol/sql-error.js';

export interface FakeLoadCall {
  readonly request: LoadRequest;
  /** Lets a held load finish (or fail with `error`). */
  release(error?: Error): void;
}

export class FakeLoader implements Loader {
  /** Files by key; every source sees all of them (tests use one source per loader). */
  readonly files = new Map<string, number>();
  readonly ledger: LedgerEntry[] = [];
  readonly calls: FakeLoadCall[] = [];
  readonly discarded: string[] = [];
  /** When true, loads wait for release(); else they finish at once. */
  hold = false;
  /** Fails the next loads with this error (consumed once per load). */
  failNext: Error[] = [];
  rowsPerFile = 10;
  listCalls = 0;

  addFiles(...keys: string[]): void {
    for (const k of keys) this.files.set(k, 100);
  }

  listFiles(_source: SourceSpec, options: { startAfter?: string; maxFiles?: number; maxBytes?: number; signal: AbortSignal }): Promise<FileRef[]> {
    this.listCalls++;
    const keys = [...this.files.keys()].sort().filter((k) => options.startAfter === undefined || k > options.startAfter);
    const out: FileRef[] = [];
    let bytes = 0;
    for (const key of keys) {
      const size = this.files.get(key) ?? 0;
      if (options.maxFiles !== undefined && out.length >= options.maxFiles) break;
      if (options.maxBytes !== undefined && out.length > 0 && bytes + size > options.maxBytes) break;
      out.push({ uri: `s3://bucket/${key}`, key, size, etag: null });
      bytes += size;
    }
    return Promise.resolve(out);
  }

  load(request: LoadRequest): Promise<LoadResult> {
    const rows = request.files.length * this.rowsPerFile;
    const result: LoadResult = {
      filesDone: request.files.length,
      bytesRead: request.files.reduce((n, f) => n + f.size, 0),
      rowsScanned: rows,
      rowsLoaded: rows,
      rowsFiltered: 0,
      firstError: null,
    };
    const commit = (): LoadResult => {
      for (const f of request.files) this.ledger.push({ jobId: request.jobId, taskId: request.taskId, file: f.key, etag: null, rows: this.rowsPerFile, committedAt: '', done: true });
      return result;
    };
    const failure = this.failNext.shift();
    return new Promise<LoadResult>((resolve, reject) => {
      const onAbort = (): void => reject(new SqlError('ER_QUERY_INTERRUPTED', 'Query execution was interrupted'));
      if (request.signal.aborted) return onAbort();
      request.signal.addEventListener('abort', onAbort, { once: true });
      const finish = (error?: Error): void => {
        request.signal.removeEventListener('abort', onAbort);
        const e = error ?? failure;
        if (e !== undefined) reject(e);
        else resolve(commit());
      };
      request.onProgress({ filesDone: 0, bytesRead: 0, rowsScanned: 0, rowsLoaded: 0, rowsFiltered: 0 });
      this.calls.push({ request, release: finish });
      if (!this.hold) queueMicrotask(() => finish());
    });
  }

  committed(jobId: string): Promise<LedgerEntry[]> {
    return Promise.resolve(this.ledger.filter((e) => e.jobId === jobId));
  }

  /** Discards that fail (the target unreachable) before they succeed again. */
  failDiscards = 0;

  discard(jobId: string): Promise<void> {
    if (this.failDiscards > 0) {
      this.failDiscards--;
      return Promise.reject(new SqlError('ER_NET_READ_ERROR', 'Target t:3306 is not reachable: ECONNREFUSED'));
    }
    this.discarded.push(jobId);
    return Promise.resolve();
  }
}
