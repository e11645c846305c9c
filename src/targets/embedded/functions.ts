// MySQL functions SQLite lacks (or has with other semantics), registered on the warehouse
// connection under a `mysql_` prefix so they never shadow SQLite's own; the translator calls them.
// NOW() and friends read the statement's clock, fixed once per statement as in MySQL.

import { createHash, randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import {
  addInterval, dateFormat, dayName, dayOfWeek, dayOfYear, diffMicros, epochSeconds, formatDate, formatDateTime,
  formatLike, fromDays, monthName, parseDateTime, strToDate, toDays, wallClock, week0, type DateTimeParts,
} from './datetime.js';

export interface StatementClock {
  /** Epoch milliseconds at the start of the current statement. */
  epochMs: number;
  /** Session time-zone offset in minutes; null = the daemon's time zone. */
  offsetMinutes: number | null;
}

type Scalar = number | bigint | string | Buffer | null;

const isNull = (v: unknown): v is null | undefined => v === null || v === undefined;

/** MySQL's string conversion of a SQLite value. */
function str(v: unknown): string {
  if (Buffer.isBuffer(v)) return v.toString('utf8');
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(v);
  return String(v);
}

function num(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  const m = /^\s*[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?/i.exec(str(v));
  return m ? Number(m[0]) : 0;
}

function int(v: unknown): number {
  return Math.trunc(num(v));
}

/** Characters, not UTF-16 units: MySQL counts code points. */
function chars(s: string): string[] {
  return [...s];
}

function date(v: unknown): DateTimeParts | null {
  return parseDateTime(v);
}

function bigintOf(v: unknown): bigint {
  if (typeof v === 'bigint') return v;
  try {
    return BigInt(Math.trunc(num(v)));
  } catch {
    return 0n;
  }
}

export function registerMysqlFunctions(db: Database.Database, clock: () => StatementClock): void {
  const fn = (name: string, impl: (...args: unknown[]) => Scalar, deterministic = true): void => {
    db.function(`mysql_${name}`, { varargs: true, deterministic, safeIntegers: true }, impl as (...a: unknown[]) => unknown);
  };
  const now = (): DateTimeParts => {
    const c = clock();
    return wallClock(c.epochMs, c.offsetMinutes);
  };

  // ---- strings ----
  fn('concat', (...a) => (a.some(isNull) ? null : a.map(str).join('')));
  fn('concat_ws', (sep, ...a) => (isNull(sep) ? null : a.filter((x) => !isNull(x)).map(str).join(str(sep))));
  fn('locate', (sub, s, pos) => {
    if (isNull(sub) || isNull(s)) return null;
    const hay = chars(str(s).toLowerCase());
    const needle = str(sub).toLowerCase();
    const start = isNull(pos) ? 1 : int(pos);
    if (start < 1) return 0;
    const idx = hay.slice(start - 1).join('').indexOf(needle);
    if (idx < 0) return 0;
    return chars(hay.slice(start - 1).join('').slice(0, idx)).length + start;
  });
  fn('substring', (s, pos, len) => {
    if (isNull(s) || isNull(pos)) return null;
    const c = chars(str(s));
    let p = int(pos);
    if (p === 0) return '';
    if (p < 0) p = c.length + p + 1;
    if (p < 1 || p > c.length) return '';
    const end = isNull(len) ? c.length : p - 1 + Math.max(0, int(len));
    return c.slice(p - 1, end).join('');
  });
  fn('left', (s, n) => (isNull(s) || isNull(n) ? null : chars(str(s)).slice(0, Math.max(0, int(n))).join('')));
  fn('right', (s, n) => {
    if (isNull(s) || isNull(n)) return null;
    const k = Math.max(0, int(n));
    return k === 0 ? '' : chars(str(s)).slice(-k).join('');
  });
  const pad = (left: boolean) => (s: unknown, n: unknown, p: unknown): Scalar => {
    if (isNull(s) || isNull(n) || isNull(p)) return null;
    const c = chars(str(s));
    const len = int(n);
    if (len < 0) return null;
    if (c.length >= len) return c.slice(0, len).join('');
    const padc = chars(str(p));
    if (padc.length === 0) return null;
    const fill: string[] = [];
    while (fill.length < len - c.length) fill.push(padc[fill.length % padc.length] ?? '');
    return left ? fill.join('') + c.join('') : c.join('') + fill.join('');
  };
  fn('lpad', pad(true));
  fn('rpad', pad(false));
  fn('repeat', (s, n) => (isNull(s) || isNull(n) ? null : str(s).repeat(Math.max(0, int(n)))));
  fn('reverse', (s) => (isNull(s) ? null : chars(str(s)).reverse().join('')));
  fn('space', (n) => (isNull(n) ? null : ' '.repeat(Math.max(0, int(n)))));
  fn('substring_index', (s, delim, count) => {
    if (isNull(s) || isNull(delim) || isNull(count)) return null;
    const parts = str(s).split(str(delim));
    const k = int(count);
    if (k === 0 || str(delim) === '') return '';
    return k > 0 ? parts.slice(0, k).join(str(delim)) : parts.slice(k).join(str(delim));
  });
  fn('find_in_set', (needle, list) => {
    if (isNull(needle) || isNull(list)) return null;
    const i = str(list).split(',').findIndex((x) => x.toLowerCase() === str(needle).toLowerCase());
    return i + 1;
  });
  fn('field', (needle, ...list) => {
    if (isNull(needle)) return 0;
    const i = list.findIndex((x) => !isNull(x) && str(x).toLowerCase() === str(needle).toLowerCase());
    return i + 1;
  });
  fn('elt', (n, ...list) => {
    if (isNull(n)) return null;
    const v = list[int(n) - 1];
    return isNull(v) ? null : str(v);
  });
  fn('format', (x, d) => {
    if (isNull(x) || isNull(d)) return null;
    const places = Math.max(0, Math.min(30, int(d)));
    const [ip, fp] = num(x).toFixed(places).split('.');
    const grouped = (ip ?? '0').replace(/\B(?=(\d{3})+(?!\d))/g, ',');
    return fp ? `${grouped}.${fp}` : grouped;
  });
  fn('unhex', (s) => {
    if (isNull(s)) return null;
    const h = str(s);
    if (!/^[0-9a-f]*$/i.test(h)) return null;
    return Buffer.from(h.length % 2 ? `0${h}` : h, 'hex');
  });
  const hash = (alg: string) => (s: unknown): Scalar => (isNull(s) ? null : createHash(alg).update(Buffer.isBuffer(s) ? s : str(s)).digest('hex'));
  fn('md5', hash('md5'));
  fn('sha1', hash('sha1'));
  fn('sha', hash('sha1'));
  fn('sha2', (s, bits) => {
    if (isNull(s) || isNull(bits)) return null;
    const b = int(bits);
    const alg = b === 0 || b === 256 ? 'sha256' : b === 224 ? 'sha224' : b === 384 ? 'sha384' : b === 512 ? 'sha512' : null;
    return alg ? hash(alg)(s) : null;
  });
  fn('uuid', () => randomUUID(), false);
  fn('ascii', (s) => (isNull(s) ? null : Buffer.from(str(s))[0] ?? 0));
  fn('ord', (s) => {
    if (isNull(s)) return null;
    const first = chars(str(s))[0];
    if (first === undefined) return 0;
    const bytes = Buffer.from(first);
    let v = 0;
    for (const b of bytes) v = v * 256 + b;
    return v;
  });
  fn('strcmp', (a, b) => {
    if (isNull(a) || isNull(b)) return null;
    const x = str(a).toLowerCase();
    const y = str(b).toLowerCase();
    return x < y ? -1 : x > y ? 1 : 0;
  });
  fn('to_base64', (s) => (isNull(s) ? null : (Buffer.isBuffer(s) ? s : Buffer.from(str(s))).toString('base64')));
  fn('from_base64', (s) => (isNull(s) ? null : Buffer.from(str(s), 'base64')));
  fn('trim', (side, s, rem) => {
    if (isNull(s) || isNull(rem)) return null;
    let v = str(s);
    const r = str(rem);
    if (r === '') return v;
    if (side !== 'rtrim') while (v.startsWith(r)) v = v.slice(r.length);
    if (side !== 'ltrim') while (v.endsWith(r)) v = v.slice(0, -r.length);
    return v;
  });
  fn('insert', (s, pos, len, rep) => {
    if ([s, pos, len, rep].some(isNull)) return null;
    const c = chars(str(s));
    const p = int(pos);
    if (p < 1 || p > c.length) return str(s);
    const l = int(len);
    return [...c.slice(0, p - 1), str(rep), ...c.slice(l < 0 ? c.length : p - 1 + l)].join('');
  });
  fn('bin', (n) => (isNull(n) ? null : BigInt.asUintN(64, bigintOf(n)).toString(2)));
  fn('oct', (n) => (isNull(n) ? null : BigInt.asUintN(64, bigintOf(n)).toString(8)));
  fn('conv', (n, from, to) => {
    if ([n, from, to].some(isNull)) return null;
    const f = Math.abs(int(from));
    const t = Math.abs(int(to));
    if (f < 2 || f > 36 || t < 2 || t > 36) return null;
    const digits = str(n).toLowerCase();
    let v = 0n;
    for (const d of digits) {
      const k = parseInt(d, 36);
      if (Number.isNaN(k) || k >= f) break;
      v = v * BigInt(f) + BigInt(k);
    }
    return v.toString(t).toUpperCase();
  });
  fn('crc32', (s) => {
    if (isNull(s)) return null;
    let c = ~0 >>> 0;
    for (const b of Buffer.isBuffer(s) ? s : Buffer.from(str(s))) {
      c ^= b;
      for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
    }
    return (~c >>> 0);
  });
  fn('bit_count', (n) => {
    if (isNull(n)) return null;
    let v = BigInt.asUintN(64, bigintOf(n));
    let count = 0;
    while (v) {
      count += Number(v & 1n);
      v >>= 1n;
    }
    return count;
  });
  fn('inet_aton', (s) => {
    if (isNull(s)) return null;
    const p = str(s).split('.').map(Number);
    if (p.length !== 4 || p.some((x) => !Number.isInteger(x) || x < 0 || x > 255)) return null;
    return p.reduce((a, b) => a * 256 + b, 0);
  });
  fn('inet_ntoa', (n) => {
    if (isNull(n)) return null;
    const v = int(n);
    if (v < 0 || v > 0xffffffff) return null;
    return [24, 16, 8, 0].map((s) => Math.floor(v / 2 ** s) % 256).join('.');
  });
  const regex = (pattern: unknown, flags = 'i'): RegExp | null => {
    try {
      return new RegExp(str(pattern), flags);
    } catch {
      return null;
    }
  };
  // SQLite's REGEXP operator calls regexp(pattern, subject); MySQL's REGEXP is case-insensitive.
  db.function('regexp', { deterministic: true }, (pattern: unknown, s: unknown) => {
    if (isNull(pattern) || isNull(s)) return null;
    const re = regex(pattern);
    return re && re.test(str(s)) ? 1 : 0;
  });
  fn('regexp_like', (s, pattern) => {
    if (isNull(pattern) || isNull(s)) return null;
    const re = regex(pattern);
    return re && re.test(str(s)) ? 1 : 0;
  });
  fn('regexp_replace', (s, pattern, rep) => {
    if ([s, pattern, rep].some(isNull)) return null;
    const re = regex(pattern, 'gi');
    return re ? str(s).replace(re, str(rep)) : null;
  });
  fn('regexp_substr', (s, pattern) => {
    if (isNull(pattern) || isNull(s)) return null;
    return regex(pattern)?.exec(str(s))?.[0] ?? null;
  });
  fn('regexp_instr', (s, pattern) => {
    if (isNull(pattern) || isNull(s)) return null;
    const m = regex(pattern)?.exec(str(s));
    return m ? chars(str(s).slice(0, m.index)).length + 1 : 0;
  });
  fn('json_unquote', (s) => {
    if (isNull(s)) return null;
    const v = str(s);
    if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) {
      try {
        return String(JSON.parse(v));
      } catch {
        return v;
      }
    }
    return v;
  });

  // ---- numbers ----
  fn('truncate', (x, d) => {
    if (isNull(x) || isNull(d)) return null;
    const places = int(d);
    if (typeof x === 'bigint' && places >= 0) return x;
    const f = 10 ** places;
    const v = Math.trunc(num(x) * f) / f;
    return places <= 0 ? BigInt(Math.trunc(v)) : v;
  });
  fn('rand', (seed) => {
    if (isNull(seed)) return Math.random();
    // A seeded RAND(n) is deterministic per seed, as in MySQL (not the same sequence).
    const x = Math.sin(int(seed) + 1) * 10000;
    return x - Math.floor(x);
  }, false);

  // ---- date and time ----
  fn('now', (fsp) => formatDateTime(now(), isNull(fsp) ? 0 : int(fsp)), false);
  fn('curdate', () => formatDate(now()), false);
  fn('curtime', (fsp) => formatDateTime(now(), isNull(fsp) ? 0 : int(fsp)).slice(11), false);
  fn('utc_timestamp', (fsp) => formatDateTime(wallClock(clock().epochMs, 0), isNull(fsp) ? 0 : int(fsp)), false);
  fn('datetime', (v, fsp) => {
    const p = date(v);
    return p ? formatDateTime(p, isNull(fsp) ? 0 : int(fsp)) : null;
  });
  // What a DATE/DATETIME column stores: MySQL's canonical text; anything unparseable is left for
  // the column's CHECK to refuse.
  fn('stored_datetime', (v, fsp) => {
    const p = date(v);
    return p ? formatDateTime(p, isNull(fsp) ? 0 : int(fsp)) : (v as Scalar);
  });
  fn('stored_date', (v) => {
    const p = date(v);
    return p ? formatDate(p) : (v as Scalar);
  });
  fn('date_add', (d, amount, unit, sign) => {
    const p = date(d);
    if (!p || isNull(amount) || isNull(unit)) return null;
    const r = addInterval(p, typeof amount === 'bigint' ? Number(amount) : amount, str(unit), int(sign));
    return r ? formatLike(r) : null;
  });
  fn('date_format', (d, f) => {
    const p = date(d);
    return p && !isNull(f) ? dateFormat(p, str(f)) : null;
  });
  fn('str_to_date', (s, f) => {
    if (isNull(s) || isNull(f)) return null;
    const p = strToDate(str(s), str(f));
    if (!p) return null;
    return p.hasTime ? formatDateTime(p, p.microsecond ? 6 : 0) : formatDate(p);
  });
  fn('unix_timestamp', (d) => {
    const c = clock();
    if (d === undefined) return Math.floor(c.epochMs / 1000);
    const p = date(d);
    if (!p) return null;
    const s = epochSeconds(p, c.offsetMinutes);
    return Number.isInteger(s) ? s : s;
  }, false);
  fn('from_unixtime', (ts, f) => {
    if (isNull(ts)) return null;
    const secs = num(ts);
    if (secs < 0) return null;
    const p = wallClock(secs * 1000, clock().offsetMinutes);
    p.microsecond = Math.round((secs - Math.floor(secs)) * 1e6);
    if (!isNull(f)) return dateFormat(p, str(f));
    return formatDateTime(p, Number.isInteger(secs) ? 0 : 6);
  }, false);
  const part = (name: string, get: (p: DateTimeParts) => Scalar): void => {
    fn(name, (d) => {
      const p = date(d);
      return p ? get(p) : null;
    });
  };
  part('year', (p) => p.year);
  part('month', (p) => p.month);
  part('day', (p) => p.day);
  part('dayofmonth', (p) => p.day);
  part('hour', (p) => p.hour);
  part('minute', (p) => p.minute);
  part('second', (p) => p.second);
  part('microsecond', (p) => p.microsecond);
  part('dayofweek', (p) => dayOfWeek(p) + 1);
  part('weekday', (p) => (dayOfWeek(p) + 6) % 7);
  part('dayofyear', (p) => dayOfYear(p));
  part('quarter', (p) => Math.ceil(p.month / 3));
  part('week', (p) => week0(p));
  part('yearweek', (p) => p.year * 100 + week0(p));
  part('dayname', (p) => dayName(p));
  part('monthname', (p) => monthName(p));
  part('to_days', (p) => toDays(p));
  part('last_day', (p) => formatDate({ ...p, day: new Date(Date.UTC(p.year, p.month, 0)).getUTCDate() }));
  part('time_to_sec', (p) => p.hour * 3600 + p.minute * 60 + p.second);
  fn('from_days', (n) => (isNull(n) ? null : formatDate(fromDays(int(n)))));
  fn('makedate', (y, doy) => {
    if (isNull(y) || isNull(doy) || int(doy) < 1) return null;
    const d = new Date(Date.UTC(int(y), 0, int(doy)));
    return formatDate({ year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: 0, minute: 0, second: 0, microsecond: 0, hasTime: false });
  });
  fn('sec_to_time', (s) => {
    if (isNull(s)) return null;
    const v = int(s);
    const a = Math.abs(v);
    const hh = Math.floor(a / 3600);
    return `${v < 0 ? '-' : ''}${String(hh).padStart(2, '0')}:${String(Math.floor((a % 3600) / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
  });
  fn('datediff', (a, b) => {
    const x = date(a);
    const y = date(b);
    return x && y ? toDays(x) - toDays(y) : null;
  });
  fn('timestampdiff', (unit, a, b) => {
    const x = date(a);
    const y = date(b);
    if (!x || !y || isNull(unit)) return null;
    const u = str(unit).toUpperCase();
    if (u === 'MONTH' || u === 'QUARTER' || u === 'YEAR') {
      let months = (y.year - x.year) * 12 + (y.month - x.month);
      // A partial month does not count, as in MySQL.
      const restX = [x.day, x.hour, x.minute, x.second, x.microsecond];
      const restY = [y.day, y.hour, y.minute, y.second, y.microsecond];
      const cmp = compareLists(restY, restX);
      if (months > 0 && cmp < 0) months--;
      if (months < 0 && cmp > 0) months++;
      return u === 'MONTH' ? months : Math.trunc(months / (u === 'YEAR' ? 12 : 3));
    }
    const micros = diffMicros(x, y);
    const per: Record<string, number> = { MICROSECOND: 1, SECOND: 1e6, MINUTE: 6e7, HOUR: 3.6e9, DAY: 8.64e10, WEEK: 6.048e11 };
    const d = per[u];
    return d === undefined ? null : Math.trunc(micros / d);
  });
  fn('extract', (unit, d) => {
    const p = date(d);
    if (!p || isNull(unit)) return null;
    switch (str(unit).toUpperCase()) {
      case 'YEAR': return p.year;
      case 'QUARTER': return Math.ceil(p.month / 3);
      case 'MONTH': return p.month;
      case 'WEEK': return week0(p);
      case 'DAY': return p.day;
      case 'HOUR': return p.hour;
      case 'MINUTE': return p.minute;
      case 'SECOND': return p.second;
      case 'MICROSECOND': return p.microsecond;
      case 'YEAR_MONTH': return p.year * 100 + p.month;
      case 'DAY_HOUR': return p.day * 100 + p.hour;
      case 'HOUR_MINUTE': return p.hour * 100 + p.minute;
      case 'MINUTE_SECOND': return p.minute * 100 + p.second;
      case 'HOUR_SECOND': return p.hour * 10000 + p.minute * 100 + p.second;
      case 'DAY_SECOND': return p.day * 1000000 + p.hour * 10000 + p.minute * 100 + p.second;
      default: return null;
    }
  });

  // ---- aggregates ----
  const moments = (name: string, result: (n: number, mean: number, m2: number) => number | null): void => {
    db.aggregate(`mysql_${name}`, {
      start: () => ({ n: 0, mean: 0, m2: 0 }),
      step: (acc: { n: number; mean: number; m2: number }, v: unknown) => {
        if (isNull(v)) return acc;
        // Welford's algorithm: one pass, numerically stable.
        const x = num(v);
        acc.n++;
        const delta = x - acc.mean;
        acc.mean += delta / acc.n;
        acc.m2 += delta * (x - acc.mean);
        return acc;
      },
      result: (acc: { n: number; mean: number; m2: number }) => (acc.n === 0 ? null : result(acc.n, acc.mean, acc.m2)),
    });
  };
  moments('var_pop', (n, _m, m2) => m2 / n);
  moments('var_samp', (n, _m, m2) => (n > 1 ? m2 / (n - 1) : null));
  moments('stddev_pop', (n, _m, m2) => Math.sqrt(m2 / n));
  moments('stddev_samp', (n, _m, m2) => (n > 1 ? Math.sqrt(m2 / (n - 1)) : null));
  const bits = (name: string, start: bigint, op: (a: bigint, b: bigint) => bigint): void => {
    db.aggregate(`mysql_${name}`, {
      start: () => start,
      step: (acc: bigint, v: unknown) => (isNull(v) ? acc : BigInt.asUintN(64, op(acc, BigInt.asUintN(64, bigintOf(v))))),
      result: (acc: bigint) => BigInt.asIntN(64, acc),
      safeIntegers: true,
    });
  };
  bits('bit_and', (1n << 64n) - 1n, (a, b) => a & b);
  bits('bit_or', 0n, (a, b) => a | b);
  bits('bit_xor', 0n, (a, b) => a ^ b);
}

function compareLists(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}
