// Rows of typed formats (JSON, Parquet): arrays of values, cloned as they are across a worker
// boundary. These formats decode slower than the clone costs, unlike CSV (see text-batch.ts).

import type { ErrorRow, Position, RowBatch, Value } from './types.js';

export interface ValueBatchData {
  readonly kind: 'values';
  readonly file: string;
  readonly columns: readonly string[] | null;
  readonly rows: Value[][];
  readonly lines: number[];
  readonly offsets: number[];
  readonly errors: readonly ErrorRow[];
  readonly byteSize: number;
  readonly end: Position;
}

export class ValueBatch implements RowBatch {
  constructor(readonly data: ValueBatchData) {}
  get file(): string {
    return this.data.file;
  }
  get columns(): readonly string[] | null {
    return this.data.columns;
  }
  get length(): number {
    return this.data.rows.length;
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
  fieldCount(row: number): number {
    return this.data.rows[row]!.length;
  }
  value(row: number, field: number): Value {
    return this.data.rows[row]![field] ?? null;
  }
  row(row: number): Value[] {
    return this.data.rows[row]!;
  }
  line(row: number): number {
    return this.data.lines[row]!;
  }
  offset(row: number): number {
    return this.data.offsets[row]!;
  }
}

/** Rough in-memory size of a value, for bounding batches in bytes. */
export function valueSize(v: Value): number {
  if (v === null) return 8;
  switch (typeof v) {
    case 'string':
      return 16 + v.length;
    case 'number':
    case 'boolean':
      return 8;
    case 'bigint':
      return 24;
    default:
      return 16 + v.byteLength;
  }
}

export class ValueBatchBuilder {
  private rows: Value[][] = [];
  private lines: number[] = [];
  private offsets: number[] = [];
  private errors: ErrorRow[] = [];
  private bytes = 0;

  constructor(
    readonly file: string,
    public columns: readonly string[] | null,
  ) {}

  add(values: Value[], line: number, offset: number): void {
    let size = 16;
    for (const v of values) size += valueSize(v);
    this.rows.push(values);
    this.lines.push(line);
    this.offsets.push(offset);
    this.bytes += size;
  }

  error(row: ErrorRow): void {
    this.errors.push(row);
    this.bytes += row.raw.length + row.reason.length + 64;
  }

  get size(): number {
    return this.bytes;
  }

  get pending(): number {
    return this.rows.length + this.errors.length;
  }

  flush(end: Position): ValueBatch {
    const batch = new ValueBatch({
      kind: 'values',
      file: this.file,
      columns: this.columns,
      rows: this.rows,
      lines: this.lines,
      offsets: this.offsets,
      errors: this.errors,
      byteSize: this.bytes,
      end,
    });
    this.rows = [];
    this.lines = [];
    this.offsets = [];
    this.errors = [];
    this.bytes = 0;
    return batch;
  }
}
