// The load pipeline into a real mariadbd (started by the harness) from a real s3rver: LOAD DATA
// LOCAL INFILE with @vars/SET, WHERE through a stage table, error rows found by strict INSERTs,
// filter ratio, atomic publish and overwrite, abort with no residue, the non-empty refusal,
// resumption after an abort, and parallel lanes (THREAD).

import { execFileSync } from 'node:child_process';
import mysql, { type Connection } from 'mysql2/promise';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Loader, SourceSpec } from '../src/load/contract.js';
import { createLoader } from '../src/load/loader.js';
import { SHADOW_PREFIX, shadowName, type BulkWriter, type StagedRows, type TaskSession } from '../src/targets/bulk-writer.js';
import { MySqlBulkWriter } from '../src/targets/mysql/bulk-writer.js';
import { SqlError } from '../src/protocol/sql-error.js';
import { startMariaDb, type MariaDbInstance } from './harness/mariadb.js';
import { startS3, type S3Instance } from './harness/s3.js';
import { writeParquet } from './support/parquet-writer.js';
import { csvSource, importMapping, request, selectMapping } from './harness/load-request.js';

let s3: S3Instance;
let maria: MariaDbInstance;
let conn: Connection;
let writer: MySqlBulkWriter;
let loader: Loader;
let n = 0;
const BUCKET = 'loads';

async function rows(table: string): Promise<string[]> {
  const [r] = await conn.query({ sql: `SELECT * FROM w.${table} ORDER BY 1`, rowsAsArray: true });
  return (r as unknown[][]).map((row) => row.map((v) => (v === null ? 'NULL' : String(v as string))).join('|'));
}

/** The statements LIKE `like` the target was asked while `run` ran, from its general log. */
async function logged(like: string, run: () => Promise<unknown>): Promise<string[]> {
  await conn.query("SET GLOBAL log_output = 'TABLE', general_log = 1");
  try {
    await run();
  } finally {
    await conn.query('SET GLOBAL general_log = 0');
  }
  const [found] = await conn.query({ sql: "SELECT argument FROM mysql.general_log WHERE command_type = 'Query' AND argument LIKE ?", rowsAsArray: true }, [like]);
  await conn.query('TRUNCATE mysql.general_log');
  return (found as [Buffer | string][]).map(([a]) => String(a));
}

async function put(name: string, body: string): Promise<SourceSpec> {
  await s3.put(BUCKET, name, body);
  return csvSource(`s3://${BUCKET}/${name}`);
}

async function files(source: SourceSpec) {
  return loader.listFiles(source, { signal: new AbortController().signal });
}

function job(source: SourceSpec, list: Awaited<ReturnType<typeof files>>, mapping = importMapping(['id', 'name', 'qty', 'note'])) {
  return { jobId: `job-${n}`, database: 'w', table: 't', source, files: list, mapping };
}

function s3Config() {
  return { endpoint: s3.endpoint, accessKey: s3.accessKey, secretKey: s3.secretKey, region: 'us-east-1', forcePathStyle: true };
}

beforeAll(async () => {
  [s3, maria] = await Promise.all([startS3(), startMariaDb()]);
  await s3.createBucket(BUCKET);
  conn = await mysql.createConnection({ host: maria.host, port: maria.port, user: maria.user, password: maria.password });
  writer = new MySqlBulkWriter({ url: `mysql://root@127.0.0.1:${maria.port}/`, connectionLimit: 4 });
  loader = createLoader({
    writer,
    sources: { importDir: '/nonexistent', s3: s3Config() },
    decodeInWorker: false,
    commitBytes: 16,
  });
}, 120_000);

afterAll(async () => {
  await conn?.end();
  await writer?.close();
  await Promise.all([s3?.stop(), maria?.stop()]);
});

beforeEach(async () => {
  n++;
  await conn.query('DROP DATABASE IF EXISTS w');
  await conn.query('CREATE DATABASE w');
  await conn.query('CREATE TABLE w.t (id INT PRIMARY KEY, name VARCHAR(8) NOT NULL, qty INT DEFAULT 7, note VARCHAR(20)) ENGINE=InnoDB');
});

