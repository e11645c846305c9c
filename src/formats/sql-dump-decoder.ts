// SQL dumps (TiDB FORMAT 'sql'): the INSERT / REPLACE statements written by mysqldump, mydumper and
// dumpling, read tuple by tuple so one multi-megabyte extended INSERT never has to be whole in
// memory. Everything else in a dump (comments, /*!...*/ SET lines, CREATE TABLE, LOCK TABLES) is
// skipped. Values come as the dump wrote them: numbers as text, strings unescaped, NULL as null,
// hex and _binary literals as bytes. The table named in the statement is not used: the job's target is.

import { textDecoderFor } from './charset.js';
import { ValueBatchBuilder, type ValueBatch } from './value-batch.js';
import { truncateRaw, type Position, type Value } from './types.js';
import { unescapeMysql } from './mysql-escapes.js';

export interface SqlDecodeOptions {
  readonly file: string;
  readonly resume?: Position;
  readonly maxRows?: number;
  readonly maxBytes?: number;
  readonly maxStatementChars?: number;
}

const NEED_MORE = -1;

/** String-literal escapes: MySQL's, except that `\%` and `\_` keep their backslash (they only mean something to LIKE). */
function unescapeSql(c: string): string {
  return c === '%' || c === '_' ? `\\${c}` : unescapeMysql(c);
}

class SqlSyntax extends Error {}

/** Incremental SQL dump decoding: push byte chunks, take batches. */
export class SqlDumpDecoder {
  private readonly text = textDecoderFor('utf8mb4');
  private t = '';
  private tBase: number;
  private tBytes = 0;
  private ascii = true;
  private lastPos = 0;
  private lastByte = 0;
  private line: number;
  private retryAt = 0;
  private inInsert = false;
  private afterTuple = false;
  private builder: ValueBatchBuilder;
  private readonly out: ValueBatch[] = [];
  private readonly maxRows: number;
  private readonly maxBytes: number;
  private readonly maxStatement: number;
  private emitted = false;
  private bomChecked: boolean;

  constructor(private readonly opts: SqlDecodeOptions) {
    this.tBase = opts.resume?.offset ?? 0;
    this.line = opts.resume?.line ?? 1;
    this.builder = new ValueBatchBuilder(opts.file, null);
    this.maxRows = opts.maxRows ?? 8192;
    this.maxBytes = opts.maxBytes ?? 1 << 20;
    this.maxStatement = opts.maxStatementChars ?? 64 * 1024 * 1024;
    this.bomChecked = !!opts.resume;
  }

  push(chunk: Uint8Array): ValueBatch[] {
    const { text, bytes } = this.text.write(chunk, false);
    return this.feed(text, bytes, false);
  }

  finish(): ValueBatch[] {
    const { text, bytes } = this.text.write(new Uint8Array(0), true);
    const out = this.feed(text, bytes, true);
    if (this.builder.pending > 0 || (!this.emitted && out.length === 0)) out.push(this.flush());
    return out;
  }

  private flush(): ValueBatch {
    this.emitted = true;
    return this.builder.flush({ offset: this.byteAt(0), line: this.line });
  }

  private feed(text: string, bytes: number, final: boolean): ValueBatch[] {
    this.t += text;
    this.tBytes += bytes;
    if (!this.bomChecked) {
      if (this.t.length === 0 && !final) return [];
      if (this.t.charCodeAt(0) === 0xfeff) {
        this.t = this.t.slice(1);
        this.tBase += 3;
        this.tBytes -= 3;
      }
      this.bomChecked = true;
    }
    if (!final && this.t.length < this.retryAt) return [];
    this.ascii = this.t.length === this.tBytes;
    this.lastPos = 0;
    this.lastByte = this.tBase;
    const used = this.run(final);
    // Keep the unfinished part for the next chunk.
    const usedBytes = this.byteAt(used) - this.tBase;
    this.t = this.t.slice(used);
    this.tBase += usedBytes;
    this.tBytes -= usedBytes;
    this.lastPos = 0;
    this.lastByte = this.tBase;
    this.retryAt = final ? 0 : Math.max(1, this.t.length * 2);
    if (!final && this.t.length > this.maxStatement) {
      this.error(0, this.t.length, `statement longer than ${this.maxStatement} characters`);
      this.countLines(0, this.t.length);
      this.tBase += this.tBytes;
      this.t = '';
      this.tBytes = 0;
      this.inInsert = false;
    }
    if (final && this.t.trim().length > 0) {
      this.error(0, this.t.length, 'unexpected end of file inside a statement');
      this.t = '';
    }
    return this.out.splice(0, this.out.length);
  }

