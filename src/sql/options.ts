// Checks of the option lists that job statements carry: TiDB's IMPORT INTO ... WITH options, Doris'
// PROPERTIES and S3(...) arguments, StarRocks-style labels; and what counts as a secret there.
// Option rules follow TiDB's importer (pkg/executor/importer, initOptions) so that users get the
// same errors (8163 unknown, 8164 bad value, 8165 duplicate, 8166 unsupported for the format).

import { ImportFormat, ImportOptionName, type ImportOption, type Property } from './ast.js';
import { semanticError } from './errors.js';

/** A literal as written after `option =`. */
export type OptionLiteral =
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'number'; readonly value: string }
  | { readonly kind: 'boolean'; readonly value: boolean }
  | { readonly kind: 'null' };

export interface RawOption {
  /** Upper-cased option name. */
  readonly name: string;
  readonly value: OptionLiteral | null;
}

type OptionType = 'flag' | 'string' | 'int' | 'size';

interface OptionSpec {
  readonly type: OptionType;
  readonly csvOnly: boolean;
  /** Extra check of the typed value; returns a reason when the value is refused. */
  readonly check?: (value: string | number) => string | null;
}

const CHARACTER_SETS = ['binary', 'utf8', 'utf8mb4', 'gb18030', 'gbk', 'latin1', 'ascii'];
const CHECKSUM_LEVELS = ['required', 'optional', 'off', 'true', 'false'];

const IMPORT_OPTIONS: Record<ImportOptionName, OptionSpec> = {
  CHARACTER_SET: {
    type: 'string',
    csvOnly: true,
    check: (v) => (CHARACTER_SETS.includes(String(v).toLowerCase()) ? null : `expected one of ${CHARACTER_SETS.join(', ')}`),
  },
  FIELDS_TERMINATED_BY: { type: 'string', csvOnly: true, check: (v) => (v === '' ? 'must not be empty' : null) },
  FIELDS_ENCLOSED_BY: { type: 'string', csvOnly: true, check: (v) => (byteLength(v) > 1 ? 'expected at most one character' : null) },
  FIELDS_ESCAPED_BY: { type: 'string', csvOnly: true, check: (v) => (byteLength(v) > 1 ? 'expected at most one character' : null) },
  FIELDS_DEFINED_NULL_BY: { type: 'string', csvOnly: true },
  LINES_TERMINATED_BY: { type: 'string', csvOnly: true, check: (v) => (v === '' ? 'must not be empty' : null) },
  SKIP_ROWS: { type: 'int', csvOnly: true, check: (v) => (Number(v) < 0 ? 'expected an integer >= 0' : null) },
  SPLIT_FILE: { type: 'flag', csvOnly: true },
  DISK_QUOTA: { type: 'size', csvOnly: false, check: (v) => (Number(v) <= 0 ? 'expected a size > 0' : null) },
  THREAD: { type: 'int', csvOnly: false, check: (v) => (Number(v) <= 0 ? 'expected an integer > 0' : null) },
  MAX_WRITE_SPEED: { type: 'size', csvOnly: false },
  CHECKSUM_TABLE: {
    type: 'string',
    csvOnly: false,
    check: (v) => (CHECKSUM_LEVELS.includes(String(v).toLowerCase()) ? null : "expected 'required', 'optional' or 'off'"),
  },
  RECORD_ERRORS: { type: 'int', csvOnly: false, check: (v) => (Number(v) < -1 ? 'expected an integer >= -1' : null) },
  DETACHED: { type: 'flag', csvOnly: false },
  DISABLE_TIKV_IMPORT_MODE: { type: 'flag', csvOnly: false },
  CLOUD_STORAGE_URI: { type: 'string', csvOnly: false },
  DISABLE_PRECHECK: { type: 'flag', csvOnly: false },
  __MAX_ENGINE_SIZE: { type: 'size', csvOnly: false },
  __FORCE_MERGE_STEP: { type: 'flag', csvOnly: false },
};

