// Messages between the decode worker and the thread that owns it.

import { SqlError, type ErrorCode } from '../protocol/sql-error.js';
import { SourceError, type ObjectInfo } from '../sources/source.js';
import type { BatchData } from './batch-transfer.js';
import type { DecodeOptions, FormatSpec } from './decode.js';
import type { SourceRequest } from './worker-sources.js';

/** Everything a worker needs to read one object on its own: plain data only. */
export interface WorkerDecodeRequest extends SourceRequest {
  readonly object: ObjectInfo;
  readonly spec: FormatSpec;
  readonly options?: Omit<DecodeOptions, 'signal'>;
}

export type WorkerRequest =
  | { readonly type: 'start'; readonly id: number; readonly request: WorkerDecodeRequest; readonly credits: number }
  | { readonly type: 'credit'; readonly id: number; readonly n: number }
  | { readonly type: 'cancel'; readonly id: number }
  /** Get ready to read from this location (a load is about to start). */
  | { readonly type: 'warm'; readonly source: SourceRequest };

export interface SerializedError {
  readonly message: string;
  readonly code?: ErrorCode;
  readonly uri?: string;
  readonly transient?: boolean;
}

export type WorkerReply =
  | { readonly type: 'ready' }
  | { readonly type: 'batch'; readonly id: number; readonly data: BatchData }
  | { readonly type: 'done'; readonly id: number }
  | { readonly type: 'error'; readonly id: number; readonly error: SerializedError };

export function serializeError(e: unknown): SerializedError {
  if (e instanceof SourceError) return { message: e.message, code: e.code, uri: e.uri, transient: e.transient };
  if (e instanceof SqlError) return { message: e.message, code: e.code };
  return { message: e instanceof Error ? e.message : String(e) };
}

export function deserializeError(s: SerializedError): Error {
  if (s.code && s.uri !== undefined) return new SourceError(s.code, s.message, { uri: s.uri, transient: s.transient ?? false });
  if (s.code) return new SqlError(s.code, s.message);
  return new Error(s.message);
}
