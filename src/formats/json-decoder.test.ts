import { describe, expect, it } from 'vitest';
import { JsonDecoder, parseJsonExact, type JsonDecodeOptions } from './json-decoder.js';
import type { ErrorRow, RowBatch, Value } from './types.js';

function decode(text: string | Buffer, opts: Partial<JsonDecodeOptions> = {}, chunk = 0) {
  const bytes = typeof text === 'string' ? Buffer.from(text) : text;
  const d = new JsonDecoder({ file: 'f.json', ...opts });
  const batches: RowBatch[] = [];
  if (chunk > 0) for (let i = 0; i < bytes.length; i += chunk) batches.push(...d.push(bytes.subarray(i, i + chunk)));
  else batches.push(...d.push(bytes));
  batches.push(...d.finish());
  const rows: Value[][] = [];
  const lines: number[] = [];
  const offsets: number[] = [];
  const errors: ErrorRow[] = [];
  for (const b of batches) {
    for (let i = 0; i < b.length; i++) {
      rows.push(b.row(i));
      lines.push(b.line(i));
      offsets.push(b.offset(i));
    }
    errors.push(...b.errors);
  }
  return { rows, lines, offsets, errors, columns: batches[0]?.columns ?? null, batches };
}

describe('JSON decoding', () => {
  const lines = '{"id":1,"name":"a","extra":true}\n\n{"name":"b","id":2}\r\n{"id":3}\n';

  it('reads JSON lines mapped to columns by name', () => {
    const d = decode(lines, { columns: ['id', 'name'] });
    expect(d.rows).toEqual([
      [1, 'a'],
      [2, 'b'],
      [3, null],
    ]);
    expect(d.lines).toEqual([1, 3, 4]);
    expect(d.offsets).toEqual([0, 34, 55]);
  });

  it('takes column names from the first record when none are given', () => {
    const d = decode(lines);
    expect(d.columns).toEqual(['id', 'name', 'extra']);
    expect(d.rows[1]).toEqual([2, 'b', null]);
  });

  it('reads a JSON array of objects, streamed in small chunks', () => {
    const text = '[\n {"id": 1, "tags": ["x", "y"], "o": {"k": null}},\n {"id": 2, "s": "a\\"]},"}\n]\n';
    for (const chunk of [0, 1, 3, 7]) {
      const d = decode(text, { columns: ['id', 'tags', 'o', 's'] }, chunk);
      expect(d.rows).toEqual([
        [1, '["x","y"]', '{"k":null}', null],
        [2, null, null, 'a"]},'],
      ]);
      expect(d.lines).toEqual([2, 3]);
      expect(d.errors).toEqual([]);
    }
  });

  it('keeps integers beyond 2^53 exact', () => {
    const d = decode('{"id": 12345678901234567890, "v": 1.50000000000000000001, "n": -9007199254740993}\n', { columns: ['id', 'v', 'n'] });
    expect(d.rows).toEqual([[12345678901234567890n, '1.50000000000000000001', -9007199254740993n]]);
    expect(parseJsonExact('{"a":[1,{"b":"\\u00e9"}],"c":false}')).toEqual({ a: [1, { b: 'é' }], c: false });
  });

  it('reports malformed records as error rows and continues', () => {
    const d = decode('{"id":1}\n{"id":\n[1]\n"str"\n{"id":5}\n', { columns: ['id'] });
    expect(d.rows).toEqual([[1], [5]]);
    expect(d.errors.map((e) => [e.line, e.reason.slice(0, 12)])).toEqual([
      [2, 'invalid JSON'],
      [3, 'expected a J'],
      [4, 'expected a J'],
    ]);
    expect(d.errors[0]!.raw).toBe('{"id":');
  });

  it('reports an unclosed array and garbage after it', () => {
    expect(decode('[{"id":1},', { columns: ['id'] }).errors[0]!.reason).toMatch(/not closed/);
    const after = decode('[{"id":1}] x', { columns: ['id'] });
    expect(after.rows).toEqual([[1]]);
    expect(after.errors[0]!.reason).toMatch(/after the JSON array/);
  });

  it('handles a BOM, empty input and multi-byte text with exact byte offsets', () => {
    const text = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"s":"漢字"}\n{"s":"é"}\n')]);
    const d = decode(text, { columns: ['s'] }, 2);
    expect(d.rows).toEqual([['漢字'], ['é']]);
    expect(d.offsets).toEqual([3, 3 + Buffer.byteLength('{"s":"漢字"}\n')]);
    expect(decode('').rows).toEqual([]);
    expect(decode('').batches).toHaveLength(1);
  });

  it('bounds batches', () => {
    const text = Array.from({ length: 100 }, (_, i) => `{"id":${i}}`).join('\n');
    const d = decode(text, { columns: ['id'], maxRows: 10 });
    expect(d.rows).toHaveLength(100);
    for (const b of d.batches) expect(b.length).toBeLessThanOrEqual(10);
    expect(d.batches.length).toBeGreaterThanOrEqual(10);
  });
});
