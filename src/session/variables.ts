// System variables as MySQL 8 has them: a catalog (scope, type, default), global values shared by
// the daemon, and per-session values. Drivers read and set a wide set of these on connect
// (clients.md §3, §9); each one they touch is here with MySQL's default, and SET validates
// values with MySQL's errors.

import { SqlError } from '../protocol/sql-error.js';
import { CHARSETS, COLLATIONS, defaultCollation } from './charsets.js';

export type VariableType =
  | { kind: 'bool' }
  | { kind: 'int'; min?: number; max?: number }
  | { kind: 'string' }
  | { kind: 'enum'; values: readonly string[] }
  | { kind: 'sqlMode' }
  | { kind: 'charset'; nullable?: boolean }
  | { kind: 'collation' }
  | { kind: 'timeZone' };

export type VariableScope = 'global' | 'session' | 'both';

export interface VariableDef {
  name: string;
  scope: VariableScope;
  type: VariableType;
  default: VarValue;
  readOnly?: boolean;
  /** Another name for the same value (tx_isolation → transaction_isolation). */
  aliasOf?: string;
}

/** Integers are numbers here, except sql_select_limit's default, which needs a bigint. */
export type VarValue = number | bigint | string | null;

/** `SET x = DEFAULT`: a marker distinct from every value, including the string 'DEFAULT'. */
export const DEFAULT_VALUE: unique symbol = Symbol('DEFAULT');
export type SetValue = VarValue | typeof DEFAULT_VALUE;

const SQL_MODES = [
  'REAL_AS_FLOAT', 'PIPES_AS_CONCAT', 'ANSI_QUOTES', 'IGNORE_SPACE', 'NOT_USED', 'ONLY_FULL_GROUP_BY',
  'NO_UNSIGNED_SUBTRACTION', 'NO_DIR_IN_CREATE', 'ANSI', 'NO_AUTO_VALUE_ON_ZERO', 'NO_BACKSLASH_ESCAPES',
  'STRICT_TRANS_TABLES', 'STRICT_ALL_TABLES', 'NO_ZERO_IN_DATE', 'NO_ZERO_DATE', 'ALLOW_INVALID_DATES',
  'ERROR_FOR_DIVISION_BY_ZERO', 'TRADITIONAL', 'HIGH_NOT_PRECEDENCE', 'NO_ENGINE_SUBSTITUTION',
  'PAD_CHAR_TO_FULL_LENGTH', 'TIME_TRUNCATE_FRACTIONAL', 'NO_FIELD_OPTIONS', 'NO_KEY_OPTIONS',
  'NO_TABLE_OPTIONS', 'MYSQL323', 'MYSQL40', 'DB2', 'MAXDB', 'MSSQL', 'ORACLE', 'POSTGRESQL',
  'NO_AUTO_CREATE_USER', 'EMPTY_STRING_IS_NULL', 'SIMULTANEOUS_ASSIGNMENT',
];

const ISOLATION = ['READ-UNCOMMITTED', 'READ-COMMITTED', 'REPEATABLE-READ', 'SERIALIZABLE'];
const BOOL = { kind: 'bool' } as const;
const INT = { kind: 'int' } as const;
const STR = { kind: 'string' } as const;

export interface VariableEnvironment {
  version: string;
  versionComment: string;
  port: number;
  hostname: string;
  dataDir: string;
  importDir: string;
  maxAllowedPacket: number;
  maxConnections: number;
  waitTimeout: number;
  tlsEnabled: boolean;
  requireSecureTransport: boolean;
  defaultAuthPlugin: string;
  systemTimeZone: string;
}