  private byteAt(pos: number): number {
    if (this.ascii) return this.tBase + pos;
    if (pos < this.lastPos) {
      this.lastPos = 0;
      this.lastByte = this.tBase;
    }
    this.lastByte += this.text.byteLength(this.t.slice(this.lastPos, pos));
    this.lastPos = pos;
    return this.lastByte;
  }

  private countLines(from: number, to: number): void {
    const s = this.t.slice(from, to);
    for (let k = s.indexOf('\n'); k >= 0; k = s.indexOf('\n', k + 1)) this.line++;
  }

  private error(from: number, to: number, reason: string): void {
    this.builder.error({ file: this.opts.file, line: this.line, offset: this.byteAt(from), reason, raw: truncateRaw(this.t.slice(from, to)) });
  }

  /** Consumes complete units from the text; returns how far it got. */
  private run(final: boolean): number {
    const t = this.t;
    let pos = 0;
    for (;;) {
      const ws = this.skipSpace(pos, final);
      if (ws === NEED_MORE) return pos;
      this.countLines(pos, ws);
      pos = ws;
      if (pos >= t.length) return pos;
      if (this.inInsert) {
        const c = t.charAt(pos);
        if (this.afterTuple) {
          if (c === ',') {
            pos++;
            this.afterTuple = false;
            continue;
          }
          if (c === ';') {
            pos++;
            this.inInsert = false;
            this.afterTuple = false;
            continue;
          }
          // ON DUPLICATE KEY UPDATE ... and the like: the rest of the statement is not data.
          const end = this.statementEnd(pos, final);
          if (end === NEED_MORE) return pos;
          this.countLines(pos, end);
          pos = end;
          this.inInsert = false;
          this.afterTuple = false;
          continue;
        }
        if (c !== '(') {
          const end = this.statementEnd(pos, final);
          if (end === NEED_MORE) return pos;
          this.error(pos, end, "expected '(' to start a row of values");
          this.countLines(pos, end);
          pos = end;
          this.inInsert = false;
          continue;
        }
        const end = this.tuple(pos, final);
        if (end === NEED_MORE) return pos;
        this.countLines(pos, end);
        pos = end;
        this.afterTuple = true;
        if (this.builder.pending >= this.maxRows || this.builder.size >= this.maxBytes) this.out.push(this.flush());
        continue;
      }
      const head = /^(?:INSERT|REPLACE)\b/i.exec(t.slice(pos, pos + 8));
      if (head) {
        const end = this.insertHead(pos, final);
        if (end === NEED_MORE) return pos;
        this.countLines(pos, end);
        pos = end;
        continue;
      }
      if (!final && t.length - pos < 8 && /^[a-z]*$/i.test(t.slice(pos))) return pos;
      const end = this.statementEnd(pos, final);
      if (end === NEED_MORE) return pos;
      this.countLines(pos, end);
      pos = end;
    }
  }

  /** Skips whitespace and comments; returns the next position or NEED_MORE. */
  private skipSpace(pos: number, final: boolean): number {
    const t = this.t;
    for (;;) {
      while (pos < t.length && /\s/.test(t.charAt(pos))) pos++;
      if (pos >= t.length) return pos;
      const c = t.charAt(pos);
      const n = t.charAt(pos + 1);
      if ((c === '-' && n === '-') || c === '#') {
        if (c === '-' && pos + 2 >= t.length && !final) return NEED_MORE;
        if (c === '-' && !/\s/.test(t.charAt(pos + 2))) return pos;
        const e = t.indexOf('\n', pos);
        if (e < 0) return final ? t.length : NEED_MORE;
        pos = e + 1;
        continue;
      }
      if (c === '/' && n === '*') {
        // /*!40101 SET ... */ conditional comments hold session settings, not data.
        const e = t.indexOf('*/', pos + 2);
        if (e < 0) return final ? t.length : NEED_MORE;
        pos = e + 2;
        continue;
      }
      if ((c === '-' || c === '/') && pos + 1 >= t.length && !final) return NEED_MORE;
      return pos;
    }
  }

