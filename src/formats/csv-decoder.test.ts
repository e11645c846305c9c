import { describe, expect, it } from 'vitest';
import iconv from 'iconv-lite';
import { MYSQL_DIALECT, prng, randomRows, writeCsv, type Cell, type Dialect } from '../../test/generators/csv.js';
import { CsvDecoder, decodeCsvBuffer } from './csv-decoder.js';
import { csvOptionsFrom, DEFAULT_CSV_OPTIONS, type CsvOptions } from './csv-options.js';
import type { ErrorRow, RowBatch } from './types.js';
import type { TextBatch } from './text-batch.js';

interface Decoded {
  rows: Cell[][];
  lines: number[];
  offsets: number[];
  errors: ErrorRow[];
  columns: readonly string[] | null;
  batches: RowBatch[];
}

function collect(batches: RowBatch[]): Decoded {
  const d: Decoded = { rows: [], lines: [], offsets: [], errors: [], columns: null, batches };
  for (const b of batches) {
    for (let i = 0; i < b.length; i++) {
      d.rows.push(b.row(i) as Cell[]);
      d.lines.push(b.line(i));
      d.offsets.push(b.offset(i));
    }
    d.errors.push(...b.errors);
    d.columns ??= b.columns;
  }
  return d;
}

function decode(data: string | Buffer, csv: Partial<CsvOptions> = {}, chunks?: number[]): Decoded {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const opts = { file: 'f.csv', csv: { ...DEFAULT_CSV_OPTIONS, ...csv } };
  if (!chunks) return collect(decodeCsvBuffer(bytes, opts));
  const d = new CsvDecoder(opts);
  const out: RowBatch[] = [];
  let pos = 0;
  for (const n of chunks) {
    out.push(...d.push(bytes.subarray(pos, pos + n)));
    pos += n;
  }
  out.push(...d.push(bytes.subarray(pos)), ...d.finish());
  return collect(out);
}

function optionsFor(d: Dialect): Partial<CsvOptions> {
  return {
    fieldsTerminatedBy: d.delimiter,
    fieldsEnclosedBy: d.quote,
    fieldsEscapedBy: d.escape,
    fieldsDefinedNullBy: d.nullAs,
    linesTerminatedBy: ['\n', '\r\n', '\r'].includes(d.terminator) ? 'auto' : d.terminator,
    charset: d.charset,
  };
}

