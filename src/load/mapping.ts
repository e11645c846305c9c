// From a statement's mapping (IMPORT INTO column list with @vars and SET, a Doris/AnalyticDB
// SELECT list with WHERE) to a plan the target's own SQL engine evaluates: which source fields are
// staged, which target columns are written, and for each one a MySQL expression over the staged
// fields (named `__f0`, `__f1`, ...). Writers print these expressions in their engine's dialect, so
// no value is converted by a hand-written evaluator here.

import type { Expr } from '../sql/ast.js';
import { printExpr } from '../sql/printer.js';
import { SqlError } from '../protocol/sql-error.js';
import type { TableDef } from '../targets/target.js';
import type { Mapping, SourceSpec } from './contract.js';

/** A source field: by position (CSV without a header) or by name (header, JSON, Parquet). */
export type FieldKey = { readonly kind: 'position'; readonly index: number } | { readonly kind: 'name'; readonly name: string };

export interface MappingPlan {
  /** Source fields staged for each row, in order; expressions name them `__f<i>`. */
  readonly fields: readonly FieldKey[];
  /** Target columns written, in order; the others take their DEFAULT (or NULL). */
  readonly columns: readonly string[];
  /** One MySQL expression per target column, over the staged fields. */
  readonly exprs: readonly Expr[];
  /** Rows for which this is not true are skipped (Doris WHERE); not error rows. */
  readonly where: Expr | null;
  /** True when every column is just a staged field in order and there is no filter. */
  readonly direct: boolean;
}

export const FIELD_PREFIX = '__f';

export function fieldName(i: number): string {
  return `${FIELD_PREFIX}${i}`;
}

function fieldRef(i: number): Expr {
  return { kind: 'column', schema: null, table: null, name: fieldName(i) };
}

/** Rewrites column and @variable references through `ref`; every other node is copied. */
export function rewriteRefs(e: Expr, ref: (r: { kind: 'column' | 'userVariable'; name: string }) => Expr): Expr {
  const w = (x: Expr): Expr => rewriteRefs(x, ref);
  switch (e.kind) {
    case 'column':
      return ref({ kind: 'column', name: e.name });
    case 'userVariable':
      return ref({ kind: 'userVariable', name: e.name });
    case 'string': case 'number': case 'hex': case 'bits': case 'null': case 'boolean': case 'temporal':
    case 'star': case 'systemVariable': case 'param': case 'default':
      return e;
    case 'unary':
      return { ...e, operand: w(e.operand) };
    case 'binary':
      return { ...e, left: w(e.left), right: w(e.right) };
    case 'is':
      return { ...e, expr: w(e.expr) };
    case 'in':
      return { ...e, expr: w(e.expr), list: e.list.map(w) };
    case 'between':
      return { ...e, expr: w(e.expr), low: w(e.low), high: w(e.high) };
    case 'like':
      return { ...e, expr: w(e.expr), pattern: w(e.pattern), escape: e.escape ? w(e.escape) : null };
    case 'regexp':
      return { ...e, expr: w(e.expr), pattern: w(e.pattern) };
    case 'case':
      return { ...e, operand: e.operand ? w(e.operand) : null, whens: e.whens.map((x) => ({ when: w(x.when), then: w(x.then) })), else: e.else ? w(e.else) : null };
    case 'cast': case 'convertUsing': case 'collate': case 'extract':
      return { ...e, expr: w(e.expr) };
    case 'interval':
      return { ...e, value: w(e.value) };
    case 'trim':
      return { ...e, remove: e.remove ? w(e.remove) : null, expr: w(e.expr) };
    case 'function':
      return { ...e, args: e.args.map(w) };
    case 'row':
      return { ...e, items: e.items.map(w) };
    default: {
      const never: never = e;
      throw new Error(`unhandled expression ${JSON.stringify(never)}`);
    }
  }
}

function unknownColumn(name: string, where: string): SqlError {
  return new SqlError('ER_BAD_FIELD_ERROR', `Unknown column '${name}' in '${where}'`);
}

function tableColumn(def: TableDef, name: string): string {
  const c = def.columns.find((x) => x.name.toLowerCase() === name.toLowerCase());
  if (!c) throw unknownColumn(name, 'field list');
  return c.name;
}