const IMPORT_OPTION_NAMES: ReadonlySet<string> = new Set(Object.values(ImportOptionName));

function byteLength(v: string | number): number {
  return Buffer.byteLength(String(v), 'utf8');
}

/**
 * Parses a byte size as TiDB does (go-units RAMInBytes: 1024-based, `10GiB`, `10GB`, `10g`, `512`).
 * Returns null when the text is not a size.
 */
export function parseByteSize(text: string): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s?([kmgtp])?i?b?\s*$/i.exec(text);
  if (m === null) return null;
  const units = 'kmgtp';
  const unit = m[2] === undefined ? 0 : units.indexOf(m[2].toLowerCase()) + 1;
  return Math.floor(Number(m[1]) * 1024 ** unit);
}

function invalidOption(name: string, reason: string): Error {
  return semanticError('ER_INVALID_OPTION_VAL', `Invalid option value for ${name}: ${reason}`);
}

function describeLiteral(v: OptionLiteral): string {
  switch (v.kind) {
    case 'string':
      return `'${v.value}'`;
    case 'number':
      return v.value;
    case 'boolean':
      return v.value ? 'TRUE' : 'FALSE';
    case 'null':
      return 'NULL';
  }
}

/** Label rule shared by StarRocks and Doris (FeNameFormat.checkLabel). */
const LABEL_PATTERN = /^[-_A-Za-z0-9:]{1,128}$/;

export function checkLabel(label: string): string {
  if (!LABEL_PATTERN.test(label)) {
    throw invalidOption('label', `'${label}' is not a valid label (1 to 128 letters, digits, '_', '-' or ':')`);
  }
  return label;
}

/**
 * Validates IMPORT INTO's WITH options: unknown names, duplicates, flags given a value or values
 * missing, types and ranges, CSV-only options with another format. `LABEL` is lifted out.
 */
export function validateImportOptions(raw: readonly RawOption[], format: ImportFormat | null): { options: ImportOption[]; label: string | null } {
  const seen = new Set<string>();
  const options: ImportOption[] = [];
  let label: string | null = null;
  for (const opt of raw) {
    if (seen.has(opt.name)) throw semanticError('ER_DUPLICATE_OPTION', `Option ${opt.name} specified more than once`);
    seen.add(opt.name);
    if (opt.name === 'LABEL') {
      if (opt.value === null || opt.value.kind !== 'string') throw invalidOption('LABEL', 'expected a string');
      label = checkLabel(opt.value.value);
      continue;
    }
    if (!IMPORT_OPTION_NAMES.has(opt.name)) throw semanticError('ER_UNKNOWN_OPTION', `Unknown option ${opt.name}`);
    const name = opt.name as ImportOptionName;
    const spec = IMPORT_OPTIONS[name];
    if (spec.type === 'flag') {
      if (opt.value !== null) throw invalidOption(name, `${name} takes no value, found ${describeLiteral(opt.value)}`);
      options.push({ name, value: true });
      continue;
    }
    if (opt.value === null) throw invalidOption(name, 'a value is required');
    let value: string | number;
    switch (spec.type) {
      case 'string':
        if (opt.value.kind !== 'string') throw invalidOption(name, `expected a string, found ${describeLiteral(opt.value)}`);
        value = opt.value.value;
        break;
      case 'int': {
        if (opt.value.kind !== 'number' || !/^[-+]?\d+$/.test(opt.value.value)) {
          throw invalidOption(name, `expected an integer, found ${describeLiteral(opt.value)}`);
        }
        value = Number(opt.value.value);
        if (!Number.isSafeInteger(value)) throw invalidOption(name, `${opt.value.value} is out of range`);
        break;
      }
      case 'size': {
        if (opt.value.kind !== 'string') throw invalidOption(name, `expected a size string such as '10GiB', found ${describeLiteral(opt.value)}`);
        const bytes = parseByteSize(opt.value.value);
        if (bytes === null) throw invalidOption(name, `'${opt.value.value}' is not a size such as '10GiB'`);
        if (spec.check !== undefined) {
          const reason = spec.check(bytes);
          if (reason !== null) throw invalidOption(name, reason);
        }
        options.push({ name, value: opt.value.value });
        continue;
      }
    }
    if (spec.check !== undefined) {
      const reason = spec.check(value);
      if (reason !== null) throw invalidOption(name, reason);
    }
    options.push({ name, value });
  }
  if (format !== null && format !== ImportFormat.CSV) {
    for (const opt of options) {
      if (IMPORT_OPTIONS[opt.name].csvOnly) {
        throw semanticError('ER_LOAD_DATA_UNSUPPORTED_OPTION', `Unsupported option ${opt.name} for non-CSV format`);
      }
    }
  }
  if (seen.has(ImportOptionName.SPLIT_FILE) && !seen.has(ImportOptionName.LINES_TERMINATED_BY)) {
    throw invalidOption('LINES_TERMINATED_BY', 'it must be set when SPLIT_FILE is used');
  }
  return { options, label };
}