  /** End (after `;`) of a statement that is not data, quotes and comments respected. */
  private statementEnd(pos: number, final: boolean): number {
    const t = this.t;
    let k = pos;
    while (k < t.length) {
      const c = t.charAt(k);
      if (c === ';') return k + 1;
      if (c === "'" || c === '"' || c === '`') {
        const e = this.quoteEnd(k);
        if (e === NEED_MORE) return final ? t.length : NEED_MORE;
        k = e;
        continue;
      }
      k++;
    }
    return final ? t.length : NEED_MORE;
  }

  /** Position after the closing quote of the quoted text starting at `pos`. */
  private quoteEnd(pos: number): number {
    const t = this.t;
    const q = t.charAt(pos);
    let k = pos + 1;
    for (;;) {
      const e = t.indexOf(q, k);
      if (e < 0) return NEED_MORE;
      if (q !== '`') {
        // Count backslashes before the quote: an odd number escapes it.
        let bs = 0;
        for (let j = e - 1; j >= k && t.charAt(j) === '\\'; j--) bs++;
        if (bs % 2 === 1) {
          k = e + 1;
          continue;
        }
      }
      if (t.charAt(e + 1) === q) {
        if (e + 2 > t.length) return NEED_MORE;
        k = e + 2;
        continue;
      }
      if (e + 1 >= t.length) return NEED_MORE;
      return e + 1;
    }
  }

