// Reading from a real S3 server (s3rver on a private port): listing with wildcards, pagination and
// StartAfter, errors users must see, and a read that survives connections cut mid-object.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3Source } from '../src/sources/s3-source.js';
import { parseLocation, type S3Location } from '../src/sources/location.js';
import { readAll, type ObjectInfo } from '../src/sources/source.js';
import { createSource } from '../src/sources/create-source.js';
import { decodeObject, formatSpecFrom } from '../src/formats/decode.js';
import { DecodeWorker, decodeInWorker } from '../src/formats/worker-decoder.js';
import { writeParquet } from './support/parquet-writer.js';
import type { RowBatch, Value } from '../src/formats/types.js';
import { MYSQL_DIALECT, prng, randomRows, writeCsv } from './generators/csv.js';
import { startFaultProxy, type FaultProxy } from './harness/fault-proxy.js';
import { startS3, type S3Instance } from './harness/s3.js';
import zlib from 'node:zlib';

let s3: S3Instance;
let proxy: FaultProxy;
const FAST_RETRY = { attempts: 6, baseMs: 10, capMs: 50 };
const big = writeCsv(randomRows(prng(3), 40_000, 5, 'tricky'), MYSQL_DIALECT);
const MANY = 1050;

function source(uri: string, endpoint = s3.endpoint, extra = ''): S3Source {
  const q = `${/\?[A-Za-z][\w.-]*=/.test(uri) ? '&' : '?'}endpoint=${encodeURIComponent(endpoint)}&access-key=S3RVER&secret-access-key=S3RVER${extra}`;
  return new S3Source({ location: parseLocation(uri + q) as S3Location, defaults: { retry: FAST_RETRY } });
}

async function keys(src: S3Source, startAfter?: string): Promise<string[]> {
  const out: string[] = [];
  for await (const o of src.list(startAfter !== undefined ? { startAfter } : {})) out.push(o.key);
  src.close();
  return out;
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of items) out.push(x);
  return out;
}

async function rowsOf(batches: AsyncIterable<RowBatch>): Promise<Value[][]> {
  const rows: Value[][] = [];
  for await (const b of batches) for (let i = 0; i < b.length; i++) rows.push(b.row(i));
  return rows;
}

beforeAll(async () => {
  s3 = await startS3();
  proxy = await startFaultProxy(s3.port);
  await s3.createBucket('data');
  const small = [
    'csv/part-001.csv',
    'csv/part-002.csv',
    'csv/part-10.csv',
    'csv/other.txt',
    'csv/sub/part-003.csv',
    'csv/zz-part-004.csv',
  ];
  for (const k of small) await s3.put('data', k, `${k},1\n`);
  await s3.put('data', 'csv/rows.csv.gz', zlib.gzipSync(Buffer.from('1,a\n2,b\n')));
  await s3.put('data', 'big/blob.csv', big.bytes);
  await s3.put('data', 'pq/t.parquet', writeParquet([{ name: 'id', type: 'INT32' }, { name: 's', type: 'BYTE_ARRAY', converted: 'UTF8', optional: true }], Array.from({ length: 2500 }, (_, i) => [i, i % 2 ? `s${i}` : null]), { rowGroupSize: 1000 }));
  const names = Array.from({ length: MANY }, (_, i) => `many/obj-${String(i).padStart(4, '0')}.csv`);
  for (let i = 0; i < names.length; i += 25) await Promise.all(names.slice(i, i + 25).map((n) => s3.put('data', n, 'x\n')));
}, 120_000);

afterAll(async () => {
  await proxy?.stop();
  await s3?.stop();
});

