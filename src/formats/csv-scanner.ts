// The CSV scanner: text in, flat rows out (see text-batch.ts). Hand-written because the bar is
// papaparse's speed (~85-90 MB/s here) and csv-parse manages ~18 MB/s. The common field (unquoted,
// no escape character) costs two cached indexOf lookups and two integers, no string is created;
// quoted fields with doubled quotes, and fields with MySQL escapes, take slower paths.
//
// Semantics follow MySQL LOAD DATA / TiDB IMPORT INTO: the enclosure is recognised only at the
// start of a field; inside quotes a doubled quote is a quote; the escape character works inside and
// outside quotes (`\N \0 \b \n \r \t \Z \\`, any other escaped character stands for itself); a raw
// `\N` field is NULL, quoted or not; an unquoted field equal to FIELDS_DEFINED_NULL_BY is NULL.
// Blank lines are skipped. In `auto` mode the first line break decides between `\n` (a `\r` before
// it is dropped, so `\r\n` files work too) and a bare `\r`.

import type { CsvOptions } from './csv-options.js';
import type { TextBatch, TextBatchBuilder } from './text-batch.js';
import type { Position } from './types.js';
import { truncateRaw } from './types.js';
import { unescapeMysql } from './mysql-escapes.js';

const NOT_FOUND = 0x7fffffff;
// Sentinel results of the slow paths.
const NEED_MORE = -1;
const UNTERMINATED = -2;

export interface ScannerLimits {
  /** Rows per batch. */
  readonly maxRows: number;
  /** Approximate characters per batch. */
  readonly maxBytes: number;
}

export const DEFAULT_LIMITS: ScannerLimits = { maxRows: 16_384, maxBytes: 1 << 20 };


export class CsvScanner {
  private readonly d: string;
  private readonly q: number;
  private readonly quote: string;
  private readonly e: number;
  private readonly esc: string;
  private readonly nullBy: string;
  private readonly rawNull: string;
  private nl: string | null;
  private crStrip = false;
  /** Character counted as a physical line break inside fields, or '' when lines are records. */
  private lineChar = '';

  // The current text: leftover of the previous one plus newly decoded characters.
  private t = '';
  private tBase = 0; // byte offset of t[0] in the stream
  private tBytes = 0; // bytes t stands for
  private ascii = true; // one byte per character in t
  private lastPos = 0; // byte offset memo for non-ASCII text
  private lastByte = 0;
  private invalid = false;
  private nextD = -1;
  private nextN = -1;
  private nextE = -1;
  private embeddedLines = 0;

  private pending: string[] = [];
  private pendingLen = 0;
  private pendingBytes = 0;
  private pendingInvalid = false;
  private retryAt = 0;
  private discarding = false;
  private emitted = false;

  private line: number;
  private headerLeft: number;
  private skipLeft: number;
  private readonly out: TextBatch[] = [];

  constructor(
    private readonly o: CsvOptions,
    private readonly b: TextBatchBuilder,
    private readonly byteLength: (text: string) => number,
    start: Position,
    private readonly limits: ScannerLimits = DEFAULT_LIMITS,
    resumed = false,
  ) {
    this.d = o.fieldsTerminatedBy;
    this.quote = o.fieldsEnclosedBy;
    this.q = o.fieldsEnclosedBy === '' ? -1 : o.fieldsEnclosedBy.charCodeAt(0);
    this.esc = o.fieldsEscapedBy;
    this.e = o.fieldsEscapedBy === '' ? -1 : o.fieldsEscapedBy.charCodeAt(0);
    this.nullBy = o.fieldsDefinedNullBy;
    this.rawNull = o.fieldsEscapedBy === '' ? '\0\0' : `${o.fieldsEscapedBy}N`;
    this.nl = o.linesTerminatedBy === 'auto' ? null : o.linesTerminatedBy;
    if (this.nl !== null) this.lineChar = this.nl.includes('\n') ? '\n' : '';
    // Lines ended by '\n' (or '\r\n' in auto mode) and a one-character separator: batches can
    // tell when their text is the rows as written (TextBatchData.asWritten).
    if (this.nl === null || this.nl === '\n') b.trackWritten(this.d);
    this.line = start.line;
    this.tBase = start.offset;
    // A resumed read starts after the header and skipped rows.
    this.headerLeft = resumed ? 0 : (o.withHeader ? 1 : 0) + (o.withTypes ? 1 : 0);
    // Doris: skip_lines does not apply to csv_with_names files.
    this.skipLeft = resumed || o.withHeader ? 0 : o.skipRows;
  }

