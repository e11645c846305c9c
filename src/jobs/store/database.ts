// Opens the job store: its own SQLite file (WAL, so views read while the scheduler writes),
// migrated to the current schema. Prepared statements are cached per connection.

import Database from 'better-sqlite3';
import { applyMigrations } from './migrations.js';

export type StoreDb = Database.Database;

export function openStoreDb(path: string): StoreDb {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  // NORMAL is durable across process crashes in WAL mode; only an OS crash may lose the last commit.
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  applyMigrations(db);
  return db;
}

const cache = new WeakMap<StoreDb, Map<string, Database.Statement>>();

/** The prepared statement for `sql` on `db`, prepared once. */
export function prepared(db: StoreDb, sql: string): Database.Statement {
  let perDb = cache.get(db);
  if (perDb === undefined) {
    perDb = new Map();
    cache.set(db, perDb);
  }
  let stmt = perDb.get(sql);
  if (stmt === undefined) {
    stmt = db.prepare(sql);
    perDb.set(sql, stmt);
  }
  return stmt;
}
