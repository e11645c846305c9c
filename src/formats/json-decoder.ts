// JSON lines and JSON arrays of objects, streamed, mapped to columns by field name (Doris'
// read_json_by_line and strip_outer_array). Records are found at the byte level (structural
// characters are ASCII and never occur inside a UTF-8 multi-byte character), so every row keeps an
// exact byte offset, then each record goes through JSON.parse. Integers beyond 2^53 would be rounded
// by JSON.parse, so records that contain a long digit run are parsed by a small exact parser instead.

import { SqlError } from '../protocol/sql-error.js';
import { ValueBatchBuilder, type ValueBatch } from './value-batch.js';
import { truncateRaw, type Position, type Value } from './types.js';

export type JsonLayout = 'auto' | 'lines' | 'array';

export interface JsonDecodeOptions {
  readonly file: string;
  /** Target column names, matched by field name (exact first, then case-insensitively). */
  readonly columns?: readonly string[];
  readonly layout?: JsonLayout;
  readonly resume?: Position;
  readonly maxRows?: number;
  readonly maxBytes?: number;
  readonly maxRecordBytes?: number;
}

const NL = 0x0a;
/** A run of 16+ digits: JSON.parse might round it. A loop, not /\d{16,}/ (15% of decode time). */
function hasLongDigitRun(text: string): boolean {
  let run = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (++run >= 16) return true;
    } else run = 0;
  }
  return false;
}

/** Options from statement properties: Doris strip_outer_array / read_json_by_line. */
export function jsonLayoutFrom(options: Readonly<Record<string, string>>): JsonLayout {
  let layout: JsonLayout = 'auto';
  for (const [k, v] of Object.entries(options)) {
    const key = k.toLowerCase();
    const on = v.toLowerCase() === 'true';
    if (key === 'strip_outer_array' && on) layout = 'array';
    if (key === 'read_json_by_line' && on && layout === 'auto') layout = 'lines';
  }
  return layout;
}

function toValue(v: unknown): Value {
  if (v === null || v === undefined) return null;
  switch (typeof v) {
    case 'string':
    case 'number':
    case 'boolean':
    case 'bigint':
      return v;
    default:
      return stringifyExact(v);
  }
}

function stringifyExact(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? `\u0000${x}\u0000` : x)).replace(/"\\u0000(-?\d+)\\u0000"/g, '$1');
}