  /** Feeds decoded text standing for `bytes` bytes; returns the batches completed. */
  push(text: string, bytes: number, invalid: boolean, final: boolean): TextBatch[] {
    if (this.discarding) {
      if (!this.skipToLineEnd(text, bytes, final)) return this.take();
      text = this.t;
      bytes = this.tBytes;
    }
    this.pending.push(text);
    this.pendingLen += text.length;
    this.pendingBytes += bytes;
    this.pendingInvalid ||= invalid;
    // A record that spans many chunks is rescanned only when the text has doubled: linear overall.
    if (!final && this.pendingLen < this.retryAt) return this.take();
    const t = this.pending.length === 1 ? this.pending[0]! : this.pending.join('');
    this.startText(t, this.pendingBytes, this.pendingInvalid);
    this.pending = [];
    this.pendingLen = 0;
    this.pendingBytes = 0;
    this.pendingInvalid = false;

    if (this.nl === null && !this.detectTerminator(final)) {
      this.keep(0, final);
      return this.take();
    }
    const stop = this.scan(final);
    this.keep(stop, final);
    return this.take();
  }

  /** Ends the stream: whatever is gathered becomes the last batch (always at least one batch). */
  finish(): TextBatch[] {
    const out = this.push('', 0, false, true);
    if (this.b.pending > 0 || (out.length === 0 && !this.emitted)) this.emit(this.t.length);
    return [...out, ...this.take()];
  }

  /** Bytes before the first text that belong to no record (a BOM). */
  skipBytes(n: number): void {
    this.tBase += n;
  }

  get position(): Position {
    return { offset: this.byteAt(this.t.length), line: this.line };
  }

  private take(): TextBatch[] {
    return this.out.splice(0, this.out.length);
  }

  private startText(t: string, bytes: number, invalid: boolean): void {
    this.t = t;
    this.tBytes = bytes;
    this.ascii = t.length === bytes;
    this.lastPos = 0;
    this.lastByte = this.tBase;
    this.invalid = invalid;
    this.nextD = -1;
    this.nextN = -1;
    this.nextE = -1;
    this.b.setText(t, 0);
  }

  /** Keeps t[from..] for the next push (an incomplete record). */
  private keep(from: number, final: boolean): void {
    const t = this.t;
    // Ending a batch with the text it came from keeps it one slice of one text, which costs no
    // copy (flush joins regions otherwise: ~9% of decode time in a profile).
    if (!final && this.b.pending > 0 && this.b.size(from) >= this.limits.maxBytes / 2) this.emit(from);
    this.b.closeRegion(from);
    const fromByte = this.byteAt(from);
    const rest = t.length - from;
    if (rest === 0 || final) {
      this.tBase = fromByte;
      this.t = '';
      this.tBytes = 0;
      this.retryAt = 0;
      this.b.setText('', 0);
      return;
    }
    const restBytes = this.tBase + this.tBytes - fromByte;
    if (rest > this.o.maxRecordChars) {
      this.b.error({
        file: this.b.file,
        line: this.line,
        offset: fromByte,
        reason: `record longer than ${this.o.maxRecordChars} characters`,
        raw: truncateRaw(t.slice(from, from + 2048)),
      });
      this.tBase = fromByte + restBytes;
      this.t = '';
      this.tBytes = 0;
      this.retryAt = 0;
      this.discarding = true;
      this.line += 1;
      this.b.setText('', 0);
      return;
    }
    this.pending.push(t.slice(from));
    this.pendingLen = rest;
    this.pendingBytes = restBytes;
    this.pendingInvalid = this.invalid;
    this.retryAt = rest * 2;
    this.tBase = fromByte;
    this.t = '';
    this.tBytes = 0;
    this.b.setText('', 0);
  }

  /** After an over-long record: drops text up to the next line terminator. */
  private skipToLineEnd(text: string, bytes: number, final: boolean): boolean {
    const nl = this.nl ?? '\n';
    const i = text.indexOf(nl);
    if (i < 0) {
      this.tBase += bytes;
      if (final) this.discarding = false;
      return false;
    }
    this.discarding = false;
    const dropped = text.slice(0, i + nl.length);
    const droppedBytes = text.length === bytes ? dropped.length : this.byteLength(dropped);
    this.tBase += droppedBytes;
    this.t = text.slice(i + nl.length);
    this.tBytes = bytes - droppedBytes;
    return true;
  }

  private byteAt(pos: number): number {
    if (this.ascii) return this.tBase + pos;
    if (pos < this.lastPos) {
      this.lastPos = 0;
      this.lastByte = this.tBase;
    }
    this.lastByte += this.byteLength(this.t.slice(this.lastPos, pos));
    this.lastPos = pos;
    return this.lastByte;
  }