function catalog(env: VariableEnvironment): VariableDef[] {
  const d = (name: string, scope: VariableScope, type: VariableType, def: VarValue, extra: Partial<VariableDef> = {}): VariableDef => ({
    name, scope, type, default: def, ...extra,
  });
  return [
    d('auto_increment_increment', 'both', { kind: 'int', min: 1, max: 65535 }, 1),
    d('auto_increment_offset', 'both', { kind: 'int', min: 1, max: 65535 }, 1),
    d('autocommit', 'both', BOOL, 1),
    d('basedir', 'global', STR, '/', { readOnly: true }),
    d('big_tables', 'both', BOOL, 0),
    d('block_encryption_mode', 'both', STR, 'aes-128-ecb'),
    d('bulk_insert_buffer_size', 'both', INT, 8388608),
    d('character_set_client', 'both', { kind: 'charset' }, 'utf8mb4'),
    d('character_set_connection', 'both', { kind: 'charset' }, 'utf8mb4'),
    d('character_set_database', 'both', { kind: 'charset' }, 'utf8mb4'),
    d('character_set_filesystem', 'both', { kind: 'charset' }, 'binary'),
    d('character_set_results', 'both', { kind: 'charset', nullable: true }, 'utf8mb4'),
    d('character_set_server', 'both', { kind: 'charset' }, 'utf8mb4'),
    d('character_set_system', 'global', { kind: 'charset' }, 'utf8mb3', { readOnly: true }),
    d('collation_connection', 'both', { kind: 'collation' }, 'utf8mb4_general_ci'),
    d('collation_database', 'both', { kind: 'collation' }, 'utf8mb4_general_ci'),
    d('collation_server', 'both', { kind: 'collation' }, 'utf8mb4_general_ci'),
    d('completion_type', 'both', { kind: 'enum', values: ['NO_CHAIN', 'CHAIN', 'RELEASE'] }, 'NO_CHAIN'),
    d('connect_timeout', 'global', INT, 10),
    d('cte_max_recursion_depth', 'both', INT, 1000),
    d('datadir', 'global', STR, env.dataDir, { readOnly: true }),
    d('default_authentication_plugin', 'global', STR, env.defaultAuthPlugin, { readOnly: true }),
    d('default_storage_engine', 'both', STR, 'InnoDB'),
    d('default_tmp_storage_engine', 'both', STR, 'InnoDB'),
    d('default_week_format', 'both', { kind: 'int', min: 0, max: 7 }, 0),
    d('div_precision_increment', 'both', { kind: 'int', min: 0, max: 30 }, 4),
    d('error_count', 'session', INT, 0, { readOnly: true }),
    d('explicit_defaults_for_timestamp', 'both', BOOL, 1),
    d('foreign_key_checks', 'both', BOOL, 1),
    d('group_concat_max_len', 'both', { kind: 'int', min: 4 }, 1024),
    d('have_openssl', 'global', STR, env.tlsEnabled ? 'YES' : 'DISABLED', { readOnly: true }),
    d('have_ssl', 'global', STR, env.tlsEnabled ? 'YES' : 'DISABLED', { readOnly: true }),
    d('hostname', 'global', STR, env.hostname, { readOnly: true }),
    d('identity', 'session', INT, 0, { aliasOf: 'last_insert_id' }),
    d('init_connect', 'global', STR, ''),
    d('innodb_lock_wait_timeout', 'both', { kind: 'int', min: 1 }, 50),
    d('interactive_timeout', 'both', { kind: 'int', min: 1 }, env.waitTimeout),
    d('lc_messages', 'both', STR, 'en_US'),
    d('lc_time_names', 'both', STR, 'en_US'),
    d('last_insert_id', 'session', INT, 0),
    d('license', 'global', STR, 'Apache-2.0', { readOnly: true }),
    d('local_infile', 'global', BOOL, 0),
    d('lock_wait_timeout', 'both', { kind: 'int', min: 1 }, 31536000),
    d('long_query_time', 'both', INT, 10),
    d('lower_case_table_names', 'global', INT, 0, { readOnly: true }),
    d('max_allowed_packet', 'both', { kind: 'int', min: 1024, max: 1073741824 }, env.maxAllowedPacket),
    d('max_connections', 'global', { kind: 'int', min: 1 }, env.maxConnections),
    d('max_execution_time', 'both', INT, 0),
    d('max_prepared_stmt_count', 'global', INT, 16382, { readOnly: true }),
    d('max_user_connections', 'both', INT, 0),
    d('net_buffer_length', 'both', INT, 16384),
    d('net_read_timeout', 'both', INT, 30),
    d('net_write_timeout', 'both', INT, 60),
    d('performance_schema', 'global', BOOL, 0, { readOnly: true }),
    d('port', 'global', INT, env.port, { readOnly: true }),
    d('protocol_version', 'global', INT, 10, { readOnly: true }),
    d('query_cache_size', 'global', INT, 0),
    d('query_cache_type', 'both', { kind: 'enum', values: ['OFF', 'ON', 'DEMAND'] }, 'OFF'),
    d('require_secure_transport', 'global', BOOL, env.requireSecureTransport ? 1 : 0, { readOnly: true }),
    d('secure_file_priv', 'global', STR, env.importDir.endsWith('/') ? env.importDir : `${env.importDir}/`, { readOnly: true }),
    d('server_id', 'global', INT, 1),
    d('session_track_gtids', 'both', { kind: 'enum', values: ['OFF', 'OWN_GTID', 'ALL_GTIDS'] }, 'OFF'),
    d('session_track_schema', 'both', BOOL, 1),
    d('session_track_state_change', 'both', BOOL, 0),
    d('session_track_system_variables', 'both', STR, 'time_zone,autocommit,character_set_client,character_set_results,character_set_connection'),
    d('session_track_transaction_info', 'both', { kind: 'enum', values: ['OFF', 'STATE', 'CHARACTERISTICS'] }, 'OFF'),
    d('sql_auto_is_null', 'both', BOOL, 0),
    d('sql_big_selects', 'both', BOOL, 1),
    d('sql_buffer_result', 'both', BOOL, 0),
    d('sql_log_bin', 'session', BOOL, 1),
    d('sql_mode', 'both', { kind: 'sqlMode' }, 'ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'),
    d('sql_notes', 'both', BOOL, 1),
    d('sql_quote_show_create', 'both', BOOL, 1),
    d('sql_require_primary_key', 'both', BOOL, 0),
    d('sql_safe_updates', 'both', BOOL, 0),
    d('sql_select_limit', 'both', INT, 18446744073709551615n),
    d('sql_warnings', 'both', BOOL, 0),
    d('ssl_ca', 'global', STR, '', { readOnly: true }),
    d('ssl_cert', 'global', STR, env.tlsEnabled ? 'server-cert.pem' : '', { readOnly: true }),
    d('ssl_key', 'global', STR, env.tlsEnabled ? 'server-key.pem' : '', { readOnly: true }),
    d('system_time_zone', 'global', STR, env.systemTimeZone, { readOnly: true }),
    d('time_zone', 'both', { kind: 'timeZone' }, 'SYSTEM'),
    d('transaction_isolation', 'both', { kind: 'enum', values: ISOLATION }, 'REPEATABLE-READ'),
    d('transaction_read_only', 'both', BOOL, 0),
    d('tx_isolation', 'both', { kind: 'enum', values: ISOLATION }, 'REPEATABLE-READ', { aliasOf: 'transaction_isolation' }),
    d('tx_read_only', 'both', BOOL, 0, { aliasOf: 'transaction_read_only' }),
    d('unique_checks', 'both', BOOL, 1),
    d('version', 'global', STR, env.version, { readOnly: true }),
    d('version_comment', 'global', STR, env.versionComment, { readOnly: true }),
    d('version_compile_machine', 'global', STR, process.arch === 'x64' ? 'x86_64' : process.arch, { readOnly: true }),
    d('version_compile_os', 'global', STR, process.platform === 'linux' ? 'Linux' : process.platform, { readOnly: true }),
    d('wait_timeout', 'both', { kind: 'int', min: 1, max: 31536000 }, env.waitTimeout),
    d('warning_count', 'session', INT, 0, { readOnly: true }),
  ];
}

