// Write throughput, measured side by side with the reference tools in the same run: one generated
// CSV (a) from s3rver into the embedded target through the Loader vs `sqlite3 .import` of the local
// file into the same schema, and (b) from s3rver into mariadbd vs `LOAD DATA LOCAL INFILE` with the
// `mariadb` CLI. Prints rows/s, MB/s, ratios and peak RSS.
// Run alone: node dist-bench/src/bench/write-bench.js; LOADWIRE_BENCH_QUICK=1 for a small run,
// LOADWIRE_BENCH_ROWS=n to choose the size, LOADWIRE_BENCH_TARGETS=embedded|mariadb to run one side.

import { execFileSync, spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { startS3 } from '../../test/harness/s3.js';
import { startMariaDb } from '../../test/harness/mariadb.js';
import type { LoadRequest, Loader } from '../load/contract.js';
import { createLoader } from '../load/loader.js';
import { EmbeddedTarget } from '../targets/embedded/embedded-target.js';
import { EmbeddedBulkWriter } from '../targets/embedded/bulk-writer.js';
import { MySqlBulkWriter } from '../targets/mysql/bulk-writer.js';
import type { BulkWriter } from '../targets/bulk-writer.js';

const DDL = 'CREATE TABLE t (id BIGINT NOT NULL, name VARCHAR(32), qty INT, price DOUBLE, created VARCHAR(19))';

/** The bench's CSV; `quoted`: its text fields in double quotes, as many exporters write them. */
async function generate(path: string, rows: number, quoted = false): Promise<number> {
  const out = createWriteStream(path);
  const lines: string[] = [];
  const qt = quoted ? '"' : '';
  for (let i = 1; i <= rows; i++) {
    lines.push(`${i},${qt}name-${i % 9973}${qt},${i % 1000},${(i % 100000) / 100},${qt}2024-01-${String((i % 28) + 1).padStart(2, '0')} 12:00:00${qt}`);
    if (lines.length === 10_000 || i === rows) {
      if (!out.write(`${lines.join('\n')}\n`)) await new Promise<void>((r) => out.once('drain', () => r()));
      lines.length = 0;
    }
  }
  await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
  return statSync(path).size;
}

interface Measured {
  readonly seconds: number;
  readonly rows: number;
}

function line(name: string, m: Measured, bytes: number, reference?: Measured): string {
  const rps = m.rows / m.seconds;
  const ratio = reference ? `  ratio ${(reference.seconds / m.seconds).toFixed(2)}x` : '';
  return `${name.padEnd(70)} ${(rps / 1000).toFixed(0).padStart(6)} k rows/s ${(bytes / 1e6 / m.seconds).toFixed(1).padStart(7)} MB/s ${m.seconds.toFixed(2).padStart(7)} s${ratio}`;
}

type Checksum = LoadRequest['checksum'];

function request(writerJob: string, database: string, uri: string, files: LoadRequest['files'], threads: number, checksum: Checksum): LoadRequest {
  return {
    jobId: writerJob, taskId: 't1', database, table: 't', mode: 'append', atomicity: 'job', requireEmptyTarget: true,
    source: { uri, properties: {}, format: 'csv', importOptions: [] }, files,
    mapping: { kind: 'import', columns: null, set: [] }, maxFilterRatio: 0, threads, maxWriteSpeed: null, checksum,
    signal: new AbortController().signal, onProgress: () => undefined, onErrorRows: () => undefined,
  };
}

/**
 * One loader (and writer) per target for all its runs, as the daemon has, with its decode worker
 * kept warm: every run but the first finds it started and its S3 client made, as a daemon's load
 * does after its first. Started before the reference's first load, which gives it the time.
 */
function benchLoader(writer: BulkWriter, s3: { endpoint: string; accessKey: string; secretKey: string }): Loader {
  const loader = createLoader({ writer, warmWorker: true, sources: { importDir: tmpdir(), s3: { endpoint: s3.endpoint, accessKey: s3.accessKey, secretKey: s3.secretKey, region: 'us-east-1', forcePathStyle: true } } });
  // The listing readies the worker to read from the bucket (WorkerSources.warm).
  void loader.listFiles({ uri: 's3://bench/data.csv', properties: {}, format: 'csv', importOptions: [] }, { signal: new AbortController().signal });
  return loader;
}

async function viaLoader(loader: Loader, database: string, rows: number, threads = 2, uri = 's3://bench/data.csv', checksum: Checksum = 'required'): Promise<Measured> {
  const files = await loader.listFiles({ uri, properties: {}, format: 'csv', importOptions: [] }, { signal: new AbortController().signal });
  const t0 = performance.now();
  const result = await loader.load(request(`bench-${Date.now()}`, database, uri, files, threads, checksum));
  const seconds = (performance.now() - t0) / 1000;
  if (result.rowsLoaded !== rows) throw new Error(`loaded ${result.rowsLoaded} of ${rows} rows`);
  return { seconds, rows };
}

export async function benchWrite(): Promise<void> {
  const quick = process.env.LOADWIRE_BENCH_QUICK === '1';
  const rows = Number(process.env.LOADWIRE_BENCH_ROWS ?? (quick ? 300_000 : 21_000_000));
  const targets = (process.env.LOADWIRE_BENCH_TARGETS ?? 'embedded,mariadb').split(',');
  const dir = await mkdtemp(join(tmpdir(), 'loadwire-write-bench-'));
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 100);
  const s3 = await startS3();
  try {
    const csv = join(dir, 'data.csv');
    const bytes = await generate(csv, rows);
    console.log(`write bench: ${rows} rows, ${(bytes / 1e6).toFixed(1)} MB CSV`);
    await s3.createBucket('bench');
    await s3.client.send(new PutObjectCommand({ Bucket: 'bench', Key: 'data.csv', Body: createReadStream(csv), ContentLength: bytes }));

    // (a) embedded target vs sqlite3 .import
    if (targets.includes('embedded')) await benchEmbedded(dir, csv, bytes, rows, s3);
    // (b) mariadbd vs LOAD DATA LOCAL INFILE with the mariadb CLI
    if (targets.includes('mariadb')) await benchMariaDb(dir, csv, bytes, rows, s3, quick);
  } finally {
    clearInterval(sampler);
    await s3.stop();
    await rm(dir, { recursive: true, force: true });
  }
  console.log(`peak RSS ${(peakRss / 1e6).toFixed(0)} MB (this process; the decode worker is a thread of it)`);
}