  /** Auto mode: the first line break outside quotes and escapes decides the terminator. */
  private detectTerminator(final: boolean): boolean {
    const t = this.t;
    const len = t.length;
    const d = this.d;
    let k = 0;
    let fieldStart = true;
    while (k < len) {
      const c = t.charCodeAt(k);
      if (fieldStart && c === this.q) {
        // Skip the quoted field: doubled quotes and escaped characters stay inside.
        let j = k + 1;
        for (;;) {
          if (j >= len) return this.undecided(final);
          const cj = t.charCodeAt(j);
          if (cj === this.e) j += 2;
          else if (cj === this.q) {
            if (j + 1 < len && t.charCodeAt(j + 1) === this.q) j += 2;
            else break;
          } else j++;
        }
        k = j + 1;
        fieldStart = false;
        continue;
      }
      fieldStart = false;
      if (c === this.e) {
        k += 2;
        continue;
      }
      if (c === 13) {
        if (k + 1 >= len && !final) return false;
        this.setAuto(t.charCodeAt(k + 1) === 10 ? '\n' : '\r');
        return true;
      }
      if (c === 10) {
        this.setAuto('\n');
        return true;
      }
      if (t.startsWith(d, k)) {
        k += d.length;
        fieldStart = true;
        continue;
      }
      k++;
    }
    return this.undecided(final);
  }

  private undecided(final: boolean): boolean {
    if (!final && this.t.length <= this.o.maxRecordChars) return false;
    this.setAuto('\n');
    return true;
  }

  private setAuto(nl: string): void {
    if (nl !== '\n') this.b.trackWritten('');
    this.nl = nl;
    this.lineChar = nl;
    this.crStrip = nl === '\n';
  }

  private emit(pos: number): void {
    this.emitted = true;
    this.out.push(this.b.flush(pos, { offset: this.byteAt(pos), line: this.line }));
  }

  private countLines(from: number, to: number): void {
    const lc = this.lineChar;
    if (lc === '' || to <= from) return;
    const s = this.t.slice(from, to);
    for (let k = s.indexOf(lc); k >= 0; k = s.indexOf(lc, k + 1)) this.embeddedLines++;
  }

  private addField(start: number, end: number): void {
    const n = end - start;
    const t = this.t;
    if (n === this.nullBy.length && t.startsWith(this.nullBy, start)) this.b.nullField();
    else if (n === 2 && t.startsWith(this.rawNull, start)) this.b.nullField();
    else {
      // The word NULL: a string here, but NULL to LOAD DATA once ENCLOSED BY is given.
      if (n === 4 && t.startsWith('NULL', start)) this.b.notAsWritten();
      this.b.field(start, end);
    }
  }

