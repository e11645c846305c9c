// MySQL column types: parsing the declared type text, printing it the way MySQL 8.0.19+ does
// (no integer display widths except tinyint(1) and ZEROFILL), and deriving what the wire protocol
// and information_schema report for it. Shared by both targets: a TableDef always carries MySQL
// type text, whatever stores the rows.

import { Charset, ColumnFlag, ColumnType, type ColumnTypeCode } from '../protocol/handler.js';

export interface MysqlType {
  /** Lower-case base name after alias folding: 'int', 'varchar', 'decimal', 'enum', ... */
  name: MysqlTypeName;
  /** (M): character/byte length, bit width, decimal/float precision, integer display width. */
  length?: number;
  /** (M,D): decimal/float/double scale. */
  scale?: number;
  /** Fractional seconds precision of datetime/timestamp/time. */
  fsp?: number;
  unsigned: boolean;
  zerofill: boolean;
  /** enum/set members. */
  values?: readonly string[];
}

export const MYSQL_TYPE_NAMES = [
  'tinyint', 'smallint', 'mediumint', 'int', 'bigint',
  'decimal', 'float', 'double', 'bit',
  'date', 'datetime', 'timestamp', 'time', 'year',
  'char', 'varchar', 'tinytext', 'text', 'mediumtext', 'longtext',
  'binary', 'varbinary', 'tinyblob', 'blob', 'mediumblob', 'longblob',
  'enum', 'set', 'json', 'geometry',
] as const;
export type MysqlTypeName = (typeof MYSQL_TYPE_NAMES)[number];

/** Spellings MySQL accepts and folds into one of the names above. */
const ALIASES: Readonly<Record<string, MysqlTypeName | 'bool'>> = {
  integer: 'int', int4: 'int', int1: 'tinyint', int2: 'smallint', int3: 'mediumint', int8: 'bigint',
  middleint: 'mediumint', dec: 'decimal', numeric: 'decimal', fixed: 'decimal', real: 'double',
  'double precision': 'double', float4: 'float', float8: 'double', bool: 'bool', boolean: 'bool',
  character: 'char', 'character varying': 'varchar', nchar: 'char', nvarchar: 'varchar',
  'long varchar': 'mediumtext', long: 'mediumtext', 'long varbinary': 'mediumblob',
};

export type TypeFamily =
  | 'integer' | 'decimal' | 'float' | 'bit' | 'date' | 'datetime' | 'time' | 'year'
  | 'string' | 'text' | 'binary' | 'blob' | 'enum' | 'set' | 'json' | 'geometry';

export function typeFamily(t: MysqlType): TypeFamily {
  switch (t.name) {
    case 'tinyint': case 'smallint': case 'mediumint': case 'int': case 'bigint':
      return 'integer';
    case 'decimal': return 'decimal';
    case 'float': case 'double': return 'float';
    case 'bit': return 'bit';
    case 'date': return 'date';
    case 'datetime': case 'timestamp': return 'datetime';
    case 'time': return 'time';
    case 'year': return 'year';
    case 'char': case 'varchar': return 'string';
    case 'tinytext': case 'text': case 'mediumtext': case 'longtext': return 'text';
    case 'binary': case 'varbinary': return 'binary';
    case 'tinyblob': case 'blob': case 'mediumblob': case 'longblob': return 'blob';
    case 'enum': return 'enum';
    case 'set': return 'set';
    case 'json': return 'json';
    case 'geometry': return 'geometry';
    default: {
      const never: never = t.name;
      throw new Error(`unknown type ${String(never)}`);
    }
  }
}

/**
 * Builds a MysqlType from a base name (any MySQL spelling) and its arguments; undefined when the
 * name is not a MySQL type.
 */
