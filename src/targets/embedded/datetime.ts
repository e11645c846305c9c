// MySQL date and time values as SQLite stores them (text), and the arithmetic MySQL does on them.
// Wall-clock values are handled as naive UTC timestamps so no time-zone rule ever shifts them.

export interface DateTimeParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  microsecond: number;
  /** False for a DATE-only value, so DATE + INTERVAL 1 DAY stays a DATE as in MySQL. */
  hasTime: boolean;
}

const DATETIME_RE = /^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d{1,6})\d*)?)?)?\s*$/;
const COMPACT_RE = /^\s*(\d{4})(\d{2})(\d{2})(?:(\d{2})(\d{2})(\d{2}))?\s*$/;

export function parseDateTime(value: unknown): DateTimeParts | null {
  if (value === null || value === undefined) return null;
  let text: string;
  if (typeof value === 'number' || typeof value === 'bigint') text = String(value);
  else if (typeof value === 'string') text = value;
  else if (Buffer.isBuffer(value)) text = value.toString('utf8');
  else return null;
  const m = DATETIME_RE.exec(text) ?? COMPACT_RE.exec(text);
  if (!m) return null;
  const parts: DateTimeParts = {
    year: Number(m[1]),
    month: Number(m[2]),
    day: Number(m[3]),
    hour: Number(m[4] ?? 0),
    minute: Number(m[5] ?? 0),
    second: Number(m[6] ?? 0),
    microsecond: m[7] ? Number(m[7].padEnd(6, '0')) : 0,
    hasTime: m[4] !== undefined,
  };
  if (parts.month < 1 || parts.month > 12 || parts.day < 1 || parts.day > daysInMonth(parts.year, parts.month)) return null;
  if (parts.hour > 23 || parts.minute > 59 || parts.second > 59) return null;
  return parts;
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

export function formatDate(p: DateTimeParts): string {
  return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}`;
}

export function formatDateTime(p: DateTimeParts, fsp = 0): string {
  const base = `${formatDate(p)} ${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}`;
  if (fsp <= 0) return base;
  return `${base}.${pad(p.microsecond, 6).slice(0, fsp)}`;
}

/** DATE keeps its shape; anything with a time prints as DATETIME. */
export function formatLike(p: DateTimeParts): string {
  return p.hasTime ? formatDateTime(p, p.microsecond ? 6 : 0) : formatDate(p);
}

function toEpochMicros(p: DateTimeParts): number {
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) * 1000 + p.microsecond;
}

function fromEpochMicros(us: number, hasTime: boolean): DateTimeParts {
  const ms = Math.floor(us / 1000);
  const d = new Date(ms);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    microsecond: us - Math.floor(us / 1_000_000) * 1_000_000,
    hasTime,
  };
}

/** Parses a time-zone setting ('SYSTEM', '+00:00', '-05:30') into an offset in minutes (null: system). */
export function parseTimeZone(tz: string | undefined): number | null {
  if (!tz || tz.toUpperCase() === 'SYSTEM') return null;
  const m = /^([+-])(\d{1,2}):(\d{2})$/.exec(tz.trim());
  if (!m) return null;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
}

/** The wall-clock time at `epochMs` in the given offset (null: the daemon's own time zone). */
export function wallClock(epochMs: number, offsetMinutes: number | null): DateTimeParts {
  const offset = offsetMinutes ?? -new Date(epochMs).getTimezoneOffset();
  const p = fromEpochMicros((epochMs + offset * 60_000) * 1000, true);
  return p;
}

/** Epoch seconds of a wall-clock value in the given offset (UNIX_TIMESTAMP). */
export function epochSeconds(p: DateTimeParts, offsetMinutes: number | null): number {
  const naiveMs = toEpochMicros(p) / 1000;
  const offset = offsetMinutes ?? -new Date(naiveMs).getTimezoneOffset();
  return (naiveMs - offset * 60_000) / 1000;
}

const SIMPLE_UNITS: Readonly<Record<string, number>> = {
  MICROSECOND: 1,
  SECOND: 1_000_000,
  MINUTE: 60_000_000,
  HOUR: 3_600_000_000,
  DAY: 86_400_000_000,
  WEEK: 7 * 86_400_000_000,
};

/** Compound units: the fields an interval string like '1:30' fills, from the right. */
const COMPOUND_UNITS: Readonly<Record<string, readonly string[]>> = {
  SECOND_MICROSECOND: ['SECOND', 'MICROSECOND'],
  MINUTE_MICROSECOND: ['MINUTE', 'SECOND', 'MICROSECOND'],
  MINUTE_SECOND: ['MINUTE', 'SECOND'],
  HOUR_MICROSECOND: ['HOUR', 'MINUTE', 'SECOND', 'MICROSECOND'],
  HOUR_SECOND: ['HOUR', 'MINUTE', 'SECOND'],
  HOUR_MINUTE: ['HOUR', 'MINUTE'],
  DAY_MICROSECOND: ['DAY', 'HOUR', 'MINUTE', 'SECOND', 'MICROSECOND'],
  DAY_SECOND: ['DAY', 'HOUR', 'MINUTE', 'SECOND'],
  DAY_MINUTE: ['DAY', 'HOUR', 'MINUTE'],
  DAY_HOUR: ['DAY', 'HOUR'],
  YEAR_MONTH: ['YEAR', 'MONTH'],
};

/** DATE_ADD(p, INTERVAL amount unit) with MySQL's month arithmetic (day clamped to the month's end). */
export function addInterval(p: DateTimeParts, amount: unknown, unit: string, sign: number): DateTimeParts | null {
  const u = unit.toUpperCase();
  const fields: [string, number][] = [];
  const compound = COMPOUND_UNITS[u];
  if (compound) {
    const text = String(amount).trim();
    const negative = text.startsWith('-');
    const nums = text.replace(/^-/, '').split(/[^0-9]+/).filter((x) => x !== '').map(Number);
    const offset = compound.length - nums.length;
    if (offset < 0) return null;
    nums.forEach((n, i) => fields.push([compound[offset + i] ?? 'SECOND', negative ? -n : n]));
  } else {
    const n = Number(typeof amount === 'bigint' ? Number(amount) : amount);
    if (!Number.isFinite(n)) return null;
    // MySQL rounds a fractional amount for integer units.
    fields.push([u, u === 'SECOND' ? n : Math.round(n)]);
  }
  let months = 0;
  let micros = 0;
  for (const [f, n] of fields) {
    if (f === 'YEAR') months += n * 12;
    else if (f === 'QUARTER') months += n * 3;
    else if (f === 'MONTH') months += n;
    else {
      const scale = SIMPLE_UNITS[f];
      if (scale === undefined) return null;
      micros += Math.round(n * scale);
    }
  }
  let out: DateTimeParts = { ...p };
  if (months !== 0) {
    const total = out.year * 12 + (out.month - 1) + sign * months;
    out.year = Math.floor(total / 12);
    out.month = total - out.year * 12 + 1;
    out.day = Math.min(out.day, daysInMonth(out.year, out.month));
  }
  const timeUnit = fields.some(([f]) => !['YEAR', 'QUARTER', 'MONTH', 'DAY', 'WEEK'].includes(f));
  if (micros !== 0) out = fromEpochMicros(toEpochMicros(out) + sign * micros, out.hasTime || timeUnit);
  else if (timeUnit) out.hasTime = true;
  if (out.year < 1 || out.year > 9999) return null;
  return out;
}

export function diffMicros(a: DateTimeParts, b: DateTimeParts): number {
  return toEpochMicros(b) - toEpochMicros(a);
}

/** Days since year 0 as MySQL's TO_DAYS counts them. */
export function toDays(p: DateTimeParts): number {
  return Math.floor(Date.UTC(p.year, p.month - 1, p.day) / 86_400_000) + 719528;
}

export function fromDays(n: number): DateTimeParts {
  return fromEpochMicros((n - 719528) * 86_400_000_000, false);
}

const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

export function dayOfWeek(p: DateTimeParts): number {
  return new Date(Date.UTC(p.year, p.month - 1, p.day)).getUTCDay();
}

export function dayName(p: DateTimeParts): string {
  return DAY_NAMES[dayOfWeek(p)] ?? '';
}

export function monthName(p: DateTimeParts): string {
  return MONTH_NAMES[p.month - 1] ?? '';
}

export function dayOfYear(p: DateTimeParts): number {
  return Math.round((Date.UTC(p.year, p.month - 1, p.day) - Date.UTC(p.year, 0, 1)) / 86_400_000) + 1;
}

/** WEEK(d, 0): weeks starting on Sunday, week 1 containing the first Sunday (mode 0). */
export function week0(p: DateTimeParts): number {
  const jan1 = new Date(Date.UTC(p.year, 0, 1)).getUTCDay();
  const firstSunday = jan1 === 0 ? 1 : 8 - jan1;
  const doy = dayOfYear(p);
  return doy < firstSunday ? 0 : Math.floor((doy - firstSunday) / 7) + 1;
}

function ordinal(n: number): string {
  const t = n % 100;
  if (t >= 11 && t <= 13) return `${n}th`;
  const suffix = ({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[n % 10] ?? 'th';
  return `${n}${suffix}`;
}

/** DATE_FORMAT's specifiers (https://dev.mysql.com/doc/refman/8.0/en/date-and-time-functions.html#function_date-format). */
export function dateFormat(p: DateTimeParts, format: string): string {
  let out = '';
  for (let i = 0; i < format.length; i++) {
    const c = format[i];
    if (c !== '%' || i + 1 >= format.length) {
      out += c;
      continue;
    }
    const s = format[++i];
    const h12 = p.hour % 12 === 0 ? 12 : p.hour % 12;
    switch (s) {
      case 'a': out += dayName(p).slice(0, 3); break;
      case 'b': out += monthName(p).slice(0, 3); break;
      case 'c': out += String(p.month); break;
      case 'D': out += ordinal(p.day); break;
      case 'd': out += pad(p.day); break;
      case 'e': out += String(p.day); break;
      case 'f': out += pad(p.microsecond, 6); break;
      case 'H': out += pad(p.hour); break;
      case 'h': case 'I': out += pad(h12); break;
      case 'i': out += pad(p.minute); break;
      case 'j': out += pad(dayOfYear(p), 3); break;
      case 'k': out += String(p.hour); break;
      case 'l': out += String(h12); break;
      case 'M': out += monthName(p); break;
      case 'm': out += pad(p.month); break;
      case 'p': out += p.hour < 12 ? 'AM' : 'PM'; break;
      case 'r': out += `${pad(h12)}:${pad(p.minute)}:${pad(p.second)} ${p.hour < 12 ? 'AM' : 'PM'}`; break;
      case 'S': case 's': out += pad(p.second); break;
      case 'T': out += `${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}`; break;
      case 'U': out += pad(week0(p)); break;
      case 'W': out += dayName(p); break;
      case 'w': out += String(dayOfWeek(p)); break;
      case 'Y': out += pad(p.year, 4); break;
      case 'y': out += pad(p.year % 100); break;
      case '%': out += '%'; break;
      default: out += s ?? '';
    }
  }
  return out;
}

/** STR_TO_DATE for the common numeric specifiers; null when the text does not match. */
export function strToDate(text: string, format: string): DateTimeParts | null {
  const p: DateTimeParts = { year: 0, month: 1, day: 1, hour: 0, minute: 0, second: 0, microsecond: 0, hasTime: false };
  let pos = 0;
  let pm: boolean | null = null;
  for (let i = 0; i < format.length; i++) {
    const c = format[i];
    if (c !== '%') {
      if (text[pos] !== c) return null;
      pos++;
      continue;
    }
    const s = format[++i];
    const num = (max: number): number | null => {
      const m = new RegExp(`^\\d{1,${max}}`).exec(text.slice(pos));
      if (!m) return null;
      pos += m[0].length;
      return Number(m[0]);
    };
    let v: number | null;
    switch (s) {
      case 'Y': v = num(4); if (v === null) return null; p.year = v; break;
      case 'y': v = num(2); if (v === null) return null; p.year = v < 70 ? 2000 + v : 1900 + v; break;
      case 'm': case 'c': v = num(2); if (v === null) return null; p.month = v; break;
      case 'd': case 'e': v = num(2); if (v === null) return null; p.day = v; break;
      case 'H': case 'k': v = num(2); if (v === null) return null; p.hour = v; p.hasTime = true; break;
      case 'h': case 'I': case 'l': v = num(2); if (v === null) return null; p.hour = v; p.hasTime = true; break;
      case 'i': v = num(2); if (v === null) return null; p.minute = v; p.hasTime = true; break;
      case 's': case 'S': v = num(2); if (v === null) return null; p.second = v; p.hasTime = true; break;
      case 'f': v = num(6); if (v === null) return null; p.microsecond = v; p.hasTime = true; break;
      case 'p': {
        const ap = text.slice(pos, pos + 2).toUpperCase();
        if (ap !== 'AM' && ap !== 'PM') return null;
        pm = ap === 'PM';
        pos += 2;
        break;
      }
      case 'T': {
        const m = /^(\d{1,2}):(\d{1,2}):(\d{1,2})/.exec(text.slice(pos));
        if (!m) return null;
        p.hour = Number(m[1]); p.minute = Number(m[2]); p.second = Number(m[3]); p.hasTime = true;
        pos += m[0].length;
        break;
      }
      case '%': if (text[pos] !== '%') return null; pos++; break;
      default: return null;
    }
  }
  if (pm !== null) p.hour = (p.hour % 12) + (pm ? 12 : 0);
  if (p.month < 1 || p.month > 12 || p.day < 1 || p.day > daysInMonth(p.year, p.month)) return null;
  return p;
}
