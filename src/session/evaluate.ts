// Evaluates the expressions loadwire answers itself: FROM-less SELECTs (`SELECT @@version_comment
// LIMIT 1`, `SELECT 1+1 AS result`, Connector/J's variable probe), SET right-hand sides
// (`concat(@@sql_mode, ',STRICT_TRANS_TABLES')`) and SHOW ... WHERE filters. Data itself is never
// evaluated here: statements over tables run in the target's own SQL engine.
// Semantics follow MySQL where clients can tell: NULL propagation, string/number comparison as
// numbers, case-insensitive string comparison (the *_general_ci collations), integer vs double
// results, division by zero → NULL.

import { SqlError } from '../protocol/sql-error.js';
import type { Expr, IntervalUnit } from '../sql/ast.js';

/** An exact decimal kept as text (literals like 1.50 and DECIMAL casts), so it prints as MySQL does. */
export class Decimal {
  constructor(readonly text: string) {}
  toNumber(): number {
    return Number(this.text);
  }
  toString(): string {
    return this.text;
  }
}

export type SqlValue = null | bigint | number | string | Buffer | Decimal;

export interface EvalContext {
  /** A column of the row being filtered; undefined when the name is not a column. */
  column?(name: string, table: string | null): SqlValue | undefined;
  userVariable(name: string): SqlValue;
  systemVariable(name: string, scope: 'global' | 'session' | null): SqlValue;
  /** Session functions (VERSION(), DATABASE(), ...); undefined when `name` is not one of them. */
  sessionFunction(name: string, args: SqlValue[]): SqlValue | undefined;
  param?(index: number): SqlValue;
  /** The current time in the session's time zone, as 'YYYY-MM-DD HH:MM:SS'. */
  now(): string;
  /** Where an unknown column was referenced, for the 1054 message. */
  clause: 'field list' | 'where clause' | 'having clause' | 'order clause';
  /** SLEEP(n) requests, awaited by the caller (evaluation itself is synchronous). */
  sleeps?: number[];
}

const MAX_DEPTH = 2000;

