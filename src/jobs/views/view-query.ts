// A view is columns plus rows; this applies a SELECT's WHERE, ORDER BY, projection and LIMIT to it
// with the session's expression evaluator (column names resolved case-insensitively).

import { ColumnType, type Column, type QueryResult } from '../../protocol/handler.js';
import { SqlError } from '../../protocol/sql-error.js';
import type { Expr, Limit, OrderItem, SelectItem } from '../../sql/ast.js';
import { printExpr } from '../../sql/index.js';
import { compare, evaluate, toNumber, truthy, type EvalContext, type SqlValue } from '../../session/evaluate.js';
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
  readonly groupBy?: readonly Expr[];
  readonly orderBy: readonly OrderItem[];
  readonly limit: Limit | null;
}

const AGGREGATES = new Set(['COUNT', 'SUM', 'MIN', 'MAX', 'AVG']);

function isAggregate(e: Expr): e is Extract<Expr, { kind: 'function' }> {
  return e.kind === 'function' && e.schema === null && AGGREGATES.has(e.name);
}

function hasAggregate(node: unknown): boolean {
  if (typeof node !== 'object' || node === null) return false;
  if (Array.isArray(node)) return node.some(hasAggregate);
  if ((node as { kind?: unknown }).kind === 'function' && isAggregate(node as Expr)) return true;
  return Object.values(node).some(hasAggregate);
}

function literalOf(v: SqlValue): Expr {
  if (v === null) return { kind: 'null' };
  if (typeof v === 'bigint' || typeof v === 'number') return { kind: 'number', value: String(v) };
  return { kind: 'string', value: Buffer.isBuffer(v) ? v.toString('utf8') : String(v), charset: null };
}

/** One aggregate over the rows, as MySQL computes it (NULLs skipped; COUNT(*) counts rows). */
function aggregate(e: Extract<Expr, { kind: 'function' }>, view: View, rows: readonly (readonly SqlValue[])[]): SqlValue {
  const arg = e.args[0];
  if (e.name === 'COUNT' && (arg === undefined || arg.kind === 'star')) return BigInt(rows.length);
  if (arg === undefined || e.args.length !== 1) throw new SqlError('ER_WRONG_PARAMCOUNT_TO_NATIVE_FCT', `Incorrect parameter count in the call to native function '${e.name}'`);
  let values = rows.map((r) => evaluate(arg, rowContext(view, r, 'field list'))).filter((v): v is Exclude<SqlValue, null> => v !== null);
  if (e.distinct) {
    const seen = new Set<string>();
    values = values.filter((v) => (seen.has(String(v)) ? false : (seen.add(String(v)), true)));
  }
  switch (e.name) {
    case 'COUNT':
      return BigInt(values.length);
    case 'MIN':
    case 'MAX': {
      if (values.length === 0) return null;
      const sign = e.name === 'MIN' ? -1 : 1;
      return values.reduce((a, b) => (compare(b, a) * sign > 0 ? b : a));
    }
    default: {
      if (values.length === 0) return null;
      const sum = values.reduce<number>((n, v) => n + toNumber(v), 0);
      return e.name === 'AVG' ? sum / values.length : sum;
    }
  }
}

/** The expression with every aggregate call replaced by its value over `rows`. */
function substituteAggregates(node: Expr, view: View, rows: readonly (readonly SqlValue[])[]): Expr {
  if (isAggregate(node)) return literalOf(aggregate(node, view, rows));
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (typeof v === 'object' && v !== null && 'kind' in v) return substituteAggregates(v as Expr, view, rows);
    if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, walk(v)])) as Expr;
}

/**
 * SELECT items FROM view WHERE ... [GROUP BY ...] ORDER BY ... LIMIT ... An aggregate in the select
 * list (COUNT, SUM, MIN, MAX, AVG) without GROUP BY makes the whole view one group.
 */
export function queryView(view: View, q: ViewSelect): QueryResult {
  const filtered = filterView(view, q.where).rows;
  if ((q.groupBy?.length ?? 0) > 0 || q.items.some((i) => hasAggregate(i.expr))) return aggregateView(view, q, filtered);
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
    rows = sortByKeys(rows, q.orderBy, (r) => q.orderBy.map((o) => evaluate(o.expr, rowContext(view, r.source, 'order clause', aliasOf(r.out)))));
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

function aggregateView(view: View, q: ViewSelect, rows: readonly (readonly SqlValue[])[]): QueryResult {
  const groupBy = q.groupBy ?? [];
  if (q.items.some((i) => i.expr.kind === 'star')) {
    throw new SqlError('ER_MIX_OF_GROUP_FUNC_AND_FIELDS', `In aggregated query${groupBy.length === 0 ? ' without GROUP BY' : ''}, * cannot be selected`);
  }
  // Groups in the order their first row appears; without GROUP BY the whole view is one group.
  const groups = new Map<string, (readonly SqlValue[])[]>();
  if (groupBy.length === 0) groups.set('', [...rows]);
  for (const r of groupBy.length === 0 ? [] : rows) {
    const key = JSON.stringify(groupBy.map((e) => keyOf(evaluate(e, rowContext(view, r, 'field list')))));
    const members = groups.get(key);
    if (members) members.push(r);
    else groups.set(key, [r]);
  }
  const names = q.items.map((i) => i.alias ?? printExpr(i.expr));
  let results = [...groups.values()].map((members) => {
    const first = members[0] ?? view.columns.map(() => null);
    const out = q.items.map((i) => evaluate(substituteAggregates(i.expr, view, members), rowContext(view, first, 'field list')));
    return { members, first, out };
  });
  if (q.orderBy.length > 0) {
    results = sortByKeys(results, q.orderBy, (g) => {
      const aliases = new Map(names.map((n, i) => [n.toLowerCase(), g.out[i] ?? null]));
      return q.orderBy.map((o) => evaluate(substituteAggregates(o.expr, view, g.members), rowContext(view, g.first, 'order clause', aliases)));
    });
  }
  let outRows = results.map((g) => g.out);
  if (q.limit !== null) outRows = outRows.slice(q.limit.offset ?? 0, (q.limit.offset ?? 0) + q.limit.count);
  return rowsResult(names.map((n, i) => columnForValue(n, outRows.find((r) => r[i] !== null)?.[i] ?? null)), outRows);
}

/** ORDER BY: NULLs first, MySQL comparison, DESC per item; the keys of each item computed once. */
function sortByKeys<T>(items: readonly T[], orderBy: readonly OrderItem[], keysOf: (item: T) => SqlValue[]): T[] {
  const keyed = items.map((item) => ({ item, keys: keysOf(item) }));
  keyed.sort((a, b) => {
    for (let i = 0; i < orderBy.length; i++) {
      const x = a.keys[i] ?? null;
      const y = b.keys[i] ?? null;
      const c = x === null ? (y === null ? 0 : -1) : y === null ? 1 : compare(x, y);
      if (c !== 0) return orderBy[i]?.direction === 'DESC' ? -c : c;
    }
    return 0;
  });
  return keyed.map((k) => k.item);
}

function keyOf(v: SqlValue): string | null {
  if (v === null) return null;
  if (Buffer.isBuffer(v)) return `x${v.toString('hex')}`;
  return typeof v === 'string' ? `s${v.toLowerCase()}` : `n${String(v)}`;
}