describe('S3 listing', () => {
  it('matches wildcards in the file name only, in lexicographic order, with size and ETag', async () => {
    const src = source('s3://data/csv/part-*.csv');
    const objects: ObjectInfo[] = [];
    for await (const o of src.list()) objects.push(o);
    src.close();
    expect(objects.map((o) => o.key)).toEqual(['csv/part-001.csv', 'csv/part-002.csv', 'csv/part-10.csv']);
    expect(objects[0]).toMatchObject({ uri: 's3://data/csv/part-001.csv', size: 19 });
    expect(objects[0]!.etag).toMatch(/^"[0-9a-f]{32}"$/);
    expect(await keys(source('s3://data/csv/part-00?.csv'))).toEqual(['csv/part-001.csv', 'csv/part-002.csv']);
    expect(await keys(source('s3://data/csv/[!p]*'))).toEqual(['csv/other.txt', 'csv/rows.csv.gz', 'csv/zz-part-004.csv']);
    expect(await keys(source('s3://data/csv/*'))).not.toContain('csv/sub/part-003.csv');
  });

  it(`pages through more than 1,000 objects (${MANY})`, async () => {
    const all = await keys(source('s3://data/many/*.csv'));
    expect(all).toHaveLength(MANY);
    expect(all).toEqual([...all].sort());
  });

  it('continues after a key with StartAfter', async () => {
    const rest = await keys(source('s3://data/many/obj-*.csv'), 'many/obj-0999.csv');
    expect(rest).toHaveLength(MANY - 1000);
    expect(rest[0]).toBe('many/obj-1000.csv');
    expect(await keys(source('s3://data/csv/part-001.csv'), 'csv/part-001.csv')).toEqual([]);
  });
});