  /** `INSERT [IGNORE] INTO name [(cols)] VALUES`: returns the position after VALUES. */
  private insertHead(pos: number, final: boolean): number {
    const t = this.t;
    const m = /^(?:INSERT|REPLACE)(?:\s+(?:LOW_PRIORITY|DELAYED|HIGH_PRIORITY|IGNORE))*(?:\s+INTO)?\s+((?:`(?:[^`]|``)+`|[\w$]+)(?:\s*\.\s*(?:`(?:[^`]|``)+`|[\w$]+))?)\s*(\((?:[^)`]|`(?:[^`]|``)*`)*\))?\s*VALUES?(?=[\s(])/i.exec(
      t.slice(pos, pos + 65536),
    );
    if (!m) {
      const end = this.statementEnd(pos, final);
      if (end === NEED_MORE) return NEED_MORE;
      const semi = t.indexOf(';', pos);
      if (!final && (semi < 0 || semi > pos + 65536)) return NEED_MORE;
      this.error(pos, end, 'unsupported INSERT statement (expected INSERT INTO t [(columns)] VALUES (...))');
      return end;
    }
    const cols = m[2] ? [...m[2].slice(1, -1).matchAll(/`((?:[^`]|``)+)`|([\w$]+)/g)].map((x) => (x[1] !== undefined ? x[1].replace(/``/g, '`') : x[2]!)) : null;
    if (JSON.stringify(cols) !== JSON.stringify(this.builder.columns)) {
      // Rows in one batch share one column list.
      if (this.builder.pending > 0) this.out.push(this.flush());
      this.builder.columns = cols;
    }
    this.inInsert = true;
    this.afterTuple = false;
    return pos + m[0].length;
  }

  /** One `(v, v, ...)`: adds a row or an error row; returns the position after `)`. */
  private tuple(pos: number, final: boolean): number {
    const t = this.t;
    const values: Value[] = [];
    let k = pos + 1;
    try {
      for (;;) {
        while (k < t.length && /\s/.test(t.charAt(k))) k++;
        if (k >= t.length) throw new NeedMore();
        if (t.charAt(k) === ')' && values.length === 0) {
          k++;
          break;
        }
        const [v, e] = this.value(k);
        values.push(v);
        k = e;
        while (k < t.length && /\s/.test(t.charAt(k))) k++;
        if (k >= t.length) throw new NeedMore();
        const c = t.charAt(k);
        k++;
        if (c === ')') break;
        if (c !== ',') throw new SqlSyntax(`expected ',' or ')' but found '${c}'`);
      }
    } catch (e) {
      if (e instanceof NeedMore) {
        if (!final) return NEED_MORE;
        this.error(pos, t.length, 'unexpected end of file inside a row of values');
        return t.length;
      }
      if (!(e instanceof SqlSyntax)) throw e;
      const end = this.tupleEnd(pos);
      if (end === NEED_MORE && !final) return NEED_MORE;
      const stop = end === NEED_MORE ? t.length : end;
      this.error(pos, stop, e.message);
      return stop;
    }
    this.builder.add(values, this.line, this.byteAt(pos));
    return k;
  }

  /** After a malformed value: the `)` closing the tuple, quotes respected. */
  private tupleEnd(pos: number): number {
    const t = this.t;
    let depth = 0;
    let k = pos;
    while (k < t.length) {
      const c = t.charAt(k);
      if (c === "'" || c === '"') {
        const e = this.quoteEnd(k);
        if (e === NEED_MORE) return NEED_MORE;
        k = e;
        continue;
      }
      if (c === '(') depth++;
      else if (c === ')' && --depth === 0) return k + 1;
      k++;
    }
    return NEED_MORE;
  }

  /** One literal; returns it and the position after it. */
  private value(pos: number): [Value, number] {
    const t = this.t;
    const c = t.charAt(pos);
    if (c === "'" || c === '"') return this.string(pos);
    const rest = t.slice(pos, pos + 400);
    let m = /^0x([0-9a-fA-F]*)/.exec(rest);
    if (m && m[0].length < rest.length) return [Buffer.from(m[1]!.length % 2 ? `0${m[1]!}` : m[1]!, 'hex'), pos + m[0].length];
    m = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?/.exec(rest);
    if (m && m[0].length < rest.length) return [m[0], pos + m[0].length];
    m = /^(?:NULL|TRUE|FALSE)\b/i.exec(rest);
    if (m) {
      const w = m[0].toUpperCase();
      return [w === 'NULL' ? null : w === 'TRUE' ? '1' : '0', pos + m[0].length];
    }
    m = /^[xX]'([0-9a-fA-F]*)'/.exec(rest);
    if (m) return [Buffer.from(m[1]!, 'hex'), pos + m[0].length];
    m = /^_([a-z0-9]+)\s*(?=['"])/i.exec(rest);
    if (m) {
      const [s, e] = this.string(pos + m[0].length);
      return [m[1]!.toLowerCase() === 'binary' && typeof s === 'string' ? Buffer.from(s, 'utf8') : s, e];
    }
    if (rest.length < 400 && /^[\w.+-]*$/.test(rest)) throw new NeedMore();
    throw new SqlSyntax(`unsupported value '${/^[^,()\s]*(?:\([^)]*\))?/.exec(rest)?.[0] || rest.slice(0, 20)}'`);
  }

  private string(pos: number): [string, number] {
    const t = this.t;
    const q = t.charAt(pos);
    const parts: string[] = [];
    let seg = pos + 1;
    let k = pos + 1;
    for (;;) {
      if (k >= t.length) throw new NeedMore();
      const c = t.charAt(k);
      if (c === '\\') {
        if (k + 1 >= t.length) throw new NeedMore();
        parts.push(t.slice(seg, k), unescapeSql(t.charAt(k + 1)));
        k += 2;
        seg = k;
        continue;
      }
      if (c === q) {
        if (k + 1 >= t.length) throw new NeedMore();
        if (t.charAt(k + 1) === q) {
          parts.push(t.slice(seg, k + 1));
          k += 2;
          seg = k;
          continue;
        }
        parts.push(t.slice(seg, k));
        return [parts.join(''), k + 1];
      }
      k++;
    }
  }
}

class NeedMore extends Error {}

export async function* decodeSqlDump(input: AsyncIterable<Uint8Array>, opts: SqlDecodeOptions): AsyncGenerator<ValueBatch> {
  const d = new SqlDumpDecoder(opts);
  for await (const chunk of input) yield* d.push(chunk);
  yield* d.finish();
}

export function decodeSqlDumpBuffer(data: Uint8Array, opts: SqlDecodeOptions): ValueBatch[] {
  const d = new SqlDumpDecoder(opts);
  return [...d.push(data), ...d.finish()];
}