type BenchS3 = Awaited<ReturnType<typeof startS3>>;

async function benchEmbedded(dir: string, csv: string, bytes: number, rows: number, s3: BenchS3): Promise<void> {
  // loadwire's table first: its SQLite definition (STRICT, with the CHECK constraints that enforce
  // MySQL types) is then given to the reference too, so `.import` loads the same schema.
  const warehouse = join(dir, 'warehouse');
  const target = EmbeddedTarget.open({ directory: warehouse });
  await target.execute('CREATE DATABASE bench', { database: null });
  await target.execute(DDL, { database: 'bench' });
  const writer = new EmbeddedBulkWriter({ directory: warehouse });
  const loader = benchLoader(writer, s3);
  const sqlite3 = spawnSync('which', ['sqlite3']).status === 0;
  let reference: Measured | undefined;
  if (sqlite3) {
    const schema = execFileSync('sqlite3', [join(warehouse, 'bench.sqlite'), "SELECT sql || ';' FROM sqlite_master WHERE tbl_name = 't' AND sql IS NOT NULL"], { encoding: 'utf8' });
    const db = join(dir, 'reference.sqlite');
    execFileSync('sqlite3', [db, 'PRAGMA journal_mode=WAL;', schema]);
    const t0 = performance.now();
    execFileSync('sqlite3', [db, '.mode csv', `.import ${csv} t`]);
    reference = { seconds: (performance.now() - t0) / 1000, rows };
    console.log(line('sqlite3 .import (local file, same schema)', reference, bytes));
  } else console.log('sqlite3 CLI not found (Debian package: sqlite3): no embedded reference');
  const embedded = await viaLoader(loader, 'bench', rows);
  console.log(line('loadwire s3 -> embedded (IMPORT INTO, atomic)', embedded, bytes, reference));
  await loader.close?.();
  await writer.close();
  await target.close();
}

