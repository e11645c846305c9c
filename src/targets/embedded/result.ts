// Result sets with MySQL column metadata. A column that comes straight from a table takes its
// MySQL type from the catalog (better-sqlite3's stmt.columns() names the origin); an expression is
// typed from its values. Integers are read as BigInt so nothing beyond 2^53 loses precision, and
// DATE/DATETIME/DECIMAL values become MySQL's canonical text.

import { ColumnFlag, ColumnType, Charset, type Column, type Row, type RowsResult, type Value } from '../../protocol/handler.js';
import type { ColumnDef, TableDef } from '../target.js';
import { parseType, typeFamily, wireType, type MysqlType } from '../mysql-types.js';
import { formatDate, formatDateTime, parseDateTime } from './datetime.js';

export interface SqliteColumnInfo {
  name: string;
  column: string | null;
  table: string | null;
  database: string | null;
  type: string | null;
}

export interface ColumnOrigin {
  database: string;
  table: TableDef;
  column: ColumnDef;
}

type Converter = (v: unknown) => Value;

function toNumberish(v: bigint): number | bigint {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

function asText(v: unknown): string {
  if (Buffer.isBuffer(v)) return v.toString('utf8');
  return String(v);
}

/** How a stored value becomes the value MySQL would send for a column of this type. */
export function converterFor(t: MysqlType): Converter {
  const nullable = (f: (v: unknown) => Value): Converter => (v) => (v === null || v === undefined ? null : f(v));
  switch (typeFamily(t)) {
    case 'integer': case 'year':
      return nullable((v) => {
        if (typeof v === 'bigint') return toNumberish(v);
        if (typeof v === 'number') return Math.round(v);
        try {
          return toNumberish(BigInt(asText(v).trim()));
        } catch {
          return asText(v);
        }
      });
    case 'bit': {
      const bytes = Math.max(1, Math.ceil((t.length ?? 1) / 8));
      return nullable((v) => {
        let n = typeof v === 'bigint' ? v : BigInt(Math.trunc(Number(v)));
        const out = Buffer.alloc(bytes);
        for (let i = bytes - 1; i >= 0; i--) {
          out[i] = Number(n & 0xffn);
          n >>= 8n;
        }
        return out;
      });
    }
    case 'decimal': {
      const scale = t.scale ?? 0;
      return nullable((v) => {
        if (typeof v === 'bigint') return scale > 0 ? `${v}.${'0'.repeat(scale)}` : v.toString();
        if (typeof v === 'number') return v.toFixed(scale);
        const n = Number(asText(v));
        return Number.isFinite(n) ? n.toFixed(scale) : asText(v);
      });
    }
    case 'float':
      return nullable((v) => (typeof v === 'bigint' ? Number(v) : typeof v === 'number' ? v : Number(asText(v))));
    case 'date':
      return nullable((v) => {
        const p = parseDateTime(v);
        return p ? formatDate(p) : asText(v);
      });
    case 'datetime': {
      const fsp = t.fsp ?? 0;
      return nullable((v) => {
        const p = parseDateTime(v);
        return p ? formatDateTime(p, fsp) : asText(v);
      });
    }
    case 'binary': case 'blob': case 'geometry':
      return nullable((v) => (Buffer.isBuffer(v) ? v : Buffer.from(typeof v === 'bigint' ? v.toString() : asText(v), 'utf8')));
    case 'time': case 'string': case 'text': case 'enum': case 'set': case 'json':
      return nullable((v) => (typeof v === 'bigint' ? v.toString() : asText(v)));
  }
}

/** Column definition flags MySQL sends for a table column. */
export function columnFlags(def: TableDef, c: ColumnDef, base: number): number {
  let flags = base;
  const name = c.name.toLowerCase();
  if (!c.nullable) flags |= ColumnFlag.NOT_NULL;
  for (const idx of def.indexes) {
    const pos = idx.columns.findIndex((x) => x.name.toLowerCase() === name);
    if (pos < 0) continue;
    if (idx.kind === 'primary') flags |= ColumnFlag.PRI_KEY;
    else if (idx.kind === 'unique') flags |= ColumnFlag.UNIQUE_KEY;
    else if (pos === 0) flags |= ColumnFlag.MULTIPLE_KEY;
  }
  if (c.autoIncrement) flags |= ColumnFlag.AUTO_INCREMENT;
  if (!c.nullable && !c.default && !c.autoIncrement) flags |= ColumnFlag.NO_DEFAULT_VALUE;
  if (c.onUpdateCurrentTimestamp) flags |= ColumnFlag.ON_UPDATE_NOW;
  return flags;
}

type Kind = 'null' | 'int' | 'real' | 'text' | 'blob';

function kindOf(v: unknown): Kind {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'bigint') return 'int';
  if (typeof v === 'number') return Number.isInteger(v) && !Object.is(v, -0) ? 'real' : 'real';
  if (Buffer.isBuffer(v)) return 'blob';
  return 'text';
}

