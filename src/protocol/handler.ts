// The protocol's one interface to the rest of the daemon: SQL text (or a prepared statement) in, a
// typed result out. Nothing here knows about jobs, targets or parsing; protocol/ could be published
// on its own.

/** MySQL column types (enum_field_types in mysql_com.h). */
export const ColumnType = {
  DECIMAL: 0x00,
  TINY: 0x01,
  SHORT: 0x02,
  LONG: 0x03,
  FLOAT: 0x04,
  DOUBLE: 0x05,
  NULL: 0x06,
  TIMESTAMP: 0x07,
  LONGLONG: 0x08,
  INT24: 0x09,
  DATE: 0x0a,
  TIME: 0x0b,
  DATETIME: 0x0c,
  YEAR: 0x0d,
  VARCHAR: 0x0f,
  BIT: 0x10,
  JSON: 0xf5,
  NEWDECIMAL: 0xf6,
  ENUM: 0xf7,
  SET: 0xf8,
  TINY_BLOB: 0xf9,
  MEDIUM_BLOB: 0xfa,
  LONG_BLOB: 0xfb,
  BLOB: 0xfc,
  VAR_STRING: 0xfd,
  STRING: 0xfe,
  GEOMETRY: 0xff,
} as const;
export type ColumnTypeCode = (typeof ColumnType)[keyof typeof ColumnType];

/** Column definition flags (mysql_com.h). */
export const ColumnFlag = {
  NOT_NULL: 1,
  PRI_KEY: 2,
  UNIQUE_KEY: 4,
  MULTIPLE_KEY: 8,
  BLOB: 16,
  UNSIGNED: 32,
  ZEROFILL: 64,
  BINARY: 128,
  ENUM: 256,
  AUTO_INCREMENT: 512,
  TIMESTAMP: 1024,
  SET: 2048,
  NO_DEFAULT_VALUE: 4096,
  ON_UPDATE_NOW: 8192,
  NUM: 32768,
} as const;

/** Character set / collation ids used in column definitions. */
export const Charset = {
  utf8mb4_general_ci: 45,
  utf8mb3_general_ci: 33,
  binary: 63,
} as const;

export interface Column {
  name: string;
  type: ColumnTypeCode;
  /** Defaults: orgName = name, table/orgTable/schema = ''. */
  orgName?: string;
  table?: string;
  orgTable?: string;
  schema?: string;
  flags?: number;
  /** Defaults to utf8mb4 for string types, binary for everything else. */
  charset?: number;
  /** Maximum display length in bytes; a sensible default is derived from the type. */
  length?: number;
  decimals?: number;
}

/**
 * A value in a row. Strings are sent as they are (DATE/DATETIME/TIME/DECIMAL as their canonical
 * MySQL text, e.g. '2024-01-31 12:00:00'); the binary protocol converts by the column's type.
 */
export type Value = string | number | bigint | boolean | Buffer | Date | null;
export type Row = readonly Value[];

export interface OkResult {
  kind: 'ok';
  affectedRows?: number | bigint;
  insertId?: number | bigint;
  warnings?: number;
  info?: string;
}

export interface RowsResult {
  kind: 'rows';
  columns: readonly Column[];
  rows: Iterable<Row> | AsyncIterable<Row>;
  warnings?: number;
  /**
   * True when this same result object, with `rows` an array, will be answered again (a constant
   * SELECT's memoized result): the connection then keeps its encoding instead of encoding it on
   * every answer.
   */
  reused?: boolean;
}

export type QueryResult = OkResult | RowsResult;

export type MaybePromise<T> = T | Promise<T>;

export function isPromise<T>(v: MaybePromise<T>): v is Promise<T> {
  return v instanceof Promise;
}

export interface PreparedStatementInfo {
  paramCount: number;
  /** Columns of the result, when known at prepare time (may be empty). */
  columns: readonly Column[];
}

/** What the connection tells the session about itself; the session reads it for USER(), KILL, ... */
export interface ConnectionInfo {
  readonly id: number;
  readonly user: string;
  readonly host: string;
  readonly database: string | null;
  readonly clientAttributes: ReadonlyMap<string, string>;
  readonly tls: boolean;
  readonly clientCapabilities: number;
}

export interface SessionStatus {
  autocommit: boolean;
  inTransaction: boolean;
}

/** One per connection, created after authentication succeeds. */
export interface Session {
  /**
   * The statements of a COM_QUERY text, each to be run with `run` and answered with one result:
   * the whole text, unless the client negotiated CLIENT_MULTI_STATEMENTS and it holds several.
   * Throws (ER_EMPTY_QUERY, a syntax error) when there is nothing to run.
   */
  statements(sql: string, multiStatements: boolean): readonly string[];
  /**
   * Runs one statement. An answer known without I/O comes back as a value, not a promise, so the
   * connection can reply within the same turn of the event loop (the `SELECT 1` of every pool).
   * A failing statement ends a multi-statement text with an ERR packet, as in MySQL.
   */
  run(sql: string, signal: AbortSignal): MaybePromise<QueryResult>;
  prepare(sql: string): Promise<PreparedStatementInfo>;
  execute(sql: string, params: readonly Value[], signal: AbortSignal): MaybePromise<QueryResult>;
  initDb(database: string): Promise<void>;
  fieldList(table: string, wildcard: string): Promise<readonly Column[]>;
  status(): SessionStatus;
  /** Current database, for the process list and COM_CHANGE_USER. */
  database(): string | null;
  /** wait_timeout / interactive_timeout of this session, in seconds. */
  idleTimeoutSeconds(): number;
  /** COM_RESET_CONNECTION: back to the state right after login. */
  reset(): Promise<void>;
  close(): void;
}

export interface UserCredentials {
  /** The plugin this user authenticates with; a client starting with another is switched. */
  plugin: 'mysql_native_password' | 'caching_sha2_password';
  /** True for a user without a password (the client then sends an empty auth response). */
  emptyPassword: boolean;
  /** SHA1(SHA1(password)), for mysql_native_password. */
  nativeHash?: Buffer;
  /** SHA256(SHA256(password)), for the caching_sha2_password fast path. */
  sha2Hash?: Buffer;
}

export interface ProcessInfo {
  id: number;
  user: string;
  host: string;
  db: string | null;
  command: string;
  timeSeconds: number;
  state: string;
  info: string | null;
}

/** What the server offers the rest of the daemon: the process list and KILL. */
export interface ServerControl {
  processList(): ProcessInfo[];
  /** Returns false when no such connection exists. */
  kill(connectionId: number, mode: 'query' | 'connection'): boolean;
  /** Counters for SHOW STATUS: commands received and connections accepted since start. */
  counters(): { questions: number; connections: number };
}

export interface ServerHandler {
  lookupUser(user: string): UserCredentials | undefined;
  /** Called after authentication; throws SqlError to refuse (e.g. 1049 for an unknown database). */
  openSession(connection: ConnectionInfo, control: ServerControl): Promise<Session>;
}

/** The logging surface protocol/ needs; pino's Logger satisfies it. */
export interface ProtocolLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}