export function checkPropertyDuplicates(props: readonly Property[], where: string): void {
  const seen = new Set<string>();
  for (const p of props) {
    const key = p.key.toLowerCase();
    if (seen.has(key)) throw semanticError('ER_DUPLICATE_OPTION', `Option '${p.key}' specified more than once in ${where}`);
    seen.add(key);
  }
}

const POSITIVE_INT = /^[1-9]\d*$/;

/** Doris streaming-job PROPERTIES: the documented keys plus `session.*` and `label`. */
const JOB_PROPERTIES: Record<string, (v: string) => string | null> = {
  's3.max_batch_files': (v) => (POSITIVE_INT.test(v) ? null : 'expected an integer > 0'),
  's3.max_batch_bytes': (v) => {
    const n = parseByteSize(v);
    return n !== null && n > 0 ? null : "expected a size > 0 such as '10G'";
  },
  max_interval: (v) => (/^[1-9]\d*s?$/i.test(v) ? null : "expected a number of seconds > 0 such as '10' or '10s'"),
};

/** ALTER JOB's `offset`: where the job goes on from, as CurrentOffset shows it ('{"fileName":"k"}') or the key itself. */
function checkOffset(v: string): string | null {
  if (v.trim() === '') return 'expected \'{"fileName":"<key>"}\' or a key';
  if (!v.trimStart().startsWith('{')) return null;
  try {
    const parsed = JSON.parse(v) as unknown;
    if (typeof parsed === 'object' && parsed !== null && typeof (parsed as { fileName?: unknown }).fileName === 'string') return null;
  } catch {
    // reported below
  }
  return 'expected \'{"fileName":"<key>"}\'';
}

/**
 * Validates CREATE/ALTER JOB PROPERTIES; returns them without `label`, and the label. `offset` is
 * accepted only by ALTER JOB (the "ALTER JOB (properties, the INSERT, or the offset)").
 */
export function validateJobProperties(props: readonly Property[], options: { alter?: boolean } = {}): { properties: Property[]; label: string | null } {
  checkPropertyDuplicates(props, 'PROPERTIES');
  const properties: Property[] = [];
  let label: string | null = null;
  for (const p of props) {
    const key = p.key.toLowerCase();
    if (key === 'label') {
      label = checkLabel(p.value);
      continue;
    }
    if (key === 'offset' && options.alter === true) {
      const reason = checkOffset(p.value);
      if (reason !== null) throw invalidOption("'offset'", `'${p.value}': ${reason}`);
    } else if (key.startsWith('session.')) {
      if (key.length === 'session.'.length) throw semanticError('ER_UNKNOWN_OPTION', `Unknown option '${p.key}' in PROPERTIES`);
    } else {
      const check = JOB_PROPERTIES[key];
      if (check === undefined) {
        throw semanticError(
          'ER_UNKNOWN_OPTION',
          `Unknown option '${p.key}' in PROPERTIES (expected s3.max_batch_files, s3.max_batch_bytes, max_interval, session.<variable> or label)`,
        );
      }
      const reason = check(p.value);
      if (reason !== null) throw invalidOption(`'${p.key}'`, `'${p.value}': ${reason}`);
    }
    properties.push(p);
  }
  return { properties, label };
}