export function makeType(
  rawName: string,
  args: { length?: number; scale?: number; unsigned?: boolean; zerofill?: boolean; values?: readonly string[] },
): MysqlType | undefined {
  const lower = rawName.toLowerCase().replace(/\s+/g, ' ').trim();
  const folded = ALIASES[lower] ?? lower;
  const unsigned = (args.unsigned ?? false) || (args.zerofill ?? false);
  const zerofill = args.zerofill ?? false;
  if (folded === 'bool') return { name: 'tinyint', length: 1, unsigned: false, zerofill: false };
  if (!(MYSQL_TYPE_NAMES as readonly string[]).includes(folded)) return undefined;
  const name = folded as MysqlTypeName;
  const t: MysqlType = { name, unsigned, zerofill };
  switch (typeFamily(t)) {
    case 'integer':
      if (args.length !== undefined) t.length = args.length;
      break;
    case 'decimal':
      t.length = args.length ?? 10;
      t.scale = args.scale ?? 0;
      break;
    case 'float':
      if (name === 'float' && args.length !== undefined && args.scale === undefined) {
        // FLOAT(p): p <= 24 is a single-precision float, above that a double, as in MySQL.
        return { name: args.length > 24 ? 'double' : 'float', unsigned, zerofill };
      }
      if (args.length !== undefined && args.scale !== undefined) {
        t.length = args.length;
        t.scale = args.scale;
      }
      break;
    case 'bit':
      t.length = args.length ?? 1;
      break;
    case 'datetime': case 'time':
      if (args.length !== undefined && args.length > 0) t.fsp = args.length;
      break;
    case 'string': case 'binary':
      if (args.length !== undefined) t.length = args.length;
      else if (name === 'char' || name === 'binary') t.length = 1;
      break;
    case 'enum': case 'set':
      t.values = args.values ?? [];
      break;
    case 'text': case 'blob':
      // TEXT(n)/BLOB(n) pick the smallest type that holds n bytes, as MySQL does.
      if (args.length !== undefined) t.name = sizedLob(name, args.length);
      break;
    case 'date': case 'year': case 'json': case 'geometry':
      break;
  }
  return t;
}

function sizedLob(name: MysqlTypeName, n: number): MysqlTypeName {
  const text = name.endsWith('text');
  if (n < 256) return text ? 'tinytext' : 'tinyblob';
  if (n < 65536) return text ? 'text' : 'blob';
  if (n < 16777216) return text ? 'mediumtext' : 'mediumblob';
  return text ? 'longtext' : 'longblob';
}

const ZEROFILL_WIDTH: Readonly<Record<string, number>> = { tinyint: 3, smallint: 5, mediumint: 8, int: 10, bigint: 20 };

/** MySQL string literal with quotes doubled, as SHOW CREATE TABLE prints enum members and comments. */
export function quoteMysqlString(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

/** The type as MySQL 8.0.19+ prints it in SHOW CREATE TABLE and COLUMN_TYPE. */
export function formatType(t: MysqlType): string {
  let s: string = t.name;
  switch (typeFamily(t)) {
    case 'integer':
      if (t.zerofill) s += `(${t.length ?? ZEROFILL_WIDTH[t.name] ?? 11})`;
      else if (t.name === 'tinyint' && t.length === 1) s += '(1)';
      break;
    case 'decimal':
      s += `(${t.length ?? 10},${t.scale ?? 0})`;
      break;
    case 'float':
      if (t.length !== undefined && t.scale !== undefined) s += `(${t.length},${t.scale})`;
      break;
    case 'bit': case 'string': case 'binary':
      if (t.length !== undefined) s += `(${t.length})`;
      break;
    case 'datetime': case 'time':
      if (t.fsp) s += `(${t.fsp})`;
      break;
    case 'enum': case 'set':
      s += `(${(t.values ?? []).map(quoteMysqlString).join(',')})`;
      break;
    case 'date': case 'year': case 'text': case 'blob': case 'json': case 'geometry':
      break;
  }
  if (t.unsigned && ['integer', 'decimal', 'float'].includes(typeFamily(t))) s += ' unsigned';
  if (t.zerofill) s += ' zerofill';
  return s;
}

/** Parses type text as stored in a TableDef ('int unsigned', "enum('a','b')", 'varchar(64)'). */
/** A declared type (as ColumnDef.type prints it) of the integer family: TINYINT to BIGINT, signed or not. */
export function isIntegerType(text: string): boolean {
  const t = parseType(text);
  return t !== undefined && typeFamily(t) === 'integer';
}

export function parseType(text: string): MysqlType | undefined {
  const m = /^\s*([a-z][a-z0-9 ]*?)\s*(?:\((.*)\))?((?:\s+(?:unsigned|signed|zerofill))*)\s*$/is.exec(text);
  if (!m) return undefined;
  const base = (m[1] ?? '').toLowerCase();
  const inner = m[2];
  const mods = (m[3] ?? '').toLowerCase();
  const args: { length?: number; scale?: number; unsigned?: boolean; zerofill?: boolean; values?: string[] } = {
    unsigned: mods.includes('unsigned'),
    zerofill: mods.includes('zerofill'),
  };
  if (inner !== undefined) {
    if (base === 'enum' || base === 'set') {
      args.values = parseQuotedList(inner);
    } else {
      const nums = inner.split(',').map((x) => Number(x.trim()));
      if (nums.some((n) => !Number.isInteger(n) || n < 0)) return undefined;
      args.length = nums[0];
      if (nums.length > 1) args.scale = nums[1];
    }
  }
  return makeType(base, args);
}

function parseQuotedList(inner: string): string[] {
  const out: string[] = [];
  const re = /'((?:[^'\\]|''|\\.)*)'/gs;
  for (let m = re.exec(inner); m; m = re.exec(inner)) {
    out.push((m[1] ?? '').replace(/''/g, "'").replace(/\\(.)/gs, '$1'));
  }
  return out;
}