/** Formats whose fields are found by name rather than position. */
function byName(source: SourceSpec | null): boolean {
  if (!source) return false;
  if (source.format === 'json' || source.format === 'parquet') return true;
  const f = (source.properties.format ?? source.properties.FORMAT ?? '').toLowerCase();
  return f === 'csv_with_names' || f === 'csv_with_names_and_types';
}

/** Doris names the fields of a headerless CSV c1, c2, ... */
function sourceFieldKey(name: string, named: boolean): FieldKey {
  const m = /^c(\d+)$/i.exec(name);
  if (!named && m) return { kind: 'position', index: Number(m[1]) - 1 };
  if (!named) throw unknownColumn(name, 'field list');
  return { kind: 'name', name };
}

function sameKey(a: FieldKey, b: FieldKey): boolean {
  return a.kind === 'position' ? b.kind === 'position' && a.index === b.index : b.kind === 'name' && a.name.toLowerCase() === b.name.toLowerCase();
}

class FieldTable {
  readonly keys: FieldKey[] = [];
  ref(key: FieldKey): Expr {
    let i = this.keys.findIndex((k) => sameKey(k, key));
    if (i < 0) {
      i = this.keys.length;
      this.keys.push(key);
    }
    return fieldRef(i);
  }
}

const COMPARISONS = new Set<string>(['=', '<=>', '<>', '<', '<=', '>', '>=']);
const ARITHMETIC = new Set<string>(['+', '-', '*', '/', 'DIV', 'MOD']);

function isNumeric(e: Expr): boolean {
  if (e.kind === 'number') return true;
  if (e.kind === 'unary') return (e.op === '-' || e.op === '+') && isNumeric(e.operand);
  return e.kind === 'binary' && ARITHMETIC.has(e.op);
}

function isField(e: Expr): boolean {
  return e.kind === 'column' && e.name.startsWith(FIELD_PREFIX);
}

/**
 * Staged fields are text. MySQL compares a string with a number as numbers; SQLite ranks any text
 * above any number. `field + 0` means the same in MySQL and makes SQLite compare numerically too.
 */
export function numericComparisons(e: Expr): Expr {
  const num = (x: Expr): Expr => (isField(x) ? { kind: 'binary', op: '+', left: x, right: { kind: 'number', value: '0' } } : x);
  const walk = (x: Expr): Expr => {
    if (x.kind === 'binary' && COMPARISONS.has(x.op)) {
      const left = walk(x.left);
      const right = walk(x.right);
      if (isNumeric(right)) return { ...x, left: num(left), right };
      if (isNumeric(left)) return { ...x, left, right: num(right) };
      return { ...x, left, right };
    }
    if (x.kind === 'between') {
      const expr = walk(x.expr);
      return { ...x, expr: isNumeric(x.low) || isNumeric(x.high) ? num(expr) : expr, low: walk(x.low), high: walk(x.high) };
    }
    if (x.kind === 'in') {
      const expr = walk(x.expr);
      return { ...x, expr: x.list.some(isNumeric) ? num(expr) : expr, list: x.list.map(walk) };
    }
    return mapChildren(x, walk);
  };
  return walk(e);
}

/** The same node with `f` applied to its direct sub-expressions. */
function mapChildren(e: Expr, f: (x: Expr) => Expr): Expr {
  switch (e.kind) {
    case 'unary': return { ...e, operand: f(e.operand) };
    case 'binary': return { ...e, left: f(e.left), right: f(e.right) };
    case 'is': return { ...e, expr: f(e.expr) };
    case 'in': return { ...e, expr: f(e.expr), list: e.list.map(f) };
    case 'between': return { ...e, expr: f(e.expr), low: f(e.low), high: f(e.high) };
    case 'like': return { ...e, expr: f(e.expr), pattern: f(e.pattern), escape: e.escape ? f(e.escape) : null };
    case 'regexp': return { ...e, expr: f(e.expr), pattern: f(e.pattern) };
    case 'case': return { ...e, operand: e.operand ? f(e.operand) : null, whens: e.whens.map((w) => ({ when: f(w.when), then: f(w.then) })), else: e.else ? f(e.else) : null };
    case 'cast': case 'convertUsing': case 'collate': case 'extract': return { ...e, expr: f(e.expr) };
    case 'interval': return { ...e, value: f(e.value) };
    case 'trim': return { ...e, remove: e.remove ? f(e.remove) : null, expr: f(e.expr) };
    case 'function': return { ...e, args: e.args.map(f) };
    case 'row': return { ...e, items: e.items.map(f) };
    default: return e;
  }
}