/** JSON.parse that keeps integers beyond 2^53 as bigint and long decimals as their exact text. */
export function parseJsonExact(text: string): unknown {
  let i = 0;
  const ws = (): void => {
    while (i < text.length && ' \t\r\n'.includes(text.charAt(i))) i++;
  };
  const fail = (what: string): never => {
    throw new SyntaxError(`${what} at position ${i} in JSON`);
  };
  const value = (): unknown => {
    ws();
    const c = text.charAt(i);
    if (c === '{') {
      i++;
      const o: Record<string, unknown> = {};
      ws();
      if (text.charAt(i) === '}') {
        i++;
        return o;
      }
      for (;;) {
        ws();
        if (text.charAt(i) !== '"') fail('Expected a property name');
        const k = str();
        ws();
        if (text.charAt(i++) !== ':') fail("Expected ':'");
        o[k] = value();
        ws();
        const n = text.charAt(i++);
        if (n === '}') return o;
        if (n !== ',') fail("Expected ',' or '}'");
      }
    }
    if (c === '[') {
      i++;
      const a: unknown[] = [];
      ws();
      if (text.charAt(i) === ']') {
        i++;
        return a;
      }
      for (;;) {
        a.push(value());
        ws();
        const n = text.charAt(i++);
        if (n === ']') return a;
        if (n !== ',') fail("Expected ',' or ']'");
      }
    }
    if (c === '"') return str();
    const m = /^-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (m) {
      i += m[0].length;
      if (!m[1] && !m[2]) {
        const n = Number(m[0]);
        return Number.isSafeInteger(n) ? n : BigInt(m[0]);
      }
      return m[0].replace(/[-.]/g, '').replace(/^0+/, '').length > 15 ? m[0] : Number(m[0]);
    }
    for (const [lit, v] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (text.startsWith(lit, i)) {
        i += lit.length;
        return v;
      }
    }
    return fail('Unexpected token');
  };
  const str = (): string => {
    const start = i;
    i++;
    for (;;) {
      const c = text.charAt(i);
      if (c === '') fail('Unterminated string');
      if (c === '\\') i += 2;
      else if (c === '"') break;
      else i++;
    }
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const v = value();
  ws();
  if (i < text.length) fail('Unexpected non-whitespace character after JSON');
  return v;
}

/** Incremental JSON decoding: push byte chunks, take batches. */
export class JsonDecoder {
  private buf: Buffer = Buffer.alloc(0);
  private base: number; // byte offset of buf[0]
  private line: number;
  private layout: JsonLayout;
  private arrayState: 'before' | 'inside' | 'after' = 'before';
  private retryAt = 0;
  private readonly builder: ValueBatchBuilder;
  private readonly names: string[] | null;
  private index: Map<string, number> | null = null;
  private readonly maxRows: number;
  private readonly maxBytes: number;
  private readonly maxRecord: number;
  private bomChecked: boolean;
  private emitted = false;
  private memoPos = 0;
  private memoLine = 1;

  constructor(private readonly opts: JsonDecodeOptions) {
    this.base = opts.resume?.offset ?? 0;
    this.line = opts.resume?.line ?? 1;
    this.memoLine = this.line;
    this.layout = opts.layout ?? 'auto';
    this.names = opts.columns ? [...opts.columns] : null;
    this.builder = new ValueBatchBuilder(opts.file, this.names);
    this.maxRows = opts.maxRows ?? 8192;
    this.maxBytes = opts.maxBytes ?? 1 << 20;
    this.maxRecord = opts.maxRecordBytes ?? 64 * 1024 * 1024;
    this.bomChecked = !!opts.resume;
    if (opts.resume && this.layout === 'array') this.arrayState = 'inside';
    if (this.names) this.index = this.buildIndex(this.names);
  }

  private buildIndex(names: readonly string[]): Map<string, number> {
    const m = new Map<string, number>();
    names.forEach((n, i) => m.set(n, i));
    names.forEach((n, i) => {
      if (!m.has(n.toLowerCase())) m.set(n.toLowerCase(), i);
    });
    return m;
  }

  push(chunk: Uint8Array): ValueBatch[] {
    const incoming = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    this.buf = this.buf.length ? Buffer.concat([this.buf, incoming]) : Buffer.from(incoming);
    if (this.buf.length < this.retryAt) return [];
    return this.run(false);
  }

  finish(): ValueBatch[] {
    return this.run(true);
  }

  private run(final: boolean): ValueBatch[] {
    if (!this.bomChecked) {
      if (this.buf.length < 3 && !final) return [];
      if (this.buf[0] === 0xef && this.buf[1] === 0xbb && this.buf[2] === 0xbf) {
        this.buf = this.buf.subarray(3);
        this.base += 3;
      }
      this.bomChecked = true;
    }
    if (this.layout === 'auto') {
      let k = 0;
      while (k < this.buf.length && (this.buf[k] === 0x20 || this.buf[k] === 0x09 || this.buf[k] === 0x0d || this.buf[k] === NL)) k++;
      if (k === this.buf.length && !final) return [];
      this.layout = this.buf[k] === 0x5b ? 'array' : 'lines';
    }
    const out: ValueBatch[] = [];
    for (;;) {
      const used = this.layout === 'lines' ? this.lines(final) : this.array(final);
      this.consume(used);
      if (this.builder.pending >= this.maxRows || this.builder.size >= this.maxBytes) {
        out.push(this.flush());
        continue;
      }
      break;
    }
    this.retryAt = final ? 0 : Math.max(this.buf.length * 2, 1);
    if (this.buf.length > this.maxRecord && !final) {
      this.error(0, this.buf.length, `record longer than ${this.maxRecord} bytes`);
      this.consume(this.buf.length);
    }
    if (final && (this.builder.pending > 0 || !this.emitted)) out.push(this.flush());
    return out;
  }

  private flush(): ValueBatch {
    this.emitted = true;
    return this.builder.flush({ offset: this.base, line: this.line });
  }

  private consume(n: number): void {
    this.line = this.lineAt(n);
    this.buf = this.buf.subarray(n);
    this.base += n;
    this.memoPos = 0;
    this.memoLine = this.line;
  }

  /** One record per line. Returns the bytes consumed. */
  private lines(final: boolean): number {
    const buf = this.buf;
    let pos = 0;
    let line = this.line;
    for (;;) {
      let nl = buf.indexOf(NL, pos);
      if (nl < 0) {
        if (!final || pos >= buf.length) return pos;
        nl = buf.length;
      }
      let end = nl;
      if (end > pos && buf[end - 1] === 0x0d) end--;
      const text = buf.toString('utf8', pos, end);
      if (text.trim() !== '') this.record(text, line, this.base + pos);
      line++;
      pos = nl + 1;
      // Keep batches bounded: run() hands out what we have and calls again.
      if (this.builder.pending >= this.maxRows || this.builder.size >= this.maxBytes) return Math.min(pos, buf.length);
    }
  }

  /** Elements of one top-level array. Returns the bytes consumed. */
  private array(final: boolean): number {
    const buf = this.buf;
    let pos = 0;
    const skipWs = (): void => {
      while (pos < buf.length && (buf[pos] === 0x20 || buf[pos] === 0x09 || buf[pos] === 0x0d || buf[pos] === NL)) pos++;
    };
    for (;;) {
      skipWs();
      if (pos >= buf.length) {
        if (final && this.arrayState !== 'after') this.error(pos, pos, 'unexpected end of file: JSON array not closed');
        return pos;
      }
      const c = buf[pos]!;
      if (this.arrayState === 'before') {
        if (c !== 0x5b) {
          this.error(pos, buf.length, "expected '[' to start a JSON array");
          return buf.length;
        }
        this.arrayState = 'inside';
        pos++;
        continue;
      }
      if (this.arrayState === 'after') {
        this.error(pos, buf.length, 'unexpected text after the JSON array');
        return buf.length;
      }
      if (c === 0x5d) {
        this.arrayState = 'after';
        pos++;
        continue;
      }
      if (c === 0x2c) {
        pos++;
        continue;
      }
      const end = scanValue(buf, pos);
      if (end < 0) {
        if (!final) return pos;
        this.error(pos, buf.length, 'unexpected end of file inside a JSON value');
        return buf.length;
      }
      this.record(buf.toString('utf8', pos, end), this.lineAt(pos), this.base + pos);
      pos = end;
      if (this.builder.pending >= this.maxRows || this.builder.size >= this.maxBytes) return pos;
    }
  }

  /** Line of buf[pos]; positions asked for only grow between consume() calls, so this is linear. */
  private lineAt(pos: number): number {
    if (pos < this.memoPos) {
      this.memoPos = 0;
      this.memoLine = this.line;
    }
    const span = this.buf.subarray(this.memoPos, pos);
    for (let k = span.indexOf(NL); k >= 0; k = span.indexOf(NL, k + 1)) this.memoLine++;
    this.memoPos = pos;
    return this.memoLine;
  }

  private error(from: number, to: number, reason: string): void {
    this.builder.error({
      file: this.opts.file,
      line: this.lineAt(from),
      offset: this.base + from,
      reason,
      raw: truncateRaw(this.buf.toString('utf8', from, Math.min(to, from + 4096))),
    });
  }

  private record(text: string, line: number, offset: number): void {
    let parsed: unknown;
    try {
      parsed = hasLongDigitRun(text) ? parseJsonExact(text) : JSON.parse(text);
    } catch (e) {
      this.builder.error({ file: this.opts.file, line, offset, reason: `invalid JSON: ${(e as Error).message}`, raw: truncateRaw(text) });
      return;
    }
    const objects = Array.isArray(parsed) && this.layout === 'lines' ? parsed : [parsed];
    for (const o of objects) {
      if (o === null || typeof o !== 'object' || Array.isArray(o)) {
        this.builder.error({ file: this.opts.file, line, offset, reason: 'expected a JSON object', raw: truncateRaw(text) });
        continue;
      }
      this.builder.add(this.map(o as Record<string, unknown>), line, offset);
    }
  }

  private map(o: Record<string, unknown>): Value[] {
    if (!this.index) {
      // No target columns given: the first record's field names define them.
      const names = Object.keys(o);
      this.builder.columns = names;
      this.index = this.buildIndex(names);
    }
    const width = this.builder.columns!.length;
    const row = new Array<Value>(width).fill(null);
    for (const key in o) {
      const i = this.index.get(key) ?? this.index.get(key.toLowerCase());
      if (i !== undefined) row[i] = toValue(o[key]);
    }
    return row;
  }
}

/** End (exclusive) of the JSON value starting at `pos`, or -1 when it continues past the buffer. */
function scanValue(buf: Uint8Array, pos: number): number {
  let depth = 0;
  let k = pos;
  const n = buf.length;
  const first = buf[pos];
  if (first !== 0x7b && first !== 0x5b && first !== 0x22) {
    // A scalar: up to the next structural character.
    while (k < n && buf[k] !== 0x2c && buf[k] !== 0x5d && buf[k] !== NL && buf[k] !== 0x20 && buf[k] !== 0x0d && buf[k] !== 0x09) k++;
    return k < n ? k : -1;
  }
  while (k < n) {
    const c = buf[k]!;
    if (c === 0x22) {
      k++;
      while (k < n && buf[k] !== 0x22) k += buf[k] === 0x5c ? 2 : 1;
      if (k >= n) return -1;
      k++;
      if (depth === 0) return k;
      continue;
    }
    if (c === 0x7b || c === 0x5b) depth++;
    else if (c === 0x7d || c === 0x5d) {
      depth--;
      if (depth === 0) return k + 1;
    }
    k++;
  }
  return -1;
}

export async function* decodeJson(input: AsyncIterable<Uint8Array>, opts: JsonDecodeOptions): AsyncGenerator<ValueBatch> {
  const d = new JsonDecoder(opts);
  for await (const chunk of input) yield* d.push(chunk);
  yield* d.finish();
}

export function decodeJsonBuffer(data: Uint8Array, opts: JsonDecodeOptions): ValueBatch[] {
  const d = new JsonDecoder(opts);
  return [...d.push(data), ...d.finish()];
}

export function assertJsonLayout(v: string): JsonLayout {
  if (v === 'auto' || v === 'lines' || v === 'array') return v;
  throw new SqlError('ER_LOAD_DATA_WRONG_FORMAT_CONFIG', `Invalid JSON layout '${v}'`);
}