/** The catalog and the global values; one per daemon. */
export class GlobalVariables {
  readonly defs = new Map<string, VariableDef>();
  private readonly values = new Map<string, VarValue>();

  constructor(env: VariableEnvironment) {
    for (const def of catalog(env)) {
      this.defs.set(def.name, def);
      if (!def.aliasOf) this.values.set(def.name, def.default);
    }
  }

  def(name: string): VariableDef {
    const def = this.defs.get(name.toLowerCase());
    if (!def) throw new SqlError('ER_UNKNOWN_SYSTEM_VARIABLE', `Unknown system variable '${name}'`);
    return def;
  }

  /** The variable values are stored under (aliases resolve to their target). */
  canonical(def: VariableDef): VariableDef {
    return def.aliasOf ? this.def(def.aliasOf) : def;
  }

  get(name: string): VarValue {
    const def = this.canonical(this.def(name));
    if (def.scope === 'session') throw new SqlError('ER_INCORRECT_GLOBAL_LOCAL_VAR', `Variable '${name}' is a SESSION variable`);
    return this.values.get(def.name) ?? def.default;
  }

  /** Raw read without scope checks; sessions copy these when they start. */
  initialValue(name: string): VarValue {
    return this.values.get(name) ?? this.defs.get(name)?.default ?? null;
  }