export function evaluate(e: Expr, ctx: EvalContext, depth = 0): SqlValue {
  if (depth > MAX_DEPTH) throw new SqlError('ER_NOT_SUPPORTED_YET', 'Expression is too deeply nested');
  const ev = (x: Expr): SqlValue => evaluate(x, ctx, depth + 1);
  switch (e.kind) {
    case 'string':
      return e.value;
    case 'number':
      return parseNumberLiteral(e.value);
    case 'hex': {
      const hex = e.value.length % 2 ? `0${e.value}` : e.value;
      return Buffer.from(hex, 'hex');
    }
    case 'bits': {
      const n = e.value === '' ? 0n : BigInt(`0b${e.value}`);
      const bytes = Math.max(1, Math.ceil(e.value.length / 8));
      const b = Buffer.alloc(bytes);
      let v = n;
      for (let i = bytes - 1; i >= 0; i--) {
        b[i] = Number(v & 0xffn);
        v >>= 8n;
      }
      return b;
    }
    case 'null':
      return null;
    case 'boolean':
      return e.value ? 1n : 0n;
    case 'temporal':
      return e.value;
    case 'column': {
      const v = ctx.column?.(e.name, e.table);
      if (v === undefined) {
        const name = e.table ? `${e.table}.${e.name}` : e.name;
        throw new SqlError('ER_BAD_FIELD_ERROR', `Unknown column '${name}' in '${ctx.clause}'`);
      }
      return v;
    }
    case 'star':
      throw new SqlError('ER_NO_TABLES_USED', 'No tables used');
    case 'userVariable':
      return ctx.userVariable(e.name);
    case 'systemVariable':
      return ctx.systemVariable(e.name, e.scope);
    case 'param':
      if (!ctx.param) throw new SqlError('ER_WRONG_ARGUMENTS', 'Incorrect arguments to EXECUTE');
      return ctx.param(e.index);
    case 'default':
      throw new SqlError('ER_PARSE_ERROR', "You have an error in your SQL syntax; check the manual that corresponds to your loadwire version for the right syntax to use near 'DEFAULT' at line 1");
    case 'unary':
      return unary(e.op, ev(e.operand));
    case 'binary':
      return binary(e, ctx, depth);
    case 'is': {
      const v = ev(e.expr);
      let r: boolean;
      switch (e.value) {
        case 'NULL':
          r = v === null;
          break;
        case 'UNKNOWN':
          r = v === null;
          break;
        case 'TRUE':
          r = v !== null && truthy(v) === true;
          break;
        case 'FALSE':
          r = v !== null && truthy(v) === false;
          break;
      }
      return bool(e.not ? !r : r);
    }
    case 'in': {
      const v = ev(e.expr);
      if (v === null) return null;
      let sawNull = false;
      for (const item of e.list) {
        const w = ev(item);
        if (w === null) {
          sawNull = true;
          continue;
        }
        if (compare(v, w) === 0) return bool(!e.not);
      }
      return sawNull ? null : bool(e.not);
    }
    case 'between': {
      const v = ev(e.expr);
      const lo = ev(e.low);
      const hi = ev(e.high);
      if (v === null || lo === null || hi === null) return null;
      const r = compare(v, lo) >= 0 && compare(v, hi) <= 0;
      return bool(e.not ? !r : r);
    }
    case 'like': {
      const v = ev(e.expr);
      const p = ev(e.pattern);
      if (v === null || p === null) return null;
      const esc = e.escape ? ev(e.escape) : '\\';
      const r = likeToRegExp(toStr(p), esc === null ? '\\' : toStr(esc)).test(toStr(v));
      return bool(e.not ? !r : r);
    }
    case 'regexp': {
      const v = ev(e.expr);
      const p = ev(e.pattern);
      if (v === null || p === null) return null;
      let re: RegExp;
      try {
        re = new RegExp(toStr(p), 'iu');
      } catch {
        throw new SqlError('ER_WRONG_ARGUMENTS', `Illegal argument to a regular expression.`);
      }
      const r = re.test(toStr(v));
      return bool(e.not ? !r : r);
    }
    case 'case': {
      if (e.operand) {
        const v = ev(e.operand);
        for (const w of e.whens) {
          const x = ev(w.when);
          if (v !== null && x !== null && compare(v, x) === 0) return ev(w.then);
        }
      } else {
        for (const w of e.whens) if (truthy(ev(w.when)) === true) return ev(w.then);
      }
      return e.else ? ev(e.else) : null;
    }
    case 'cast':
      return cast(ev(e.expr), e.type.name, e.type.scale);
    case 'convertUsing':
      return toStrOrNull(ev(e.expr));
    case 'collate':
      return ev(e.expr);
    case 'interval':
      throw new SqlError('ER_PARSE_ERROR', "You have an error in your SQL syntax; check the manual that corresponds to your loadwire version for the right syntax to use near 'INTERVAL' at line 1");
    case 'extract': {
      const v = ev(e.expr);
      if (v === null) return null;
      return extract(e.unit, toStr(v));
    }
    case 'trim': {
      const v = ev(e.expr);
      const rem = e.remove ? ev(e.remove) : ' ';
      if (v === null || rem === null) return null;
      return trim(toStr(v), toStr(rem), e.mode ?? 'BOTH');
    }
    case 'function':
      return callFunction(e.name, e.args, e.distinct, ctx, depth);
    case 'row':
      throw new SqlError('ER_OPERAND_COLUMNS', 'Operand should contain 1 column(s)');
    default: {
      const never: never = e;
      return never;
    }
  }
}

// --- conversions ------------------------------------------------------------------------------

export function parseNumberLiteral(text: string): SqlValue {
  if (/^\d+$/.test(text)) return BigInt(text);
  if (/^\d*\.\d*$/.test(text)) return new Decimal(text.startsWith('.') ? `0${text}` : text);
  return Number(text);
}

function bool(b: boolean): bigint {
  return b ? 1n : 0n;
}

/** MySQL's numeric interpretation of a string: the longest numeric prefix, else 0. */
export function toNumber(v: Exclude<SqlValue, null>): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Decimal) return v.toNumber();
  if (Buffer.isBuffer(v)) return Number(bufferToBigInt(v));
  const m = /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?/.exec(v);
  return m ? Number(m[0]) : 0;
}