  /** Scans complete records from the current text; returns where the first incomplete one starts. */
  private scan(final: boolean): number {
    const t = this.t;
    const len = t.length;
    const b = this.b;
    const d = this.d;
    const dl = d.length;
    const nl = this.nl!;
    const nll = nl.length;
    const q = this.q;
    const hasEsc = this.e >= 0;
    const crStrip = this.crStrip;
    const maxRows = this.limits.maxRows;
    const maxBytes = this.limits.maxBytes;
    let pos = 0;

    for (;;) {
      if (pos >= len) return len;
      const recStart = pos;
      const rowField = b.nFields;
      this.embeddedLines = 0;
      let bad: string | null = null;

      let crlf = false;
      fields: for (;;) {
        if (pos < len && t.charCodeAt(pos) === q) {
          const after = this.quotedField(pos, final);
          if (after === NEED_MORE) {
            b.rollback(rowField);
            return recStart;
          }
          if (after === UNTERMINATED) {
            b.rollback(rowField);
            this.badRecord(recStart, len, 'unterminated quoted field');
            return len;
          }
          if (after >= len) {
            if (!final) {
              b.rollback(rowField);
              return recStart;
            }
            pos = len;
            break;
          }
          if (t.startsWith(d, after)) {
            pos = after + dl;
            continue;
          }
          if (t.startsWith(nl, after)) {
            pos = after + nll;
            break;
          }
          if (crStrip && t.charCodeAt(after) === 13) {
            if (after + 1 >= len && !final) {
              b.rollback(rowField);
              return recStart;
            }
            if (t.charCodeAt(after + 1) === 10) {
              pos = after + 2;
              crlf = true;
              break;
            }
          }
          if (!final && (d.startsWith(t.slice(after)) || nl.startsWith(t.slice(after)))) {
            b.rollback(rowField);
            return recStart;
          }
          // Text after the closing quote: the record is malformed up to the end of its line.
          bad = `unexpected character '${t.charAt(after)}' after closing quote`;
          let resync = t.indexOf(nl, after);
          if (resync < 0) {
            if (!final) {
              b.rollback(rowField);
              return recStart;
            }
            resync = len;
          }
          b.rollback(rowField);
          this.badRecord(recStart, resync, bad);
          pos = resync >= len ? len : resync + nll;
          this.line += 1 + this.embeddedLines;
          this.maybeEmit(pos, maxRows, maxBytes);
          break;
        }

        let nextD = this.nextD;
        if (nextD < pos) {
          nextD = t.indexOf(d, pos);
          if (nextD < 0) nextD = NOT_FOUND;
          this.nextD = nextD;
        }
        let nextN = this.nextN;
        if (nextN < pos) {
          nextN = t.indexOf(nl, pos);
          if (nextN < 0) nextN = NOT_FOUND;
          this.nextN = nextN;
        }
        let end = nextD < nextN ? nextD : nextN;
        if (hasEsc) {
          let nextE = this.nextE;
          if (nextE < pos) {
            nextE = t.indexOf(this.esc, pos);
            if (nextE < 0) nextE = NOT_FOUND;
            this.nextE = nextE;
          }
          if (nextE < end || (end === NOT_FOUND && nextE !== NOT_FOUND)) {
            const r = this.escapedField(pos, final);
            if (r === NEED_MORE) {
              b.rollback(rowField);
              return recStart;
            }
            if (r >= 0) {
              pos = r;
              continue fields;
            }
            // r < -2 encodes "ended by the line terminator or the end of text at -r-3".
            pos = -r - 3;
            break fields;
          }
        }
        if (end === NOT_FOUND) {
          if (!final) {
            b.rollback(rowField);
            return recStart;
          }
          end = len;
        } else if (end === nextD) {
          this.addField(pos, end);
          pos = end + dl;
          continue;
        }
        // The last field of the record.
        let fe = end;
        if (crStrip && fe > pos && t.charCodeAt(fe - 1) === 13) {
          fe--;
          crlf = true;
        }
        if (fe === recStart) {
          // A blank line.
          b.notAsWritten();
          pos = end >= len ? len : end + nll;
          this.line++;
          bad = '';
          break;
        }
        this.addField(pos, fe);
        pos = end >= len ? len : end + nll;
        break;
      }
      if (bad !== null) continue;
      this.endRecord(recStart, rowField, pos, crlf);
      if (b.nRows >= maxRows || b.size(pos) >= maxBytes) this.emit(pos);
    }
  }

  private maybeEmit(pos: number, maxRows: number, maxBytes: number): void {
    if (this.b.nRows >= maxRows || this.b.size(pos) >= maxBytes) this.emit(pos);
  }

  private badRecord(from: number, to: number, reason: string, line = this.line): void {
    this.b.error({
      file: this.b.file,
      line,
      offset: this.byteAt(from),
      reason,
      raw: truncateRaw(this.t.slice(from, to)),
    });
  }

  private endRecord(recStart: number, rowField: number, pos: number, crlf: boolean): void {
    const b = this.b;
    const line = this.line;
    this.line += 1 + this.embeddedLines;
    if (this.headerLeft > 0 || this.skipLeft > 0) {
      if (this.headerLeft > 0) {
        if (b.columns === null) b.columns = b.values(rowField).map((v) => v ?? '');
        this.headerLeft--;
      } else this.skipLeft--;
      b.rollback(rowField);
      return;
    }
    if (this.invalid && this.t.slice(recStart, pos).includes('\uFFFD')) {
      b.rollback(rowField);
      this.badRecord(recStart, pos, `invalid ${this.o.charset} character string`, line);
      return;
    }
    // Over the limit though it arrived whole (keep() catches the ones still arriving): the same
    // error row however the stream was cut.
    if (pos - recStart > this.o.maxRecordChars) {
      b.rollback(rowField);
      this.badRecord(recStart, pos, `record longer than ${this.o.maxRecordChars} characters`, line);
      return;
    }
    b.lineEnd(crlf);
    b.endRow(line, this.byteAt(recStart));
  }

