// Numbered schema migrations of the job store. Each runs once, in a transaction with the bump of
// PRAGMA user_version, so a crash mid-migration leaves the previous schema intact.

import type Database from 'better-sqlite3';

export interface Migration {
  readonly version: number;
  readonly sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE table_ids (
        id            INTEGER PRIMARY KEY AUTOINCREMENT,
        database_name TEXT NOT NULL,
        table_name    TEXT NOT NULL,
        UNIQUE (database_name, table_name)
      );
      CREATE TABLE jobs (
        id               INTEGER PRIMARY KEY AUTOINCREMENT,
        kind             TEXT NOT NULL CHECK (kind IN ('submit', 'streaming', 'import')),
        name             TEXT UNIQUE,
        label            TEXT NOT NULL,
        database_name    TEXT NOT NULL,
        table_name       TEXT NOT NULL,
        table_id         INTEGER NOT NULL REFERENCES table_ids (id),
        state            TEXT NOT NULL,
        priority         INTEGER NOT NULL,
        definer          TEXT NOT NULL,
        statement_json   TEXT NOT NULL,
        properties_json  TEXT NOT NULL,
        comment          TEXT,
        created_at       INTEGER NOT NULL,
        updated_at       INTEGER NOT NULL,
        started_at       INTEGER,
        finished_at      INTEGER,
        timeout_s        INTEGER NOT NULL,
        paused_by_user   INTEGER NOT NULL DEFAULT 0,
        resume_at        INTEGER,
        failure_count    INTEGER NOT NULL DEFAULT 0,
        error_msg        TEXT,
        current_offset   TEXT,
        end_offset       TEXT,
        total_files      INTEGER,
        total_bytes      INTEGER,
        files_done       INTEGER NOT NULL DEFAULT 0,
        bytes_done       INTEGER NOT NULL DEFAULT 0,
        rows_scanned     INTEGER NOT NULL DEFAULT 0,
        rows_loaded      INTEGER NOT NULL DEFAULT 0,
        rows_filtered    INTEGER NOT NULL DEFAULT 0,
        succeeded_tasks  INTEGER NOT NULL DEFAULT 0,
        failed_tasks     INTEGER NOT NULL DEFAULT 0,
        cancelled_tasks  INTEGER NOT NULL DEFAULT 0,
        first_error      TEXT,
        error_row_count  INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX jobs_by_state ON jobs (state, priority DESC, id);
      CREATE INDEX jobs_by_finish ON jobs (finished_at) WHERE finished_at IS NOT NULL;
      CREATE TABLE labels (
        database_name TEXT NOT NULL,
        label         TEXT NOT NULL,
        job_id        INTEGER NOT NULL,
        PRIMARY KEY (database_name, label)
      );
      CREATE TABLE tasks (
        id              INTEGER PRIMARY KEY AUTOINCREMENT,
        job_id          INTEGER NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
        label           TEXT NOT NULL,
        state           TEXT NOT NULL,
        files_json      TEXT NOT NULL,
        start_file      TEXT,
        end_file        TEXT,
        created_at      INTEGER NOT NULL,
        started_at      INTEGER,
        finished_at     INTEGER,
        error_msg       TEXT,
        first_error     TEXT,
        files_done      INTEGER NOT NULL DEFAULT 0,
        bytes_done      INTEGER NOT NULL DEFAULT 0,
        rows_scanned    INTEGER NOT NULL DEFAULT 0,
        rows_loaded     INTEGER NOT NULL DEFAULT 0,
        rows_filtered   INTEGER NOT NULL DEFAULT 0,
        error_row_count INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX tasks_by_job ON tasks (job_id, id);
      CREATE TABLE job_files (
        job_id    INTEGER NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
        task_id   INTEGER NOT NULL,
        file_key  TEXT NOT NULL,
        uri       TEXT NOT NULL,
        size      INTEGER NOT NULL,
        etag      TEXT,
        loaded_at INTEGER NOT NULL,
        PRIMARY KEY (job_id, file_key)
      );
      CREATE TABLE error_rows (
        id      INTEGER PRIMARY KEY AUTOINCREMENT,
        job_id  INTEGER NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
        task_id INTEGER NOT NULL,
        file    TEXT NOT NULL,
        line    INTEGER NOT NULL,
        reason  TEXT NOT NULL,
        raw     TEXT NOT NULL
      );
      CREATE INDEX error_rows_by_job ON error_rows (job_id, task_id, id);
    `,
  },
  {
    // A failed job keeps the MySQL error number and SQLSTATE of its cause, so a blocking
    // IMPORT INTO answers 1146, 1054, 1292, ... rather than a generic 1105.
    version: 2,
    sql: `
      ALTER TABLE jobs ADD COLUMN error_errno INTEGER;
      ALTER TABLE jobs ADD COLUMN error_sqlstate TEXT;
    `,
  },
  {
    // Error rows are recorded before the rows around them commit, so a crash between the two
    // cannot lose them; the mark per file (every error row before next_line is recorded) keeps
    // the unit's re-run after such a crash from recording them twice.
    version: 3,
    sql: `
      CREATE TABLE error_row_marks (
        job_id    INTEGER NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
        file      TEXT NOT NULL,
        next_line INTEGER NOT NULL,
        PRIMARY KEY (job_id, file)
      );
    `,
  },
  {
    // A job that ended while its target could not be reached still has a shadow table (and
    // staged ledger entries) there: marked, and discarded by the sweep once the target answers.
    version: 4,
    sql: `
      ALTER TABLE jobs ADD COLUMN discard_pending INTEGER NOT NULL DEFAULT 0;
      CREATE INDEX jobs_discard_pending ON jobs (id) WHERE discard_pending = 1;
    `,
  },
];

export function applyMigrations(db: Database.Database, migrations: readonly Migration[] = MIGRATIONS): number {
  let current = db.pragma('user_version', { simple: true }) as number;
  for (const m of migrations) {
    if (m.version <= current) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    })();
    current = m.version;
  }
  return current;
}