function bufferToBigInt(b: Buffer): bigint {
  let n = 0n;
  for (const byte of b) n = (n << 8n) | BigInt(byte);
  return n;
}

export function toStr(v: Exclude<SqlValue, null>): string {
  if (typeof v === 'string') return v;
  if (Buffer.isBuffer(v)) return v.toString('utf8');
  if (typeof v === 'number') return formatDouble(v);
  return v.toString();
}

function toStrOrNull(v: SqlValue): SqlValue {
  return v === null ? null : toStr(v);
}

/** Doubles print as MySQL prints them: integers without '.0', large/small ones in e-notation. */
export function formatDouble(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Number.isInteger(n) && Math.abs(n) < 1e15) return String(n);
  const s = String(n);
  return s.replace('e+', 'e');
}

export function truthy(v: SqlValue): boolean | null {
  if (v === null) return null;
  if (typeof v === 'bigint') return v !== 0n;
  return toNumber(v) !== 0;
}

function isNumeric(v: SqlValue): boolean {
  return typeof v === 'number' || typeof v === 'bigint' || v instanceof Decimal;
}

/** -1, 0, 1. Strings compare case-insensitively, numbers numerically, mixed as numbers. */
export function compare(a: Exclude<SqlValue, null>, b: Exclude<SqlValue, null>): number {
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
  if (isNumeric(a) || isNumeric(b)) {
    const x = toNumber(a);
    const y = toNumber(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  const x = toStr(a).toLowerCase().trimEnd();
  const y = toStr(b).toLowerCase().trimEnd();
  return x < y ? -1 : x > y ? 1 : 0;
}

export function likeToRegExp(pattern: string, escape: string): RegExp {
  let re = '^';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === escape && i + 1 < pattern.length) {
      re += pattern[++i]!.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    } else if (ch === '%') re += '[\\s\\S]*';
    else if (ch === '_') re += '[\\s\\S]';
    else re += ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`${re}$`, 'is');
}

function unary(op: string, v: SqlValue): SqlValue {
  if (v === null) return null;
  switch (op) {
    case '-':
      if (typeof v === 'bigint') return -v;
      if (v instanceof Decimal) return new Decimal(v.text.startsWith('-') ? v.text.slice(1) : `-${v.text}`);
      return -toNumber(v);
    case '+':
      return v;
    case '~':
      return BigInt.asUintN(64, ~BigInt.asIntN(64, typeof v === 'bigint' ? v : BigInt(Math.trunc(toNumber(v)))));
    case '!':
    case 'NOT':
      return bool(!truthy(v));
    case 'BINARY':
      return v;
    default:
      throw new SqlError('ER_NOT_SUPPORTED_YET', `Operator ${op} is not supported here`);
  }
}

function toBig(v: Exclude<SqlValue, null>): bigint {
  if (typeof v === 'bigint') return v;
  return BigInt(Math.trunc(toNumber(v)));
}

function scaleOf(v: Exclude<SqlValue, null>): number {
  if (v instanceof Decimal) return (v.text.split('.')[1] ?? '').length;
  return 0;
}

