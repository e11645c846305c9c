// Bytes to CSV row batches: charset decoding, UTF-8 BOM, then the scanner.

import { textDecoderFor } from './charset.js';
import type { CsvOptions } from './csv-options.js';
import { CsvScanner, DEFAULT_LIMITS, type ScannerLimits } from './csv-scanner.js';
import { TextBatchBuilder, type TextBatch } from './text-batch.js';
import type { Position } from './types.js';

export interface CsvDecodeOptions {
  /** Name the rows and error rows carry (the object's URI). */
  readonly file: string;
  readonly csv: CsvOptions;
  /**
   * Where the bytes start when resuming a file: rows keep absolute offsets and lines, and the header
   * and SKIP_ROWS are not applied again (pass the header's names in `columns`).
   */
  readonly resume?: Position & { readonly columns?: readonly string[] | null };
  readonly limits?: ScannerLimits;
}

const BOM = [0xef, 0xbb, 0xbf];
/**
 * Bytes decoded and scanned at a time: at least SCAN_MIN_BYTES (sources may deliver 16 kB chunks;
 * each scan joins the record left over from the one before), and at most SCAN_MAX_BYTES, bigger
 * chunks (gunzip's 256 kB) being cut. The cap keeps the decoded string below V8's 128 kB limit for
 * ordinary heap objects: measured on 193 MB of CSV, scans of 128–512 kB cost ≈ 40% more CPU than
 * scans of 64 kB, the large-object strings and their joins being slower to make.
 */
const SCAN_MIN_BYTES = 64 * 1024;
const SCAN_MAX_BYTES = 120 * 1024;

/** Incremental CSV decoding: push byte chunks, take batches. Used directly and by the worker. */
export class CsvDecoder {
  private readonly text;
  private readonly scanner: CsvScanner;
  private head: Uint8Array | null;
  private held: Uint8Array[] = [];
  private heldBytes = 0;

  constructor(opts: CsvDecodeOptions) {
    const builder = new TextBatchBuilder(opts.file);
    if (opts.resume?.columns) builder.columns = opts.resume.columns;
    this.text = textDecoderFor(opts.csv.charset);
    const start = opts.resume ?? { offset: 0, line: 1 };
    const utf8 = opts.csv.charset === 'utf8' || opts.csv.charset === 'utf8mb4';
    // The BOM is looked for only at the very start of a UTF-8 file.
    this.head = utf8 && !opts.resume ? new Uint8Array(0) : null;
    this.scanner = new CsvScanner(opts.csv, builder, (s) => this.text.byteLength(s), start, opts.limits ?? DEFAULT_LIMITS, !!opts.resume);
  }

  push(chunk: Uint8Array): TextBatch[] {
    if (this.head !== null) {
      const head = new Uint8Array(this.head.length + chunk.length);
      head.set(this.head);
      head.set(chunk, this.head.length);
      if (head.length < 3 && BOM.slice(0, head.length).every((b, i) => head[i] === b)) {
        this.head = head;
        return [];
      }
      this.head = null;
      if (head.length >= 3 && head[0] === BOM[0] && head[1] === BOM[1] && head[2] === BOM[2]) {
        this.scanner.skipBytes(3);
        chunk = head.subarray(3);
      } else chunk = head;
    }
    let out: TextBatch[] = [];
    for (let rest = chunk; rest.length > 0; ) {
      const part = rest.length <= SCAN_MAX_BYTES - this.heldBytes ? rest : rest.subarray(0, SCAN_MAX_BYTES - this.heldBytes);
      rest = rest.subarray(part.length);
      this.held.push(part);
      this.heldBytes += part.length;
      if (this.heldBytes >= SCAN_MIN_BYTES) out = out.length === 0 ? this.scanHeld() : out.concat(this.scanHeld());
    }
    return out;
  }

  private scanHeld(): TextBatch[] {
    if (this.heldBytes === 0) return [];
    const bytes = this.held.length === 1 ? this.held[0]! : Buffer.concat(this.held, this.heldBytes);
    this.held = [];
    this.heldBytes = 0;
    const decoded = this.text.write(bytes, false);
    return this.scanner.push(decoded.text, decoded.bytes, decoded.invalid, false);
  }

  finish(): TextBatch[] {
    const out: TextBatch[] = [];
    if (this.head !== null && this.head.length > 0) {
      const h = this.head;
      this.head = null;
      out.push(...this.push(h));
    }
    out.push(...this.scanHeld());
    const { text, bytes, invalid } = this.text.write(new Uint8Array(0), true);
    out.push(...this.scanner.push(text, bytes, invalid, false));
    out.push(...this.scanner.finish());
    return out;
  }
}

export async function* decodeCsv(input: AsyncIterable<Uint8Array>, opts: CsvDecodeOptions): AsyncGenerator<TextBatch> {
  const decoder = new CsvDecoder(opts);
  for await (const chunk of input) yield* decoder.push(chunk);
  yield* decoder.finish();
}

/** Whole-buffer convenience (tests, small files). */
export function decodeCsvBuffer(data: Uint8Array, opts: CsvDecodeOptions): TextBatch[] {
  const d = new CsvDecoder(opts);
  return [...d.push(data), ...d.finish()];
}
