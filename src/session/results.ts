// Small builders for the result sets the session answers itself (SHOW ..., FROM-less SELECT):
// typed columns from values, LIKE / WHERE filtering of SHOW rows.

import { Charset, ColumnType, type Column, type RowsResult, type Value } from '../protocol/handler.js';
import type { ShowFilter } from '../sql/ast.js';
import { Decimal, evaluate, likeToRegExp, truthy, type EvalContext, type SqlValue } from './evaluate.js';

export function textColumns(names: readonly string[]): Column[] {
  return names.map((name) => ({ name, type: ColumnType.VAR_STRING, length: 256 }));
}

/** MySQL's column type for a computed value. */
export function columnForValue(name: string, v: SqlValue): Column {
  if (v === null) return { name, type: ColumnType.NULL, length: 0 };
  if (typeof v === 'bigint') return { name, type: ColumnType.LONGLONG, length: 21 };
  if (typeof v === 'number') return { name, type: ColumnType.DOUBLE, length: 23, decimals: 31 };
  if (v instanceof Decimal) {
    const scale = (v.text.split('.')[1] ?? '').length;
    return { name, type: ColumnType.NEWDECIMAL, length: v.text.length + 1, decimals: scale };
  }
  if (Buffer.isBuffer(v)) return { name, type: ColumnType.VAR_STRING, charset: Charset.binary, length: v.length };
  return { name, type: ColumnType.VAR_STRING, length: Math.max(1, Buffer.byteLength(v)) * 4 };
}

export function toWireValue(v: SqlValue): Value {
  if (v instanceof Decimal) return v.text;
  return v;
}

/**
 * Applies SHOW's `LIKE 'pattern'` (on the first column) or `WHERE expr` (over the row's columns,
 * by name) to rows of text.
 */
export function filterShowRows(
  columns: readonly string[],
  rows: readonly (readonly SqlValue[])[],
  filter: ShowFilter | null,
  base: Omit<EvalContext, 'column' | 'clause'>,
): SqlValue[][] {
  if (!filter) return rows.map((r) => [...r]);
  if (filter.kind === 'like') {
    const re = likeToRegExp(filter.pattern, '\\');
    return rows.filter((r) => re.test(String(r[0] ?? ''))).map((r) => [...r]);
  }
  const lower = columns.map((c) => c.toLowerCase());
  return rows
    .filter((r) => {
      const ctx: EvalContext = {
        ...base,
        clause: 'where clause',
        column: (name) => {
          const i = lower.indexOf(name.toLowerCase());
          return i < 0 ? undefined : (r[i] ?? null);
        },
      };
      return truthy(evaluate(filter.expr, ctx)) === true;
    })
    .map((r) => [...r]);
}

export function rowsResult(columns: readonly Column[], rows: readonly (readonly SqlValue[])[]): RowsResult {
  return { kind: 'rows', columns, rows: rows.map((r) => r.map(toWireValue)) };
}