  set(name: string, value: SetValue): void {
    const def = this.def(name);
    if (def.readOnly) throw new SqlError('ER_INCORRECT_GLOBAL_LOCAL_VAR', `Variable '${def.name}' is a read only variable`);
    if (def.scope === 'session') throw new SqlError('ER_LOCAL_VARIABLE', `Variable '${def.name}' is a SESSION variable and can't be used with SET GLOBAL`);
    const target = this.canonical(def);
    this.values.set(target.name, value === DEFAULT_VALUE ? target.default : normalize(target, value));
  }

  /** All variables visible at global scope, for SHOW GLOBAL VARIABLES. */
  entries(): [string, VarValue, VariableDef][] {
    const out: [string, VarValue, VariableDef][] = [];
    for (const def of this.defs.values()) {
      if (def.scope === 'session') continue;
      const canonical = this.canonical(def);
      out.push([def.name, this.values.get(canonical.name) ?? canonical.default, def]);
    }
    return out.sort((a, b) => (a[0] < b[0] ? -1 : 1));
  }
}

/** One connection's view: session values over the globals. */
export class SessionVariables {
  private readonly values = new Map<string, VarValue>();
  /** Bumped by every change, so readers may keep what they derived from the values. */
  version = 0;

  constructor(readonly globals: GlobalVariables) {
    this.reset();
  }

  reset(): void {
    this.version++;
    this.values.clear();
    for (const def of this.globals.defs.values()) {
      if (def.scope !== 'global' && !def.aliasOf) this.values.set(def.name, this.globals.initialValue(def.name));
    }
  }

  /** `@@name` / `@@session.name` / `@@global.name`. */
  get(name: string, scope: 'session' | 'global' | null = null): VarValue {
    if (scope === 'global') return this.globals.get(name);
    const def = this.globals.canonical(this.globals.def(name));
    if (def.scope === 'global') {
      if (scope === 'session') throw new SqlError('ER_INCORRECT_GLOBAL_LOCAL_VAR', `Variable '${name}' is a GLOBAL variable`);
      return this.globals.get(def.name);
    }
    return this.values.get(def.name) ?? def.default;
  }

  set(name: string, value: SetValue): void {
    const def = this.globals.def(name);
    if (def.readOnly) throw new SqlError('ER_INCORRECT_GLOBAL_LOCAL_VAR', `Variable '${def.name}' is a read only variable`);
    const target = this.globals.canonical(def);
    if (target.scope === 'global') {
      throw new SqlError('ER_GLOBAL_VARIABLE', `Variable '${def.name}' is a GLOBAL variable and should be set with SET GLOBAL`);
    }
    const v = value === DEFAULT_VALUE ? this.globals.initialValue(target.name) : normalize(target, value);
    this.values.set(target.name, v);
    this.version++;
  }

  /** Direct write for values the daemon maintains (last_insert_id, warning_count). */
  setInternal(name: string, value: VarValue): void {
    this.values.set(name, value);
    this.version++;
  }

  bool(name: string): boolean {
    return Number(this.get(name)) !== 0;
  }

  /** All variables visible at session scope, for SHOW [SESSION] VARIABLES. */
  entries(): [string, VarValue, VariableDef][] {
    const out: [string, VarValue, VariableDef][] = [];
    for (const def of this.globals.defs.values()) {
      const canonical = this.globals.canonical(def);
      const value = canonical.scope === 'global' ? this.globals.initialValue(canonical.name) : (this.values.get(canonical.name) ?? canonical.default);
      out.push([def.name, value, def]);
    }
    return out.sort((a, b) => (a[0] < b[0] ? -1 : 1));
  }
}

function wrongValue(def: VariableDef, value: VarValue): SqlError {
  return new SqlError('ER_WRONG_VALUE_FOR_VAR', `Variable '${def.name}' can't be set to the value of '${value === null ? 'NULL' : String(value)}'`);
}

