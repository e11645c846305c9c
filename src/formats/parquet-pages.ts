// The pages of one Parquet column chunk, read with bounded range reads and decoded one at a time
// by hyparquet's page decoder. hyparquet's own readers (parquetRead, parquetScan) fetch and
// decode a whole column chunk per call, and a sliced read (rowStart/rowEnd) fetches the whole
// chunk again for every slice unless the file has an offset index: memory grew with the row
// group. Here a chunk is a sequence of pages and only the page being read is held, so memory
// follows the page size (parquet-mr and arrow-rs cut pages at 1 MiB and 20,000 rows), whatever
// the row-group size. A page is still decoded whole: a file written as one page per column chunk
// holds a chunk per column, as before.
// readPage and parquetHeader come from hyparquet's exported modules (hyparquet/src/*.js); their
// signatures are the same from 1.20 to 1.31.
// Page layout: https://parquet.apache.org/docs/file-format/data-pages/

import { parquetHeader, readPage } from 'hyparquet/src/column.js';
import { convert } from 'hyparquet/src/convert.js';
import type { ColumnDecoder, DecodedArray, PageHeader } from 'hyparquet/src/types.js';

export type ReadRange = (start: number, end: number) => Promise<Uint8Array>;

const EMPTY = new Uint8Array(0);

/** Ignore a read-ahead's failure until someone awaits it (it may never be needed). */
function quiet<T>(p: Promise<T>): Promise<T> {
  p.catch(() => {});
  return p;
}

/**
 * The bytes [start, end) of a file, read in blocks of `block` bytes with the next block read
 * ahead, so decoding overlaps reading. Holds the unread part of one block, the block read ahead,
 * and whatever a page larger than a block needs.
 */
export class ChunkBytes {
  private buf: Uint8Array = EMPTY;
  private bufStart: number;
  private ahead: { start: number; end: number; bytes: Promise<Uint8Array> } | null = null;

  /** `first`, when given, is [start, firstEnd) already on its way (a read shared with other chunks). */
  constructor(
    private readonly read: ReadRange,
    readonly start: number,
    readonly end: number,
    private readonly block: number,
    first?: { end: number; bytes: Promise<Uint8Array> },
  ) {
    this.bufStart = start;
    if (first) this.ahead = { start, end: first.end, bytes: quiet(first.bytes) };
    else this.readAhead(start);
  }

  private readAhead(at: number): void {
    if (at >= this.end) return;
    const end = Math.min(this.end, at + this.block);
    this.ahead = { start: at, end, bytes: quiet(this.read(at, end)) };
  }

  /**
   * A view of the file from `pos` holding at least `n` bytes (fewer at the end of the range).
   * `readAhead` false: the bytes after these may not be wanted (pages being passed over).
   */
  async window(pos: number, n: number, readAhead = true): Promise<DataView> {
    const want = Math.min(pos + n, this.end);
    let bufEnd = this.bufStart + this.buf.length;
    if (pos < this.bufStart || pos > this.end) throw new RangeError(`read at ${pos} outside ${this.bufStart}-${this.end}`);
    if (want > bufEnd) {
      const parts: Uint8Array[] = pos < bufEnd ? [this.buf.subarray(pos - this.bufStart)] : [];
      let at = Math.max(pos, bufEnd);
      while (at < want) {
        let bytes: Uint8Array;
        let from: number;
        const ahead = this.ahead;
        this.ahead = null;
        if (ahead && ahead.start <= at && at < ahead.end) {
          bytes = await ahead.bytes;
          from = ahead.start;
        } else {
          const end = Math.min(this.end, Math.max(want, at + this.block));
          bytes = await this.read(at, end);
          from = at;
        }
        if (from + bytes.length <= at) throw new Error(`unexpected end of file at byte ${at}`);
        parts.push(bytes.subarray(at - from));
        at = from + bytes.length;
      }
      this.buf = parts.length === 1 ? parts[0]! : concat(parts);
      this.bufStart = pos;
      bufEnd = at;
      if (!this.ahead && readAhead) this.readAhead(at);
    }
    return new DataView(this.buf.buffer, this.buf.byteOffset + (pos - this.bufStart), bufEnd - pos);
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A data page as hyparquet decodes it; `data` is null for a page passed over undecoded. */
export interface DataPage {
  /** Rows in the page when the header says (flat columns, data page v2); else -1. */
  readonly rows: number;
  readonly data: DecodedArray | null;
}

/** Headers are tens of bytes; statistics with long min/max values make some larger. */
const HEADER_PROBE = 1024;
const MAX_HEADER = 16 << 20;

/** The pages of one column chunk, in order. */
export class ColumnChunkPages {
  private pos: number;
  private dictionary: DecodedArray | undefined;

  constructor(
    private readonly bytes: ChunkBytes,
    private readonly decoder: ColumnDecoder,
    private readonly flat: boolean,
  ) {
    this.pos = bytes.start;
  }

  private async header(skipping: boolean): Promise<{ header: PageHeader; size: number }> {
    for (let probe = HEADER_PROBE; ; probe *= 4) {
      const view = await this.bytes.window(this.pos, probe, !skipping);
      const reader = { view, offset: 0 };
      try {
        return { header: parquetHeader(reader), size: reader.offset };
      } catch (e) {
        // A header cut off by the end of the bytes read so far: read more and parse again.
        const more = view.byteLength < this.bytes.end - this.pos && probe < MAX_HEADER;
        if (!(e instanceof RangeError) || !more) throw e;
      }
    }
  }

  /**
   * The next data page, or null at the end of the chunk. A page of a flat column whose rows all
   * come before `skip` rows is passed over without being decompressed (a resumed read). For
   * other columns, `previous` is the array the page continues (a row may span pages).
   */
  async next(skip: number, previous?: unknown[]): Promise<DataPage | null> {
    // Like hyparquet, a trailing byte is not a page.
    while (this.bytes.end - this.pos > 1) {
      const { header, size } = await this.header(skip > 0 && this.flat);
      const total = size + header.compressed_page_size;
      if (!(header.compressed_page_size >= 0) || this.pos + total > this.bytes.end) {
        throw new Error(`page at byte ${this.pos} (${header.compressed_page_size} bytes) runs past the end of its column chunk`);
      }
      const rows = header.data_page_header_v2?.num_rows ?? (this.flat && header.data_page_header ? header.data_page_header.num_values : -1);
      const isData = header.type === 'DATA_PAGE' || header.type === 'DATA_PAGE_V2';
      if (header.type === 'INDEX_PAGE' || (isData && rows >= 0 && rows <= skip && this.flat)) {
        this.pos += total;
        if (isData) return { rows, data: null };
        continue;
      }
      const reader = { view: await this.bytes.window(this.pos, total), offset: size };
      this.pos += total;
      if (header.type === 'DICTIONARY_PAGE') {
        const { data } = readPage(reader, header, this.decoder, undefined, undefined, 0);
        if (data) this.dictionary = convert(data, this.decoder);
        continue;
      }
      const { data } = readPage(reader, header, this.decoder, this.dictionary, previous as DecodedArray | undefined, 0);
      return { rows, data: data ?? [] };
    }
    return null;
  }
}
