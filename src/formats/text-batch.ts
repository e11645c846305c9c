// Rows of a text format (CSV, SQL dump) kept flat: the source text once, and per field a start/end
// pair into it. A field that needed unquoting or unescaping lives in a side string instead.
// Why flat: posting string[][] from a worker costs the receiving thread ~125 MB/s of field data
// (structured clone, measured here), which would eat most of the main thread at CSV decode speed
// (~85-90 MB/s); one string plus typed arrays posts at ~850 MB/s, and values are sliced lazily.

import type { ErrorRow, Position, RowBatch, Value } from './types.js';

export const FIELD_IN_TEXT = 0;
export const FIELD_IN_EXTRA = 1;
export const FIELD_NULL = 2;

/** The plain-data form of a text batch: what crosses a worker boundary. */
export interface TextBatchData {
  readonly kind: 'text';
  readonly file: string;
  readonly columns: readonly string[] | null;
  readonly text: string;
  readonly extra: string;
  readonly starts: Uint32Array;
  readonly ends: Uint32Array;
  readonly flags: Uint8Array;
  /** Per row, the index one past its last field. */
  readonly rowEnds: Uint32Array;
  readonly lines: Float64Array;
  readonly offsets: Float64Array;
  readonly errors: readonly ErrorRow[];
  readonly byteSize: number;
  readonly end: Position;
  /**
   * Set when the text from the first row's first field to the last row's last field is the rows
   * exactly as written, read the same by MySQL's LOAD DATA: no field escaped or NULL, no quoted
   * field with a doubled quote or a line break, no blank or malformed line among them; fields
   * joined by `separator`, lines ended by '\n' ('\r\n' when `crlf`), and fields in double quotes
   * only when `quoted`. Absent: not known to be so.
   */
  readonly asWritten?: AsWritten;
}

export interface AsWritten {
  readonly separator: string;
  readonly crlf: boolean;
  readonly quoted: boolean;
}

export class TextBatch implements RowBatch {
  constructor(readonly data: TextBatchData) {}

  get file(): string {
    return this.data.file;
  }
  get columns(): readonly string[] | null {
    return this.data.columns;
  }
  get length(): number {
    return this.data.rowEnds.length;
  }
  get errors(): readonly ErrorRow[] {
    return this.data.errors;
  }
  get byteSize(): number {
    return this.data.byteSize;
  }
  get end(): Position {
    return this.data.end;
  }

  private firstField(row: number): number {
    return row === 0 ? 0 : this.data.rowEnds[row - 1]!;
  }

  fieldCount(row: number): number {
    return this.data.rowEnds[row]! - this.firstField(row);
  }

  value(row: number, field: number): Value {
    return this.field(this.firstField(row) + field);
  }

  /** Text-format values are always strings or NULL. */
  text(row: number, field: number): string | null {
    return this.field(this.firstField(row) + field);
  }

  row(row: number): (string | null)[] {
    const from = this.firstField(row);
    const to = this.data.rowEnds[row]!;
    const out = new Array<string | null>(to - from);
    for (let k = from; k < to; k++) out[k - from] = this.field(k);
    return out;
  }

  line(row: number): number {
    return this.data.lines[row]!;
  }

  offset(row: number): number {
    return this.data.offsets[row]!;
  }

  private field(k: number): string | null {
    const d = this.data;
    const flag = d.flags[k];
    if (flag === FIELD_NULL) return null;
    const src = flag === FIELD_IN_EXTRA ? d.extra : d.text;
    return src.slice(d.starts[k], d.ends[k]);
  }
}

function grow<T extends Uint32Array | Uint8Array | Float64Array>(a: T, need: number): T {
  if (need <= a.length) return a;
  let n = a.length * 2;
  while (n < need) n *= 2;
  const b = new (a.constructor as new (n: number) => T)(n);
  b.set(a);
  return b;
}

/**
 * Accumulates rows whose fields are positions in the text the scanner is looking at ("the current
 * text"). The parts of current texts that rows came from are kept as regions and joined on flush.
 */
export class TextBatchBuilder {
  private parts: string[] = [];
  private base = 0; // length of the regions already closed
  private cur = '';
  private regionStart = 0;
  private extras: string[] = [];
  private extraLen = 0;
  private starts = new Uint32Array(4096);
  private ends = new Uint32Array(4096);
  private flags = new Uint8Array(4096);
  private rowEnds = new Uint32Array(512);
  private lines = new Float64Array(512);
  private offsets = new Float64Array(512);
  private errors: ErrorRow[] = [];
  private errorBytes = 0;
  nFields = 0;
  nRows = 0;
  columns: readonly string[] | null = null;
  /**
   * TextBatchData.asWritten, tracked for the batch being built: the separator (one character)
   * when the scanner reports its fields as written, '' when it does not or a field was not.
   */
  private written = '';
  private separator = '';
  /** Rows whose line ended in '\r\n' and in '\n', this batch. */
  private crlfRows = 0;
  private lfRows = 0;
  private quoted = false;

  constructor(readonly file: string) {}

  /** Batches from now on say when their text is the rows as written (TextBatchData.asWritten). */
  trackWritten(separator: string): void {
    this.separator = separator.length === 1 ? separator : '';
    this.written = this.separator;
  }

