// The load pipeline into the embedded target, reading from a real s3rver: mapping evaluated by
// SQLite, defaults and NOT NULL, filter ratio, error rows, atomic publish, overwrite, abort with
// no residue, the non-empty refusal, and resumption from the ledger.

import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Loader, SourceSpec } from '../src/load/contract.js';
import { createLoader } from '../src/load/loader.js';
import type { DecodeWorker } from '../src/formats/worker-decoder.js';
import { EmbeddedBulkWriter } from '../src/targets/embedded/bulk-writer.js';
import { shadowName } from '../src/targets/bulk-writer.js';
import { EmbeddedTarget } from '../src/targets/embedded/embedded-target.js';
import type { RowsResult } from '../src/protocol/handler.js';
import { SqlError } from '../src/protocol/sql-error.js';
import { startS3, type S3Instance } from './harness/s3.js';
import { csvSource, importMapping, request, selectMapping } from './harness/load-request.js';

let s3: S3Instance;
let dir: string;
let target: EmbeddedTarget;
let loader: Loader;
let n = 0;

const BUCKET = 'loads';

async function sql(text: string): Promise<unknown[][]> {
  const r = await target.execute(text, { database: 'w' });
  return r.kind === 'rows' ? (r as RowsResult & { rows: unknown[][] }).rows : [];
}

async function rows(table: string): Promise<string[]> {
  const r = await target.execute(`SELECT * FROM ${table} ORDER BY 1`, { database: 'w' });
  if (r.kind !== 'rows') return [];
  const out: string[] = [];
  for await (const row of r.rows) out.push(row.map((v: unknown) => (v === null ? 'NULL' : Buffer.isBuffer(v) ? v.toString() : String(v as string))).join('|'));
  return out;
}

async function put(name: string, body: string): Promise<SourceSpec> {
  await s3.put(BUCKET, name, body);
  return csvSource(`s3://${BUCKET}/${name}`);
}

async function files(source: SourceSpec) {
  return loader.listFiles(source, { signal: new AbortController().signal });
}

beforeAll(async () => {
  s3 = await startS3();
  await s3.createBucket(BUCKET);
});

afterAll(async () => {
  await s3?.stop();
});

beforeEach(async () => {
  if (dir) {
    await target.close();
    rmSync(dir, { recursive: true, force: true });
  }
  dir = mkdtempSync(join(tmpdir(), 'loadwire-load-'));
  target = EmbeddedTarget.open({ directory: dir });
  await target.execute('CREATE DATABASE w', { database: null });
  await target.execute('CREATE TABLE t (id INT PRIMARY KEY, name VARCHAR(8) NOT NULL, qty INT DEFAULT 7, note VARCHAR(20))', { database: 'w' });
  loader = createLoader({
    writer: new EmbeddedBulkWriter({ directory: dir }),
    sources: { importDir: dir, s3: { endpoint: s3.endpoint, accessKey: s3.accessKey, secretKey: s3.secretKey, region: 'us-east-1', forcePathStyle: true } },
    decodeInWorker: false,
  });
  n++;
});

function job(source: SourceSpec, list: Awaited<ReturnType<typeof files>>, mapping = importMapping(['id', 'name', 'qty', 'note'])) {
  return { jobId: `job-${n}`, database: 'w', table: 't', source, files: list, mapping };
}