/** Types an expression column from all of its values. */
function inferColumn(info: SqliteColumnInfo, values: readonly unknown[]): { column: Column; convert: Converter } {
  const kinds = new Set(values.map(kindOf));
  kinds.delete('null');
  const base = { name: info.name, orgName: info.name };
  if (kinds.has('blob')) {
    return {
      column: { ...base, type: ColumnType.BLOB, flags: ColumnFlag.BLOB | ColumnFlag.BINARY, charset: Charset.binary, length: 65535 },
      convert: (v) => (v === null || v === undefined ? null : Buffer.isBuffer(v) ? v : Buffer.from(typeof v === 'bigint' ? v.toString() : String(v as string | number))),
    };
  }
  if (kinds.has('text') || (kinds.size === 0 && values.length === 0)) {
    let max = 0;
    for (const v of values) if (typeof v === 'string') max = Math.max(max, v.length);
    return {
      column: { ...base, type: ColumnType.VAR_STRING, charset: Charset.utf8mb4_general_ci, length: Math.max(max, 1) * 4 },
      convert: (v) => (v === null || v === undefined ? null : typeof v === 'bigint' || typeof v === 'number' ? v.toString() : asText(v)),
    };
  }
  if (kinds.has('real')) {
    return {
      column: { ...base, type: ColumnType.DOUBLE, flags: ColumnFlag.NUM | ColumnFlag.BINARY, charset: Charset.binary, length: 23, decimals: 31 },
      convert: (v) => (v === null || v === undefined ? null : Number(v)),
    };
  }
  if (kinds.has('int')) {
    return {
      column: { ...base, type: ColumnType.LONGLONG, flags: ColumnFlag.NUM | ColumnFlag.BINARY, charset: Charset.binary, length: 21 },
      convert: (v) => (v === null || v === undefined ? null : typeof v === 'bigint' ? toNumberish(v) : (v as Value)),
    };
  }
  return {
    column: { ...base, type: ColumnType.NULL, flags: ColumnFlag.BINARY, charset: Charset.binary, length: 0 },
    convert: () => null,
  };
}

/**
 * Builds the result set. `raw` rows are arrays read with raw(true) and safeIntegers(true);
 * `origin` resolves a column's source table through the catalog.
 */
export function buildRowsResult(
  infos: readonly SqliteColumnInfo[],
  raw: readonly unknown[][],
  origin: (info: SqliteColumnInfo) => ColumnOrigin | undefined,
): RowsResult {
  const columns: Column[] = [];
  const converters: Converter[] = [];
  infos.forEach((info, i) => {
    const o = origin(info);
    const t = o ? parseType(o.column.type) : undefined;
    if (o && t) {
      const w = wireType(t);
      columns.push({
        name: info.name,
        orgName: o.column.name,
        table: o.table.name,
        orgTable: o.table.name,
        schema: o.database,
        type: w.type,
        flags: columnFlags(o.table, o.column, w.flags),
        charset: w.charset,
        length: w.length,
        decimals: w.decimals,
      });
      converters.push(converterFor(t));
    } else {
      const inferred = inferColumn(info, raw.map((r) => r[i]));
      columns.push(inferred.column);
      converters.push(inferred.convert);
    }
  });
  const rows: Row[] = raw.map((r) => r.map((v, i) => (converters[i] ?? ((x: unknown) => x as Value))(v)));
  return { kind: 'rows', columns, rows };
}