function binary(e: Extract<Expr, { kind: 'binary' }>, ctx: EvalContext, depth: number): SqlValue {
  const ev = (x: Expr): SqlValue => evaluate(x, ctx, depth + 1);
  // Logic operators short-circuit with MySQL's three-valued logic.
  if (e.op === 'AND') {
    const a = truthy(ev(e.left));
    if (a === false) return 0n;
    const b = truthy(ev(e.right));
    if (b === false) return 0n;
    return a === null || b === null ? null : 1n;
  }
  if (e.op === 'OR') {
    const a = truthy(ev(e.left));
    if (a === true) return 1n;
    const b = truthy(ev(e.right));
    if (b === true) return 1n;
    return a === null || b === null ? null : 0n;
  }
  if ((e.op === '+' || e.op === '-') && (e.right.kind === 'interval' || e.left.kind === 'interval')) {
    const interval = e.right.kind === 'interval' ? e.right : (e.left as Extract<Expr, { kind: 'interval' }>);
    const base = ev(e.right.kind === 'interval' ? e.left : e.right);
    const amount = ev(interval.value);
    if (base === null || amount === null) return null;
    return addInterval(toStr(base), (e.op === '-' ? -1 : 1) * toNumber(amount), interval.unit);
  }
  const a = ev(e.left);
  const b = ev(e.right);
  if (e.op === '<=>') {
    if (a === null || b === null) return bool(a === b);
    return bool(compare(a, b) === 0);
  }
  if (a === null || b === null) return null;
  switch (e.op) {
    case 'XOR':
      return bool(truthy(a) !== truthy(b));
    case '=':
      return bool(compare(a, b) === 0);
    case '<>':
      return bool(compare(a, b) !== 0);
    case '<':
      return bool(compare(a, b) < 0);
    case '<=':
      return bool(compare(a, b) <= 0);
    case '>':
      return bool(compare(a, b) > 0);
    case '>=':
      return bool(compare(a, b) >= 0);
    case '+':
    case '-':
    case '*': {
      if (typeof a === 'bigint' && typeof b === 'bigint') return e.op === '+' ? a + b : e.op === '-' ? a - b : a * b;
      const x = toNumber(a);
      const y = toNumber(b);
      const r = e.op === '+' ? x + y : e.op === '-' ? x - y : x * y;
      if ((a instanceof Decimal || typeof a === 'bigint') && (b instanceof Decimal || typeof b === 'bigint')) {
        const scale = e.op === '*' ? scaleOf(a) + scaleOf(b) : Math.max(scaleOf(a), scaleOf(b));
        return new Decimal(r.toFixed(scale));
      }
      return r;
    }
    case '/': {
      const y = toNumber(b);
      if (y === 0) return null;
      const r = toNumber(a) / y;
      if (typeof a === 'number' || typeof b === 'number' || typeof a === 'string' || typeof b === 'string') return r;
      return new Decimal(r.toFixed(scaleOf(a) + 4)); // div_precision_increment = 4
    }
    case 'DIV': {
      const y = toBig(b);
      if (y === 0n) return null;
      return toBig(a) / y;
    }
    case 'MOD': {
      if (typeof a === 'bigint' && typeof b === 'bigint') return b === 0n ? null : a % b;
      const y = toNumber(b);
      return y === 0 ? null : toNumber(a) % y;
    }
    case '|':
      return BigInt.asUintN(64, toBig(a) | toBig(b));
    case '&':
      return BigInt.asUintN(64, toBig(a) & toBig(b));
    case '^':
      return BigInt.asUintN(64, toBig(a) ^ toBig(b));
    case '<<':
      return BigInt.asUintN(64, toBig(a) << toBig(b));
    case '>>':
      return BigInt.asUintN(64, toBig(a)) >> toBig(b);
    default: {
      const never: never = e.op;
      return never;
    }
  }
}

// --- dates ------------------------------------------------------------------------------------

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

function parseDateTime(s: string): Date | null {
  const m = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d+))?)?)?$/.exec(s.trim());
  if (!m) return null;
  return new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0)));
}

