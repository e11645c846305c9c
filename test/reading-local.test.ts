// Local files: only under the import directory, whatever the path says; and decoding in a worker
// thread with backpressure and cancellation.

import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSource } from '../src/sources/create-source.js';
import { readAll, type ObjectInfo } from '../src/sources/source.js';
import { decodeObject, formatSpecFrom } from '../src/formats/decode.js';
import { DecodeWorker } from '../src/formats/worker-decoder.js';
import type { RowBatch, Value } from '../src/formats/types.js';
import { MYSQL_DIALECT, prng, randomRows, writeCsv } from './generators/csv.js';

let root: string;
let importDir: string;
let outside: string;
const rows = randomRows(prng(5), 20_000, 4, 'utf8');
const golden = writeCsv(rows, MYSQL_DIALECT);

async function list(uri: string, startAfter?: string): Promise<ObjectInfo[]> {
  const src = createSource(uri, {}, { importDir });
  const out: ObjectInfo[] = [];
  for await (const o of src.list(startAfter !== undefined ? { startAfter } : {})) out.push(o);
  return out;
}

async function rowsOf(batches: AsyncIterable<RowBatch>): Promise<Value[][]> {
  const out: Value[][] = [];
  for await (const b of batches) for (let i = 0; i < b.length; i++) out.push(b.row(i));
  return out;
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'loadwire-local-'));
  importDir = join(root, 'import');
  outside = join(root, 'secret');
  await mkdir(join(importDir, 'sub'), { recursive: true });
  await mkdir(outside);
  await writeFile(join(outside, 'passwd.csv'), 'root,x\n');
  await writeFile(join(importDir, 'file-01.csv'), golden.bytes);
  await writeFile(join(importDir, 'file-02.csv'), '1,a\n');
  await writeFile(join(importDir, 'file-03.json'), '{"a":1}\n');
  await writeFile(join(importDir, 'sub', 'file-04.csv'), '4,d\n');
  await symlink(join(outside, 'passwd.csv'), join(importDir, 'file-99.csv'));
  await symlink(outside, join(importDir, 'escape'));
  await symlink(join(importDir, 'file-02.csv'), join(importDir, 'inside-link.csv'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('local files under the import directory', () => {
  it('lists wildcard matches in order, without descending into sub-directories', async () => {
    const found = await list(join(importDir, 'file-0*.csv'));
    expect(found.map((o) => o.key)).toEqual([join(importDir, 'file-01.csv'), join(importDir, 'file-02.csv')]);
    expect(found[0]).toMatchObject({ size: golden.bytes.length, uri: pathToFileURL(join(importDir, 'file-01.csv')).href });
    const after = await list(join(importDir, 'file-0*.csv'), join(importDir, 'file-01.csv'));
    expect(after.map((o) => o.key)).toEqual([join(importDir, 'file-02.csv')]);
  });

  it('reads absolute paths and file:// URIs', async () => {
    const [o] = await list(pathToFileURL(join(importDir, 'file-01.csv')).href);
    const src = createSource(join(importDir, 'file-01.csv'), {}, { importDir });
    expect(Buffer.from(await readAll(src.open(o!))).equals(golden.bytes)).toBe(true);
    expect(Buffer.from(await src.read(o!, 5, 9)).equals(golden.bytes.subarray(5, 9))).toBe(true);
    expect(await rowsOf(decodeObject(src, o!, formatSpecFrom('csv')))).toEqual(golden.rows);
  });

  it('reads relative paths relative to the import directory, and still refuses ..', async () => {
    const found = await list('file-0*.csv');
    expect(found.map((o) => o.key)).toEqual([join(importDir, 'file-01.csv'), join(importDir, 'file-02.csv')]);
    await expect(list('../secret/passwd.csv')).rejects.toMatchObject({ errno: 8158 });
    await expect(list('sub/../../secret/passwd.csv')).rejects.toMatchObject({ errno: 8158 });
  });

  it('refuses paths outside the import directory before reading', async () => {
    await expect(list(join(outside, 'passwd.csv'))).rejects.toMatchObject({ errno: 1290, sqlState: 'HY000' });
    await expect(list('/etc/hostname')).rejects.toMatchObject({ errno: 1290 });
    await expect(list(`${importDir}/../secret/passwd.csv`)).rejects.toMatchObject({ errno: 8158 });
    await expect(list(`file://${importDir}/%2e%2e/secret/passwd.csv`)).rejects.toMatchObject({ errno: 8158 });
  });

  it('refuses symlinks that lead out of the import directory, follows those that stay inside', async () => {
    await expect(list(join(importDir, 'file-99.csv'))).rejects.toMatchObject({ errno: 1290 });
    await expect(list(join(importDir, 'escape', 'passwd.csv'))).rejects.toMatchObject({ errno: 1290 });
    await expect(list(join(importDir, 'escape', '*.csv'))).rejects.toMatchObject({ errno: 1290 });
    // A wildcard that matches an escaping symlink fails rather than skipping it silently.
    await expect(list(join(importDir, 'file-9*.csv'))).rejects.toMatchObject({ errno: 1290 });
    const [inside] = await list(join(importDir, 'inside-link.csv'));
    expect(inside!.key).toBe(join(importDir, 'file-02.csv'));
  });

  it('refuses to open an object that points outside, whatever produced it', () => {
    const src = createSource(join(importDir, 'x.csv'), {}, { importDir });
    const forged: ObjectInfo = { uri: 'file:///etc/hostname', key: '/etc/hostname', size: 10, etag: null, lastModified: null };
    expect(() => src.open(forged)).toThrow(expect.objectContaining({ errno: 1290 }));
  });

  it('resumes a file from a batch end, compressed or not', async () => {
    await writeFile(join(importDir, 'resume.csv.gz'), gzipSync(golden.bytes));
    for (const name of ['file-01.csv', 'resume.csv.gz']) {
      const uri = join(importDir, name);
      const src = createSource(uri, {}, { importDir });
      const [o] = await list(uri);
      const opts = { limits: { maxRows: 1000, maxBytes: 1 << 20 } };
      const batches: RowBatch[] = [];
      for await (const b of decodeObject(src, o!, formatSpecFrom('csv'), opts)) batches.push(b);
      const cut = batches[3]!.end;
      const done = batches.slice(0, 4).reduce((n, b) => n + b.length, 0);
      const rest = await rowsOf(decodeObject(src, o!, formatSpecFrom('csv'), { ...opts, resume: cut }));
      expect(rest, name).toEqual(golden.rows.slice(done));
    }
  });

  it('reports a missing file with ER_FILE_NOT_FOUND', async () => {
    await expect(list(join(importDir, 'nope.csv'))).rejects.toMatchObject({ errno: 1017, message: expect.stringContaining('nope.csv') });
    expect(await list(join(importDir, 'nothing-*.csv'))).toEqual([]);
  });
});

describe('decoding in a worker thread', () => {
  const config = (): { importDir: string } => ({ importDir });

  it('gives the same rows as in-thread decoding, and bounds what is in flight', async () => {
    const uri = join(importDir, 'file-01.csv');
    const [object] = await list(uri);
    const w = new DecodeWorker({ credits: 2 });
    try {
      const out: Value[][] = [];
      let maxQueued = 0;
      let first = true;
      for await (const b of w.decode({ uri, config: config(), object: object!, spec: formatSpecFrom('csv'), options: { limits: { maxRows: 500, maxBytes: 64 * 1024 } } })) {
        if (first) {
          // A slow consumer: the worker must stop after its credits, not read ahead.
          await new Promise((r) => setTimeout(r, 300));
          first = false;
        }
        maxQueued = Math.max(maxQueued, w.queued);
        for (let i = 0; i < b.length; i++) out.push(b.row(i));
      }
      expect(out).toEqual(golden.rows);
      expect(maxQueued).toBeLessThanOrEqual(2);
      // The same worker reads another file.
      const [o2] = await list(join(importDir, 'file-02.csv'));
      expect(await rowsOf(w.decode({ uri, config: config(), object: o2!, spec: formatSpecFrom('csv') }))).toEqual([['1', 'a']]);
    } finally {
      await w.close();
    }
  });

  it('stops when cancelled and reports errors as MySQL errors', async () => {
    const uri = join(importDir, 'file-01.csv');
    const [object] = await list(uri);
    const w = new DecodeWorker({ credits: 1 });
    try {
      const ac = new AbortController();
      const run = (async () => {
        for await (const _ of w.decode({ uri, config: config(), object: object!, spec: formatSpecFrom('csv'), options: { limits: { maxRows: 100, maxBytes: 8192 } } }, ac.signal)) ac.abort();
      })();
      await expect(run).rejects.toMatchObject({ errno: 1317 });
      const forged: ObjectInfo = { ...object!, key: join(outside, 'passwd.csv') };
      await expect(rowsOf(w.decode({ uri, config: config(), object: forged, spec: formatSpecFrom('csv') }))).rejects.toMatchObject({ errno: 1290 });
    } finally {
      await w.close();
    }
  });
});
