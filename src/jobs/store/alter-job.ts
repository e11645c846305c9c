// ALTER JOB: replaces a PAUSED job's properties, statement or offset; guarded on PAUSED.

import { JobTransitionError } from '../errors.js';
import type { JobStatement } from '../model.js';
import type { JobState } from '../states.js';
import { prepared, type StoreDb } from './database.js';

export interface JobAlteration {
  readonly statement: JobStatement;
  readonly properties: readonly { readonly key: string; readonly value: string }[];
  readonly currentOffset: string | null;
}

export function alterPausedJob(db: StoreDb, id: number, change: JobAlteration, now: number): void {
  const changes = prepared(
    db,
    "UPDATE jobs SET statement_json = ?, properties_json = ?, current_offset = ?, updated_at = ? WHERE id = ? AND state = 'PAUSED'",
  ).run(JSON.stringify(change.statement), JSON.stringify(change.properties), change.currentOffset, now, id).changes;
  if (changes === 1) return;
  const row = prepared(db, 'SELECT state FROM jobs WHERE id = ?').get(id) as { state: JobState } | undefined;
  throw new JobTransitionError(id, 'PAUSED', row?.state ?? null);
}