describe('S3 errors', () => {
  it('fails fast naming the object when it does not exist', async () => {
    const t0 = Date.now();
    await expect(keys(source('s3://data/csv/missing.csv'))).rejects.toMatchObject({ errno: 8160, message: expect.stringContaining('s3://data/csv/missing.csv') });
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  it('fails fast naming the bucket when it does not exist', async () => {
    await expect(keys(source('s3://no-such-bucket/x/*.csv'))).rejects.toMatchObject({
      errno: 8159,
      sqlState: 'HY000',
      message: expect.stringMatching(/s3:\/\/no-such-bucket\/x\/\*\.csv.*bucket does not exist/),
    });
  });

  it('reports bad credentials as access denied', async () => {
    const src = new S3Source({ location: parseLocation(`s3://data/csv/part-001.csv?endpoint=${s3.endpoint}&access-key=WRONG&secret-access-key=WRONG`) as S3Location, defaults: { retry: FAST_RETRY } });
    await expect(keys(src)).rejects.toMatchObject({ errno: 8159, message: expect.stringContaining('s3://data/csv/part-001.csv') });
  });

  it('retries throttling (503 SlowDown) with backoff', async () => {
    proxy.throttleNext(2);
    expect(await keys(source('s3://data/csv/part-*.csv', proxy.endpoint))).toHaveLength(3);
  });

  it('gives up on an unreachable endpoint after its retries, with a clear message', async () => {
    await expect(keys(source('s3://data/csv/x.csv', 'http://127.0.0.1:1'))).rejects.toMatchObject({ errno: 8160, transient: true, message: expect.stringMatching(/s3:\/\/data\/csv\/x\.csv.*after 6 attempts/) });
  });
});

describe('S3 reads', () => {
  it('streams an object and reads byte ranges', async () => {
    const src = source('s3://data/big/blob.csv');
    const [obj] = await collect(src.list());
    expect(obj!.size).toBe(big.bytes.length);
    const whole = Buffer.from(await readAll(src.open(obj!)));
    expect(whole.equals(big.bytes)).toBe(true);
    const part = Buffer.from(await src.read(obj!, 1000, 1010));
    expect(part.equals(big.bytes.subarray(1000, 1010))).toBe(true);
    const tail = Buffer.from(await readAll(src.open(obj!, { range: { start: big.bytes.length - 1 } })));
    expect(tail.equals(big.bytes.subarray(-1))).toBe(true);
    src.close();
  });

  it('resumes with a Range request after the connection is cut mid-object', async () => {
    const src = source('s3://data/big/blob.csv', proxy.endpoint);
    const [obj] = await collect(src.list());
    const before = proxy.cuts;
    proxy.cutResponsesAfter(300_000, 3);
    const got = Buffer.from(await readAll(src.open(obj!)));
    expect(proxy.cuts - before).toBe(3);
    expect(got.length).toBe(big.bytes.length);
    expect(got.equals(big.bytes)).toBe(true);
    // Decoding through the same faults gives every row exactly once.
    proxy.cutResponsesAfter(200_000, 2);
    const rows = await rowsOf(decodeObject(src, obj!, formatSpecFrom('csv')));
    expect(rows).toEqual(big.rows);
    src.close();
  });

  it('refuses an object whose size is not the one it was listed with, rather than load part of it', async () => {
    const src = source('s3://data/big/blob.csv');
    const [obj] = await collect(src.list());
    // As a store that listed the object while it was still being written would have given it.
    const listedEarly: ObjectInfo = { ...obj!, size: obj!.size - 1000 };
    const message = `Failed to read source files. Reason: s3://data/big/blob.csv is ${big.bytes.length} bytes now, not the ${obj!.size - 1000} bytes it was listed with: it changed after it was listed`;
    await expect(readAll(src.open(listedEarly))).rejects.toMatchObject({ errno: 8160, message });
    await expect(readAll(src.open({ ...listedEarly, etag: null }))).rejects.toMatchObject({ message });
    // A range read sees the size in Content-Range.
    await expect(src.read(listedEarly, 10, 20)).rejects.toMatchObject({ message });
    expect(Buffer.from(await src.read(obj!, 10, 20)).equals(big.bytes.subarray(10, 20))).toBe(true);
    src.close();
  });

  it('stops promptly when cancelled', async () => {
    const src = source('s3://data/big/blob.csv');
    const [obj] = await collect(src.list());
    const ac = new AbortController();
    const read = (async () => {
      for await (const _ of decodeObject(src, obj!, formatSpecFrom('csv'), { signal: ac.signal, limits: { maxRows: 100, maxBytes: 10_000 } })) ac.abort();
    })();
    await expect(read).rejects.toMatchObject({ errno: 1317 });
    src.close();
  });

  it('decodes gzip CSV and Parquet (by range reads) from S3', async () => {
    const gz = source('s3://data/csv/rows.csv.gz');
    const [o] = await collect(gz.list());
    expect(await rowsOf(decodeObject(gz, o!, formatSpecFrom('csv')))).toEqual([
      ['1', 'a'],
      ['2', 'b'],
    ]);
    const pq = source('s3://data/pq/t.parquet');
    const [p] = await collect(pq.list());
    const rows = await rowsOf(decodeObject(pq, p!, formatSpecFrom('parquet'), { columns: ['id', 's'] }));
    expect(rows).toHaveLength(2500);
    expect(rows[1]).toEqual([1, 's1']);
    expect(rows[2]).toEqual([2, null]);
  });

  it('decodes in a worker thread with the same rows', async () => {
    const uri = `s3://data/big/blob.csv?endpoint=${s3.endpoint}&access-key=S3RVER&secret-access-key=S3RVER`;
    const src = createSource(uri, {}, { importDir: '/nonexistent' });
    const [obj] = await collect(src.list());
    src.close();
    const rows = await rowsOf(decodeInWorker({ uri, config: { importDir: '/nonexistent' }, object: obj!, spec: formatSpecFrom('csv') }));
    expect(rows).toEqual(big.rows);
  });

  it('reads the files of one location through one client in a worker, warmed ahead by a listing', async () => {
    const uri = `s3://data/csv/part-*.csv?endpoint=${proxy.endpoint}&access-key=S3RVER&secret-access-key=S3RVER`;
    const config = { importDir: '/nonexistent' };
    const src = createSource(uri, {}, config);
    const objects = await collect(src.list());
    src.close();
    expect(objects.length).toBe(3);
    const w = new DecodeWorker();
    try {
      w.warm({ uri, config });
      // A warm-up for a location that cannot be read costs nothing but its own attempt.
      w.warm({ uri: 's3://no-such-bucket/x.csv', config });
      const before = proxy.connections;
      for (const object of objects) {
        expect(await rowsOf(w.decode({ uri, config, object, spec: formatSpecFrom('csv') }))).toEqual([[object.key, '1']]);
      }
      // One keep-alive connection for all three (a client per file opened one each).
      expect(proxy.connections - before).toBe(1);
    } finally {
      await w.close();
    }
  });
});
