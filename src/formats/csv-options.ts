// CSV dialect options under the names users write them: TiDB IMPORT INTO's WITH options
// (FIELDS_TERMINATED_BY, ..., SKIP_ROWS, CHARACTER_SET) and Doris S3() properties
// (column_separator, line_delimiter, skip_lines, enclose, escape, format = csv_with_names).

import { SqlError } from '../protocol/sql-error.js';
import { parseCharset, type Charset } from './charset.js';

export interface CsvOptions {
  /** Field separator, one or more characters. Default `,`. */
  readonly fieldsTerminatedBy: string;
  /** Quote character, or '' for none. Default `"`. */
  readonly fieldsEnclosedBy: string;
  /** Escape character (MySQL escapes), or '' for none. Default `\`. */
  readonly fieldsEscapedBy: string;
  /** The unquoted field text that means NULL. Default `\N`. */
  readonly fieldsDefinedNullBy: string;
  /** Line terminator, or 'auto' to recognise `\n`, `\r\n` and `\r`. */
  readonly linesTerminatedBy: string;
  /** Records to skip at the start of every file. */
  readonly skipRows: number;
  /** The first record holds column names (Doris csv_with_names). */
  readonly withHeader: boolean;
  /** Doris csv_with_names_and_types: a second header record with types, skipped. */
  readonly withTypes: boolean;
  readonly charset: Charset;
  /** A record longer than this (in characters) becomes an error row. */
  readonly maxRecordChars: number;
}

export const DEFAULT_CSV_OPTIONS: CsvOptions = {
  fieldsTerminatedBy: ',',
  fieldsEnclosedBy: '"',
  fieldsEscapedBy: '\\',
  fieldsDefinedNullBy: '\\N',
  linesTerminatedBy: 'auto',
  skipRows: 0,
  withHeader: false,
  withTypes: false,
  charset: 'utf8mb4',
  // MySQL's max_allowed_packet default: no single value can be longer than that anyway.
  maxRecordChars: 64 * 1024 * 1024,
};

function badOption(name: string, value: string, why: string): SqlError {
  return new SqlError('ER_LOAD_DATA_WRONG_FORMAT_CONFIG', `Invalid option value for ${name}: '${value}' (${why})`);
}

/** Doris separators may be written as `\x01` hex escapes (and `\t`, `\n` spelled out). */
function dorisSeparator(value: string): string {
  return value
    .replace(/\\x([0-9a-fA-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)))
    .replace(/\\t/g, '\t')
    .replace(/\\n/g, '\n')
    .replace(/\\r/g, '\r');
}

function nonNegativeInt(name: string, value: string): number {
  if (!/^\d+$/.test(value.trim())) throw badOption(name, value, 'expected a non-negative integer');
  return Number(value.trim());
}

/**
 * Builds CSV options from statement options, keys matched case-insensitively. Keys that are not CSV
 * options (DETACHED, THREAD, s3.*, uri, ...) are ignored here: other parts of the job read them.
 */
export function csvOptionsFrom(options: Readonly<Record<string, string>>): CsvOptions {
  const o: { -readonly [K in keyof CsvOptions]: CsvOptions[K] } = { ...DEFAULT_CSV_OPTIONS };
  for (const [rawKey, value] of Object.entries(options)) {
    const key = rawKey.toLowerCase();
    switch (key) {
      case 'fields_terminated_by':
        o.fieldsTerminatedBy = value;
        break;
      case 'column_separator':
        o.fieldsTerminatedBy = dorisSeparator(value);
        break;
      case 'fields_enclosed_by':
      case 'enclose':
        o.fieldsEnclosedBy = value;
        break;
      case 'trim_double_quotes':
        if (value.toLowerCase() === 'true') o.fieldsEnclosedBy = '"';
        break;
      case 'fields_escaped_by':
      case 'escape':
        o.fieldsEscapedBy = value;
        break;
      case 'fields_defined_null_by':
        o.fieldsDefinedNullBy = value;
        break;
      case 'lines_terminated_by':
        o.linesTerminatedBy = value === '' ? 'auto' : value;
        break;
      case 'line_delimiter':
        o.linesTerminatedBy = value === '' ? 'auto' : dorisSeparator(value);
        break;
      case 'skip_rows':
      case 'skip_lines':
        o.skipRows = nonNegativeInt(rawKey, value);
        break;
      case 'character_set':
      case 'charset':
        o.charset = parseCharset(value);
        break;
      case 'format': {
        const f = value.toLowerCase();
        if (f === 'csv_with_names') o.withHeader = true;
        else if (f === 'csv_with_names_and_types') {
          o.withHeader = true;
          o.withTypes = true;
        }
        break;
      }
      default:
        break;
    }
  }
  return validateCsvOptions(o);
}

export function validateCsvOptions(o: CsvOptions): CsvOptions {
  if (o.fieldsTerminatedBy === '') throw badOption('FIELDS_TERMINATED_BY', '', 'must not be empty');
  if (o.fieldsEnclosedBy.length > 1) throw badOption('FIELDS_ENCLOSED_BY', o.fieldsEnclosedBy, 'must be one character or empty');
  if (o.fieldsEscapedBy.length > 1) throw badOption('FIELDS_ESCAPED_BY', o.fieldsEscapedBy, 'must be one character or empty');
  const term = o.linesTerminatedBy === 'auto' ? null : o.linesTerminatedBy;
  for (const [name, v] of [
    ['FIELDS_ENCLOSED_BY', o.fieldsEnclosedBy],
    ['FIELDS_ESCAPED_BY', o.fieldsEscapedBy],
  ] as const) {
    if (v !== '' && (o.fieldsTerminatedBy.startsWith(v) || (term !== null && term.startsWith(v)))) {
      throw badOption(name, v, 'must differ from the field and line terminators');
    }
  }
  if (term !== null && (term.startsWith(o.fieldsTerminatedBy) || o.fieldsTerminatedBy.startsWith(term))) {
    throw badOption('LINES_TERMINATED_BY', term, 'must not overlap FIELDS_TERMINATED_BY');
  }
  if (term === null && /[\r\n]/.test(o.fieldsTerminatedBy)) {
    throw badOption('FIELDS_TERMINATED_BY', o.fieldsTerminatedBy, 'contains a line break; set LINES_TERMINATED_BY');
  }
  if (o.fieldsEnclosedBy !== '' && o.fieldsEnclosedBy === o.fieldsEscapedBy) {
    // Allowed by MySQL only in the degenerate "" form; keep one meaning per character.
    throw badOption('FIELDS_ESCAPED_BY', o.fieldsEscapedBy, 'must differ from FIELDS_ENCLOSED_BY');
  }
  if (!Number.isSafeInteger(o.skipRows) || o.skipRows < 0) throw badOption('SKIP_ROWS', String(o.skipRows), 'expected a non-negative integer');
  return o;
}
