// What every target offers the rest of the daemon: run a passthrough statement, describe its
// tables in MySQL terms, close. The embedded SQLite warehouse implements it now; a mysql2-based
// target will implement the same interface (its catalog read from the server's information_schema).
// The bulk writer (ledger, shadow tables) will add to this interface later.

import type { QueryResult, Value } from '../protocol/handler.js';

/** A column's DEFAULT clause as MySQL shows it; absent means no DEFAULT clause (NULL if nullable). */
export type ColumnDefault =
  /** A literal, kept as MySQL text ('0', 'abc', '2024-01-01 00:00:00'); printed quoted. */
  | { kind: 'literal'; value: string }
  /** CURRENT_TIMESTAMP[(fsp)] or an expression default, as MySQL text (printed unquoted). */
  | { kind: 'expression'; sql: string };

export interface ColumnDef {
  name: string;
  /** Declared type as MySQL 8 prints it: 'int', 'int unsigned', 'varchar(64)', 'decimal(12,2)', 'datetime(3)'. */
  type: string;
  nullable: boolean;
  default?: ColumnDefault;
  autoIncrement: boolean;
  /** ON UPDATE CURRENT_TIMESTAMP[(fsp)]. */
  onUpdateCurrentTimestamp: boolean;
  comment: string;
}

export interface IndexColumn {
  name: string;
  /** Prefix length, `KEY k (c(10))`. */
  length?: number;
  descending?: boolean;
}

export interface IndexDef {
  /** 'PRIMARY' for the primary key, as MySQL names it. */
  name: string;
  kind: 'primary' | 'unique' | 'index';
  columns: readonly IndexColumn[];
  comment: string;
}

export interface TableDef {
  database: string;
  name: string;
  columns: readonly ColumnDef[];
  /** Primary key first, then the others in creation order. */
  indexes: readonly IndexDef[];
  comment: string;
  /** 'BASE TABLE' for user tables; 'SYSTEM VIEW' for information_schema. */
  tableType: 'BASE TABLE' | 'SYSTEM VIEW';
  /** MySQL text, 'YYYY-MM-DD HH:MM:SS' in the daemon's time zone. */
  createTime: string;
}

/** Figures that change with the data; SHOW TABLE STATUS and SHOW CREATE TABLE need them. */
export interface TableStatus {
  rows: number;
  /** Next AUTO_INCREMENT value, or null when the table has no AUTO_INCREMENT column. */
  autoIncrement: bigint | null;
  dataLength: number;
  indexLength: number;
}

export interface ExecuteOptions {
  /** Current database of the session (USE / handshake), or null. */
  database: string | null;
  signal?: AbortSignal;
  /** Values for `?` placeholders, in order. */
  params?: readonly Value[];
  /** Session time_zone for NOW()/CURDATE()/...: 'SYSTEM' (default) or an offset such as '+00:00'. */
  timeZone?: string;
  /** For USER()/CURRENT_USER() and CONNECTION_ID() inside statements. */
  user?: string;
  connectionId?: number;
}

export interface Target {
  readonly kind: 'embedded' | 'mysql';
  /** Runs one statement that is not loadwire's own; errors are SqlError. */
  execute(sql: string, options: ExecuteOptions): Promise<QueryResult>;
  /** Database names, sorted, without information_schema. */
  databases(): Promise<readonly string[]>;
  /** Tables of a database, sorted by name; SqlError 1049 for an unknown database. */
  tables(database: string): Promise<readonly TableDef[]>;
  table(database: string, name: string): Promise<TableDef | undefined>;
  tableStatus(database: string, name: string): Promise<TableStatus | undefined>;
  close(): Promise<void>;
}