async function benchMariaDb(dir: string, csv: string, bytes: number, rows: number, s3: BenchS3, quick: boolean): Promise<void> {
  if (existsSync('/usr/sbin/mariadbd') || spawnSync('which', ['mariadbd']).status === 0) {
    const maria = await startMariaDb();
    const writer = new MySqlBulkWriter({ url: `mysql://root@${maria.host}:${maria.port}/`, connectionLimit: 4 });
    const loader = benchLoader(writer, s3);
    try {
      const cli = (sql: string): void => {
        execFileSync('mariadb', ['--local-infile=1', '-h', maria.host, '-P', String(maria.port), '-u', maria.user, '-e', sql]);
      };
      cli(`CREATE DATABASE ref; CREATE DATABASE lw; CREATE DATABASE warm;`);
      const loadData = (db: string): void => cli(`LOAD DATA LOCAL INFILE '${csv}' INTO TABLE ${db}.t FIELDS TERMINATED BY ',' LINES TERMINATED BY '\\n'`);
      // A fresh mariadbd's first big load runs ≈ 25% slower than the next ones (measured: 196 k
      // vs 249–279 k rows/s), which would flatter whoever goes second: one load warms it first.
      cli(`CREATE TABLE warm.t (id BIGINT NOT NULL, name VARCHAR(32), qty INT, price DOUBLE, created VARCHAR(19)) ENGINE=InnoDB`);
      loadData('warm');
      cli('DROP DATABASE warm');
      // Text fields in double quotes (keyed table, at most 4 M rows), first, while the server is
      // as fresh as for the CLI: the CLI is told OPTIONALLY ENCLOSED BY, loadwire passes the
      // quoted lines through as they are.
      const qRows = Math.min(rows, 4_000_000);
      const quoted = join(dir, 'quoted.csv');
      const qBytes = await generate(quoted, qRows, true);
      await s3.client.send(new PutObjectCommand({ Bucket: 'bench', Key: 'quoted.csv', Body: createReadStream(quoted), ContentLength: qBytes }));
      console.log(`-- ${qRows} rows with their text fields in double quotes (${(qBytes / 1e6).toFixed(1)} MB), table with PRIMARY KEY (id)`);
      const keyed = (db: string): string => `DROP TABLE IF EXISTS ${db}.t; CREATE TABLE ${db}.t (id BIGINT NOT NULL PRIMARY KEY, name VARCHAR(32), qty INT, price DOUBLE, created VARCHAR(19)) ENGINE=InnoDB`;
      for (let round = 1; round <= (quick ? 1 : 2); round++) {
        cli(keyed('ref'));
        const t0 = performance.now();
        cli(`LOAD DATA LOCAL INFILE '${quoted}' INTO TABLE ref.t FIELDS TERMINATED BY ',' OPTIONALLY ENCLOSED BY '"' LINES TERMINATED BY '\\n'`);
        const qRef: Measured = { seconds: (performance.now() - t0) / 1000, rows: qRows };
        console.log(line(`mariadb CLI ... OPTIONALLY ENCLOSED BY (round ${round})`, qRef, qBytes));
        for (const threads of [2, 1]) {
          cli(keyed('lw'));
          const m = await viaLoader(loader, 'lw', qRows, threads, 's3://bench/quoted.csv');
          console.log(line(`loadwire s3 -> mariadbd, THREAD=${threads} (round ${round})`, m, qBytes, qRef));
        }
      }
      // With a primary key (the usual table) lanes insert into different parts of the clustered
      // index; without one every row goes to the end of the hidden row-id index, where parallel
      // lanes contend, so loadwire writes such a table through one lane whatever THREAD says.
      const schemas = [
        { name: 'PRIMARY KEY (id)', key: ' PRIMARY KEY', rounds: quick ? 1 : 2 },
        { name: 'no key', key: '', rounds: 1 },
      ];
      // CHECKSUM_TABLE (on by default) reads every unit back, work the CLI does not do; the run
      // without it compares the same work.
      const runs = [
        { name: 'THREAD=2', threads: 2, checksum: 'required' },
        { name: 'THREAD=1', threads: 1, checksum: 'required' },
        { name: "THREAD=1, CHECKSUM_TABLE='off'", threads: 1, checksum: 'off' },
      ] as const;
      for (const schema of schemas) {
        console.log(`-- table with ${schema.name}; loadwire with THREAD=2 (two connections), THREAD=1, and THREAD=1 without CHECKSUM_TABLE`);
        const table = (db: string): string => `CREATE TABLE ${db}.t (id BIGINT NOT NULL${schema.key}, name VARCHAR(32), qty INT, price DOUBLE, created VARCHAR(19)) ENGINE=InnoDB`;
        const refs: Measured[] = [];
        const ours = new Map<(typeof runs)[number], Measured[]>(runs.map((r) => [r, []]));
        for (let round = 1; round <= schema.rounds; round++) {
          // Alternating, on fresh tables: the machine's drift falls on both sides alike.
          cli(`DROP TABLE IF EXISTS ref.t; ${table('ref')}`);
          const t0 = performance.now();
          loadData('ref');
          const ref: Measured = { seconds: (performance.now() - t0) / 1000, rows };
          refs.push(ref);
          console.log(line(`mariadb CLI LOAD DATA LOCAL INFILE (round ${round})`, ref, bytes));
          for (const [run, list] of ours) {
            cli(`DROP TABLE IF EXISTS lw.t; ${table('lw')}`);
            const m = await viaLoader(loader, 'lw', rows, run.threads, 's3://bench/data.csv', run.checksum);
            list.push(m);
            console.log(line(`loadwire s3 -> mariadbd, ${run.name} (round ${round})`, m, bytes, ref));
          }
        }
        const total = (ms: Measured[]): Measured => ({ seconds: ms.reduce((a, m) => a + m.seconds, 0), rows: rows * ms.length });
        const all = bytes * schema.rounds;
        console.log(line('mariadb CLI LOAD DATA LOCAL INFILE (all rounds)', total(refs), all));
        for (const [run, list] of ours) console.log(line(`loadwire s3 -> mariadbd, ${run.name} (all rounds)`, total(list), all, total(refs)));
      }
    } finally {
      await loader.close?.();
      await writer.close();
      await maria.stop();
    }
  } else console.log('mariadbd not found (Debian package: mariadb-server): no MySQL-target run');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await benchWrite();
}