/** Protocol column definition fields for a column of this type (before key/null flags). */
export interface WireColumnType {
  type: ColumnTypeCode;
  flags: number;
  length: number;
  decimals: number;
  charset: number;
}

const INT_WIRE: Readonly<Record<string, { code: ColumnTypeCode; width: number }>> = {
  tinyint: { code: ColumnType.TINY, width: 4 },
  smallint: { code: ColumnType.SHORT, width: 6 },
  mediumint: { code: ColumnType.INT24, width: 9 },
  int: { code: ColumnType.LONG, width: 11 },
  bigint: { code: ColumnType.LONGLONG, width: 20 },
};

/** utf8mb4: MySQL reports character lengths times 4 bytes. */
const MB = 4;

export function wireType(t: MysqlType): WireColumnType {
  const numeric = { flags: ColumnFlag.NUM | ColumnFlag.BINARY | (t.unsigned ? ColumnFlag.UNSIGNED : 0), charset: Charset.binary };
  const binaryStr = { flags: ColumnFlag.BINARY, charset: Charset.binary, decimals: 0 };
  const text = { flags: 0, charset: Charset.utf8mb4_general_ci, decimals: 0 };
  switch (typeFamily(t)) {
    case 'integer': {
      const w = INT_WIRE[t.name] ?? { code: ColumnType.LONGLONG, width: 20 };
      const length = t.name === 'tinyint' && t.length === 1 ? 1 : t.unsigned && t.name !== 'bigint' ? w.width - 1 : w.width;
      return { ...numeric, type: w.code, length, decimals: 0, flags: numeric.flags | (t.zerofill ? ColumnFlag.ZEROFILL : 0) };
    }
    case 'decimal': {
      const p = t.length ?? 10;
      const s = t.scale ?? 0;
      return { ...numeric, type: ColumnType.NEWDECIMAL, length: p + (s > 0 ? 1 : 0) + (t.unsigned ? 0 : 1), decimals: s };
    }
    case 'float':
      return {
        ...numeric,
        type: t.name === 'float' ? ColumnType.FLOAT : ColumnType.DOUBLE,
        length: t.length ?? (t.name === 'float' ? 12 : 22),
        decimals: t.scale ?? 31,
      };
    case 'bit':
      return { type: ColumnType.BIT, flags: ColumnFlag.UNSIGNED, charset: Charset.binary, length: t.length ?? 1, decimals: 0 };
    case 'year':
      return { ...numeric, type: ColumnType.YEAR, flags: numeric.flags | ColumnFlag.UNSIGNED | ColumnFlag.ZEROFILL, length: 4, decimals: 0 };
    case 'date':
      return { ...binaryStr, type: ColumnType.DATE, length: 10 };
    case 'datetime':
      return {
        ...binaryStr,
        type: t.name === 'timestamp' ? ColumnType.TIMESTAMP : ColumnType.DATETIME,
        flags: ColumnFlag.BINARY | (t.name === 'timestamp' ? ColumnFlag.TIMESTAMP : 0),
        length: 19 + (t.fsp ? t.fsp + 1 : 0),
        decimals: t.fsp ?? 0,
      };
    case 'time':
      return { ...binaryStr, type: ColumnType.TIME, length: 10 + (t.fsp ? t.fsp + 1 : 0), decimals: t.fsp ?? 0 };
    case 'string':
      return { ...text, type: t.name === 'char' ? ColumnType.STRING : ColumnType.VAR_STRING, length: (t.length ?? 1) * MB };
    case 'binary':
      return { ...binaryStr, type: t.name === 'binary' ? ColumnType.STRING : ColumnType.VAR_STRING, length: t.length ?? 1 };
    case 'text':
      return { ...text, type: ColumnType.BLOB, flags: ColumnFlag.BLOB, length: Math.min(lobLength(t.name) * MB, 0xffffffff) };
    case 'blob':
      return { ...binaryStr, type: ColumnType.BLOB, flags: ColumnFlag.BLOB | ColumnFlag.BINARY, length: lobLength(t.name) };
    case 'enum':
      return { ...text, type: ColumnType.STRING, flags: ColumnFlag.ENUM, length: maxLen(t.values) * MB };
    case 'set':
      return { ...text, type: ColumnType.STRING, flags: ColumnFlag.SET, length: setLen(t.values) * MB };
    case 'json':
      return { type: ColumnType.JSON, flags: ColumnFlag.BLOB | ColumnFlag.BINARY, charset: Charset.binary, length: 0xffffffff, decimals: 0 };
    case 'geometry':
      return { ...binaryStr, type: ColumnType.GEOMETRY, flags: ColumnFlag.BLOB | ColumnFlag.BINARY, length: 0xffffffff };
  }
}