describe('CSV decoding', () => {
  it('reads plain rows, NULL and empty strings', () => {
    const d = decode('1,a,\\N\n2,,x\n');
    expect(d.rows).toEqual([
      ['1', 'a', null],
      ['2', '', 'x'],
    ]);
    expect(d.lines).toEqual([1, 2]);
    expect(d.offsets).toEqual([0, 7]);
  });

  it('reads quoted fields with delimiters, newlines and doubled quotes', () => {
    const d = decode('"a,b","line1\nline2","say ""hi"""\nz,"",\\N\n');
    expect(d.rows).toEqual([
      ['a,b', 'line1\nline2', 'say "hi"'],
      ['z', '', null],
    ]);
    expect(d.lines).toEqual([1, 3]);
  });

  it('applies every MySQL escape, inside and outside quotes', () => {
    const d = decode('a\\0b\\bc\\nd\\re\\tf\\Zg\\\\h\\,i,"q\\"x\\n"\n');
    expect(d.rows).toEqual([['a\0b\bc\nd\re\tf\x1ag\\h,i', 'q"x\n']]);
  });

  it('treats \\N as NULL quoted or not, but \\\\N as the text \\N', () => {
    const d = decode('\\N,"\\N",\\\\N,a\\Nb\n');
    expect(d.rows).toEqual([[null, null, '\\N', 'aNb']]);
  });

  it('uses FIELDS_DEFINED_NULL_BY for unquoted fields only', () => {
    const d = decode('NULL,"NULL",x\n', { fieldsDefinedNullBy: 'NULL' });
    expect(d.rows).toEqual([[null, 'NULL', 'x']]);
  });

  it('accepts multi-character field terminators and custom line terminators', () => {
    const d = decode('a||b||"c||d"|+|e||\\N||f|+|', { fieldsTerminatedBy: '||', linesTerminatedBy: '|+|' });
    expect(d.rows).toEqual([
      ['a', 'b', 'c||d'],
      ['e', null, 'f'],
    ]);
    expect(d.lines).toEqual([1, 2]);
  });

  it('recognises \\n, \\r\\n and \\r line terminators automatically', () => {
    const want = [
      ['a', 'b'],
      ['c', 'd'],
    ];
    expect(decode('a,b\nc,d\n').rows).toEqual(want);
    expect(decode('a,b\r\nc,d\r\n').rows).toEqual(want);
    expect(decode('a,b\rc,d\r').rows).toEqual(want);
    expect(decode('"a","b"\r\n"c","d"').rows).toEqual(want);
    expect(decode('a,b\r\nc,d\r\n').offsets).toEqual([0, 5]);
  });

  it('keeps trailing delimiters as empty last fields and skips blank lines', () => {
    const d = decode('a,b,\n\n\nc,,\n');
    expect(d.rows).toEqual([
      ['a', 'b', ''],
      ['c', '', ''],
    ]);
    expect(d.lines).toEqual([1, 4]);
  });

  it('reads a last record without a terminator', () => {
    expect(decode('a,b\nc,d').rows).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
  });

  it('reads empty and header-only files', () => {
    const empty = decode('');
    expect(empty.rows).toEqual([]);
    expect(empty.batches).toHaveLength(1);
    const header = decode('id,name\n', csvOptionsFrom({ format: 'csv_with_names' }));
    expect(header.rows).toEqual([]);
    expect(header.columns).toEqual(['id', 'name']);
  });

  it('skips rows (SKIP_ROWS / skip_lines) counting records, not lines', () => {
    const d = decode('h1,"h\n2"\n1,a\n2,b\n', { skipRows: 1 });
    expect(d.rows).toEqual([
      ['1', 'a'],
      ['2', 'b'],
    ]);
    expect(d.lines).toEqual([3, 4]);
  });

  it('reads csv_with_names headers and csv_with_names_and_types', () => {
    const d = decode('id,name\n1,a\n', csvOptionsFrom({ format: 'csv_with_names' }));
    expect(d.columns).toEqual(['id', 'name']);
    expect(d.rows).toEqual([['1', 'a']]);
    const t = decode('id,name\nint,varchar\n1,a\n', csvOptionsFrom({ format: 'csv_with_names_and_types' }));
    expect(t.rows).toEqual([['1', 'a']]);
  });

  it('skips a UTF-8 BOM and keeps byte offsets of the file', () => {
    const d = decode(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('a,b\nc,d\n')]));
    expect(d.rows[0]).toEqual(['a', 'b']);
    expect(d.offsets).toEqual([3, 7]);
    // A BOM split over chunks.
    const s = decode(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('a,b\n')]), {}, [1, 1, 1]);
    expect(s.rows).toEqual([['a', 'b']]);
  });

  it('decodes GBK, GB18030 and latin1', () => {
    const text = '中文,汉字\n€,ÿ\n';
    const gbk = decode(iconv.encode('中文,汉字\n', 'gbk'), { charset: 'gbk' });
    expect(gbk.rows).toEqual([['中文', '汉字']]);
    const gb = decode(iconv.encode(text, 'gb18030'), { charset: 'gb18030' }, [3, 1, 5]);
    expect(gb.rows).toEqual([
      ['中文', '汉字'],
      ['€', 'ÿ'],
    ]);
    expect(gb.offsets).toEqual([0, iconv.encode('中文,汉字\n', 'gb18030').length]);
    const l1 = decode(Buffer.from('é,ü\n', 'latin1'), { charset: 'latin1' });
    expect(l1.rows).toEqual([['é', 'ü']]);
  });

  it('keeps GBK trail bytes that look like a backslash inside characters', () => {
    // 0x5C is a valid GBK trail byte (e.g. in 表 = B1 ED, 乗 = 81 5C): never an escape.
    const bytes = Buffer.concat([Buffer.from([0x81, 0x5c]), Buffer.from(',x\n')]);
    const d = decode(bytes, { charset: 'gbk' });
    expect(d.rows).toEqual([[iconv.decode(Buffer.from([0x81, 0x5c]), 'gbk'), 'x']]);
  });

  it('reports malformed records as error rows and keeps going', () => {
    const d = decode('1,"ok"\n2,"bad"x,3\n4,"fine"\n5,"never closed\n');
    expect(d.rows).toEqual([
      ['1', 'ok'],
      ['4', 'fine'],
    ]);
    expect(d.errors.map((e) => [e.line, e.reason])).toEqual([
      [2, "unexpected character 'x' after closing quote"],
      [4, 'unterminated quoted field'],
    ]);
    expect(d.errors[0]!.raw).toBe('2,"bad"x,3');
    expect(d.errors[0]!.offset).toBe(7);
    expect(d.errors[0]!.file).toBe('f.csv');
  });

  it('reports invalid UTF-8 as an error row', () => {
    const d = decode(Buffer.concat([Buffer.from('a,b\nc,'), Buffer.from([0xff, 0xfe]), Buffer.from('\ne,f\n')]));
    expect(d.rows).toEqual([
      ['a', 'b'],
      ['e', 'f'],
    ]);
    expect(d.errors).toHaveLength(1);
    expect(d.errors[0]!.reason).toMatch(/invalid utf8mb4/);
  });

  it('reads very long fields spread over many chunks', () => {
    const long = 'x'.repeat(300_000);
    const quoted = `"${'y,'.repeat(100_000)}"`;
    const text = `1,${long}\n2,${quoted}\n`;
    const chunks = Array.from({ length: 200 }, () => 4096);
    const d = decode(text, {}, chunks);
    expect(d.rows.map((r) => r[1]!.length)).toEqual([300_000, 200_000]);
    expect(d.offsets).toEqual([0, long.length + 3]);
  });

  it('turns a record longer than the limit into an error row and resynchronises, however the stream is cut', () => {
    for (const chunks of [Array.from({ length: 10 }, () => 512), undefined]) {
      const d = decode(`1,${'z'.repeat(5000)}\n2,b\n`, { maxRecordChars: 1000 }, chunks);
      expect(d.rows).toEqual([['2', 'b']]);
      expect(d.errors.map((e) => [e.line, e.reason])).toEqual([[1, 'record longer than 1000 characters']]);
    }
  });

  it('decodes chunks larger than one scan (gunzip gives 256 kB) whatever character the cut falls in', () => {
    const chars = ['a', 'é', '日', '😀', ','];
    for (const charset of ['utf8mb4', 'gb18030'] as const) {
      for (let lead = 0; lead < 4; lead++) {
        const random = prng(lead + 1);
        const lines: string[] = [`${'p'.repeat(lead)},0`];
        for (let i = 1, bytes = 0; bytes < 400_000; i++) {
          const field = Array.from({ length: 1 + Math.floor(random() * 40) }, () => chars[Math.floor(random() * chars.length)]).join('');
          lines.push(`${i},"${field}"`);
          bytes += field.length * 2;
        }
        const text = lines.join('\n') + '\n';
        const bytes = charset === 'gb18030' ? iconv.encode(text, 'gb18030') : Buffer.from(text);
        const whole = decode(bytes, { charset });
        expect(whole.errors).toEqual([]);
        expect(whole.rows.map((r) => r.join('|'))).toEqual(lines.map((l) => l.replace(/"/g, '').replace(',', '|')));
        const byLine = decode(bytes, { charset }, Array.from({ length: 1000 }, () => 97));
        expect(byLine.offsets).toEqual(whole.offsets);
      }
    }
  });

  it('gives the same rows wherever the stream is split', () => {
    const text = '1,"a,b",\\N\r\n"x""y","multi\nline",c\\,d\r\n\r\n3,,"e"\r\n';
    const whole = decode(text);
    const bytes = Buffer.from(text);
    for (let i = 0; i <= bytes.length; i++) {
      for (const j of [i, Math.min(bytes.length, i + 1), Math.min(bytes.length, i + 3)]) {
        const d = decode(bytes, {}, [i, j - i]);
        expect(d.rows, `split at ${i},${j}`).toEqual(whole.rows);
        expect(d.lines).toEqual(whole.lines);
        expect(d.offsets).toEqual(whole.offsets);
      }
    }
    expect(decode(bytes, {}, Array.from({ length: bytes.length }, () => 1)).rows).toEqual(whole.rows);
  });

  it('bounds batches and resumes from a batch end with the same rows', () => {
    const g = writeCsv(randomRows(prng(7), 500, 4, 'tricky'), MYSQL_DIALECT);
    const opts = { file: 'f.csv', csv: DEFAULT_CSV_OPTIONS, limits: { maxRows: 64, maxBytes: 4096 } };
    const batches = decodeCsvBuffer(g.bytes, opts);
    expect(batches.length).toBeGreaterThan(5);
    for (const b of batches) expect(b.length).toBeLessThanOrEqual(64);
    const all = collect(batches);
    expect(all.rows).toEqual(g.rows);
    const cut = batches[2]!.end;
    const rest = collect(decodeCsvBuffer(g.bytes.subarray(cut.offset), { ...opts, resume: cut }));
    const skipped = batches.slice(0, 3).reduce((n, b) => n + b.length, 0);
    expect(rest.rows).toEqual(g.rows.slice(skipped));
    expect(rest.lines).toEqual(g.lines.slice(skipped));
    expect(rest.offsets).toEqual(g.offsets.slice(skipped));
  });

  const dialects: [string, Dialect, Parameters<typeof randomRows>[3]][] = [
    ['MySQL defaults', MYSQL_DIALECT, 'tricky'],
    ['quote all, CRLF', { ...MYSQL_DIALECT, quoteAll: true, terminator: '\r\n' }, 'tricky'],
    ['bare CR', { ...MYSQL_DIALECT, terminator: '\r' }, 'tricky'],
    ['tab, no quotes', { ...MYSQL_DIALECT, delimiter: '\t', quote: '' }, 'tricky'],
    ['no escape (RFC 4180)', { ...MYSQL_DIALECT, escape: '', nullAs: 'NULL' }, 'tricky'],
    ['multi-char delimiter, custom terminator', { ...MYSQL_DIALECT, delimiter: '<|>', terminator: '#END#\n' }, 'tricky'],
    ['neither quote nor escape', { ...MYSQL_DIALECT, escape: '', quote: '', nullAs: '<null>' }, 'plain'],
    ['utf8 multi-byte', MYSQL_DIALECT, 'utf8'],
    ['gbk', { ...MYSQL_DIALECT, charset: 'gbk' }, 'gbk'],
    ['gb18030', { ...MYSQL_DIALECT, charset: 'gb18030' }, 'utf8'],
    ['latin1', { ...MYSQL_DIALECT, charset: 'latin1' }, 'latin1'],
  ];
  for (const [name, dialect, alphabet] of dialects) {
    it(`round-trips generated files: ${name}`, () => {
      const rand = prng(name.length * 7919);
      const rows = randomRows(rand, 300, 1 + Math.floor(rand() * 5), alphabet);
      if (dialect.quote === '') for (const r of rows) if (r.length === 1 && r[0] === '') r[0] = 'x';
      const g = writeCsv(rows, dialect);
      const chunks = Array.from({ length: 60 }, () => 1 + Math.floor(rand() * 97));
      const d = decode(g.bytes, optionsFor(dialect), chunks);
      expect(d.errors).toEqual([]);
      expect(d.rows).toEqual(g.rows);
      expect(d.offsets).toEqual(g.offsets);
      if (dialect.terminator !== '#END#\n') expect(d.lines).toEqual(g.lines);
    });
  }
});

describe('CSV batches as written (TextBatchData.asWritten)', () => {
  const small = { maxRows: 16, maxBytes: 512 };
  const batchesOf = (text: string, csv: Partial<CsvOptions> = {}): TextBatch[] =>
    decodeCsvBuffer(Buffer.from(text, 'utf8'), { file: 'f.csv', csv: { ...DEFAULT_CSV_OPTIONS, ...csv }, limits: small });
  /** A line as LOAD DATA reads it with FIELDS TERMINATED BY `sep` [OPTIONALLY ENCLOSED BY '"'] ESCAPED BY ''. */
  const fieldsOf = (line: string, sep: string, quoted: boolean): string[] => {
    const out: string[] = [];
    let i = 0;
    for (;;) {
      if (quoted && line[i] === '"') {
        const close = line.indexOf('"', i + 1);
        out.push(line.slice(i + 1, close));
        i = close + 1;
      } else {
        const next = line.indexOf(sep, i);
        out.push(line.slice(i, next < 0 ? line.length : next));
        i = next < 0 ? line.length : next;
      }
      if (i >= line.length) return out;
      i += sep.length;
    }
  };
  /** Where a batch says so, its text read as LOAD DATA reads it is exactly its rows. */
  const checkClaims = (batches: TextBatch[]): number => {
    let claimed = 0;
    for (const b of batches) {
      const w = b.data.asWritten;
      if (w === undefined) continue;
      claimed++;
      const { text, starts, ends } = b.data;
      const from = starts[0]! - (w.quoted && text[starts[0]! - 1] === '"' ? 1 : 0);
      const to = ends[ends.length - 1]! + (w.quoted && text[ends[ends.length - 1]!] === '"' ? 1 : 0);
      const rows = Array.from({ length: b.length }, (_, i) => b.row(i));
      expect(text.slice(from, to).split(w.crlf ? '\r\n' : '\n').map((line) => fieldsOf(line, w.separator, w.quoted))).toEqual(rows);
    }
    return claimed;
  };

  it('says so for plain lines, with their separator, line end and quotes', () => {
    const lines = Array.from({ length: 100 }, (_, i) => `${i},name ${i},${i * 3},x"y`);
    const lf = batchesOf(`${lines.join('\n')}\n`);
    expect(checkClaims(lf)).toBe(lf.length);
    expect(lf.map((b) => b.data.asWritten)).toEqual(lf.map(() => ({ separator: ',', crlf: false, quoted: false })));
    const crlf = batchesOf(`${lines.join('\r\n')}\r\n`);
    expect(checkClaims(crlf)).toBe(crlf.length);
    expect(crlf.every((b) => b.data.asWritten?.crlf === true)).toBe(true);
    const piped = batchesOf(`${lines.map((l) => l.replaceAll(',', '|')).join('\n')}\n`, { fieldsTerminatedBy: '|' });
    expect(piped.every((b) => b.data.asWritten?.separator === '|')).toBe(true);
    const quoted = Array.from({ length: 100 }, (_, i) => `${i},"name, ${i}",${i * 3},"NULL"`);
    for (const end of ['\n', '\r\n']) {
      const q = batchesOf(`${quoted.join(end)}${end}`);
      expect(checkClaims(q)).toBe(q.length);
      expect(q.every((b) => b.data.asWritten?.quoted === true && b.data.asWritten.crlf === (end === '\r\n'))).toBe(true);
    }
    // A row that starts and ends with a quoted field.
    expect(checkClaims(batchesOf('"a",1,"b"\n"c",2,"d"\n'))).toBe(1);
  });

  it('does not for a batch with a doubled quote, an escape, a NULL, the bare word NULL, a line break in quotes, a blank or bad line, or mixed line ends', () => {
    const plain = Array.from({ length: 40 }, (_, i) => `${i},n${i},${i}`);
    for (const odd of ['"q""x",a,1', '"two\nlines",a,1', 'a\\tb,a,1', '\\N,a,1', '"\\N",a,1', 'NULL,a,1', '', '"q"x,a,1', '1,a,1\r']) {
      const lines = [...plain.slice(0, 20), odd, ...plain.slice(20)];
      const batches = batchesOf(`${lines.join('\n')}\n`);
      const at = batches.findIndex((b) => b.data.offsets[b.length - 1]! >= lines.slice(0, 20).join('\n').length);
      expect(batches[at]!.data.asWritten, JSON.stringify(odd)).toBeUndefined();
      checkClaims(batches);
    }
    for (const csv of [{ fieldsTerminatedBy: '<|>' }, { linesTerminatedBy: '\r' }, { linesTerminatedBy: '#\n' }]) {
      expect(batchesOf('1<|>a#\n2<|>b#\n'.replaceAll('<|>', csv.fieldsTerminatedBy ?? ',').replaceAll('#\n', csv.linesTerminatedBy ?? '\n'), csv)[0]!.data.asWritten).toBeUndefined();
    }
    expect(batchesOf("1,'a'\n", { fieldsEnclosedBy: "'" })[0]!.data.asWritten).toBeUndefined();
  });

  it('claims only what is true, over generated files of every dialect', () => {
    for (const [dialect, alphabet] of [[MYSQL_DIALECT, 'tricky'], [MYSQL_DIALECT, 'plain'], [{ ...MYSQL_DIALECT, quoteAll: true, terminator: '\r\n' }, 'plain'], [{ ...MYSQL_DIALECT, quote: '', escape: '', nullAs: '<null>' }, 'plain']] as const) {
      const g = writeCsv(randomRows(prng(11), 400, 4, alphabet), dialect);
      checkClaims(decodeCsvBuffer(g.bytes, { file: 'f.csv', csv: { ...DEFAULT_CSV_OPTIONS, ...optionsFor(dialect) }, limits: small }));
    }
  });
});

describe('CSV options', () => {
  it('maps TiDB and Doris names', () => {
    const tidb = csvOptionsFrom({ FIELDS_TERMINATED_BY: '|', FIELDS_ENCLOSED_BY: "'", FIELDS_ESCAPED_BY: '', LINES_TERMINATED_BY: '\r\n', SKIP_ROWS: '2', CHARACTER_SET: 'GBK', FIELDS_DEFINED_NULL_BY: 'NULL' });
    expect(tidb).toMatchObject({ fieldsTerminatedBy: '|', fieldsEnclosedBy: "'", fieldsEscapedBy: '', linesTerminatedBy: '\r\n', skipRows: 2, charset: 'gbk', fieldsDefinedNullBy: 'NULL' });
    const doris = csvOptionsFrom({ column_separator: '\\x01', line_delimiter: '\\n', skip_lines: '1', format: 'csv_with_names' });
    expect(doris).toMatchObject({ fieldsTerminatedBy: '\x01', linesTerminatedBy: '\n', withHeader: true });
  });

  it('refuses contradictory or unknown settings with MySQL errors', () => {
    expect(() => csvOptionsFrom({ FIELDS_ENCLOSED_BY: '""' })).toThrow(expect.objectContaining({ errno: 8162 }));
    expect(() => csvOptionsFrom({ FIELDS_TERMINATED_BY: '' })).toThrow(expect.objectContaining({ errno: 8162 }));
    expect(() => csvOptionsFrom({ CHARACTER_SET: 'ebcdic' })).toThrow(expect.objectContaining({ errno: 1115 }));
    expect(() => csvOptionsFrom({ SKIP_ROWS: '-1' })).toThrow(expect.objectContaining({ errno: 8162 }));
  });
});