function isDirect(fields: readonly FieldKey[], exprs: readonly Expr[], where: Expr | null): boolean {
  return where === null && exprs.length === fields.length && exprs.every((e, i) => e.kind === 'column' && e.name === fieldName(i));
}

/** Compiles a file mapping ('import' or 'select') against the target table. */
export function planMapping(mapping: Mapping, def: TableDef, source: SourceSpec | null): MappingPlan {
  const named = byName(source);
  const fields = new FieldTable();
  const columns: string[] = [];
  const exprs: Expr[] = [];
  const put = (column: string, e: Expr): void => {
    const name = tableColumn(def, column);
    const at = columns.findIndex((c) => c.toLowerCase() === name.toLowerCase());
    if (at >= 0) exprs[at] = e;
    else {
      columns.push(name);
      exprs.push(e);
    }
  };
  switch (mapping.kind) {
    case 'import': {
      // Each listed item takes the next field; SET may use @vars and the columns assigned so far.
      const items = mapping.columns ?? def.columns.map((c) => ({ kind: 'column' as const, name: c.name }));
      const assigned = new Map<string, Expr>();
      items.forEach((item, i) => {
        const key: FieldKey = named ? { kind: 'name', name: item.name } : { kind: 'position', index: i };
        const ref = fields.ref(key);
        if (item.kind === 'column') {
          put(item.name, ref);
          assigned.set(`c:${item.name.toLowerCase()}`, ref);
        } else assigned.set(`v:${item.name.toLowerCase()}`, ref);
      });
      for (const s of mapping.set) {
        put(s.column, rewriteRefs(s.value, (r) => {
          const found = assigned.get(`${r.kind === 'column' ? 'c' : 'v'}:${r.name.toLowerCase()}`);
          if (found) return found;
          if (r.kind === 'userVariable') return { kind: 'null' };
          throw unknownColumn(r.name, 'field list');
        }));
      }
      const mapped = exprs.map(numericComparisons);
      return { fields: fields.keys, columns, exprs: mapped, where: null, direct: isDirect(fields.keys, mapped, null) };
    }
    case 'select': {
      const ref = (r: { kind: 'column' | 'userVariable'; name: string }): Expr => {
        if (r.kind === 'userVariable') return { kind: 'null' };
        return fields.ref(sourceFieldKey(r.name, named));
      };
      const values: Expr[] = [];
      for (const item of mapping.items) {
        if (item.expr.kind === 'star') {
          const width = (mapping.columns ?? def.columns.map((c) => c.name)).length - values.length;
          for (let i = 0; i < width; i++) values.push(fields.ref(named ? { kind: 'name', name: def.columns[values.length]?.name ?? `c${i + 1}` } : { kind: 'position', index: i }));
        } else values.push(rewriteRefs(item.expr, ref));
      }
      const targets = mapping.columns ?? def.columns.slice(0, values.length).map((c) => c.name);
      if (targets.length !== values.length) {
        throw new SqlError('ER_WRONG_VALUE_COUNT_ON_ROW', "Column count doesn't match value count at row 1");
      }
      targets.forEach((c, i) => put(c, values[i]!));
      const where = mapping.where ? numericComparisons(rewriteRefs(mapping.where, ref)) : null;
      const mapped = exprs.map(numericComparisons);
      return { fields: fields.keys, columns, exprs: mapped, where, direct: isDirect(fields.keys, mapped, where) };
    }
    case 'query':
      throw new Error('a query mapping has no file plan');
    default: {
      const never: never = mapping;
      throw new Error(`unhandled mapping ${JSON.stringify(never)}`);
    }
  }
}

/** The plan's expressions as MySQL text (what the MySQL target runs, and what the embedded one translates). */
export function planSql(plan: MappingPlan): { exprs: string[]; where: string | null } {
  return { exprs: plan.exprs.map(printExpr), where: plan.where ? printExpr(plan.where) : null };
}

/** Field positions of a file once its header (if any) is known; -1 when a named field is absent. */
export function bindFields(fields: readonly FieldKey[], header: readonly string[] | null): number[] {
  const lower = header?.map((h) => h.toLowerCase()) ?? null;
  return fields.map((k) => {
    if (k.kind === 'position') return k.index;
    if (!lower) return -1;
    return lower.indexOf(k.name.toLowerCase());
  });
}