function lobLength(name: string): number {
  if (name.startsWith('tiny')) return 255;
  if (name.startsWith('medium')) return 16777215;
  if (name.startsWith('long')) return 4294967295;
  return 65535;
}

function maxLen(values: readonly string[] | undefined): number {
  return Math.max(0, ...(values ?? []).map((v) => [...v].length));
}

function setLen(values: readonly string[] | undefined): number {
  const v = values ?? [];
  return v.reduce((n, x) => n + [...x].length, 0) + Math.max(0, v.length - 1);
}

/** What information_schema.COLUMNS says about a type (MySQL 8 values). */
export interface InfoSchemaType {
  dataType: string;
  characterMaximumLength: number | null;
  characterOctetLength: number | null;
  numericPrecision: number | null;
  numericScale: number | null;
  datetimePrecision: number | null;
  characterSetName: string | null;
  collationName: string | null;
}

const INT_PRECISION: Readonly<Record<string, [number, number]>> = {
  tinyint: [3, 3], smallint: [5, 5], mediumint: [7, 8], int: [10, 10], bigint: [19, 20],
};

export const DEFAULT_CHARSET = 'utf8mb4';
export const DEFAULT_COLLATION = 'utf8mb4_0900_ai_ci';

export function infoSchemaType(t: MysqlType): InfoSchemaType {
  const out: InfoSchemaType = {
    dataType: t.name,
    characterMaximumLength: null,
    characterOctetLength: null,
    numericPrecision: null,
    numericScale: null,
    datetimePrecision: null,
    characterSetName: null,
    collationName: null,
  };
  const chars = (n: number): void => {
    out.characterMaximumLength = n;
    out.characterOctetLength = n * MB;
    out.characterSetName = DEFAULT_CHARSET;
    out.collationName = DEFAULT_COLLATION;
  };
  switch (typeFamily(t)) {
    case 'integer': {
      const p = INT_PRECISION[t.name] ?? [19, 20];
      out.numericPrecision = t.unsigned ? p[1] : p[0];
      out.numericScale = 0;
      break;
    }
    case 'decimal':
      out.numericPrecision = t.length ?? 10;
      out.numericScale = t.scale ?? 0;
      break;
    case 'float':
      out.numericPrecision = t.length ?? (t.name === 'float' ? 12 : 22);
      out.numericScale = t.scale ?? null;
      break;
    case 'bit':
      out.numericPrecision = t.length ?? 1;
      break;
    case 'datetime': case 'time':
      out.datetimePrecision = t.fsp ?? 0;
      break;
    case 'string':
      chars(t.length ?? 1);
      break;
    case 'text': {
      const n = lobLength(t.name);
      out.characterMaximumLength = n;
      out.characterOctetLength = n;
      out.characterSetName = DEFAULT_CHARSET;
      out.collationName = DEFAULT_COLLATION;
      break;
    }
    case 'binary':
      out.characterMaximumLength = t.length ?? 1;
      out.characterOctetLength = t.length ?? 1;
      break;
    case 'blob':
      out.characterMaximumLength = lobLength(t.name);
      out.characterOctetLength = lobLength(t.name);
      break;
    case 'enum':
      chars(maxLen(t.values));
      break;
    case 'set':
      chars(setLen(t.values));
      break;
    case 'date': case 'year': case 'json': case 'geometry':
      break;
  }
  return out;
}

/** Whether the type takes a character set and collation (SHOW FULL COLUMNS' Collation column). */
export function isCharacterType(t: MysqlType): boolean {
  return ['string', 'text', 'enum', 'set'].includes(typeFamily(t));
}

/** Inclusive range of an integer type, for range checks. */
export function integerRange(t: MysqlType): [bigint, bigint] | undefined {
  if (typeFamily(t) !== 'integer') return undefined;
  const bits = { tinyint: 8n, smallint: 16n, mediumint: 24n, int: 32n, bigint: 64n }[t.name as 'int'] ?? 64n;
  if (t.unsigned) return [0n, (1n << bits) - 1n];
  return [-(1n << (bits - 1n)), (1n << (bits - 1n)) - 1n];
}
