// The catalog inside each database file: one row per table holding its TableDef as JSON, written
// in the same transaction as the DDL it describes, so the file alone says what its tables are in
// MySQL terms (types, defaults, comments, key names SQLite does not keep).

import type Database from 'better-sqlite3';
import type { TableDef } from '../target.js';
import { quoteIdent } from './sql-text.js';

export const CATALOG_TABLE = '__loadwire_catalog';

/** What is stored: the TableDef without its database (the file is the database). */
type StoredDef = Omit<TableDef, 'database'>;

function table(schema: string): string {
  return `${quoteIdent(schema)}.${quoteIdent(CATALOG_TABLE)}`;
}

export function ensureCatalog(db: Database.Database, schema: string): void {
  db.exec(`CREATE TABLE IF NOT EXISTS ${table(schema)} (name TEXT PRIMARY KEY COLLATE NOCASE, definition TEXT NOT NULL) STRICT`);
}

export function readCatalog(db: Database.Database, schema: string, database: string): TableDef[] {
  const rows = db.prepare(`SELECT definition FROM ${table(schema)} ORDER BY name`).all() as { definition: string }[];
  return rows.map((r) => ({ ...(JSON.parse(r.definition) as StoredDef), database }));
}

export function writeCatalogEntry(db: Database.Database, schema: string, def: TableDef, previousName?: string): void {
  if (previousName !== undefined && previousName.toLowerCase() !== def.name.toLowerCase()) deleteCatalogEntry(db, schema, previousName);
  const { database: _database, ...stored } = def;
  db.prepare(`INSERT INTO ${table(schema)} (name, definition) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET name = excluded.name, definition = excluded.definition`).run(def.name, JSON.stringify(stored));
}

export function deleteCatalogEntry(db: Database.Database, schema: string, name: string): void {
  db.prepare(`DELETE FROM ${table(schema)} WHERE name = ?`).run(name);
}