describe('mysql target loads', () => {
  it('loads a CSV with LOAD DATA, atomically, with the ledger in the target', async () => {
    const src = await put(`a${n}.csv`, '1,ann,3,x\n2,bob,4,y\n3,cy,5,\\N\n');
    const { request: req } = request(job(src, await files(src)));
    const result = await loader.load(req);
    expect(result).toMatchObject({ filesDone: 1, rowsScanned: 3, rowsLoaded: 3, rowsFiltered: 0 });
    expect(await rows('t')).toEqual(['1|ann|3|x', '2|bob|4|y', '3|cy|5|NULL']);
    const ledger = await loader.committed(`job-${n}`);
    expect(ledger.reduce((s, e) => s + e.rows, 0)).toBe(3);
    const [shadows] = await conn.query("SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'w' AND TABLE_NAME LIKE '__loadwire_shadow%'");
    expect(shadows).toEqual([]);
  });

  it('maps @vars and SET with DEFAULTs, evaluates SELECT and WHERE, and finds error rows', async () => {
    const src = await put(`m${n}.csv`, '1,ann,zz\n2,bob,yy\n');
    await loader.load(request(job(src, await files(src), importMapping(['id', '@n', '@x'], { name: 'UPPER(@n)', note: "CONCAT(@x, '-', id)" }))).request);
    expect(await rows('t')).toEqual(['1|ANN|7|zz-1', '2|BOB|7|yy-2']);

    const src2 = await put(`s${n}.csv`, '10,ann,3\n20,bob,40\n30,cy,x\n');
    const r = request({ ...job(src2, await files(src2), selectMapping(['id', 'name', 'qty'], ['c1', 'CONCAT(c2, c2)', 'c3'], 'c1 > 15')), jobId: `s-${n}` }, { atomicity: 'batch', maxFilterRatio: 0.5 });
    const result = await loader.load(r.request);
    expect(result).toMatchObject({ rowsScanned: 3, rowsLoaded: 1, rowsFiltered: 1 });
    expect(r.reports.errors[0]).toMatchObject({ line: 3, raw: '30,cy,x' });
    expect(await rows('t')).toEqual(['1|ANN|7|zz-1', '2|BOB|7|yy-2', '20|bobbob|40|NULL']);
  });

  it('fails above the filter ratio leaving nothing, and refuses a non-empty table', async () => {
    const src = await put(`f${n}.csv`, '1,ann,3\n2,bob,notanumber\n3,toolongname,5\n');
    const r = request(job(src, await files(src), importMapping(['id', 'name', 'qty'])), { maxFilterRatio: 0.1 });
    const err = await loader.load(r.request).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SqlError);
    expect((err as SqlError).message).toMatch(/qty/);
    expect(r.reports.errors.map((e) => e.line)).toEqual([2, 3]);
    // The server's messages name the table the rows were for, not the private shadow they went to.
    for (const e of r.reports.errors) expect(e.reason).not.toMatch(/__loadwire_shadow/);
    expect(r.reports.errors[0]?.reason).toMatch(/^Incorrect integer value: 'notanumber' for column `w`\.`t`\.`qty` at row 2$/);
    expect(await rows('t')).toEqual([]);

    await conn.query("INSERT INTO w.t (id, name) VALUES (100, 'old')");
    await expect(loader.load(request({ ...job(src, await files(src)), jobId: `ne-${n}` }, { requireEmptyTarget: true }).request)).rejects.toMatchObject({ errno: 8173 });
    const ok = await loader.load(request({ ...job(src, await files(src), importMapping(['id', 'name', 'qty'])), jobId: `ow-${n}` }, { mode: 'overwrite', maxFilterRatio: 1 }).request);
    expect(ok).toMatchObject({ rowsLoaded: 1, rowsFiltered: 2 });
    expect(await rows('t')).toEqual(['1|ann|3|NULL']);
  });

  it('gathers decoded batches into few LOAD DATA statements and still pins down each bad row among thousands', async () => {
    const bad = new Map([[1_234, '1234,n1234,oops'], [30_001, '30001,a-name-too-long,1'], [59_999, '59999,n59999,1.5.5']]);
    const lines = Array.from({ length: 60_000 }, (_, i) => bad.get(i) ?? `${i},n${i},${i % 1000}`);
    const src = await put(`g${n}.csv`, `${lines.join('\n')}\n`);
    const gathering = createLoader({ writer, sources: { importDir: '/nonexistent', s3: s3Config() }, decodeInWorker: false });
    const loads = async (): Promise<number> => {
      const [[row]] = (await conn.query({ sql: "SHOW GLOBAL STATUS LIKE 'Com_load'", rowsAsArray: true })) as unknown as [[[string, string]]];
      return Number(row[1]);
    };
    const before = await loads();
    const r = request(job(src, await files(src), importMapping(['id', 'name', 'qty'])), { maxFilterRatio: 0.01 });
    const result = await gathering.load(r.request);
    expect(result).toMatchObject({ rowsScanned: 60_000, rowsLoaded: 59_997, rowsFiltered: 3 });
    expect(r.reports.errors.map((e) => [e.line, e.raw])).toEqual([...bad].map(([i, raw]) => [i + 1, raw]));
    // Two writes for the 1.2 MB (a file's first write is small, so the target starts sooner),
    // each split in 16 around its bad rows, and again in 16 around each bad row.
    expect(await loads() - before).toBeLessThanOrEqual(2 + 2 * 16 + 3 * 16);
    const [[all]] = (await conn.query({ sql: 'SELECT COUNT(*), SUM(id) FROM w.t', rowsAsArray: true })) as unknown as [[[number, string]]];
    expect(all.map(Number)).toEqual([59_997, (59_999 * 60_000) / 2 - 1_234 - 30_001 - 59_999]);
  });

  it('joins a write\'s statements from batches prepared as they arrive, lines passed through beside lines that need rewriting', async () => {
    // ≈ 2.4 MB: many decoded batches, one write. Most lines can go as they are, quoted fields
    // included; in the middle, doubled quotes, a line break in quotes and the bare word NULL
    // (a string here, NULL to LOAD DATA once ENCLOSED BY is given) cannot: the batches holding
    // them go in a statement of the escaped form, between statements of lines as they are.
    const special = (i: number): string | null => {
      if (i >= 50_000 && i < 50_020) return `${i},"n,${i}",${i % 1000},"say ""hi"""`;
      if (i === 60_000) return `${i},NULL,0,"two\nlines"`;
      // Quoted fields in the first part only: its batches and the bare ones after join one statement.
      return i % 3 === 0 && i < 30_000 ? `${i},"q${i}",${i % 1000},"a, b"` : null;
    };
    const lines = Array.from({ length: 100_000 }, (_, i) => special(i) ?? `${i},n${i},${i % 1000},note-${i}`);
    const src = await put(`j${n}.csv`, `${lines.join('\n')}\n`);
    const gathering = createLoader({ writer, sources: { importDir: '/nonexistent', s3: s3Config() }, decodeInWorker: false });
    const [[before]] = (await conn.query({ sql: "SHOW GLOBAL STATUS LIKE 'Com_load'", rowsAsArray: true })) as unknown as [[[string, string]]];
    const r = request(job(src, await files(src)));
    expect(await gathering.load(r.request)).toMatchObject({ rowsScanned: 100_000, rowsLoaded: 100_000, rowsFiltered: 0 });
    const [[after]] = (await conn.query({ sql: "SHOW GLOBAL STATUS LIKE 'Com_load'", rowsAsArray: true })) as unknown as [[[string, string]]];
    // raw, escaped (50000-50019), raw, escaped (60000), raw; or fewer if a batch holds both.
    expect(Number(after[1]) - Number(before[1])).toBeGreaterThanOrEqual(3);
    expect(Number(after[1]) - Number(before[1])).toBeLessThanOrEqual(5);
    const [rows] = (await conn.query({ sql: 'SELECT id, name, qty, note FROM w.t WHERE id IN (1, 3, 49999, 50000, 50019, 50020, 60000, 99999) ORDER BY id', rowsAsArray: true })) as unknown as [unknown[][]];
    expect(rows).toEqual([
      [1, 'n1', 1, 'note-1'], [3, 'q3', 3, 'a, b'], [49999, 'n49999', 999, 'note-49999'], [50000, 'n,50000', 0, 'say "hi"'],
      [50019, 'n,50019', 19, 'say "hi"'], [50020, 'n50020', 20, 'note-50020'], [60000, 'NULL', 0, 'two\nlines'], [99999, 'n99999', 999, 'note-99999'],
    ]);
    const [[all]] = (await conn.query({ sql: 'SELECT COUNT(*), SUM(qty), SUM(LENGTH(name)), SUM(LENGTH(note)), COUNT(name) FROM w.t', rowsAsArray: true })) as unknown as [[unknown[]]];
    const unquote = (f: string): string => (f.startsWith('"') ? f.slice(1, -1).replace(/""/g, '"') : f);
    const fields = lines.map((l) => /^(\d+),("[^"]*"|[^,]*),(\d+),(.*)$/s.exec(l)!);
    const total = (of: (m: RegExpExecArray) => number): number => fields.reduce((a, m) => a + of(m), 0);
    expect(all.map(Number)).toEqual([100_000, total((m) => Number(m[3])), total((m) => unquote(m[2]!).length), total((m) => unquote(m[4]!).length), 100_000]);
  });

  it('passes quoted CSV fields through to LOAD DATA as written when the server reads them the same', async () => {
    /** Loads `body` as a file; the FIELDS and LINES clauses of its LOAD DATA statements, and the rows that landed. */
    const load = async (name: string, body: string): Promise<{ statements: string[]; rows: string[] }> => {
      const src = await put(`${name}${n}.csv`, body);
      const list = await files(src);
      const statements = await logged('LOAD DATA%', () => loader.load(request({ ...job(src, list), jobId: `${name}-${n}` }).request));
      const landed = await rows('t');
      await conn.query('TRUNCATE w.t');
      return { statements: statements.map((a) => /FIELDS [\s\S]*?' (?=\()/.exec(a)?.[0] ?? a), rows: landed };
    };
    expect(await load('q', '1,"a,b",2,""\n2,"",3,"x y"\n3,c,4,\n')).toEqual({
      statements: [`FIELDS TERMINATED BY ',' OPTIONALLY ENCLOSED BY '"' ESCAPED BY '' LINES TERMINATED BY '\n' `],
      rows: ['1|a,b|2|', '2||3|x y', '3|c|4|'],
    });
    // Without quotes in the file, without ENCLOSED BY.
    expect(await load('b', '1,a b,2,c\n')).toEqual({
      statements: ["FIELDS TERMINATED BY ',' ESCAPED BY '' LINES TERMINATED BY '\n' "],
      rows: ['1|a b|2|c'],
    });
    // The bare word NULL is a string in the file: it goes in the escaped form, where it stays one.
    expect(await load('w', '1,NULL,2,"NULL"\n')).toEqual({
      statements: ["FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\' LINES TERMINATED BY '\\n' "],
      rows: ['1|NULL|2|NULL'],
    });
    // Lines ending in '\r\n', as Windows tools write them, go as they are too.
    expect(await load('r', '1,"a,b",2,x\r\n2,c,3,y\r\n3,d,4,z')).toEqual({
      statements: [`FIELDS TERMINATED BY ',' OPTIONALLY ENCLOSED BY '"' ESCAPED BY '' LINES TERMINATED BY '\r\n' `],
      rows: ['1|a,b|2|x', '2|c|3|y', '3|d|4|z'],
    });
  });

  it('resumes a streaming task after an abort without losing or repeating rows, on parallel lanes', async () => {
    const body = (from: number) => Array.from({ length: 50 }, (_, i) => `${from + i},n${from + i},${i}`).join('\n') + '\n';
    for (const k of [0, 1, 2]) await s3.put(BUCKET, `r${n}/part-${k}.csv`, body(k * 1000));
    const src = csvSource(`s3://${BUCKET}/r${n}/*.csv`);
    const list = await files(src);
    const ac = new AbortController();
    let commits = 0;
    const first = request(job(src, list, importMapping(['id', 'name', 'qty'])), {
      atomicity: 'batch', threads: 2, signal: ac.signal,
      onProgress: () => {
        if (++commits === 2) ac.abort(new SqlError('ER_QUERY_INTERRUPTED', 'paused'));
      },
    });
    await expect(loader.load(first.request)).rejects.toMatchObject({ errno: 1317 });
    const [[partial]] = (await conn.query({ sql: 'SELECT COUNT(*) FROM w.t', rowsAsArray: true })) as unknown as [[[number]]];
    expect(Number(partial[0])).toBeGreaterThan(0);
    expect(Number(partial[0])).toBeLessThan(150);
    const again = await loader.load(request(job(src, list, importMapping(['id', 'name', 'qty'])), { atomicity: 'batch', threads: 2 }).request);
    expect(again).toMatchObject({ filesDone: 3, rowsScanned: 150, rowsLoaded: 150 });
    const [[all]] = (await conn.query({ sql: 'SELECT COUNT(*), COUNT(DISTINCT id), SUM(id) FROM w.t', rowsAsArray: true })) as unknown as [[[number, number, string]]];
    expect(all.map(Number)).toEqual([150, 150, 3 * 1225 + (0 + 1000 + 2000) * 50]);
  });

  it('writes a table without a key of its own through one lane whatever THREAD says, and gives the other connections back at once', async () => {
    await conn.query('CREATE TABLE w.nokey (id INT, name VARCHAR(8))');
    await conn.query('CREATE TABLE w.uniq (id INT NOT NULL, name VARCHAR(8), UNIQUE KEY (id))');
    await conn.query('CREATE TABLE w.nullable (id INT, name VARCHAR(8), UNIQUE KEY (id))');
    const open = (table: string, threads: number): Promise<TaskSession> => writer.openTask({ jobId: `lanes-${n}`, taskId: `${table}-${threads}`, database: 'w', table, threads });
    const lanes = async (table: string): Promise<number> => {
      const s = await open(table, 3);
      await s.close();
      return s.maxLanes;
    };
    // InnoDB clusters rows by the primary key, else by a unique key of NOT NULL columns.
    expect([await lanes('t'), await lanes('uniq'), await lanes('nokey'), await lanes('nullable')]).toEqual([3, 3, 1, 1]);
    // Of the writer's 4 connections the keyless task keeps 2 (its session and its lane): another fits beside it.
    const keyless = await open('nokey', 3);
    const other = await Promise.race([open('t', 1), new Promise<null>((resolve) => setTimeout(() => resolve(null), 2000))]);
    expect(other).not.toBeNull();
    await other?.close();
    await keyless.close();

    // IMPORT INTO asks for the table's limit (its Note); while loads hold every connection, it is
    // answered with the writer's limit at once instead of waiting for one of them to end.
    expect(await writer.laneLimitFor('w', 'nokey')).toMatchObject({ max: 1 });
    const busy = new MySqlBulkWriter({ url: `mysql://root@127.0.0.1:${maria.port}/`, connectionLimit: 2 });
    try {
      const held = [await busy.connection(), await busy.connection()];
      expect(await busy.laneLimitFor('w', 'nokey')).toEqual(busy.laneLimit);
      for (const c of held) c.release();
      expect(await busy.laneLimitFor('w', 'nokey')).toMatchObject({ max: 1 });
      expect(await busy.laneLimitFor('w', 'missing')).toEqual(busy.laneLimit);
    } finally {
      await busy.close();
    }
  });

  it('writes one file through two lanes at once, commits its units in order, and resolves a key they both hold like a serial load', async () => {
    // Four units of ≈ 15 k rows (one decoded batch each). Every 3,000 lines one repeats the id of
    // the line 3,001 before it, so wherever the units' boundaries fall, two units running at once
    // meet on a key: the earlier occurrence must win and the later be the error row, as when the
    // file is loaded one unit at a time.
    const dup = (i: number): boolean => i % 3000 === 1500 && i >= 3000;
    const lines = Array.from({ length: 60_000 }, (_, i) => (dup(i) ? `${i - 3001},dup,0` : `${i},n${i % 1000},${i % 7}`));
    const dups = lines.flatMap((_, i) => (dup(i) ? [i + 1] : []));
    const src = await put(`p${n}.csv`, `${lines.join('\n')}\n`);
    const quick = new MySqlBulkWriter({ url: `mysql://root@127.0.0.1:${maria.port}/`, connectionLimit: 4, lockWaitSeconds: 1 });
    const parallel = createLoader({ writer: quick, sources: { importDir: '/nonexistent', s3: s3Config() }, decodeInWorker: false, commitBytes: 16 });
    const waits = async (): Promise<number> => {
      const [[row]] = (await conn.query({ sql: "SHOW GLOBAL STATUS LIKE 'Innodb_row_lock_waits'", rowsAsArray: true })) as unknown as [[[string, string]]];
      return Number(row[1]);
    };
    const before = await waits();
    try {
      const r = request(job(src, await files(src), importMapping(['id', 'name', 'qty'])), { threads: 2, maxFilterRatio: 0.01 });
      const result = await parallel.load(r.request);
      expect(result).toMatchObject({ filesDone: 1, rowsScanned: 60_000, rowsLoaded: 60_000 - dups.length, rowsFiltered: dups.length });
      expect(r.reports.errors.map((e) => [e.line, e.reason])).toEqual(dups.map((line) => [line, expect.stringContaining('Duplicate entry')]));
      // The units of the file were in flight together: the later one waited on the earlier's key.
      expect(await waits()).toBeGreaterThan(before);
      const [[all]] = (await conn.query({ sql: "SELECT COUNT(*), SUM(id), SUM(name = 'dup') FROM w.t", rowsAsArray: true })) as unknown as [[[number, string, string]]];
      expect(all.map(Number)).toEqual([60_000 - dups.length, (59_999 * 60_000) / 2 - dups.reduce((sum, line) => sum + line - 1, 0), 0]);
      const [ledger] = await conn.query({ sql: 'SELECT start_offset, end_offset, done FROM w.__loadwire_ledger WHERE job_id = ? ORDER BY seq', values: [`job-${n}`], rowsAsArray: true });
      const ranges = (ledger as number[][]).map((row) => row.map(Number));
      // In file order, each unit starting where the one before ended.
      for (let i = 1; i < ranges.length; i++) expect(ranges[i]![0]).toBe(ranges[i - 1]![1]);
      expect(ranges.at(-1)![2]).toBe(1);
    } finally {
      await quick.close();
    }
  });

  it('resumes one file written through two lanes after an abort, from the last unit committed in order', async () => {
    const lines = Array.from({ length: 60_000 }, (_, i) => `${i},n${i % 1000},${i % 7}`);
    const src = await put(`q${n}.csv`, `${lines.join('\n')}\n`);
    const parallel = createLoader({ writer, sources: { importDir: '/nonexistent', s3: s3Config() }, decodeInWorker: false, commitBytes: 16 });
    const ac = new AbortController();
    let commits = 0;
    const first = request(job(src, await files(src), importMapping(['id', 'name', 'qty'])), {
      atomicity: 'batch', threads: 2, signal: ac.signal,
      onProgress: () => {
        if (++commits === 2) ac.abort(new SqlError('ER_QUERY_INTERRUPTED', 'paused'));
      },
    });
    await expect(parallel.load(first.request)).rejects.toMatchObject({ errno: 1317 });
    const [[partial]] = (await conn.query({ sql: 'SELECT COUNT(*), MAX(id) + 1 FROM w.t', rowsAsArray: true })) as unknown as [[[number, number]]];
    // Committed in order: whatever landed is a prefix of the file.
    expect(Number(partial[0])).toBeGreaterThan(0);
    expect(Number(partial[0])).toBeLessThan(60_000);
    expect(Number(partial[1])).toBe(Number(partial[0]));
    const again = await parallel.load(request(job(src, await files(src), importMapping(['id', 'name', 'qty'])), { atomicity: 'batch', threads: 2 }).request);
    expect(again).toMatchObject({ filesDone: 1, rowsScanned: 60_000, rowsLoaded: 60_000 });
    const [[all]] = (await conn.query({ sql: 'SELECT COUNT(*), COUNT(DISTINCT id), SUM(id) FROM w.t', rowsAsArray: true })) as unknown as [[[number, number, string]]];
    expect(all.map(Number)).toEqual([60_000, 60_000, (59_999 * 60_000) / 2]);
  });

  it('CHECKSUM_TABLE compares the row count and the sums of integer columns with what was read', async () => {
    const src = await put(`c${n}.csv`, '1,ann,3,x\n2,bob,4,y\n3,cy,5,z\n');
    // Between the unit's commit and the publish, something changes the shadow table
    // (synchronously, with the CLI: the publish follows the progress report at once).
    const tamper = (jobId: string, change = 'UPDATE {} SET qty = qty + 1 WHERE id = 2', table = 't') => {
      let done = false;
      return (): void => {
        if (done) return;
        done = true;
        execFileSync('mariadb', ['-h', maria.host, '-P', String(maria.port), '-u', maria.user, '-e', change.replace('{}', `w.${shadowName(jobId, table)}`)]);
      };
    };
    // The shadow is read back in ranges of its primary key, side by side: a change is seen in any
    // of them (the first, the last), and so is a row added below the lowest key read.
    for (const [i, change, message] of [
      [1, 'UPDATE {} SET qty = qty + 1 WHERE id = 2', 'checksum mismatched remote vs local => (total_kvs: 3 vs 3) (sum of `qty`: 13 vs 12)'],
      [2, 'UPDATE {} SET qty = qty - 2 WHERE id = 3', 'checksum mismatched remote vs local => (total_kvs: 3 vs 3) (sum of `qty`: 10 vs 12)'],
      [3, "INSERT INTO {} VALUES (-5, 'neg', 0, NULL)", 'checksum mismatched remote vs local => (total_kvs: 4 vs 3) (sum of `id`: 1 vs 6)'],
    ] as const) {
      const jobId = `sum-${n}-${i}`;
      await expect(loader.load(request({ ...job(src, await files(src)), jobId }, { onProgress: tamper(jobId, change) }).request))
        .rejects.toMatchObject({ errno: 1105, message });
    }
    expect(await rows('t')).toEqual([]);
    // Without a primary key, one scan of the whole shadow.
    await conn.query('CREATE TABLE w.nokey (id INT, name VARCHAR(8) NOT NULL, qty INT, note VARCHAR(20)) ENGINE=InnoDB');
    try {
      const jobId = `sum-nokey-${n}`;
      await expect(loader.load(request({ ...job(src, await files(src)), jobId, table: 'nokey' }, { onProgress: tamper(jobId, 'DELETE FROM {} WHERE id = 1', 'nokey') }).request))
        .rejects.toMatchObject({ errno: 1105, message: 'checksum mismatched remote vs local => (total_kvs: 2 vs 3) (sum of `id`: 5 vs 6) (sum of `qty`: 9 vs 12)' });
      await loader.load(request({ ...job(src, await files(src)), jobId: `ok-nokey-${n}`, table: 'nokey' }).request);
      const [[all]] = (await conn.query({ sql: 'SELECT COUNT(*), SUM(qty) FROM w.nokey', rowsAsArray: true })) as unknown as [[[number, string]]];
      expect(all.map(Number)).toEqual([3, 12]);
    } finally {
      await conn.query('DROP TABLE w.nokey');
    }
    const [left] = await conn.query({ sql: "SHOW TABLES FROM w LIKE '%shadow%'", rowsAsArray: true });
    expect(left).toEqual([]);
    await loader.load(request({ ...job(src, await files(src)), jobId: `opt-${n}` }, { checksum: 'optional', onProgress: tamper(`opt-${n}`) }).request);
    expect(await rows('t')).toEqual(['1|ann|3|x', '2|bob|5|y', '3|cy|5|z']);
  });

  it('CHECKSUM_TABLE reads back each unit\'s key window as it commits, and the whole shadow only when the windows do not account for it', async () => {
    const loadwire = createLoader({ writer, sources: { importDir: '/nonexistent', s3: s3Config() }, decodeInWorker: false, commitBytes: 16 });
    // What the target was asked, from its general log: the read-backs of this job's shadow.
    const readBacks = async (jobId: string, load: () => Promise<unknown>): Promise<string[]> =>
      (await logged(`SELECT %${shadowName(jobId, 't')}%`, load)).map((a) => a.replace(/`w`\.`__loadwire_shadow_\w+`/, 'shadow'));
    const fullScan = (q: string): boolean => /MIN\(`id`\)/.test(q);
    const windowRead = (q: string): boolean => /^SELECT COUNT\(\*\), SUM\(`id`\), SUM\(`qty`\) FROM shadow WHERE `id` BETWEEN \d+ AND \d+$/.test(q);
    const load = async (name: string, ids: number[], jobId: string, extra: Partial<Parameters<typeof request>[1]> = {}) => {
      const src = await put(name, `${ids.map((id) => `${id},n${id % 100},${id % 7}`).join('\n')}\n`);
      return loadwire.load(request({ ...job(src, await files(src), importMapping(['id', 'name', 'qty'])), jobId }, extra).request);
    };
    const sum = (ids: number[]) => ids.reduce((a, b) => a + b, 0);

    // Keys ascending through the file: every unit's window, then one probe for rows outside them.
    const sorted = Array.from({ length: 40_000 }, (_, i) => i + 1);
    let queries = await readBacks('win-sorted', () => load(`ws${n}.csv`, sorted, 'win-sorted', { threads: 2 }));
    const windows = queries.filter(windowRead);
    expect(windows.length).toBeGreaterThan(1);
    expect(queries.filter(fullScan)).toEqual([]);
    expect(queries.filter((q) => /^SELECT 1 FROM shadow WHERE `id` < 1 OR `id` > 40000 LIMIT 1$/.test(q))).toHaveLength(1);
    let [[landed]] = (await conn.query({ sql: 'SELECT COUNT(*), SUM(id) FROM w.t', rowsAsArray: true })) as unknown as [[[number, string]]];
    expect(landed.map(Number)).toEqual([40_000, sum(sorted)]);

    // Units whose keys interleave have overlapping windows: the shadow is read back whole.
    await conn.query('TRUNCATE w.t');
    const interleaved = Array.from({ length: 40_000 }, (_, i) => (i < 20_000 ? 2 * i + 1 : 2 * (i - 20_000) + 2));
    queries = await readBacks('win-mixed', () => load(`wm${n}.csv`, interleaved, 'win-mixed'));
    expect(queries.filter(fullScan)).toHaveLength(1);
    [[landed]] = (await conn.query({ sql: 'SELECT COUNT(*), SUM(id) FROM w.t', rowsAsArray: true })) as unknown as [[[number, string]]];
    expect(landed.map(Number)).toEqual([40_000, sum(interleaved)]);

    // Resumed after a crash (the shadow and its staged units left as a killed daemon leaves them):
    // the units the earlier run committed were never read back here, so all of it is.
    await conn.query('TRUNCATE w.t');
    const crashing = createLoader({
      writer: { ...writer, committed: (j) => writer.committed(j), discard: () => Promise.resolve(), close: () => Promise.resolve(),
        openTask: async (spec) => Object.assign(await writer.openTask(spec), { dropShadow: () => Promise.resolve() }) },
      sources: { importDir: '/nonexistent', s3: s3Config() }, decodeInWorker: false, commitBytes: 16,
    });
    const ac = new AbortController();
    let commits = 0;
    const onProgress = (): void => {
      if (++commits === 2) ac.abort(new SqlError('ER_QUERY_INTERRUPTED', 'killed'));
    };
    const src = await put(`wr${n}.csv`, `${sorted.map((id) => `${id},n${id % 100},${id % 7}`).join('\n')}\n`);
    await expect(crashing.load(request({ ...job(src, await files(src), importMapping(['id', 'name', 'qty'])), jobId: 'win-resumed' }, { signal: ac.signal, onProgress }).request))
      .rejects.toMatchObject({ errno: 1317 });
    const [[staged]] = (await conn.query({ sql: `SELECT COUNT(*) FROM w.${shadowName('win-resumed', 't')}`, rowsAsArray: true })) as unknown as [[[number]]];
    expect(Number(staged[0])).toBeGreaterThan(0);
    queries = await readBacks('win-resumed', () => load(`wr${n}.csv`, sorted, 'win-resumed'));
    expect(queries.filter(fullScan)).toHaveLength(1);
    [[landed]] = (await conn.query({ sql: 'SELECT COUNT(*), SUM(id) FROM w.t', rowsAsArray: true })) as unknown as [[[number, string]]];
    expect(landed.map(Number)).toEqual([40_000, sum(sorted)]);
  });

  it('a window read-back that fails (its connection lost) leaves the publish to read the whole shadow back', async () => {
    // The side connections fail their window reads until the publish; everything else goes through.
    const flaky = Object.create(writer) as MySqlBulkWriter;
    let failed = 0;
    let failing = true;
    flaky.openTask = async (spec) => {
      const session = await writer.openTask.call(flaky, spec);
      const publish = session.publish.bind(session);
      return Object.assign(session, { publish: (...args: Parameters<typeof publish>) => ((failing = false), publish(...args)) });
    };
    flaky.connection = async () => {
      const c = await writer.connection();
      return new Proxy(c, {
        get(target, prop) {
          if (prop === 'query') {
            return (sql: unknown, ...rest: unknown[]) => {
              const text = typeof sql === 'string' ? sql : (sql as { sql: string }).sql;
              if (failing && /^SELECT COUNT\(\*\).* BETWEEN /.test(text)) {
                failed++;
                return Promise.reject(Object.assign(new Error('Connection lost: The server closed the connection.'), { code: 'PROTOCOL_CONNECTION_LOST' }));
              }
              return (target.query as (...a: unknown[]) => unknown)(sql, ...rest);
            };
          }
          const v: unknown = Reflect.get(target, prop);
          return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
        },
      });
    };
    const ids = Array.from({ length: 20_000 }, (_, i) => i + 1);
    const src = await put(`wf${n}.csv`, `${ids.map((id) => `${id},n${id % 100},${id % 7}`).join('\n')}\n`);
    const loadwire = createLoader({ writer: flaky, sources: { importDir: '/nonexistent', s3: s3Config() }, decodeInWorker: false, commitBytes: 16 });
    const list = await files(src);
    const fullReads = await logged(`SELECT %MIN(\`id\`)%${shadowName(`wf-${n}`, 't')}%`, async () => {
      expect(await loadwire.load(request({ ...job(src, list, importMapping(['id', 'name', 'qty'])), jobId: `wf-${n}` }).request)).toMatchObject({ rowsLoaded: 20_000 });
    });
    expect(failed).toBeGreaterThan(0);
    expect(fullReads).toHaveLength(1);
    const [[landed]] = (await conn.query({ sql: 'SELECT COUNT(*), SUM(id) FROM w.t', rowsAsArray: true })) as unknown as [[[number, string]]];
    expect(landed.map(Number)).toEqual([20_000, (20_000 * 20_001) / 2]);
  });

  it('runs more tasks at once than the writer has connections: each waits for all it needs, never holding some', async () => {
    const lines = (n: number) => `${Array.from({ length: n }, (_, i) => `${i},n${i % 100},${i % 7}`).join('\n')}\n`;
    const src = await put(`many${n}.csv`, lines(3_000));
    const small = new MySqlBulkWriter({ url: `mysql://root@127.0.0.1:${maria.port}/`, connectionLimit: 3 });
    const sharing = createLoader({ writer: small, sources: { importDir: '/nonexistent', s3: s3Config() }, decodeInWorker: false, commitBytes: 4096 });
    try {
      for (let i = 0; i < 5; i++) await conn.query(`CREATE TABLE w.m${i} (id INT PRIMARY KEY, name VARCHAR(8), qty INT)`);
      // Five streaming tasks (session + one lane each) and one asking for more lanes than exist,
      // on three connections: before tasks reserved theirs, each took its session and waited for a lane.
      const list = await files(src);
      const results = await Promise.all([
        ...Array.from({ length: 5 }, (_, i) => sharing.load(request({ ...job(src, list, importMapping(['id', 'name', 'qty'])), jobId: `many-${n}-${i}`, table: `m${i}` }, { atomicity: 'batch' }).request)),
        sharing.load(request({ ...job(src, list, importMapping(['id', 'name', 'qty'])), jobId: `many-${n}-wide` }, { threads: 8 }).request),
      ]);
      expect(results.map((r) => r.rowsLoaded)).toEqual([3_000, 3_000, 3_000, 3_000, 3_000, 3_000]);
      for (const t of ['m0', 'm1', 'm2', 'm3', 'm4', 't']) {
        const [[c]] = (await conn.query({ sql: `SELECT COUNT(*), SUM(id) FROM w.${t}`, rowsAsArray: true })) as unknown as [[[number, string]]];
        expect(c.map(Number)).toEqual([3_000, (2_999 * 3_000) / 2]);
      }

      // A task waiting for connections that another holds stops at once when cancelled.
      await conn.query('TRUNCATE w.t');
      const slow = await put(`slow${n}.csv`, lines(20_000));
      const holder = sharing.load(request({ ...job(slow, await files(slow), importMapping(['id', 'name', 'qty'])), jobId: `hold-${n}` }, { threads: 2, maxWriteSpeed: 100_000 }).request);
      let held = true;
      void holder.finally(() => (held = false));
      await new Promise((r) => setTimeout(r, 300));
      const ac = new AbortController();
      const waiting = sharing.load(request({ ...job(src, list, importMapping(['id', 'name', 'qty'])), jobId: `wait-${n}`, table: 'm0' }, { signal: ac.signal }).request);
      await new Promise((r) => setTimeout(r, 100));
      ac.abort(new SqlError('ER_QUERY_INTERRUPTED', 'cancelled while waiting'));
      await expect(waiting).rejects.toMatchObject({ errno: 1317, message: 'cancelled while waiting' });
      expect(held).toBe(true);
      await expect(holder).resolves.toMatchObject({ rowsLoaded: 20_000 });
    } finally {
      await small.close();
    }
  });

  it('retries a gathered batch in parts through the staging table when the mapping has a WHERE', async () => {
    // Even ids pass the WHERE; two of them carry a qty that is not a number.
    const bad = new Map([[700, '700,n700,oops'], [1_800, '1800,n1800,x1']]);
    const lines = Array.from({ length: 2_000 }, (_, i) => bad.get(i) ?? `${i},n${i},${i % 100}`);
    const src = await put(`w${n}.csv`, `${lines.join('\n')}\n`);
    const gathering = createLoader({ writer, sources: { importDir: '/nonexistent', s3: s3Config() }, decodeInWorker: false });
    const r = request(job(src, await files(src), selectMapping(['id', 'name', 'qty'], ['c1', 'c2', 'c3'], 'c1 % 2 = 0')), { maxFilterRatio: 0.01 });
    const result = await gathering.load(r.request);
    expect(result).toMatchObject({ rowsScanned: 2_000, rowsLoaded: 998, rowsFiltered: 2 });
    expect(r.reports.errors.map((e) => e.line)).toEqual([701, 1_801]);
    const [[all]] = (await conn.query({ sql: 'SELECT COUNT(*), SUM(id), SUM(id % 2) FROM w.t', rowsAsArray: true })) as unknown as [[[number, string, string]]];
    expect(all.map(Number)).toEqual([998, 999_000 - 700 - 1_800, 0]);
  });

  it('stages rows for a WHERE on a connection fresh from the pool (no database selected yet)', async () => {
    const src = await put(`fresh${n}.csv`, '1,a,1\n2,b,2\n3,c,3\n4,d,4\n');
    const fresh = new MySqlBulkWriter({ url: `mysql://root@127.0.0.1:${maria.port}/`, connectionLimit: 4 });
    try {
      const freshLoader = createLoader({ writer: fresh, sources: { importDir: '/nonexistent', s3: s3Config() }, decodeInWorker: false });
      const result = await freshLoader.load(request(job(src, await files(src), selectMapping(['id', 'name', 'qty'], ['c1', 'c2', 'c3'], 'c1 % 2 = 0'))).request);
      expect(result).toMatchObject({ rowsScanned: 4, rowsLoaded: 2 });
      expect(await rows('t')).toEqual(['2|b|2|NULL', '4|d|4|NULL']);
    } finally {
      await fresh.close();
    }
  });

  it('commits a Parquet file in parts and resumes it at the row where it stopped', async () => {
    // Batches end at 8,192 rows: three of them, each committed on its own here (commitBytes 16).
    const rowsIn = Array.from({ length: 20_000 }, (_, i) => [i + 1, `n${i + 1}`, i % 100]);
    const file = writeParquet([{ name: 'id', type: 'INT32' }, { name: 'name', type: 'BYTE_ARRAY', converted: 'UTF8' }, { name: 'qty', type: 'INT32' }], rowsIn, { rowGroupSize: 5_000, pageRows: 1_000 });
    await s3.put(BUCKET, `pq${n}/t.parquet`, file);
    const src: SourceSpec = { uri: `s3://${BUCKET}/pq${n}/t.parquet`, properties: {}, format: 'parquet', importOptions: [] };
    const list = await files(src);
    const ac = new AbortController();
    let commits = 0;
    const first = request(job(src, list, importMapping(['id', 'name', 'qty'])), {
      atomicity: 'batch', signal: ac.signal,
      onProgress: () => {
        if (++commits === 2) ac.abort(new SqlError('ER_QUERY_INTERRUPTED', 'paused'));
      },
    });
    await expect(loader.load(first.request)).rejects.toMatchObject({ errno: 1317 });
    const ledger = await loader.committed(`job-${n}`);
    expect(ledger.length).toBeGreaterThanOrEqual(2);
    expect(ledger.every((e) => e.file === src.uri)).toBe(true);
    const [[partial]] = (await conn.query({ sql: 'SELECT COUNT(*) FROM w.t', rowsAsArray: true })) as unknown as [[[number]]];
    expect(Number(partial[0])).toBeGreaterThan(0);
    expect(Number(partial[0])).toBeLessThan(20_000);
    const again = await loader.load(request(job(src, list, importMapping(['id', 'name', 'qty'])), { atomicity: 'batch' }).request);
    expect(again).toMatchObject({ filesDone: 1, rowsLoaded: 20_000 });
    const [[all]] = (await conn.query({ sql: 'SELECT COUNT(*), COUNT(DISTINCT id), SUM(id), SUM(qty) FROM w.t', rowsAsArray: true })) as unknown as [[[number, number, string, string]]];
    expect(all.map(Number)).toEqual([20_000, 20_000, (20_000 * 20_001) / 2, 200 * 4_950]);
  });

  it('a cancel that lands while the task is being set up stops it at once, leaving nothing', async () => {
    // ≈ 100 KB at 32 KiB/s: about 3 s of throttled writing if the abort went unnoticed.
    const src = await put(`c${n}.csv`, Array.from({ length: 6000 }, (_, i) => `${i},n${i},${i},note${i}`).join('\n') + '\n');
    const list = await files(src);
    const ac = new AbortController();
    const aborting: BulkWriter = {
      laneLimit: writer.laneLimit,
      insertsInProcess: writer.insertsInProcess,
      openTask: async (spec) => {
        const session = await writer.openTask(spec);
        ac.abort(new SqlError('ER_QUERY_INTERRUPTED', 'cancelled'));
        return session;
      },
      committed: (jobId) => writer.committed(jobId),
      discard: (jobId, database, table) => writer.discard(jobId, database, table),
      close: () => Promise.resolve(),
    };
    const cancelling = createLoader({ writer: aborting, sources: { importDir: '/nonexistent', s3: s3Config() }, decodeInWorker: false });
    const started = Date.now();
    await expect(cancelling.load(request(job(src, list), { signal: ac.signal, maxWriteSpeed: 32 * 1024 }).request)).rejects.toMatchObject({ errno: 1317 });
    expect(Date.now() - started).toBeLessThan(1500);
    expect(await rows('t')).toEqual([]);
    expect(await tables()).toEqual(['__loadwire_ledger', 't']);
    expect(await loader.committed(`job-${n}`)).toEqual([]);
  });

  it('a cancel interrupts a LOAD DATA that is waiting (KILL QUERY), rolls the batch back and keeps the pool usable', async () => {
    const src = await put(`k${n}.csv`, '1,ann,3,x\n2,bob,4,y\n');
    const list = await files(src);
    // Another session holds row 1: the lane's LOAD DATA waits for the lock (50 s by default).
    const holder = await mysql.createConnection({ host: maria.host, port: maria.port, user: maria.user, password: maria.password });
    try {
      await holder.query('START TRANSACTION');
      await holder.query("INSERT INTO w.t (id, name) VALUES (1, 'held')");
      const ac = new AbortController();
      const loading = loader.load(request(job(src, list), { atomicity: 'batch', signal: ac.signal }).request);
      await until(async () => {
        const [waiting] = await conn.query("SELECT 1 FROM information_schema.PROCESSLIST WHERE INFO LIKE 'LOAD DATA%'");
        return (waiting as unknown[]).length > 0;
      });
      const started = Date.now();
      ac.abort(new SqlError('ER_QUERY_INTERRUPTED', 'cancelled'));
      await expect(loading).rejects.toMatchObject({ errno: 1317 });
      expect(Date.now() - started).toBeLessThan(1500);
    } finally {
      await holder.query('ROLLBACK');
      await holder.end();
    }
    expect(await rows('t')).toEqual([]);
    expect(await loader.committed(`job-${n}`)).toEqual([]);
    // Every lane connection went back to the pool or was closed: a full-width load still runs.
    const again = await loader.load(request({ ...job(src, list), jobId: `again-${n}` }, { threads: 3 }).request);
    expect(again).toMatchObject({ rowsLoaded: 2 });
  });
});

describe('mysql target rename publish after a crash', () => {
  /** Rows as a lane takes them. */
  function staged(values: (string | number | null)[][]): StagedRows {
    return {
      count: values.length,
      width: values[0]?.length ?? 0,
      value: (row, field) => values[row]![field] ?? null,
      appendValues: (from, to, out) => {
        for (let r = from; r < to; r++) out.push(...values[r]!);
      },
      delimitedText: () => null,
      line: (row) => row + 1,
      raw: (row) => values[row]!.join(','),
    };
  }

  // The RENAME cannot share a transaction with the ledger: the decision is committed first, then
  // the RENAME runs, then the ledger says committed. A crash can fall between any two of them.
  it.each([
    { cut: 'after the decision, before the RENAME', mode: 'append', renamed: false },
    { cut: 'after the RENAME, before the ledger said committed', mode: 'append', renamed: true },
    { cut: 'after the RENAME of an overwrite, before the old table was dropped', mode: 'overwrite', renamed: true },
  ] as const)('is finished on restart when the crash fell $cut', async ({ mode, renamed }) => {
    const jobId = `publish-${n}`;
    if (mode === 'overwrite') await conn.query("INSERT INTO w.t (id, name) VALUES (9, 'old')");
    const session = await writer.openTask({ jobId, taskId: 't1', database: 'w', table: 't' });
    await session.useShadow(false);
    const lane = await session.lane({ width: 3, columns: ['id', 'name', 'qty'], exprs: ['`__f0`', '`__f1`', '`__f2`'], where: null, direct: true });
    await lane.write(staged([[1, 'ann', 3], [2, 'bob', 4]]), new AbortController().signal);
    await lane.commit({
      file: 's3://b/f.csv', etag: null, startOffset: 0, endOffset: 20, startLine: 1, endLine: 3, header: null,
      rowsScanned: 2, rowsLoaded: 2, rowsFiltered: 0, bytes: 20, done: true, sums: { id: '3', qty: '7' },
    });
    await lane.close();
    await session.close();
    // The crash: the decision is recorded and, in some cases, the RENAME done; nothing more.
    await conn.query('UPDATE w.__loadwire_ledger SET state = ? WHERE job_id = ?', [mode === 'append' ? 'publish-append' : 'publish-replace', jobId]);
    const shadow = shadowName(jobId, 't');
    const retired = `__loadwire_retired_${shadow.slice(SHADOW_PREFIX.length)}`;
    if (renamed) await conn.query(`RENAME TABLE w.t TO w.${retired}, w.${shadow} TO w.t`);
    // What readers see at the crash: the table before the job, or already its rows.
    expect(await rows('t')).toEqual(renamed ? ['1|ann|3|NULL', '2|bob|4|NULL'] : []);

    // A restarted daemon first asks the target's ledger what the job committed.
    const restarted = new MySqlBulkWriter({ url: `mysql://root@127.0.0.1:${maria.port}/`, connectionLimit: 2 });
    try {
      expect((await restarted.committed(jobId)).map((r) => [r.rowsLoaded, r.state])).toEqual([[2, 'committed']]);
    } finally {
      await restarted.close();
    }
    expect(await rows('t')).toEqual(['1|ann|3|NULL', '2|bob|4|NULL']);
    const [left] = await conn.query({ sql: "SHOW TABLES FROM w LIKE '%loadwire%'", rowsAsArray: true });
    expect((left as string[][]).map((r) => r[0])).toEqual(['__loadwire_ledger']);
  });
});

describe('mysql target CHECKSUM_TABLE windows', () => {
  // 300 units of one key each, 2 apart: 301 ranges around them to probe, more than one group of
  // 256 (a huge load's range list would pass the optimizer's memory and be read as a full scan).
  it('probes for rows outside the verified windows in groups, and finds one in the last group', async () => {
    const ids = Array.from({ length: 300 }, (_, i) => 2 * (i + 1));
    /** Publishes a shadow of `ids` with a window per id; the reads of the shadow it made, and its error. */
    const publish = async (jobId: string, stray: number | null): Promise<{ reads: string[]; error: unknown }> => {
      const session = await writer.openTask({ jobId, taskId: 't1', database: 'w', table: 't' });
      let error: unknown = null;
      let found: string[];
      try {
        await session.useShadow(false);
        const lane = await session.lane({ width: 3, columns: ['id', 'name', 'qty'], exprs: ['`__f0`', '`__f1`', '`__f2`'], where: null, direct: true });
        const values = ids.map((id) => [id, `n${id}`, 1]);
        await lane.write({
          count: values.length, width: 3, value: (r, f) => values[r]![f] ?? null,
          appendValues: (from, to, out) => { for (let r = from; r < to; r++) out.push(...values[r]!); },
          delimitedText: () => null, line: (r) => r + 1, raw: (r) => values[r]!.join(','),
        }, new AbortController().signal);
        const sums = { id: String(ids.reduce((a, b) => a + b, 0)), qty: '300' };
        await lane.commit({ file: 's3://b/f.csv', etag: null, startOffset: 0, endOffset: 9, startLine: 1, endLine: 301, header: null, rowsScanned: 300, rowsLoaded: 300, rowsFiltered: 0, bytes: 9, done: true, sums });
        await lane.close();
        if (stray !== null) await conn.query(`INSERT INTO w.${shadowName(jobId, 't')} (id, name, qty) VALUES (?, 'x', 0)`, [stray]);
        found = await logged(`SELECT % FROM \`w\`.\`${shadowName(jobId, 't')}\`%`, () => session.publish('append', {
          expectedRows: 300, sums: new Map([['id', BigInt(sums.id)], ['qty', 300n]]), checksum: 'required',
          windows: ids.map((id) => ({ lo: BigInt(id), hi: BigInt(id) })),
        }).catch((e: unknown) => (error = e)));
      } finally {
        await session.close();
      }
      // A probe by its first range; any other read is of the whole shadow.
      const reads = found.map((a) => /^SELECT 1 FROM \S+ WHERE (.+?)(?: OR | LIMIT)/.exec(a)?.[1] ?? 'read back');
      return { reads, error };
    };
    expect(await publish(`probe-${n}`, null)).toEqual({ reads: ['`id` < 2', '`id` BETWEEN 513 AND 513'], error: null });
    expect(await rows('t')).toHaveLength(300);
    await conn.query('TRUNCATE w.t');
    // A row between two windows, past the first 256 ranges: the shadow is read back whole, and
    // its count is not what was read.
    const { reads, error } = await publish(`stray-${n}`, 599);
    expect(error).toMatchObject({ errno: 1105, message: expect.stringMatching(/301/) as unknown });
    expect(reads.slice(0, 2)).toEqual(['`id` < 2', '`id` BETWEEN 513 AND 513']);
    expect(reads.slice(2)).toContain('read back');
    expect(await rows('t')).toEqual([]);
  });
});

describe('mysql target error counters', () => {
  it('count a lock wait timeout as transient and a missing table as permanent', async () => {
    const counts = { transient: 0, permanent: 0 };
    const src = await put(`m${n}.csv`, '1,ann,3,x\n');
    const list = await files(src);
    // New connections wait 1 s for a lock instead of 50.
    await conn.query('SET GLOBAL innodb_lock_wait_timeout = 1');
    const impatient = new MySqlBulkWriter({ url: `mysql://root@127.0.0.1:${maria.port}/`, connectionLimit: 2 });
    const holder = await mysql.createConnection({ host: maria.host, port: maria.port, user: maria.user, password: maria.password });
    try {
      const counting = createLoader({
        writer: impatient, sources: { importDir: '/nonexistent', s3: s3Config() }, decodeInWorker: false,
        metrics: { sourceError: () => undefined, targetError: (kind) => void counts[kind]++ },
      });
      await holder.query('START TRANSACTION');
      await holder.query("INSERT INTO w.t (id, name) VALUES (1, 'held')");
      await expect(counting.load(request(job(src, list), { atomicity: 'batch' }).request)).rejects.toMatchObject({ errno: 1205 });
      expect(counts).toEqual({ transient: 1, permanent: 0 });
      await expect(counting.load(request({ ...job(src, list), table: 'nope' }).request)).rejects.toMatchObject({ errno: 1146 });
      expect(counts).toEqual({ transient: 1, permanent: 1 });
    } finally {
      await conn.query('SET GLOBAL innodb_lock_wait_timeout = DEFAULT');
      await holder.query('ROLLBACK');
      await holder.end();
      await impatient.close();
    }
  });
});

async function tables(): Promise<string[]> {
  const [r] = await conn.query({ sql: "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'w'", rowsAsArray: true });
  return (r as string[][]).map((row) => String(row[0])).sort();
}

async function until(check: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
