// Byte chunks to text for the CHARACTER_SET values TiDB's IMPORT INTO accepts. Each chunk is cut at
// the last complete character, so the text handed to a scanner always stands for an exact number
// of bytes: that is what lets rows carry byte offsets a resumed read can start from.

import iconv from 'iconv-lite';
import { SqlError } from '../protocol/sql-error.js';

export const CHARSETS = ['utf8mb4', 'utf8', 'gbk', 'gb18030', 'latin1', 'ascii', 'binary'] as const;
export type Charset = (typeof CHARSETS)[number];

export function parseCharset(name: string): Charset {
  const n = name.trim().toLowerCase().replace(/-/g, '');
  const alias: Record<string, Charset> = {
    utf8mb4: 'utf8mb4',
    utf8: 'utf8',
    utf8mb3: 'utf8',
    gbk: 'gbk',
    gb18030: 'gb18030',
    latin1: 'latin1',
    ascii: 'ascii',
    binary: 'binary',
  };
  const cs = alias[n];
  if (!cs) throw new SqlError('ER_UNKNOWN_CHARACTER_SET', `Unknown character set: '${name}'`);
  return cs;
}

/** Stateful bytes-to-text conversion that reports how many bytes each piece of text stands for. */
export interface TextDecoderState {
  /** Decodes `chunk` (plus bytes held back from before); returns the text and its byte count. */
  write(chunk: Uint8Array, final: boolean): { text: string; bytes: number; invalid: boolean };
  /** UTF-8 byte length, or the charset's, of a piece of already decoded text. */
  byteLength(text: string): number;
}

const REPLACEMENT = '\uFFFD';

/** Index where the trailing incomplete UTF-8 sequence starts (or buf.length if none). */
function utf8Cut(buf: Uint8Array): number {
  const n = buf.length;
  // A sequence is at most 4 bytes: look back at most 3 for its lead byte.
  for (let i = n - 1, seen = 1; i >= 0 && seen <= 4; i--, seen++) {
    const b = buf[i]!;
    if (b < 0x80) return n; // ASCII: everything before is complete
    if (b >= 0xc0) {
      const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
      return seen >= need ? n : i;
    }
  }
  return n;
}

/** Index where a trailing incomplete GBK / GB18030 character starts; scans forward from the start. */
function gbCut(buf: Uint8Array, gb18030: boolean): number {
  const n = buf.length;
  let i = 0;
  while (i < n) {
    const b = buf[i]!;
    if (b < 0x81 || b === 0xff) {
      i++;
      continue;
    }
    if (i + 1 >= n) return i;
    const b2 = buf[i + 1]!;
    if (gb18030 && b2 >= 0x30 && b2 <= 0x39) {
      if (i + 4 > n) return i;
      i += 4;
    } else i += 2;
  }
  return n;
}

function concatBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

export function textDecoderFor(charset: Charset): TextDecoderState {
  let held: Uint8Array = new Uint8Array(0);
  switch (charset) {
    case 'utf8':
    case 'utf8mb4':
      return {
        write(chunk, final) {
          const buf = concatBytes(held, chunk);
          const cut = final ? buf.length : utf8Cut(buf);
          held = buf.slice(cut);
          const bytes = Buffer.from(buf.buffer, buf.byteOffset, cut);
          const text = bytes.toString('utf8');
          // Invalid sequences come out as U+FFFD; a legitimate U+FFFD keeps the byte count equal.
          const invalid = text.includes(REPLACEMENT) && Buffer.byteLength(text, 'utf8') !== cut;
          return { text, bytes: cut, invalid };
        },
        byteLength: (text) => Buffer.byteLength(text, 'utf8'),
      };
    case 'latin1':
    case 'ascii':
    case 'binary':
      // One byte, one character: `binary` data arrives as latin1-mapped strings.
      return {
        write(chunk) {
          return { text: Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length).toString('latin1'), bytes: chunk.length, invalid: false };
        },
        byteLength: (text) => text.length,
      };
    case 'gbk':
    case 'gb18030': {
      const gb18030 = charset === 'gb18030';
      return {
        write(chunk, final) {
          const buf = concatBytes(held, chunk);
          const cut = final ? buf.length : gbCut(buf, gb18030);
          held = buf.slice(cut);
          const text = iconv.decode(Buffer.from(buf.buffer, buf.byteOffset, cut), charset);
          const invalid = text.includes(REPLACEMENT);
          return { text, bytes: cut, invalid };
        },
        byteLength(text) {
          let ascii = 0;
          for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) < 0x80) ascii++;
          if (ascii === text.length) return ascii;
          return gb18030 ? iconv.encode(text, charset).length : ascii + 2 * (text.length - ascii);
        },
      };
    }
    default: {
      const never: never = charset;
      throw new Error(`unhandled charset ${String(never)}`);
    }
  }
}