/** Validates and canonicalizes a value for a variable, with MySQL's errors. */
export function normalize(def: VariableDef, value: VarValue): VarValue {
  const t = def.type;
  switch (t.kind) {
    case 'bool': {
      if (typeof value === 'number' || typeof value === 'bigint') {
        if (value === 0 || value === 1 || value === 0n || value === 1n) return Number(value);
        throw wrongValue(def, value);
      }
      const s = String(value).toUpperCase();
      if (s === 'ON' || s === 'TRUE' || s === '1') return 1;
      if (s === 'OFF' || s === 'FALSE' || s === '0') return 0;
      throw wrongValue(def, value);
    }
    case 'int': {
      if (value === null) throw new SqlError('ER_WRONG_TYPE_FOR_VAR', `Incorrect argument type to variable '${def.name}'`);
      const s = String(value).trim();
      if (!/^-?\d+(\.\d+)?$/.test(s)) throw new SqlError('ER_WRONG_TYPE_FOR_VAR', `Incorrect argument type to variable '${def.name}'`);
      const big = BigInt(s.split('.')[0]!);
      // MySQL clamps out-of-range integer variables (with a warning) rather than failing.
      let n = big;
      if (t.min !== undefined && n < BigInt(t.min)) n = BigInt(t.min);
      if (t.max !== undefined && n > BigInt(t.max)) n = BigInt(t.max);
      return n <= BigInt(Number.MAX_SAFE_INTEGER) && n >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(n) : n;
    }
    case 'string':
      return value === null ? '' : String(value);
    case 'enum': {
      if (typeof value === 'number' || typeof value === 'bigint') {
        const v = t.values[Number(value)];
        if (v === undefined) throw wrongValue(def, value);
        return v;
      }
      const s = String(value).toUpperCase();
      const v = t.values.find((x) => x.toUpperCase() === s || x.toUpperCase() === s.replace(/ /g, '-'));
      if (!v) throw wrongValue(def, value);
      return v;
    }
    case 'sqlMode': {
      if (value === null) throw wrongValue(def, value);
      const parts = String(value).split(',').map((s) => s.trim().toUpperCase()).filter(Boolean);
      for (const p of parts) if (!SQL_MODES.includes(p)) throw wrongValue(def, value);
      return [...new Set(parts)].join(',');
    }
    case 'charset': {
      if (value === null) {
        if (t.nullable) return null;
        throw wrongValue(def, value);
      }
      const s = String(value).toLowerCase();
      const cs = s === 'utf8' ? 'utf8mb3' : s;
      if (!CHARSETS.has(cs)) throw new SqlError('ER_UNKNOWN_CHARACTER_SET', `Unknown character set: '${String(value)}'`);
      return cs;
    }
    case 'collation': {
      const s = String(value).toLowerCase().replace(/^utf8_/, 'utf8mb3_');
      if (!COLLATIONS.has(s)) throw new SqlError('ER_UNKNOWN_COLLATION', `Unknown collation: '${String(value)}'`);
      return s;
    }
    case 'timeZone':
      return validateTimeZone(String(value));
    default: {
      const never: never = t;
      return never;
    }
  }
}

export function validateTimeZone(tz: string): string {
  if (tz.toUpperCase() === 'SYSTEM') return 'SYSTEM';
  const m = /^([+-])(\d{1,2}):(\d{2})$/.exec(tz);
  if (m) {
    const minutes = Number(m[2]) * 60 + Number(m[3]);
    if (Number(m[3]) < 60 && minutes <= 14 * 60 && (m[1] === '+' || minutes <= 13 * 60 + 59)) {
      return `${m[1]}${m[2]!.padStart(2, '0')}:${m[3]}`;
    }
  } else {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz });
      return tz;
    } catch {
      // fall through to the error
    }
  }
  throw new SqlError('ER_UNKNOWN_TIME_ZONE', `Unknown or incorrect time zone: '${tz}'`);
}

/** SET NAMES cs [COLLATE c]: the three variables MySQL changes together. */
export function setNames(vars: SessionVariables, charset: string | null, collation: string | null): void {
  const cs = charset ?? 'utf8mb4';
  vars.set('character_set_client', cs);
  vars.set('character_set_results', cs);
  vars.set('character_set_connection', cs);
  const canonical = String(vars.get('character_set_connection'));
  const coll = collation ?? defaultCollation(canonical);
  if (collation && !coll.toLowerCase().startsWith(`${canonical}_`) && !(canonical === 'binary' && coll === 'binary')) {
    throw new SqlError('ER_WRONG_ARGUMENTS', `COLLATION '${collation}' is not valid for CHARACTER SET '${canonical}'`);
  }
  vars.set('collation_connection', coll);
}

/** Shown by SHOW VARIABLES and @@: booleans as ON/OFF in SHOW, as 1/0 in SELECT (as MySQL does). */
export function showValue(value: VarValue, def: VariableDef): string {
  if (value === null) return '';
  if (def.type.kind === 'bool') return Number(value) ? 'ON' : 'OFF';
  return String(value);
}