  /**
   * A field starting with the enclosure at `pos`. Adds the field and returns the position after the
   * closing quote, or NEED_MORE / UNTERMINATED.
   */
  private quotedField(pos: number, final: boolean): number {
    const t = this.t;
    const len = t.length;
    const q = this.q;
    let j = pos + 1;
    let doubled = false;
    let close: number;
    for (;;) {
      const qi = t.indexOf(this.quote, j);
      if (qi < 0) return final ? UNTERMINATED : NEED_MORE;
      if (this.e >= 0) {
        let nextE = this.nextE;
        if (nextE < j) {
          nextE = t.indexOf(this.esc, j);
          if (nextE < 0) nextE = NOT_FOUND;
          this.nextE = nextE;
        }
        if (nextE < qi) return this.quotedEscapedField(pos, final);
      }
      if (qi + 1 >= len && !final) return NEED_MORE;
      if (t.charCodeAt(qi + 1) === q) {
        doubled = true;
        j = qi + 2;
        continue;
      }
      close = qi;
      break;
    }
    const lines = this.embeddedLines;
    this.countLines(pos + 1, close);
    if (doubled) this.b.extraField(t.slice(pos + 1, close).replaceAll(this.quote + this.quote, this.quote));
    else if (close - pos - 1 === 2 && t.startsWith(this.rawNull, pos + 1)) this.b.nullField();
    else {
      // A line break in quotes: the server would read it as data too, but not worth the doubt.
      if (this.embeddedLines > lines || this.quote !== '"') this.b.notAsWritten();
      else this.b.quotedAsWritten();
      this.b.field(pos + 1, close);
    }
    return close + 1;
  }

  /** A quoted field with escape characters inside: character by character. */
  private quotedEscapedField(pos: number, final: boolean): number {
    const t = this.t;
    const len = t.length;
    const q = this.q;
    const e = this.e;
    const parts: string[] = [];
    let seg = pos + 1;
    let k = pos + 1;
    for (;;) {
      if (k >= len) return final ? UNTERMINATED : NEED_MORE;
      const c = t.charCodeAt(k);
      if (c === e) {
        if (k + 1 >= len) return final ? UNTERMINATED : NEED_MORE;
        parts.push(t.slice(seg, k), unescapeMysql(t.charAt(k + 1)));
        k += 2;
        seg = k;
        continue;
      }
      if (c === q) {
        if (k + 1 >= len && !final) return NEED_MORE;
        if (t.charCodeAt(k + 1) === q) {
          parts.push(t.slice(seg, k + 1));
          k += 2;
          seg = k;
          continue;
        }
        break;
      }
      k++;
    }
    this.countLines(pos + 1, k);
    if (k - pos - 1 === 2 && t.startsWith(this.rawNull, pos + 1)) this.b.nullField();
    else {
      parts.push(t.slice(seg, k));
      this.b.extraField(parts.join(''));
    }
    return k + 1;
  }

  /**
   * An unquoted field containing the escape character. Returns the position after a following
   * field terminator, or -(end + 3) when the record ends (line terminator or end of text), or NEED_MORE.
   */
  private escapedField(pos: number, final: boolean): number {
    const t = this.t;
    const len = t.length;
    const e = this.e;
    const d = this.d;
    const d0 = d.charCodeAt(0);
    const nl = this.nl!;
    const nl0 = nl.charCodeAt(0);
    const parts: string[] = [];
    let seg = pos;
    let k = pos;
    let endsRecord = false;
    let after: number;
    for (;;) {
      if (k >= len) {
        if (!final) return NEED_MORE;
        endsRecord = true;
        after = len;
        break;
      }
      const c = t.charCodeAt(k);
      if (c === e) {
        if (k + 1 >= len) {
          if (!final) return NEED_MORE;
          k++; // a lone escape at the very end stands for itself
          continue;
        }
        const next = t.charAt(k + 1);
        if (next === this.lineChar) this.embeddedLines++;
        parts.push(t.slice(seg, k), unescapeMysql(next));
        k += 2;
        seg = k;
        continue;
      }
      if (c === d0 && t.startsWith(d, k)) {
        after = k + d.length;
        break;
      }
      if (c === nl0 && t.startsWith(nl, k)) {
        endsRecord = true;
        after = k + nl.length;
        break;
      }
      k++;
    }
    let fieldEnd = k;
    if (endsRecord && this.crStrip && k > seg && t.charCodeAt(k - 1) === 13) fieldEnd = k - 1;
    if (fieldEnd - pos === 2 && t.startsWith(this.rawNull, pos)) this.b.nullField();
    else {
      parts.push(t.slice(seg, fieldEnd));
      const v = parts.join('');
      if (v === this.nullBy && this.nullBy !== this.rawNull) this.b.nullField();
      else this.b.extraField(v);
    }
    return endsRecord ? -(after + 3) : after;
  }
}