/** S3(...) table-function arguments Doris documents, keys compared case-insensitively. */
const S3_PROPERTIES = new Set([
  'uri', 'format', 'column_separator', 'line_delimiter', 'compress_type', 'compression',
  's3.endpoint', 's3.region', 's3.access_key', 's3.secret_key', 's3.session_token', 's3.role_arn',
  's3.external_id', 's3.provider', 'provider', 'use_path_style', 'force_parsing_by_standard_uri',
  'aws_endpoint', 'aws_region', 'aws_access_key', 'aws_secret_key', 'aws_token',
  'skip_lines', 'csv_schema', 'trim_double_quotes', 'enclose', 'escape', 'empty_field_as_null',
  'read_json_by_line', 'strip_outer_array', 'json_root', 'jsonpaths', 'num_as_string', 'fuzzy_parse',
  'path_partition_keys', 'resource',
]);

const S3_FORMATS = ['csv', 'csv_with_names', 'csv_with_names_and_types', 'json', 'jsonl', 'parquet', 'orc', 'avro'];

export function validateS3Properties(props: readonly Property[]): void {
  checkPropertyDuplicates(props, 'S3()');
  let hasUri = false;
  for (const p of props) {
    const key = p.key.toLowerCase();
    if (!S3_PROPERTIES.has(key)) throw semanticError('ER_UNKNOWN_OPTION', `Unknown option '${p.key}' in S3()`);
    if (key === 'uri') {
      if (p.value.trim() === '') throw semanticError('ER_LOAD_DATA_INVALID_URI', 'The URI of data source is invalid. Reason: "uri" is empty');
      hasUri = true;
    } else if (key === 'format' && !S3_FORMATS.includes(p.value.toLowerCase())) {
      throw invalidOption("'format'", `'${p.value}': expected one of ${S3_FORMATS.join(', ')}`);
    } else if (key === 'skip_lines' && !/^\d+$/.test(p.value)) {
      throw invalidOption("'skip_lines'", `'${p.value}': expected an integer >= 0`);
    }
  }
  if (!hasUri) throw semanticError('ER_WRONG_ARGUMENTS', 'Incorrect arguments to S3: the "uri" property is required');
}

// --- secrets -----------------------------------------------------------------------------------

/** What Doris prints for a hidden property value (PrintableMap). */
export const REDACTED_PROPERTY = '*XXX';
/** What TiDB prints for a hidden URL parameter (ast.RedactURL). */
export const REDACTED_URL_PARAM = 'xxxxxx';

/** Property keys whose values are credentials: S3/AWS keys, tokens, passwords. */
export function isSecretKey(key: string): boolean {
  const k = key.toLowerCase();
  return /(secret|password|passwd|token|credential|access_key|accesskey|account[-_]key|sas[-_]token)/.test(k);
}

const SECRET_URL_PARAMS = new Set([
  'access-key', 'access_key', 'secret-access-key', 'secret_access_key', 'session-token', 'session_token',
  'sas-token', 'sas_token', 'account-key', 'account_key', 'password',
]);

/** Hides credentials in a storage URI: secret query parameters and a `user:password@` part. */
export function redactUri(uri: string): string {
  let out = uri.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/@?#:]*):[^/@?#]*@/i, `$1:${REDACTED_URL_PARAM}@`);
  const q = out.indexOf('?');
  if (q < 0) return out;
  const query = out.slice(q + 1).split('&').map((pair) => {
    const eq = pair.indexOf('=');
    if (eq < 0) return pair;
    return SECRET_URL_PARAMS.has(pair.slice(0, eq).toLowerCase()) ? `${pair.slice(0, eq)}=${REDACTED_URL_PARAM}` : pair;
  });
  out = out.slice(0, q + 1) + query.join('&');
  return out;
}
