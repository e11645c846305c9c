// Creates a job with its label in one transaction: the label is claimed (StarRocks: unique per
// database; a FAILED or CANCELLED job's label may be reused) and the name checked for uniqueness.

import type { JobKind, JobStatement } from '../model.js';
import type { JobState } from '../states.js';
import { JobNameExistsError, LabelInUseError } from '../errors.js';
import { prepared, type StoreDb } from './database.js';

export interface NewJob {
  readonly kind: JobKind;
  readonly name: string | null;
  /** null: one is generated (`label_<id>`). */
  readonly label: string | null;
  readonly database: string;
  readonly table: string;
  readonly priority: number;
  readonly definer: string;
  readonly statement: JobStatement;
  readonly properties: readonly { readonly key: string; readonly value: string }[];
  readonly comment: string | null;
  readonly timeoutSeconds: number;
  readonly now: number;
}

const REUSABLE: readonly JobState[] = ['FAILED', 'CANCELLED'];

export function insertJob(db: StoreDb, job: NewJob): number {
  return db.transaction((): number => {
    if (job.name !== null && prepared(db, 'SELECT 1 FROM jobs WHERE name = ?').get(job.name) !== undefined) {
      throw new JobNameExistsError(job.name);
    }
    if (job.label !== null) {
      const holder = prepared(db, 'SELECT j.state AS state FROM labels l JOIN jobs j ON j.id = l.job_id WHERE l.database_name = ? AND l.label = ?').get(job.database, job.label) as
        | { state: JobState }
        | undefined;
      if (holder !== undefined && !REUSABLE.includes(holder.state)) throw new LabelInUseError(job.label, job.database, holder.state);
    }
    prepared(db, 'INSERT OR IGNORE INTO table_ids (database_name, table_name) VALUES (?, ?)').run(job.database, job.table);
    const tableId = (prepared(db, 'SELECT id FROM table_ids WHERE database_name = ? AND table_name = ?').get(job.database, job.table) as { id: number }).id;
    const info = prepared(
      db,
      `INSERT INTO jobs (kind, name, label, database_name, table_name, table_id, state, priority, definer, statement_json,
                         properties_json, comment, created_at, updated_at, timeout_s)
       VALUES (?, ?, ?, ?, ?, ?, 'PENDING', ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      job.kind,
      job.name,
      job.label ?? '',
      job.database,
      job.table,
      tableId,
      job.priority,
      job.definer,
      JSON.stringify(job.statement),
      JSON.stringify(job.properties),
      job.comment,
      job.now,
      job.now,
      job.timeoutSeconds,
    );
    const id = Number(info.lastInsertRowid);
    let label = job.label;
    if (label === null) {
      label = `label_${id}`;
      prepared(db, 'UPDATE jobs SET label = ? WHERE id = ?').run(label, id);
    }
    prepared(db, 'INSERT OR REPLACE INTO labels (database_name, label, job_id) VALUES (?, ?, ?)').run(job.database, label, id);
    return id;
  })();
}
