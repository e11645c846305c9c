// A view is columns plus rows; this applies a SELECT's WHERE, ORDER BY, projection and LIMIT to it
// with the session's expression evaluator (column names resolved case-insensitively).

import { ColumnType, type Column, type QueryResult } from '../../protocol/handler.js';
import { SqlError } from '../../protocol/sql-error.js';
import type { Expr, Limit, OrderItem, SelectItem } from '../../sql/ast.js';
import { printExpr } from '../../sql/index.js';
import { compare, evaluate, truthy, type EvalContext, type SqlValue } from '../../session/evaluate.js';
import { columnForValue, rowsResult } from '../../session/results.js';
import { dateTime } from './format.js';

export type ViewColumnType = 'int' | 'text' | 'datetime';

export interface ViewColumn {
  readonly name: string;
  readonly type: ViewColumnType;
}

export interface View {
  readonly columns: readonly ViewColumn[];
  readonly rows: readonly (readonly SqlValue[])[];
}

export function viewColumn(c: ViewColumn): Column {
  switch (c.type) {
    case 'int':
      return { name: c.name, type: ColumnType.LONGLONG, length: 21 };
    case 'datetime':
      return { name: c.name, type: ColumnType.VAR_STRING, length: 26 * 4 };
    case 'text':
      return { name: c.name, type: ColumnType.VAR_STRING, length: 1024 };
  }
}

export function viewResult(view: View): QueryResult {
  return rowsResult(view.columns.map(viewColumn), view.rows);
}

function baseContext(): Omit<EvalContext, 'column' | 'clause'> {
  return {
    userVariable: () => null,
    systemVariable: () => null,
    sessionFunction: () => undefined,
    now: () => dateTime(Date.now()),
  };
}

function rowContext(view: View, row: readonly SqlValue[], clause: EvalContext['clause'], extra?: Map<string, SqlValue>): EvalContext {
  const lower = view.columns.map((c) => c.name.toLowerCase());
  return {
    ...baseContext(),
    clause,
    column: (name) => {
      const key = name.toLowerCase();
      const i = lower.indexOf(key);
      if (i >= 0) return row[i] ?? null;
      return extra?.has(key) === true ? (extra.get(key) ?? null) : undefined;
    },
  };
}

export function filterView(view: View, where: Expr | null): View {
  if (where === null) return view;
  return { columns: view.columns, rows: view.rows.filter((r) => truthy(evaluate(where, rowContext(view, r, 'where clause'))) === true) };
}

export interface ViewSelect {
  readonly distinct: boolean;
  readonly items: readonly SelectItem[];
  readonly where: Expr | null;
  readonly orderBy: readonly OrderItem[];
  readonly limit: Limit | null;
}

/** SELECT items FROM view WHERE ... ORDER BY ... LIMIT ... */
export function queryView(view: View, q: ViewSelect): QueryResult {
  const filtered = filterView(view, q.where).rows;
  const star = (e: Expr): boolean => e.kind === 'star';
  const names: string[] = [];
  const types: (ViewColumn | null)[] = [];
  for (const item of q.items) {
    if (star(item.expr)) {
      for (const c of view.columns) {
        names.push(c.name);
        types.push(c);
      }
    } else {
      const e = item.expr;
      const name = item.alias ?? (e.kind === 'column' ? e.name : printExpr(e));
      const base = e.kind === 'column' ? view.columns.find((c) => c.name.toLowerCase() === e.name.toLowerCase()) : undefined;
      if (e.kind === 'column' && base === undefined) throw new SqlError('ER_BAD_FIELD_ERROR', `Unknown column '${e.name}' in 'field list'`);
      names.push(name);
      types.push(base === undefined ? null : { name, type: base.type });
    }
  }
  let rows = filtered.map((r) => {
    const out: SqlValue[] = [];
    for (const item of q.items) {
      if (star(item.expr)) out.push(...r);
      else out.push(evaluate(item.expr, rowContext(view, r, 'field list')));
    }
    return { source: r, out };
  });
  if (q.orderBy.length > 0) {
    const aliasOf = (out: SqlValue[]): Map<string, SqlValue> => new Map(names.map((n, i) => [n.toLowerCase(), out[i] ?? null]));
    const keyed = rows.map((r) => ({ r, keys: q.orderBy.map((o) => evaluate(o.expr, rowContext(view, r.source, 'order clause', aliasOf(r.out)))) }));
    keyed.sort((a, b) => {
      for (let i = 0; i < q.orderBy.length; i++) {
        const x = a.keys[i] ?? null;
        const y = b.keys[i] ?? null;
        const c = x === null ? (y === null ? 0 : -1) : y === null ? 1 : compare(x, y);
        if (c !== 0) return q.orderBy[i]?.direction === 'DESC' ? -c : c;
      }
      return 0;
    });
    rows = keyed.map((k) => k.r);
  }
  let outRows = rows.map((r) => r.out);
  if (q.distinct) {
    const seen = new Set<string>();
    outRows = outRows.filter((r) => {
      const key = JSON.stringify(r.map((v) => (typeof v === 'bigint' ? v.toString() : Buffer.isBuffer(v) ? v.toString('hex') : v === null ? null : String(v))));
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  }
  if (q.limit !== null) outRows = outRows.slice(q.limit.offset ?? 0, (q.limit.offset ?? 0) + q.limit.count);
  const columns = names.map((n, i) => {
    const t = types[i];
    if (t !== null && t !== undefined) return viewColumn(t);
    return columnForValue(n, outRows.find((r) => r[i] !== null)?.[i] ?? null);
  });
  return rowsResult(columns, outRows);
}