function formatDateTime(d: Date, dateOnly: boolean): string {
  const date = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  return dateOnly ? date : `${date} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

function addInterval(base: string, amount: number, unit: IntervalUnit): SqlValue {
  const d = parseDateTime(base);
  if (!d) return null;
  const dateOnly = !/\d:\d/.test(base) && ['DAY', 'WEEK', 'MONTH', 'QUARTER', 'YEAR'].includes(unit);
  switch (unit) {
    case 'MICROSECOND':
      d.setTime(d.getTime() + amount / 1000);
      break;
    case 'SECOND':
      d.setTime(d.getTime() + amount * 1000);
      break;
    case 'MINUTE':
      d.setTime(d.getTime() + amount * 60_000);
      break;
    case 'HOUR':
      d.setTime(d.getTime() + amount * 3_600_000);
      break;
    case 'DAY':
      d.setUTCDate(d.getUTCDate() + amount);
      break;
    case 'WEEK':
      d.setUTCDate(d.getUTCDate() + 7 * amount);
      break;
    case 'MONTH':
      d.setUTCMonth(d.getUTCMonth() + amount);
      break;
    case 'QUARTER':
      d.setUTCMonth(d.getUTCMonth() + 3 * amount);
      break;
    case 'YEAR':
      d.setUTCFullYear(d.getUTCFullYear() + amount);
      break;
    default:
      throw new SqlError('ER_NOT_SUPPORTED_YET', `INTERVAL unit ${unit} is not supported in expressions loadwire evaluates itself`);
  }
  return formatDateTime(d, dateOnly);
}

function extract(unit: IntervalUnit, s: string): SqlValue {
  const d = parseDateTime(s);
  if (!d) return null;
  switch (unit) {
    case 'YEAR':
      return BigInt(d.getUTCFullYear());
    case 'MONTH':
      return BigInt(d.getUTCMonth() + 1);
    case 'DAY':
      return BigInt(d.getUTCDate());
    case 'HOUR':
      return BigInt(d.getUTCHours());
    case 'MINUTE':
      return BigInt(d.getUTCMinutes());
    case 'SECOND':
      return BigInt(d.getUTCSeconds());
    default:
      throw new SqlError('ER_NOT_SUPPORTED_YET', `EXTRACT(${unit} ...) is not supported in expressions loadwire evaluates itself`);
  }
}

// --- casts and functions ----------------------------------------------------------------------

function cast(v: SqlValue, type: string, scale: number | null): SqlValue {
  if (v === null) return null;
  switch (type) {
    case 'SIGNED':
      return BigInt.asIntN(64, toBig(v));
    case 'UNSIGNED':
      return BigInt.asUintN(64, toBig(v));
    case 'CHAR':
    case 'NCHAR':
    case 'BINARY':
    case 'JSON':
      return toStr(v);
    case 'DECIMAL':
      return new Decimal(toNumber(v).toFixed(scale ?? 0));
    case 'DOUBLE':
    case 'FLOAT':
    case 'REAL':
      return toNumber(v);
    case 'DATE': {
      const d = parseDateTime(toStr(v));
      return d ? formatDateTime(d, true) : null;
    }
    case 'DATETIME': {
      const d = parseDateTime(toStr(v));
      return d ? formatDateTime(d, false) : null;
    }
    case 'TIME':
    case 'YEAR':
      return toStr(v);
    default:
      return toStr(v);
  }
}

function trim(s: string, rem: string, mode: string): string {
  if (rem === '') return s;
  let start = 0;
  let end = s.length;
  if (mode !== 'TRAILING') while (s.startsWith(rem, start)) start += rem.length;
  if (mode !== 'LEADING') while (end - rem.length >= start && s.startsWith(rem, end - rem.length)) end -= rem.length;
  return s.slice(start, end);
}

function callFunction(name: string, argExprs: readonly Expr[], _distinct: boolean, ctx: EvalContext, depth: number): SqlValue {
  const args = argExprs.map((a) => evaluate(a, ctx, depth + 1));
  const session = ctx.sessionFunction(name, args);
  if (session !== undefined) return session;
  const arity = (min: number, max = min): void => {
    if (args.length < min || args.length > max) {
      throw new SqlError('ER_WRONG_PARAMCOUNT_TO_NATIVE_FCT', `Incorrect parameter count in the call to native function '${name}'`);
    }
  };
  const anyNull = args.some((a) => a === null);
  const s = (i: number): string => toStr(args[i] as Exclude<SqlValue, null>);
  const n = (i: number): number => toNumber(args[i] as Exclude<SqlValue, null>);
  switch (name) {
    case 'CONCAT':
      return anyNull ? null : args.map((a) => toStr(a!)).join('');
    case 'CONCAT_WS': {
      arity(1, 1_000_000);
      if (args[0] === null) return null;
      return args.slice(1).filter((a) => a !== null).map((a) => toStr(a)).join(s(0));
    }
    case 'IF':
      arity(3);
      return truthy(args[0]!) === true ? args[1]! : args[2]!;
    case 'IFNULL':
      arity(2);
      return args[0] ?? args[1]!;
    case 'NULLIF':
      arity(2);
      return args[0] !== null && args[1] !== null && compare(args[0]!, args[1]!) === 0 ? null : args[0]!;
    case 'COALESCE':
      return args.find((a) => a !== null) ?? null;
    case 'ISNULL':
      arity(1);
      return bool(args[0] === null);
    case 'LOWER':
    case 'LCASE':
      arity(1);
      return anyNull ? null : s(0).toLowerCase();
    case 'UPPER':
    case 'UCASE':
      arity(1);
      return anyNull ? null : s(0).toUpperCase();
    case 'LENGTH':
    case 'OCTET_LENGTH':
      arity(1);
      return anyNull ? null : BigInt(Buffer.isBuffer(args[0]) ? args[0].length : Buffer.byteLength(s(0)));
    case 'CHAR_LENGTH':
    case 'CHARACTER_LENGTH':
      arity(1);
      return anyNull ? null : BigInt([...s(0)].length);
    case 'SUBSTRING':
    case 'SUBSTR':
    case 'MID': {
      arity(2, 3);
      if (anyNull) return null;
      const chars = [...s(0)];
      let pos = Math.trunc(n(1));
      if (pos === 0) return '';
      if (pos < 0) pos = chars.length + pos + 1;
      const len = args.length > 2 ? Math.trunc(n(2)) : chars.length;
      return len <= 0 ? '' : chars.slice(pos - 1, pos - 1 + len).join('');
    }
    case 'LEFT':
      arity(2);
      return anyNull ? null : [...s(0)].slice(0, Math.max(0, n(1))).join('');
    case 'RIGHT': {
      arity(2);
      if (anyNull) return null;
      const chars = [...s(0)];
      return n(1) <= 0 ? '' : chars.slice(Math.max(0, chars.length - n(1))).join('');
    }
    case 'REPLACE':
      arity(3);
      return anyNull ? null : s(1) === '' ? s(0) : s(0).split(s(1)).join(s(2));
    case 'REVERSE':
      arity(1);
      return anyNull ? null : [...s(0)].reverse().join('');
    case 'REPEAT':
      arity(2);
      return anyNull ? null : s(0).repeat(Math.max(0, Math.min(n(1), 1_000_000)));
    case 'SPACE':
      arity(1);
      return anyNull ? null : ' '.repeat(Math.max(0, Math.min(n(0), 1_000_000)));
    case 'LPAD':
    case 'RPAD': {
      arity(3);
      if (anyNull) return null;
      const len = Math.trunc(n(1));
      const str = [...s(0)];
      if (len < 0) return null;
      if (str.length >= len) return str.slice(0, len).join('');
      const padChars = [...s(2)];
      if (padChars.length === 0) return null;
      const fill: string[] = [];
      while (fill.length < len - str.length) fill.push(padChars[fill.length % padChars.length]!);
      return name === 'LPAD' ? fill.join('') + str.join('') : str.join('') + fill.join('');
    }
    case 'LTRIM':
      arity(1);
      return anyNull ? null : s(0).replace(/^ +/, '');
    case 'RTRIM':
      arity(1);
      return anyNull ? null : s(0).replace(/ +$/, '');
    case 'LOCATE':
    case 'POSITION': {
      arity(2, 3);
      if (anyNull) return null;
      const from = args.length > 2 ? Math.max(1, Math.trunc(n(2))) : 1;
      return BigInt(s(1).toLowerCase().indexOf(s(0).toLowerCase(), from - 1) + 1);
    }
    case 'INSTR':
      arity(2);
      return anyNull ? null : BigInt(s(0).toLowerCase().indexOf(s(1).toLowerCase()) + 1);
    case 'ABS':
      arity(1);
      if (anyNull) return null;
      if (typeof args[0] === 'bigint') return args[0] < 0n ? -args[0] : args[0];
      return Math.abs(n(0));
    case 'ROUND':
    case 'TRUNCATE': {
      arity(name === 'ROUND' ? 1 : 2, 2);
      if (anyNull) return null;
      const d = args.length > 1 ? Math.trunc(n(1)) : 0;
      if (typeof args[0] === 'bigint' && d >= 0) return args[0];
      const f = 10 ** d;
      const x = n(0);
      const r = name === 'ROUND' ? Math.sign(x) * Math.round(Math.abs(x) * f) / f : Math.trunc(x * f) / f;
      return typeof args[0] === 'number' ? r : new Decimal(r.toFixed(Math.max(0, d)));
    }
    case 'FLOOR':
      arity(1);
      return anyNull ? null : typeof args[0] === 'bigint' ? args[0] : BigInt(Math.floor(n(0)));
    case 'CEIL':
    case 'CEILING':
      arity(1);
      return anyNull ? null : typeof args[0] === 'bigint' ? args[0] : BigInt(Math.ceil(n(0)));
    case 'MOD':
      arity(2);
      if (anyNull) return null;
      return n(1) === 0 ? null : typeof args[0] === 'bigint' && typeof args[1] === 'bigint' ? args[0] % args[1] : n(0) % n(1);
    case 'POW':
    case 'POWER':
      arity(2);
      return anyNull ? null : n(0) ** n(1);
    case 'SQRT':
      arity(1);
      return anyNull || n(0) < 0 ? null : Math.sqrt(n(0));
    case 'PI':
      arity(0);
      return new Decimal('3.141593');
    case 'RAND':
      arity(0, 1);
      return Math.random();
    case 'SIGN':
      arity(1);
      return anyNull ? null : BigInt(Math.sign(n(0)));
    case 'GREATEST':
    case 'LEAST': {
      arity(2, 1_000_000);
      if (anyNull) return null;
      let best = args[0]!;
      for (const a of args.slice(1)) {
        const c = compare(a!, best);
        if (name === 'GREATEST' ? c > 0 : c < 0) best = a!;
      }
      return best;
    }
    case 'HEX':
      arity(1);
      if (anyNull) return null;
      if (typeof args[0] === 'bigint' || typeof args[0] === 'number') return toBig(args[0]).toString(16).toUpperCase();
      return Buffer.from(s(0)).toString('hex').toUpperCase();
    case 'UUID':
      arity(0);
      return crypto.randomUUID();
    case 'NOW':
    case 'CURRENT_TIMESTAMP':
    case 'LOCALTIME':
    case 'LOCALTIMESTAMP':
    case 'SYSDATE':
      return ctx.now();
    case 'CURDATE':
    case 'CURRENT_DATE':
      return ctx.now().slice(0, 10);
    case 'CURTIME':
    case 'CURRENT_TIME':
      return ctx.now().slice(11);
    case 'UTC_TIMESTAMP':
      return formatDateTime(new Date(), false);
    case 'UTC_DATE':
      return formatDateTime(new Date(), true);
    case 'UNIX_TIMESTAMP': {
      arity(0, 1);
      if (args.length === 0) return BigInt(Math.floor(Date.now() / 1000));
      if (anyNull) return null;
      const d = parseDateTime(s(0));
      return d ? BigInt(Math.floor(d.getTime() / 1000)) : 0n;
    }
    case 'DATE': {
      arity(1);
      if (anyNull) return null;
      const d = parseDateTime(s(0));
      return d ? formatDateTime(d, true) : null;
    }
    case 'DATE_ADD':
    case 'ADDDATE':
    case 'DATE_SUB':
    case 'SUBDATE': {
      arity(2);
      const iv = argExprs[1]!;
      if (anyNull || args[0] === null) return null;
      const sign = name === 'DATE_SUB' || name === 'SUBDATE' ? -1 : 1;
      if (iv.kind === 'interval') {
        const amount = evaluate(iv.value, ctx, depth + 1);
        return amount === null ? null : addInterval(s(0), sign * toNumber(amount), iv.unit);
      }
      return addInterval(s(0), sign * n(1), 'DAY');
    }
    case 'SLEEP': {
      arity(1);
      if (anyNull) return null;
      ctx.sleeps?.push(Math.max(0, n(0)));
      return 0n;
    }
    case 'CHARSET':
      arity(1);
      return Buffer.isBuffer(args[0]) ? 'binary' : 'utf8mb4';
    case 'COLLATION':
      arity(1);
      return Buffer.isBuffer(args[0]) ? 'binary' : 'utf8mb4_general_ci';
    case 'COUNT':
      // COUNT over no table: one row, so COUNT(*) = 1 and COUNT(x) counts x when not NULL.
      return argExprs[0]?.kind === 'star' ? 1n : bool(args[0] !== null);
    default:
      throw new SqlError('ER_SP_DOES_NOT_EXIST', `FUNCTION ${name.toLowerCase()} does not exist`);
  }
}
