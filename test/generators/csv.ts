// Writes CSV the way MySQL's SELECT ... INTO OUTFILE / mysqldump --tab would, for a given dialect,
// and says what a reader must get back: the golden rows, their lines and byte offsets. Independent
// of the decoder under test (it only writes).

import iconv from 'iconv-lite';

export type Cell = string | null;

export interface Dialect {
  readonly delimiter: string;
  readonly quote: string; // '' for none
  readonly escape: string; // '' for none
  readonly terminator: string; // '\n', '\r\n', '\r' or anything else
  readonly nullAs: string; // FIELDS_DEFINED_NULL_BY, used when there is no escape character
  readonly quoteAll: boolean;
  readonly charset: 'utf8mb4' | 'gbk' | 'gb18030' | 'latin1';
}

export const MYSQL_DIALECT: Dialect = {
  delimiter: ',',
  quote: '"',
  escape: '\\',
  terminator: '\n',
  nullAs: '\\N',
  quoteAll: false,
  charset: 'utf8mb4',
};

export interface Golden {
  readonly bytes: Buffer;
  readonly rows: Cell[][];
  readonly lines: number[];
  readonly offsets: number[];
}

function escapeUnquoted(v: string, d: Dialect): string {
  const e = d.escape;
  let out = '';
  for (const ch of v) {
    if (ch === e) out += e + e;
    else if (ch === '\n') out += `${e}n`;
    else if (ch === '\r') out += `${e}r`;
    else if (ch === '\0') out += `${e}0`;
    else if (d.delimiter.startsWith(ch) || d.terminator.startsWith(ch) || ch === d.quote) out += e + ch;
    else out += ch;
  }
  return out;
}

function needsQuotes(v: string, d: Dialect, only: boolean): boolean {
  if (d.quoteAll) return true;
  if (v === '' && only) return true; // a lone empty field would be a blank line
  if (v === d.nullAs || (d.escape !== '' && v === `${d.escape}N`)) return true;
  if (v.includes(d.delimiter) || v.includes(d.terminator) || v.includes('\n') || v.includes('\r')) return true;
  if (d.quote !== '' && v.startsWith(d.quote)) return true;
  return false;
}

export function cellText(v: Cell, d: Dialect, only: boolean): string {
  if (v === null) return d.escape !== '' ? `${d.escape}N` : d.nullAs;
  if (d.quote !== '' && needsQuotes(v, d, only)) {
    let body = '';
    for (const ch of v) {
      if (ch === d.quote) body += d.quote + d.quote;
      else if (d.escape !== '' && ch === d.escape) body += d.escape + d.escape;
      else body += ch;
    }
    return d.quote + body + d.quote;
  }
  if (d.escape !== '') return escapeUnquoted(v, d);
  return v;
}

function encode(s: string, charset: Dialect['charset']): Buffer {
  return charset === 'utf8mb4' ? Buffer.from(s, 'utf8') : iconv.encode(s, charset);
}

/** Serialises rows; `header` is written first (not part of the golden rows). */
export function writeCsv(rows: Cell[][], d: Dialect, opts: { header?: string[]; bom?: boolean; finalTerminator?: boolean } = {}): Golden {
  const pieces: string[] = [];
  const lines: number[] = [];
  const offsets: number[] = [];
  let line = 1;
  let bytes = opts.bom ? 3 : 0;
  const lineChar = d.terminator === '\r' ? '\r' : '\n';
  const countsLines = d.terminator.includes('\n') || d.terminator === '\r';
  const emit = (record: string, last: boolean): void => {
    const text = last && opts.finalTerminator === false ? record : record + d.terminator;
    pieces.push(text);
    bytes += encode(text, d.charset).length;
    if (countsLines) line += text.split(lineChar).length - 1;
    else line += 1;
  };
  if (opts.header) emit(opts.header.map((h) => cellText(h, d, opts.header!.length === 1)).join(d.delimiter), rows.length === 0);
  rows.forEach((r, i) => {
    lines.push(line);
    offsets.push(bytes);
    emit(r.map((c) => cellText(c, d, r.length === 1)).join(d.delimiter), i === rows.length - 1);
  });
  const body = encode(pieces.join(''), d.charset);
  return { bytes: opts.bom ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), body]) : body, rows, lines, offsets };
}

export { prng } from '../support/prng.js';

const ALPHABETS = {
  plain: 'abcdefghijklmnopqrstuvwxyz0123456789 .-_',
  tricky: 'ab ,;|"\'\\\n\r\t\0xyz',
  utf8: 'aé漢字😀ß€ ,"\n',
  gbk: 'a中文汉字b ,"\n',
  latin1: 'aéèüßÿ ,"\n',
};

export function randomRows(rand: () => number, n: number, width: number, alphabet: keyof typeof ALPHABETS, nulls = true): Cell[][] {
  const chars = [...ALPHABETS[alphabet]];
  const rows: Cell[][] = [];
  for (let i = 0; i < n; i++) {
    const r: Cell[] = [];
    for (let j = 0; j < width; j++) {
      if (nulls && rand() < 0.1) {
        r.push(null);
        continue;
      }
      const len = Math.floor(rand() * 12);
      let s = '';
      for (let k = 0; k < len; k++) s += chars[Math.floor(rand() * chars.length)]!;
      r.push(s);
    }
    rows.push(r);
  }
  return rows;
}
