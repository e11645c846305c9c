// The typed AST of loadwire's SQL front end. Every node is plain data with a `kind` discriminant,
// no positions and no parent links, so two parses of equivalent text deep-equal each other and the
// printer can round-trip them. Closed sets are `as const` objects; switches over them end in a
// `never` check (see assertNever).

export function assertNever(value: never, what = 'value'): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(value)}`);
}

// ---------------------------------------------------------------------------------------------
// Names

export interface TableName {
  readonly schema: string | null;
  readonly name: string;
}

// ---------------------------------------------------------------------------------------------
// Expressions

export const BinaryOp = {
  OR: 'OR',
  XOR: 'XOR',
  AND: 'AND',
  EQ: '=',
  NULL_SAFE_EQ: '<=>',
  NE: '<>',
  LT: '<',
  LE: '<=',
  GT: '>',
  GE: '>=',
  BIT_OR: '|',
  BIT_AND: '&',
  SHIFT_LEFT: '<<',
  SHIFT_RIGHT: '>>',
  PLUS: '+',
  MINUS: '-',
  MULTIPLY: '*',
  DIVIDE: '/',
  INT_DIVIDE: 'DIV',
  MOD: 'MOD',
  BIT_XOR: '^',
} as const;
export type BinaryOp = (typeof BinaryOp)[keyof typeof BinaryOp];

export const UnaryOp = {
  MINUS: '-',
  PLUS: '+',
  BIT_NOT: '~',
  /** `!`: logical not with high precedence (as opposed to the keyword NOT). */
  BANG: '!',
  NOT: 'NOT',
  BINARY: 'BINARY',
} as const;
export type UnaryOp = (typeof UnaryOp)[keyof typeof UnaryOp];

export const IsValue = { NULL: 'NULL', TRUE: 'TRUE', FALSE: 'FALSE', UNKNOWN: 'UNKNOWN' } as const;
export type IsValue = (typeof IsValue)[keyof typeof IsValue];

export const IntervalUnit = {
  MICROSECOND: 'MICROSECOND',
  SECOND: 'SECOND',
  MINUTE: 'MINUTE',
  HOUR: 'HOUR',
  DAY: 'DAY',
  WEEK: 'WEEK',
  MONTH: 'MONTH',
  QUARTER: 'QUARTER',
  YEAR: 'YEAR',
  SECOND_MICROSECOND: 'SECOND_MICROSECOND',
  MINUTE_MICROSECOND: 'MINUTE_MICROSECOND',
  MINUTE_SECOND: 'MINUTE_SECOND',
  HOUR_MICROSECOND: 'HOUR_MICROSECOND',
  HOUR_SECOND: 'HOUR_SECOND',
  HOUR_MINUTE: 'HOUR_MINUTE',
  DAY_MICROSECOND: 'DAY_MICROSECOND',
  DAY_SECOND: 'DAY_SECOND',
  DAY_MINUTE: 'DAY_MINUTE',
  DAY_HOUR: 'DAY_HOUR',
  YEAR_MONTH: 'YEAR_MONTH',
} as const;
export type IntervalUnit = (typeof IntervalUnit)[keyof typeof IntervalUnit];

export const CastTypeName = {
  BINARY: 'BINARY',
  CHAR: 'CHAR',
  NCHAR: 'NCHAR',
  DATE: 'DATE',
  DATETIME: 'DATETIME',
  TIME: 'TIME',
  YEAR: 'YEAR',
  DECIMAL: 'DECIMAL',
  SIGNED: 'SIGNED',
  UNSIGNED: 'UNSIGNED',
  JSON: 'JSON',
  DOUBLE: 'DOUBLE',
  FLOAT: 'FLOAT',
  REAL: 'REAL',
} as const;
export type CastTypeName = (typeof CastTypeName)[keyof typeof CastTypeName];

export interface CastType {
  readonly name: CastTypeName;
  readonly length: number | null;
  readonly scale: number | null;
  readonly charset: string | null;
}

export const TrimMode = { BOTH: 'BOTH', LEADING: 'LEADING', TRAILING: 'TRAILING' } as const;
export type TrimMode = (typeof TrimMode)[keyof typeof TrimMode];

export const TemporalType = { DATE: 'DATE', TIME: 'TIME', TIMESTAMP: 'TIMESTAMP' } as const;
export type TemporalType = (typeof TemporalType)[keyof typeof TemporalType];

/** `@@global.x` / `@@session.x` in expressions; `null` when written `@@x` (session, else global). */
export type ExprVariableScope = 'global' | 'session' | null;

export type Expr =
  | { readonly kind: 'string'; readonly value: string; readonly charset: string | null }
  | { readonly kind: 'number'; readonly value: string }
  | { readonly kind: 'hex'; readonly value: string }
  | { readonly kind: 'bits'; readonly value: string }
  | { readonly kind: 'null' }
  | { readonly kind: 'boolean'; readonly value: boolean }
  | { readonly kind: 'temporal'; readonly type: TemporalType; readonly value: string }
  | { readonly kind: 'column'; readonly schema: string | null; readonly table: string | null; readonly name: string }
  | { readonly kind: 'star'; readonly schema: string | null; readonly table: string | null }
  | { readonly kind: 'userVariable'; readonly name: string }
  | { readonly kind: 'systemVariable'; readonly scope: ExprVariableScope; readonly name: string }
  | { readonly kind: 'param'; readonly index: number }
  | { readonly kind: 'default' }
  | { readonly kind: 'unary'; readonly op: UnaryOp; readonly operand: Expr }
  | { readonly kind: 'binary'; readonly op: BinaryOp; readonly left: Expr; readonly right: Expr }
  | { readonly kind: 'is'; readonly expr: Expr; readonly not: boolean; readonly value: IsValue }
  | { readonly kind: 'in'; readonly expr: Expr; readonly not: boolean; readonly list: readonly Expr[] }
  | { readonly kind: 'between'; readonly expr: Expr; readonly not: boolean; readonly low: Expr; readonly high: Expr }
  | { readonly kind: 'like'; readonly expr: Expr; readonly not: boolean; readonly pattern: Expr; readonly escape: Expr | null }
  | { readonly kind: 'regexp'; readonly expr: Expr; readonly not: boolean; readonly pattern: Expr }
  | {
      readonly kind: 'case';
      readonly operand: Expr | null;
      readonly whens: readonly { readonly when: Expr; readonly then: Expr }[];
      readonly else: Expr | null;
    }
  | { readonly kind: 'cast'; readonly expr: Expr; readonly type: CastType }
  | { readonly kind: 'convertUsing'; readonly expr: Expr; readonly charset: string }
  | { readonly kind: 'collate'; readonly expr: Expr; readonly collation: string }
  | { readonly kind: 'interval'; readonly value: Expr; readonly unit: IntervalUnit }
  | { readonly kind: 'extract'; readonly unit: IntervalUnit; readonly expr: Expr }
  | { readonly kind: 'trim'; readonly mode: TrimMode | null; readonly remove: Expr | null; readonly expr: Expr }
  | {
      readonly kind: 'function';
      readonly schema: string | null;
      /** Upper-cased: function names are case-insensitive. */
      readonly name: string;
      readonly distinct: boolean;
      readonly args: readonly Expr[];
    }
  | { readonly kind: 'row'; readonly items: readonly Expr[] };

export type ExprKind = Expr['kind'];
export type ExprOf<K extends ExprKind> = Extract<Expr, { kind: K }>;

// ---------------------------------------------------------------------------------------------
// SELECT pieces

export interface SelectItem {
  readonly expr: Expr;
  readonly alias: string | null;
}

export interface OrderItem {
  readonly expr: Expr;
  readonly direction: 'ASC' | 'DESC' | null;
}

export interface Limit {
  readonly count: number;
  readonly offset: number | null;
}

/** `LIKE 'pattern'` or `WHERE expr` after a SHOW statement. */
export type ShowFilter =
  | { readonly kind: 'like'; readonly pattern: string }
  | { readonly kind: 'where'; readonly expr: Expr };

// ---------------------------------------------------------------------------------------------
// Job statement pieces

/** A `"key" = "value"` pair of PROPERTIES (...), S3(...) and similar lists, in written order. */
export interface Property {
  readonly key: string;
  readonly value: string;
}

/** `SELECT <list> FROM S3(...) [WHERE ...]`: the file source of a load job. */
export interface S3Select {
  readonly kind: 's3Select';
  readonly items: readonly SelectItem[];
  readonly properties: readonly Property[];
  readonly alias: string | null;
  readonly where: Expr | null;
}

/** Any other query of SUBMIT JOB, run on the target; normalised token text, comments dropped. */
export interface QuerySql {
  readonly kind: 'querySql';
  readonly sql: string;
}

export type JobQuery = S3Select | QuerySql;

export interface JobInsert<Q extends JobQuery = JobQuery> {
  readonly mode: 'into' | 'overwrite';
  readonly table: TableName;
  readonly columns: readonly string[] | null;
  readonly query: Q;
}

export const ImportOptionName = {
  CHARACTER_SET: 'CHARACTER_SET',
  FIELDS_TERMINATED_BY: 'FIELDS_TERMINATED_BY',
  FIELDS_ENCLOSED_BY: 'FIELDS_ENCLOSED_BY',
  FIELDS_ESCAPED_BY: 'FIELDS_ESCAPED_BY',
  FIELDS_DEFINED_NULL_BY: 'FIELDS_DEFINED_NULL_BY',
  LINES_TERMINATED_BY: 'LINES_TERMINATED_BY',
  SKIP_ROWS: 'SKIP_ROWS',
  SPLIT_FILE: 'SPLIT_FILE',
  DISK_QUOTA: 'DISK_QUOTA',
  THREAD: 'THREAD',
  MAX_WRITE_SPEED: 'MAX_WRITE_SPEED',
  CHECKSUM_TABLE: 'CHECKSUM_TABLE',
  RECORD_ERRORS: 'RECORD_ERRORS',
  DETACHED: 'DETACHED',
  DISABLE_TIKV_IMPORT_MODE: 'DISABLE_TIKV_IMPORT_MODE',
  CLOUD_STORAGE_URI: 'CLOUD_STORAGE_URI',
  DISABLE_PRECHECK: 'DISABLE_PRECHECK',
  MAX_ENGINE_SIZE: '__MAX_ENGINE_SIZE',
  FORCE_MERGE_STEP: '__FORCE_MERGE_STEP',
} as const;
export type ImportOptionName = (typeof ImportOptionName)[keyof typeof ImportOptionName];

/** A validated WITH option: `true` for flags, a number for integer options, else the string. */
export interface ImportOption {
  readonly name: ImportOptionName;
  readonly value: string | number | true;
}

export type ImportColumn =
  | { readonly kind: 'column'; readonly name: string }
  | { readonly kind: 'userVariable'; readonly name: string };

export interface ColumnAssignment {
  readonly column: string;
  readonly value: Expr;
}

export const ImportFormat = { CSV: 'csv', SQL: 'sql', PARQUET: 'parquet' } as const;
export type ImportFormat = (typeof ImportFormat)[keyof typeof ImportFormat];

/** An argument of jobs(...) / tasks(...): `type=insert`, `"type"="insert"` or positional `"insert"`. */
export interface TableFunctionArg {
  readonly name: string | null;
  readonly value: string;
}

// ---------------------------------------------------------------------------------------------
// Session statement pieces

export type VariableScope = 'session' | 'global' | 'persist' | 'persistOnly';

export type SetAssignment =
  | { readonly kind: 'userVariable'; readonly name: string; readonly value: Expr }
  | { readonly kind: 'systemVariable'; readonly scope: VariableScope; readonly name: string; readonly value: Expr }
  /** SET NAMES cs [COLLATE c]; charset null = SET NAMES DEFAULT. */
  | { readonly kind: 'names'; readonly charset: string | null; readonly collation: string | null }
  /** SET CHARACTER SET cs / SET CHARSET cs; charset null = DEFAULT. */
  | { readonly kind: 'characterSet'; readonly charset: string | null };

export const IsolationLevel = {
  READ_UNCOMMITTED: 'READ UNCOMMITTED',
  READ_COMMITTED: 'READ COMMITTED',
  REPEATABLE_READ: 'REPEATABLE READ',
  SERIALIZABLE: 'SERIALIZABLE',
} as const;
export type IsolationLevel = (typeof IsolationLevel)[keyof typeof IsolationLevel];

export type AccessMode = 'readOnly' | 'readWrite';

export type GrantUser = { readonly user: string; readonly host: string | null };

// ---------------------------------------------------------------------------------------------
// Statements

export type Statement =
  // --- AnalyticDB
  | {
      readonly kind: 'submitJob';
      readonly alias: string | null;
      /** From the `/*+async_job_priority=n*\/` hint; null when absent (default 1). */
      readonly priority: number | null;
      readonly label: string | null;
      readonly insert: JobInsert;
    }
  | {
      readonly kind: 'showJobStatus';
      readonly filter: { readonly field: 'job_id' | 'job_name'; readonly value: string } | null;
    }
  | { readonly kind: 'cancelJob'; readonly jobId: string }
  /** loadwire's own: the error rows of any job, by any id a view shows (ADB job_id, Doris Id, TiDB Job_ID). */
  | { readonly kind: 'showJobErrors'; readonly jobId: string; readonly limit: number | null }
  // --- Doris
  | {
      readonly kind: 'createJob';
      readonly name: string;
      readonly properties: readonly Property[];
      readonly comment: string | null;
      readonly label: string | null;
      readonly insert: JobInsert<S3Select>;
    }
  | {
      readonly kind: 'createSyncJob';
      readonly name: string;
      readonly properties: readonly Property[];
      readonly comment: string | null;
      readonly label: string | null;
      readonly source: 'MYSQL' | 'POSTGRES';
      readonly sourceProperties: readonly Property[];
      readonly targetDatabase: string;
      readonly targetProperties: readonly Property[];
    }
  | { readonly kind: 'pauseJob'; readonly name: string }
  | { readonly kind: 'resumeJob'; readonly name: string }
  | { readonly kind: 'dropJob'; readonly name: string; readonly ifExists: boolean }
  | {
      readonly kind: 'alterJob';
      readonly name: string;
      readonly properties: readonly Property[];
      readonly label: string | null;
      readonly insert: JobInsert<S3Select> | null;
    }
  | {
      readonly kind: 'jobsQuery';
      /** `job(...)`/`task(...)`, as spelled in some Doris docs, are read as jobs/tasks. */
      readonly table: 'jobs' | 'tasks';
      readonly args: readonly TableFunctionArg[];
      readonly alias: string | null;
      readonly distinct: boolean;
      readonly items: readonly SelectItem[];
      readonly where: Expr | null;
      /** GROUP BY expressions; empty when there is no GROUP BY. */
      readonly groupBy: readonly Expr[];
      readonly orderBy: readonly OrderItem[];
      readonly limit: Limit | null;
    }
  // --- TiDB
  | {
      readonly kind: 'importInto';
      readonly table: TableName;
      readonly columns: readonly ImportColumn[] | null;
      readonly set: readonly ColumnAssignment[];
      readonly location: string;
      readonly format: ImportFormat | null;
      readonly options: readonly ImportOption[];
      readonly label: string | null;
    }
  | { readonly kind: 'showImportJobs'; readonly filter: ShowFilter | null }
  | { readonly kind: 'showImportJob'; readonly jobId: number }
  | { readonly kind: 'cancelImportJob'; readonly jobId: number }
  // --- session
  | { readonly kind: 'set'; readonly assignments: readonly SetAssignment[] }
  | {
      readonly kind: 'setTransaction';
      /** 'next' = the next transaction only (no GLOBAL/SESSION keyword). */
      readonly scope: 'next' | 'session' | 'global';
      readonly isolationLevel: IsolationLevel | null;
      readonly accessMode: AccessMode | null;
    }
  | { readonly kind: 'use'; readonly database: string }
  | { readonly kind: 'showVariables'; readonly scope: 'session' | 'global'; readonly filter: ShowFilter | null }
  | { readonly kind: 'showStatus'; readonly scope: 'session' | 'global'; readonly filter: ShowFilter | null }
  | { readonly kind: 'showWarnings'; readonly which: 'warnings' | 'errors'; readonly limit: Limit | null }
  | { readonly kind: 'showWarningCount'; readonly which: 'warnings' | 'errors' }
  | { readonly kind: 'showDatabases'; readonly filter: ShowFilter | null }
  | { readonly kind: 'showCharset'; readonly filter: ShowFilter | null }
  | { readonly kind: 'showCollation'; readonly filter: ShowFilter | null }
  | { readonly kind: 'showEngines' }
  | { readonly kind: 'showProcesslist'; readonly full: boolean }
  | { readonly kind: 'showGrants'; readonly user: GrantUser | null }
  | { readonly kind: 'showCreateDatabase'; readonly database: string; readonly ifNotExists: boolean }
  | {
      readonly kind: 'startTransaction';
      readonly accessMode: AccessMode | null;
      readonly consistentSnapshot: boolean;
    }
  | { readonly kind: 'commit' }
  | { readonly kind: 'rollback' }
  | { readonly kind: 'kill'; readonly target: 'connection' | 'query'; readonly id: number }
  | {
      readonly kind: 'select';
      readonly distinct: boolean;
      readonly items: readonly SelectItem[];
      readonly where: Expr | null;
      readonly orderBy: readonly OrderItem[];
      readonly limit: Limit | null;
    }
  // --- catalog
  | { readonly kind: 'showTables'; readonly full: boolean; readonly database: string | null; readonly filter: ShowFilter | null }
  | { readonly kind: 'showColumns'; readonly full: boolean; readonly table: TableName; readonly filter: ShowFilter | null }
  | { readonly kind: 'showIndex'; readonly table: TableName; readonly where: Expr | null }
  | { readonly kind: 'showCreateTable'; readonly table: TableName }
  | { readonly kind: 'showTableStatus'; readonly database: string | null; readonly filter: ShowFilter | null }
  /** DESCRIBE t [col | 'pattern']: the column part is a LIKE pattern either way. */
  | { readonly kind: 'describe'; readonly table: TableName; readonly column: string | null }
  // --- everything else runs on the target as written
  | { readonly kind: 'passthrough'; readonly sql: string; readonly verb: string };

export type StatementKind = Statement['kind'];
export type StatementOf<K extends StatementKind> = Extract<Statement, { kind: K }>;

/** Statement kinds grouped by who answers them; the session routes on this. */
export const JOB_STATEMENT_KINDS = [
  'submitJob',
  'showJobStatus',
  'cancelJob',
  'showJobErrors',
  'createJob',
  'createSyncJob',
  'pauseJob',
  'resumeJob',
  'dropJob',
  'alterJob',
  'jobsQuery',
  'importInto',
  'showImportJobs',
  'showImportJob',
  'cancelImportJob',
] as const satisfies readonly StatementKind[];

export const CATALOG_STATEMENT_KINDS = [
  'showTables',
  'showColumns',
  'showIndex',
  'showCreateTable',
  'showTableStatus',
  'describe',
] as const satisfies readonly StatementKind[];