  /** A field or line of this batch is not as it will be read (quoted, blank line, ...). */
  notAsWritten(): void {
    this.written = '';
  }

  /** A field in quotes the server reads as the scanner did (no doubled quote, no line break). */
  quotedAsWritten(): void {
    this.quoted = true;
  }

  /** How the row just ended was terminated. */
  lineEnd(crlf: boolean): void {
    if (crlf) this.crlfRows++;
    else this.lfRows++;
  }

  /** Starts looking at a new current text; positions passed from now on refer to it. */
  setText(text: string, from: number): void {
    this.cur = text;
    this.regionStart = from;
  }

  /** Ends the region of the current text that rows came from (exclusive end). */
  closeRegion(to: number): void {
    if (to > this.regionStart) {
      this.parts.push(this.cur.slice(this.regionStart, to));
      this.base += to - this.regionStart;
    }
    this.regionStart = to;
  }

  /** Characters of text held so far: the unit batches are bounded in. */
  size(pos: number): number {
    return this.base + (pos - this.regionStart) + this.extraLen + this.errorBytes + this.nFields * 9;
  }

  field(start: number, end: number): void {
    const k = this.nFields++;
    if (k >= this.starts.length) this.growFields(k + 1);
    const delta = this.base - this.regionStart;
    this.starts[k] = start + delta;
    this.ends[k] = end + delta;
    this.flags[k] = FIELD_IN_TEXT;
  }

  extraField(value: string): void {
    this.written = '';
    const k = this.nFields++;
    if (k >= this.starts.length) this.growFields(k + 1);
    this.starts[k] = this.extraLen;
    this.extras.push(value);
    this.extraLen += value.length;
    this.ends[k] = this.extraLen;
    this.flags[k] = FIELD_IN_EXTRA;
  }

  nullField(): void {
    this.written = '';
    const k = this.nFields++;
    if (k >= this.starts.length) this.growFields(k + 1);
    this.starts[k] = 0;
    this.ends[k] = 0;
    this.flags[k] = FIELD_NULL;
  }

  /** Values of the fields added since `fromField` (all within the current text). */
  values(fromField: number): (string | null)[] {
    const delta = this.base - this.regionStart;
    let extra: string | null = null;
    const out: (string | null)[] = [];
    for (let k = fromField; k < this.nFields; k++) {
      const s = this.starts[k]!;
      const e = this.ends[k]!;
      const flag = this.flags[k];
      if (flag === FIELD_NULL) out.push(null);
      else if (flag === FIELD_IN_EXTRA) out.push((extra ??= this.extras.join('')).slice(s, e));
      else out.push(this.cur.slice(s - delta, e - delta));
    }
    return out;
  }

  /** Drops the fields added since `fieldCount` (a record that turned out incomplete or bad). */
  rollback(fieldCount: number): void {
    this.nFields = fieldCount;
  }

  endRow(line: number, offset: number): void {
    const r = this.nRows++;
    if (r >= this.rowEnds.length) {
      this.rowEnds = grow(this.rowEnds, r + 1);
      this.lines = grow(this.lines, r + 1);
      this.offsets = grow(this.offsets, r + 1);
    }
    this.rowEnds[r] = this.nFields;
    this.lines[r] = line;
    this.offsets[r] = offset;
  }

  error(row: ErrorRow): void {
    this.written = '';
    this.errors.push(row);
    this.errorBytes += row.raw.length + row.reason.length + 64;
  }

  get pending(): number {
    return this.nRows + this.errors.length;
  }

  /** Hands out what was gathered; `pos` is the end of the region in the current text. */
  flush(pos: number, end: Position): TextBatch {
    this.closeRegion(pos);
    const text = this.parts.length === 1 ? this.parts[0]! : this.parts.join('');
    const extra = this.extras.join('');
    const data: TextBatchData = {
      kind: 'text',
      file: this.file,
      columns: this.columns,
      text,
      extra,
      starts: this.starts.slice(0, this.nFields),
      ends: this.ends.slice(0, this.nFields),
      flags: this.flags.slice(0, this.nFields),
      rowEnds: this.rowEnds.slice(0, this.nRows),
      lines: this.lines.slice(0, this.nRows),
      offsets: this.offsets.slice(0, this.nRows),
      errors: this.errors,
      byteSize: text.length + extra.length + this.nFields * 9 + this.nRows * 20 + this.errorBytes,
      end,
      ...(this.written !== '' && this.nRows > 0 && (this.crlfRows === 0 || this.lfRows === 0) ? { asWritten: { separator: this.written, crlf: this.crlfRows > 0, quoted: this.quoted } } : {}),
    };
    this.written = this.separator;
    this.crlfRows = 0;
    this.lfRows = 0;
    this.quoted = false;
    this.parts = [];
    this.base = 0;
    this.extras = [];
    this.extraLen = 0;
    this.errors = [];
    this.errorBytes = 0;
    this.nFields = 0;
    this.nRows = 0;
    return new TextBatch(data);
  }

  private growFields(need: number): void {
    this.starts = grow(this.starts, need);
    this.ends = grow(this.ends, need);
    this.flags = grow(this.flags, need);
  }
}
