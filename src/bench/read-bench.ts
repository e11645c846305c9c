// Read throughput and footprint, everything measured in the same run on the same files:
//   - a generated CSV (>= 1 GB by default) read by `cat`, decoded by papaparse (the bar), and by
//     loadwire in-thread and in a worker thread, from local disk and from s3rver;
//   - raw GET throughput from s3rver, for scale;
//   - Parquet and JSON lines decode throughput.
// Each case runs in its own child process, so its peak RSS (VmHWM) is its own.
// Run alone: node dist-bench/src/bench/read-bench.js [--size-mb N] [--skip-s3]; LOADWIRE_BENCH_QUICK=1 for a small run.
// The Parquet case alone: node dist-bench/src/bench/read-bench.js --parquet-only [--rows N]
// [--row-group N] [--page-kib N] [--page-rows N] (0: no limit; both 0: one page per column
// chunk) [--wide-bytes N (adds a text column of values that long)].

import { spawn } from 'node:child_process';
import { createReadStream, createWriteStream, openSync, closeSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { startS3 } from '../../test/harness/s3.js';
import { createSource } from '../sources/create-source.js';
import type { ObjectInfo } from '../sources/source.js';
import { decodeObject, formatSpecFrom } from '../formats/decode.js';
import { DecodeWorker, RUNNING_FROM_SOURCE, sourceLoaderArgs } from '../formats/worker-decoder.js';
import { writeParquet, type ParquetCell, type ParquetColumn } from '../../test/support/parquet-writer.js';
import type { RowBatch } from '../formats/types.js';

export interface ReadBenchOptions {
  /** Size of the generated CSV in bytes (default 1.1 GB; 64 MB with LOADWIRE_BENCH_QUICK=1). */
  readonly csvBytes?: number;
  /** Rows in the generated Parquet file. */
  readonly parquetRows?: number;
  /** Size of the generated JSON lines file in bytes. */
  readonly jsonBytes?: number;
  /** Skip the s3rver cases. */
  readonly skipS3?: boolean;
  readonly log?: (line: string) => void;
}

export interface CaseResult {
  readonly name: string;
  readonly seconds: number;
  readonly bytes: number;
  readonly rows: number;
  readonly maxRssMb: number;
  readonly mbPerSec: number;
  readonly rowsPerSec: number;
}

const QUICK = process.env.LOADWIRE_BENCH_QUICK === '1';
const NAMES = ['alice', 'bob', 'carol', 'dave', 'eve', 'mallory', 'trent', 'peggy'];

/** One CSV line of ~92 bytes: ints, text, a quoted field with a comma every tenth row, NULLs. */
function csvLine(i: number): string {
  const note = i % 10 === 0 ? `"note, with comma ${i}"` : `note ${i}`;
  return `${i},${NAMES[i % 8]} ${i % 1000},${NAMES[(i * 7) % 8]}${i}@example.com,${(i * 1.37).toFixed(2)},2024-0${1 + (i % 9)}-1${i % 10} 12:${10 + (i % 50)}:00,${note},${i % 3 === 0 ? '\\N' : i * 31}\n`;
}

function jsonLine(i: number): string {
  return `${JSON.stringify({ id: i, name: `${NAMES[i % 8]} ${i % 1000}`, email: `${NAMES[(i * 7) % 8]}${i}@example.com`, amount: Number((i * 1.37).toFixed(2)), at: `2024-0${1 + (i % 9)}-1${i % 10} 12:00:00`, note: i % 3 === 0 ? null : `note ${i}` })}\n`;
}

async function writeLines(path: string, targetBytes: number, line: (i: number) => string): Promise<number> {
  const out = createWriteStream(path, { highWaterMark: 1 << 20 });
  let bytes = 0;
  let i = 0;
  while (bytes < targetBytes) {
    const parts: string[] = [];
    for (let k = 0; k < 10_000; k++) parts.push(line(i++));
    const chunk = parts.join('');
    bytes += Buffer.byteLength(chunk);
    if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
  return i;
}

const PARQUET_COLUMNS: ParquetColumn[] = [
  { name: 'id', type: 'INT64' },
  { name: 'name', type: 'BYTE_ARRAY', converted: 'UTF8' },
  { name: 'amount', type: 'INT64', converted: 'DECIMAL', precision: 18, scale: 2 },
  { name: 'at', type: 'INT64', converted: 'TIMESTAMP_MICROS', optional: true },
  { name: 'ratio', type: 'DOUBLE' },
  { name: 'note', type: 'BYTE_ARRAY', converted: 'UTF8', optional: true },
];

function parquetRow(i: number): ParquetCell[] {
  return [BigInt(i), `${NAMES[i % 8]} ${i}`, BigInt(i * 137), i % 5 === 0 ? null : 1_700_000_000_000_000n + BigInt(i) * 1_000_000n, i / 7, i % 3 === 0 ? null : `note ${i}`];
}

/** The layout of the generated Parquet file. */
export interface ParquetFileOptions {
  readonly rows: number;
  /** Rows per row group (default 100k). */
  readonly rowGroupRows?: number;
  /**
   * Data pages end at this many plain bytes or this many rows, whichever comes first (defaults
   * 1 MiB and 20,000 rows, as parquet-mr and arrow-rs write them); 0: no such limit. With neither,
   * a column chunk is one page.
   */
  readonly pageBytes?: number;
  readonly pageRows?: number;
  /** When > 0, a nullable text column of values about this long is added (the wide-string case). */
  readonly wideBytes?: number;
}

const WIDE_TEXT = 'lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor '.repeat(1000);

async function writeParquetFile(path: string, opts: ParquetFileOptions): Promise<void> {
  // The writer builds a file in memory, so keep the Parquet case modest in size.
  const wide = opts.wideBytes ?? 0;
  const columns = wide > 0 ? [...PARQUET_COLUMNS, { name: 'payload', type: 'BYTE_ARRAY', converted: 'UTF8', optional: true } as const] : PARQUET_COLUMNS;
  const data: ParquetCell[][] = [];
  for (let i = 0; i < opts.rows; i++) {
    const row = parquetRow(i);
    if (wide > 0) row.push(i % 11 === 0 ? null : `${i} ${WIDE_TEXT.slice(i % 64, (i % 64) + wide)}`);
    data.push(row);
  }
  const pageBytes = opts.pageBytes ?? 1 << 20;
  const pageRows = opts.pageRows ?? 20_000;
  await writeFile(
    path,
    writeParquet(columns, data, { rowGroupSize: opts.rowGroupRows ?? 100_000, ...(pageBytes > 0 ? { pageBytes } : {}), ...(pageRows > 0 ? { pageRows } : {}) }),
  );
}

// ---- cases, each run in a child process --------------------------------------------------------

type CaseName = 'papaparse' | 'loadwire-thread' | 'loadwire-worker' | 's3-get' | 's3-worker' | 'parquet-worker' | 'json-worker';

interface CaseArgs {
  readonly uri: string;
  readonly importDir: string;
  readonly format: 'csv' | 'parquet' | 'json';
}

async function consume(batches: AsyncIterable<RowBatch>): Promise<number> {
  let rows = 0;
  let fields = 0;
  for await (const b of batches) {
    // Materialise every row on this thread, as a consumer would: the fair comparison with
    // papaparse, which hands out arrays of strings.
    for (let i = 0; i < b.length; i++) fields += b.row(i).length;
    rows += b.length;
  }
  return fields >= 0 ? rows : 0;
}

async function firstObject(args: CaseArgs): Promise<ObjectInfo> {
  const src = createSource(args.uri, {}, { importDir: args.importDir });
  for await (const o of src.list()) {
    src.close();
    return o;
  }
  throw new Error(`nothing at ${args.uri}`);
}

/** Runs a case; the clock starts after set-up (module loading, listing, worker start). */
async function runCase(name: CaseName, args: CaseArgs): Promise<{ rows: number; bytes: number; seconds: number }> {
  const object = await firstObject(args);
  const timed = async (fn: () => Promise<{ rows: number; bytes: number }>): Promise<{ rows: number; bytes: number; seconds: number }> => {
    const t0 = performance.now();
    const r = await fn();
    return { ...r, seconds: (performance.now() - t0) / 1000 };
  };
  switch (name) {
    case 'papaparse': {
      const { default: Papa } = await import('papaparse');
      return timed(async () => {
        const rows = await new Promise<number>((resolve, reject) => {
          let n = 0;
          Papa.parse(createReadStream(object.key, { encoding: 'utf8', highWaterMark: 256 * 1024 }) as unknown as File, {
            chunk: (r: { data: unknown[] }) => {
              n += r.data.length;
            },
            complete: () => resolve(n),
            error: (e: Error) => reject(e),
          });
        });
        return { rows, bytes: object.size };
      });
    }
    case 'loadwire-thread': {
      const src = createSource(args.uri, {}, { importDir: args.importDir });
      return timed(async () => ({ rows: await consume(decodeObject(src, object, formatSpecFrom(args.format))), bytes: object.size }));
    }
    case 'loadwire-worker':
    case 's3-worker':
    case 'parquet-worker':
    case 'json-worker': {
      const w = new DecodeWorker();
      try {
        await w.ready();
        return await timed(async () => ({
          rows: await consume(w.decode({ uri: args.uri, config: { importDir: args.importDir }, object, spec: formatSpecFrom(args.format) })),
          bytes: object.size,
        }));
      } finally {
        await w.close();
      }
    }
    case 's3-get': {
      const src = createSource(args.uri, {}, { importDir: args.importDir });
      return timed(async () => {
        let bytes = 0;
        for await (const c of src.open(object)) bytes += (c as Buffer).length;
        src.close();
        return { rows: 0, bytes };
      });
    }
    default: {
      const never: never = name;
      throw new Error(`unknown case ${String(never)}`);
    }
  }
}

/**
 * This process's peak RSS in KiB. Not getrusage's maxrss on Linux: it survives execve and counts
 * the parent's pages at the fork, so a case spawned by this bench's parent, which holds the data
 * it generated, would report the parent's size (a Parquet case measured 406 MB by maxrss for a
 * VmHWM of 185 MB). VmHWM is the peak of this process's own address space, every thread included.
 */
function peakRssKb(): number {
  try {
    const hwm = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (hwm) return Number(hwm[1]);
  } catch {
    // Not Linux.
  }
  return process.resourceUsage().maxRSS;
}

async function inChild(name: CaseName, args: CaseArgs): Promise<CaseResult> {
  const self = fileURLToPath(import.meta.url);
  const execArgv = RUNNING_FROM_SOURCE ? sourceLoaderArgs() : [];
  const child = spawn(process.execPath, [...execArgv, self, '--case', name, JSON.stringify(args)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`bench case ${name} failed (exit ${code})`);
  const r = JSON.parse(out.trim().split('\n').pop()!) as { seconds: number; rows: number; bytes: number; maxRssKb: number };
  return {
    name,
    seconds: r.seconds,
    bytes: r.bytes,
    rows: r.rows,
    maxRssMb: r.maxRssKb / 1024,
    mbPerSec: r.bytes / 1e6 / r.seconds,
    rowsPerSec: r.rows / r.seconds,
  };
}

async function catCase(file: string): Promise<CaseResult> {
  const devNull = openSync('/dev/null', 'w');
  const t0 = performance.now();
  const child = spawn('cat', [file], { stdio: ['ignore', devNull, 'inherit'] });
  await new Promise((resolve) => child.once('exit', resolve));
  const seconds = (performance.now() - t0) / 1000;
  closeSync(devNull);
  const bytes = (await stat(file)).size;
  return { name: 'cat', seconds, bytes, rows: 0, maxRssMb: 0, mbPerSec: bytes / 1e6 / seconds, rowsPerSec: 0 };
}

function fmt(n: number, digits = 0): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

export async function benchRead(options: ReadBenchOptions = {}): Promise<CaseResult[]> {
  const log = options.log ?? ((l: string) => console.log(l));
  const csvBytes = options.csvBytes ?? (QUICK ? 64e6 : 1.1e9);
  const parquetRows = options.parquetRows ?? (QUICK ? 200_000 : 1_000_000);
  const jsonBytes = options.jsonBytes ?? (QUICK ? 32e6 : 256e6);
  const dir = await mkdtemp(join(tmpdir(), 'loadwire-read-bench-'));
  const results: CaseResult[] = [];
  let s3: Awaited<ReturnType<typeof startS3>> | null = null;
  try {
    const csv = join(dir, 'data.csv');
    log(`generating ${fmt(csvBytes / 1e6)} MB of CSV, ${fmt(jsonBytes / 1e6)} MB of JSON lines, ${fmt(parquetRows)} Parquet rows in ${dir}`);
    const csvRows = await writeLines(csv, csvBytes, csvLine);
    await writeLines(join(dir, 'data.jsonl'), jsonBytes, jsonLine);
    await writeParquetFile(join(dir, 'data.parquet'), { rows: parquetRows });
    const local = (f: string, format: CaseArgs['format']): CaseArgs => ({ uri: join(dir, f), importDir: dir, format });

    const cat = await catCase(csv);
    results.push(cat);
    const papa = await inChild('papaparse', local('data.csv', 'csv'));
    results.push(papa);
    results.push(await inChild('loadwire-thread', local('data.csv', 'csv')));
    const worker = await inChild('loadwire-worker', local('data.csv', 'csv'));
    results.push(worker);
    if (worker.rows !== csvRows) throw new Error(`loadwire decoded ${worker.rows} rows, expected ${csvRows}`);

    if (!options.skipS3) {
      s3 = await startS3();
      await s3.createBucket('bench');
      const size = (await stat(csv)).size;
      await s3.client.send(new PutObjectCommand({ Bucket: 'bench', Key: 'data.csv', Body: createReadStream(csv), ContentLength: size }));
      const uri = `s3://bench/data.csv?endpoint=${encodeURIComponent(s3.endpoint)}&access-key=${s3.accessKey}&secret-access-key=${s3.secretKey}`;
      results.push(await inChild('s3-get', { uri, importDir: dir, format: 'csv' }));
      results.push(await inChild('s3-worker', { uri, importDir: dir, format: 'csv' }));
    }
    results.push(await inChild('parquet-worker', local('data.parquet', 'parquet')));
    results.push(await inChild('json-worker', local('data.jsonl', 'json')));

    log('');
    log(`${'case'.padEnd(18)} ${'MB/s'.padStart(8)} ${'rows/s'.padStart(12)} ${'vs cat'.padStart(8)} ${'vs papaparse'.padStart(13)} ${'peak RSS MB'.padStart(12)}`);
    for (const r of results) {
      const csvCase = !r.name.startsWith('parquet') && !r.name.startsWith('json');
      log(
        `${r.name.padEnd(18)} ${fmt(r.mbPerSec, 1).padStart(8)} ${(r.rows ? fmt(r.rowsPerSec) : '-').padStart(12)} ${(csvCase ? `${fmt(r.mbPerSec / cat.mbPerSec, 3)}x` : '-').padStart(8)} ${(csvCase && r.rows ? `${fmt(r.mbPerSec / papa.mbPerSec, 2)}x` : '-').padStart(13)} ${(r.maxRssMb ? fmt(r.maxRssMb, 0) : '-').padStart(12)}`,
      );
    }
    log('');
    log(`CSV: ${fmt(csvRows)} rows, ${fmt((await stat(csv)).size / 1e6)} MB; loadwire-worker / papaparse = ${fmt(worker.mbPerSec / papa.mbPerSec, 2)}x`);
    return results;
  } finally {
    await s3?.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * The Parquet case alone, on a file of the given layout: the figure to watch when changing the
 * Parquet decoder (peak RSS must stay under 256 MB whatever the row-group size).
 */
export async function benchParquet(file: ParquetFileOptions, log: (line: string) => void = (l) => console.log(l)): Promise<CaseResult> {
  const dir = await mkdtemp(join(tmpdir(), 'loadwire-read-bench-'));
  try {
    const path = join(dir, 'data.parquet');
    await writeParquetFile(path, file);
    const size = (await stat(path)).size;
    const r = await inChild('parquet-worker', { uri: path, importDir: dir, format: 'parquet' });
    if (r.rows !== file.rows) throw new Error(`loadwire decoded ${r.rows} rows, expected ${file.rows}`);
    const pageBytes = file.pageBytes ?? 1 << 20;
    const pageRows = file.pageRows ?? 20_000;
    const limits = [...(pageBytes > 0 ? [`${fmt(pageBytes / 1024)} KiB`] : []), ...(pageRows > 0 ? [`${fmt(pageRows)} rows`] : [])];
    const pages = limits.length > 0 ? `pages of ${limits.join(' / ')}` : 'one page per column chunk';
    log(
      `parquet: ${fmt(file.rows)} rows in groups of ${fmt(file.rowGroupRows ?? 100_000)}, ${pages}${file.wideBytes ? `, ${fmt(file.wideBytes)}-byte text column` : ''}, ${fmt(size / 1e6, 1)} MB: ` +
        `${fmt(r.rowsPerSec)} rows/s, ${fmt(r.mbPerSec, 1)} MB/s, ${fmt(r.seconds, 2)} s, peak RSS ${fmt(r.maxRssMb)} MB`,
    );
    return r;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function numberArg(argv: string[], name: string): number | undefined {
  const at = argv.indexOf(name);
  if (at < 0) return undefined;
  const n = Number(argv[at + 1]);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} takes a number`);
  return n;
}

async function main(argv: string[]): Promise<void> {
  const at = argv.indexOf('--case');
  if (at >= 0) {
    const name = argv[at + 1] as CaseName;
    const args = JSON.parse(argv[at + 2]!) as CaseArgs;
    const r = await runCase(name, args);
    process.stdout.write(`${JSON.stringify({ ...r, maxRssKb: peakRssKb() })}\n`);
    return;
  }
  if (argv.includes('--parquet-only')) {
    const pageKib = numberArg(argv, '--page-kib');
    const pageRows = numberArg(argv, '--page-rows');
    const wideBytes = numberArg(argv, '--wide-bytes');
    await benchParquet({
      rows: numberArg(argv, '--rows') ?? 1_000_000,
      rowGroupRows: numberArg(argv, '--row-group') ?? 100_000,
      ...(pageKib !== undefined ? { pageBytes: pageKib * 1024 } : {}),
      ...(pageRows !== undefined ? { pageRows } : {}),
      ...(wideBytes !== undefined ? { wideBytes } : {}),
    });
    return;
  }
  const size = argv.indexOf('--size-mb');
  await benchRead({ ...(size >= 0 ? { csvBytes: Number(argv[size + 1]) * 1e6 } : {}), ...(argv.includes('--skip-s3') ? { skipS3: true } : {}) });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).then(
    () => process.exit(0),
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
}