describe('embedded target loads', () => {
  it('holds memory to a few commit units however large the file (invariant 3): the heap stays flat while 60 MB load', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const path = join(dir, 'big.csv');
    const fd = openSync(path, 'w');
    for (let from = 0; from < 1_500_000; from += 10_000) {
      writeSync(fd, Array.from({ length: 10_000 }, (_, k) => `${from + k},n${k % 1000},${k % 100},note-${String(from + k).padStart(14, '0')}\n`).join(''));
    }
    closeSync(fd);
    const live = (): number => {
      gc();
      gc();
      const m = process.memoryUsage();
      return m.heapUsed + m.arrayBuffers;
    };
    const base = live();
    let peak = 0;
    const src = csvSource(path);
    const r = request({ jobId: `big-${n}`, database: 'w', table: 't', source: src, files: await files(src), mapping: importMapping(null) }, {
      // At every commit (each 8 MB of the file): what the load holds then.
      onProgress: () => {
        peak = Math.max(peak, live() - base);
      },
    });
    expect(await loader.load(r.request)).toMatchObject({ rowsLoaded: 1_500_000 });
    expect(peak).toBeLessThan(48 * 1024 * 1024);
  });

  it('keeps to MAX_WRITE_SPEED: a file of B bytes at R bytes/s takes at least B/R seconds', async () => {
    const body = Array.from({ length: 6_000 }, (_, i) => `${i + 1},n${i % 1000},${i % 100},note-${i}`).join('\n') + '\n';
    const src = await put(`speed${n}.csv`, body);
    const bytes = Buffer.byteLength(body);
    const rate = 64 * 1024;
    const started = performance.now();
    const result = await loader.load(request(job(src, await files(src)), { maxWriteSpeed: rate }).request);
    const seconds = (performance.now() - started) / 1000;
    expect(result.rowsLoaded).toBe(6_000);
    expect(bytes / rate).toBeGreaterThan(2);
    expect(seconds).toBeGreaterThanOrEqual((bytes / rate) * 0.95);
  });

  it('lets concurrent loads and user statements on one database queue for the write lock instead of failing', async () => {
    // Each load keeps a write transaction open across awaits (a commit unit, throttled here so the
    // two overlap); without the per-file lock the other writers fail with "database is locked".
    const body = Array.from({ length: 400 }, (_, i) => `${i + 1},n${i},1,x`).join('\n') + '\n';
    const a = await put(`lock-a${n}.csv`, body);
    const b = await put(`lock-b${n}.csv`, body);
    await sql('CREATE TABLE t2 (id INT PRIMARY KEY, name VARCHAR(8) NOT NULL, qty INT DEFAULT 7, note VARCHAR(20))');
    await sql('CREATE TABLE side (id INT PRIMARY KEY)');
    const throttled = { maxWriteSpeed: 4000, atomicity: 'batch' as const };
    const loadA = loader.load(request(job(a, await files(a)), throttled).request);
    const loadB = loader.load(request({ ...job(b, await files(b)), jobId: `job-b-${n}`, table: 't2' }, throttled).request);
    await new Promise((r) => setTimeout(r, 300));
    const started = Date.now();
    await sql('INSERT INTO side VALUES (1), (2)');
    const [ra, rb] = await Promise.all([loadA, loadB]);
    expect(ra.rowsLoaded).toBe(400);
    expect(rb.rowsLoaded).toBe(400);
    expect(await sql('SELECT COUNT(*) FROM side')).toEqual([[2]]);
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('loads a CSV from s3 atomically, with the ledger and exact statistics', async () => {
    const src = await put(`a${n}.csv`, '1,ann,3,x\n2,bob,4,y\n3,cy,5,\\N\n');
    const { request: req, reports } = request(job(src, await files(src)));
    const result = await loader.load(req);
    expect(result).toMatchObject({ filesDone: 1, rowsScanned: 3, rowsLoaded: 3, rowsFiltered: 0, firstError: null });
    expect(await rows('t')).toEqual(['1|ann|3|x', '2|bob|4|y', '3|cy|5|NULL']);
    expect(reports.progress.at(-1)?.rowsLoaded).toBe(3);
    const ledger = await loader.committed(`job-${n}`);
    expect(ledger).toHaveLength(1);
    expect(ledger[0]).toMatchObject({ file: `s3://${BUCKET}/a${n}.csv`, rows: 3 });
    // Re-running the finished task changes nothing.
    const again = await loader.load(request(job(src, await files(src))).request);
    expect(again.rowsLoaded).toBe(3);
    expect(await rows('t')).toHaveLength(3);
  });

  it('fails on a full disk with 1114 and a message that says what to fix, leaving the table as it was', async () => {
    // A real full disk: the warehouse on an 8 MB tmpfs (the test runs as root, as CI does).
    const full = mkdtempSync(join(tmpdir(), 'loadwire-full-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', full]);
    const small = EmbeddedTarget.open({ directory: full });
    const writer = new EmbeddedBulkWriter({ directory: full });
    const filling = createLoader({ writer, sources: { importDir: dir }, decodeInWorker: false });
    try {
      await small.execute('CREATE DATABASE w', { database: null });
      await small.execute('CREATE TABLE t (id INT PRIMARY KEY, name VARCHAR(64), qty INT)', { database: 'w' });
      await small.execute("INSERT INTO t VALUES (0, 'before', 1)", { database: 'w' });
      const path = join(dir, 'fills.csv');
      const fd = openSync(path, 'w');
      for (let from = 1; from <= 300_000; from += 10_000) {
        writeSync(fd, Array.from({ length: 10_000 }, (_, k) => `${from + k},name-${from + k}-padded-to-be-long,${k % 100}\n`).join(''));
      }
      closeSync(fd);
      const src = csvSource(path);
      const list = await filling.listFiles(src, { signal: new AbortController().signal });
      const r = request({ jobId: `full-${n}`, database: 'w', table: 't', source: src, files: list, mapping: importMapping(null) });
      await expect(filling.load(r.request)).rejects.toMatchObject({ errno: 1114, sqlState: 'HY000', message: expect.stringMatching(/^The table is full: the disk that holds the embedded warehouse \(--data-dir\) has no space left/) as unknown });
      const db = new Database(join(full, 'w.sqlite'), { readonly: true });
      try {
        expect(db.prepare('SELECT * FROM t').all()).toEqual([{ id: 0, name: 'before', qty: 1 }]);
        expect(db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE '__loadwire_shadow%'").all()).toEqual([]);
      } finally {
        db.close();
      }
    } finally {
      await filling.close?.();
      await writer.close();
      await small.close();
      execFileSync('umount', [full]);
      rmSync(full, { recursive: true, force: true });
    }
  });

  it('keeps a decode worker warm between loads (the daemon), and replaces it if it died while idle', async () => {
    const warm = createLoader({
      writer: new EmbeddedBulkWriter({ directory: dir }),
      sources: { importDir: dir, s3: { endpoint: s3.endpoint, accessKey: s3.accessKey, secretKey: s3.secretKey, region: 'us-east-1', forcePathStyle: true } },
      warmWorker: true,
    });
    try {
      const idle = (warm as unknown as { idle: DecodeWorker[] }).idle;
      expect(idle).toHaveLength(1);
      const src = await put(`w${n}.csv`, '1,ann,3,x\n2,bob,4,y\n');
      const list = await warm.listFiles(src, { signal: new AbortController().signal });
      await idle[0]!.close();
      expect(idle[0]!.failed).toBe(true);
      expect(await warm.load(request(job(src, list)).request)).toMatchObject({ rowsLoaded: 2 });
      // The worker that did the load is the one kept for the next.
      expect(idle).toHaveLength(1);
      expect(idle[0]!.failed).toBe(false);
    } finally {
      await warm.close?.();
    }
  });

  it('maps @vars and SET, gives unmapped columns their DEFAULT, and makes NOT NULL violations error rows', async () => {
    const src = await put(`m${n}.csv`, '1,ann,zz\n2,,yy\n3,cy,xx\n');
    const mapping = importMapping(['id', '@n', '@skip'], { name: 'UPPER(@n)', note: "CONCAT(@skip, '-', id)" });
    const { request: req, reports } = request(job(src, await files(src), mapping), { maxFilterRatio: 0.5 });
    const result = await loader.load(req);
    expect(result).toMatchObject({ rowsScanned: 3, rowsLoaded: 3, rowsFiltered: 0 });
    expect(await rows('t')).toEqual(['1|ANN|7|zz-1', '2||7|yy-2', '3|CY|7|xx-3']);
    expect(reports.errors).toEqual([]);

    await sql('CREATE TABLE nn (id INT, must VARCHAR(5) NOT NULL)');
    const src2 = await put(`nn${n}.csv`, '1\n2\n');
    const r2 = request({ jobId: `nn-${n}`, database: 'w', table: 'nn', source: src2, files: await files(src2), mapping: importMapping(['id']) });
    await expect(loader.load(r2.request)).rejects.toMatchObject({ message: expect.stringContaining("'must'") });
    expect(r2.reports.errors[0]).toMatchObject({ line: 1, raw: '1' });
    expect(await rows('nn')).toEqual([]);
  });

  it('evaluates a SELECT list and WHERE over c1..cN', async () => {
    const src = await put(`s${n}.csv`, '1,ann,3\n2,bob,40\n3,cy,5\n');
    const mapping = selectMapping(['id', 'name', 'qty'], ['c1', 'CONCAT(c2, c2)', 'c3 * 2'], 'c3 < 10');
    const { request: req } = request(job(src, await files(src), mapping), { atomicity: 'batch' });
    const result = await loader.load(req);
    expect(result).toMatchObject({ rowsScanned: 3, rowsLoaded: 2, rowsFiltered: 0 });
    expect(await rows('t')).toEqual(['1|annann|6|NULL', '3|cycy|10|NULL']);
  });

  it('fails above the filter ratio with the first error and succeeds at or below it', async () => {
    const src = await put(`f${n}.csv`, '1,ann,3\n2,bob,notanumber\n3,cy,5\n4,toolongname,1\n');
    const mapping = importMapping(['id', 'name', 'qty']);
    const above = request(job(src, await files(src), mapping), { maxFilterRatio: 0.25 });
    const err = await loader.load(above.request).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SqlError);
    expect((err as SqlError).message).toMatch(/qty/);
    expect(await rows('t')).toEqual([]);
    expect(above.reports.errors.map((e) => e.line)).toEqual([2, 4]);

    const at = request({ ...job(src, await files(src), mapping), jobId: `f2-${n}` }, { maxFilterRatio: 0.5 });
    const ok = await loader.load(at.request);
    expect(ok).toMatchObject({ rowsScanned: 4, rowsLoaded: 2, rowsFiltered: 2 });
    expect(ok.firstError).toMatch(/qty/);
    expect(at.reports.errors).toHaveLength(2);
    expect(at.reports.errors[1]).toMatchObject({ line: 4, raw: '4,toolongname,1', reason: expect.stringMatching(/Data too long for column 'name'/) });
    expect(await rows('t')).toEqual(['1|ann|3|NULL', '3|cy|5|NULL']);
  });

  it('CHECKSUM_TABLE compares the row count and the sums of integer columns with what was read', async () => {
    const src = await put(`c${n}.csv`, '1,ann,3,x\n2,bob,4,y\n3,cy,5,z\n4,dee,-6,w\n');
    // Between the unit's commit and the publish (the first progress report), something changes a
    // row of the shadow table.
    const tamper = (jobId: string, sqlText: string) => {
      let done = false;
      return (): void => {
        if (done) return;
        done = true;
        const db = new Database(join(dir, 'w.sqlite'));
        try {
          db.prepare(sqlText.replace('$shadow', `"${shadowName(jobId, 't')}"`)).run();
        } finally {
          db.close();
        }
      };
    };
    const cases = [
      { jobId: `sum-${n}`, change: 'UPDATE $shadow SET id = id + 10 WHERE id = 2', message: 'checksum mismatched remote vs local => (total_kvs: 4 vs 4) (sum of `id`: 20 vs 10)' },
      { jobId: `count-${n}`, change: 'DELETE FROM $shadow WHERE id = 4', message: 'checksum mismatched remote vs local => (total_kvs: 3 vs 4) (sum of `id`: 6 vs 10) (sum of `qty`: 12 vs 6)' },
    ];
    for (const c of cases) {
      const r = request({ ...job(src, await files(src)), jobId: c.jobId }, { onProgress: tamper(c.jobId, c.change) });
      await expect(loader.load(r.request)).rejects.toMatchObject({ errno: 1105, message: c.message });
      expect(await rows('t')).toEqual([]);
    }
    // Text columns are not summed; 'optional' and 'off' publish whatever landed.
    await loader.load(request({ ...job(src, await files(src)), jobId: `note-${n}` }, { onProgress: tamper(`note-${n}`, "UPDATE $shadow SET note = 'q' WHERE id = 1") }).request);
    expect(await rows('t')).toEqual(['1|ann|3|q', '2|bob|4|y', '3|cy|5|z', '4|dee|-6|w']);
    await sql('DELETE FROM t');
    for (const checksum of ['optional', 'off'] as const) {
      const jobId = `${checksum}-${n}`;
      await loader.load(request({ ...job(src, await files(src)), jobId }, { checksum, onProgress: tamper(jobId, 'DELETE FROM $shadow WHERE id = 4') }).request);
      expect(await rows('t')).toEqual(['1|ann|3|x', '2|bob|4|y', '3|cy|5|z']);
      await sql('DELETE FROM t');
    }
  });

  it('CHECKSUM_TABLE sums 18-digit ids, whose total no 64-bit integer holds', async () => {
    await target.execute('CREATE TABLE big (id BIGINT PRIMARY KEY, v INT)', { database: 'w' });
    const ids = Array.from({ length: 20 }, (_, i) => 500_000_000_000_000_000n + BigInt(i) * 7n - 3n);
    const src = await put(`b${n}.csv`, ids.map((id, i) => `${id},${-i}\n`).join(''));
    const result = await loader.load(request({ ...job(src, await files(src), importMapping(null)), table: 'big' }).request);
    expect(result).toMatchObject({ rowsLoaded: 20 });
    expect(await sql('SELECT COUNT(*) FROM big')).toEqual([[20]]);
  });

  it('refuses a non-empty table for IMPORT INTO, overwrites atomically, and leaves no shadow on abort', async () => {
    await sql("INSERT INTO t (id, name) VALUES (100, 'old')");
    const src = await put(`o${n}.csv`, '1,ann,3,x\n2,bob,4,y\n');
    await expect(loader.load(request(job(src, await files(src)), { requireEmptyTarget: true }).request)).rejects.toMatchObject({ errno: 8173, message: 'PreCheck failed: target table is not empty' });

    await loader.load(request({ ...job(src, await files(src)), jobId: `ow-${n}` }, { mode: 'overwrite' }).request);
    expect(await rows('t')).toEqual(['1|ann|3|x', '2|bob|4|y']);

    const ac = new AbortController();
    ac.abort(new SqlError('ER_QUERY_INTERRUPTED', 'cancelled'));
    await expect(loader.load(request({ ...job(src, await files(src)), jobId: `ab-${n}` }, { signal: ac.signal }).request)).rejects.toMatchObject({ errno: 1317 });
    const db = new Database(join(dir, 'w.sqlite'), { readonly: true });
    const shadows = db.prepare("SELECT name FROM sqlite_master WHERE name LIKE '__loadwire_shadow%'").all();
    db.close();
    expect(shadows).toEqual([]);
  });
});
