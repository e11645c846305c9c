// The error counters operators watch (issue 7): S3 retries and failures as the sources meet them
// (throttling and cut connections through the fault proxy, a missing object, an unreachable
// endpoint), failures from reads in decode workers, and target errors by kind.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SourceSpec } from '../src/load/contract.js';
import { createLoader } from '../src/load/loader.js';
import { SqlError } from '../src/protocol/sql-error.js';
import { createSource } from '../src/sources/create-source.js';
import type { S3Defaults } from '../src/sources/s3-source.js';
import { readAll, type ObjectInfo } from '../src/sources/source.js';
import { targetErrorKind } from '../src/targets/bulk-writer.js';
import { EmbeddedBulkWriter } from '../src/targets/embedded/bulk-writer.js';
import { EmbeddedTarget } from '../src/targets/embedded/embedded-target.js';
import { startFaultProxy, type FaultProxy } from './harness/fault-proxy.js';
import { csvSource, importMapping, request } from './harness/load-request.js';
import { startS3, type S3Instance } from './harness/s3.js';

const BUCKET = 'metrics';
const FAST_RETRY = { attempts: 4, baseMs: 5, capMs: 20 };

let s3: S3Instance;
let proxy: FaultProxy;
let dir: string;

/** A metrics hook that tallies what it is told. */
function tally() {
  const counts = { source: { transient: 0, permanent: 0 }, target: { transient: 0, permanent: 0 } };
  return {
    counts,
    sourceError: (kind: 'transient' | 'permanent') => void counts.source[kind]++,
    targetError: (kind: 'transient' | 'permanent') => void counts.target[kind]++,
  };
}

function s3Defaults(endpoint = s3.endpoint): S3Defaults {
  return { endpoint, accessKey: s3.accessKey, secretKey: s3.secretKey, region: 'us-east-1', forcePathStyle: true, retry: FAST_RETRY };
}

async function list(uri: string, metrics: ReturnType<typeof tally>, endpoint?: string): Promise<ObjectInfo[]> {
  const src = createSource(uri, {}, { importDir: dir, s3: s3Defaults(endpoint), metrics });
  try {
    const out: ObjectInfo[] = [];
    for await (const o of src.list()) out.push(o);
    return out;
  } finally {
    src.close();
  }
}

beforeAll(async () => {
  s3 = await startS3();
  proxy = await startFaultProxy(s3.port);
  await s3.createBucket(BUCKET);
  await s3.put(BUCKET, 'a.csv', '1,ann,3,x\n2,bob,4,y\n');
  await s3.put(BUCKET, 'big.csv', Array.from({ length: 20_000 }, (_, i) => `${i},n${i},${i},note`).join('\n') + '\n');
  dir = mkdtempSync(join(tmpdir(), 'loadwire-metrics-'));
}, 60_000);

afterAll(async () => {
  await proxy?.stop();
  await s3?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('source error counters', () => {
  it('count each retried request as transient and each given-up one as permanent', async () => {
    const throttled = tally();
    proxy.throttleNext(2);
    expect(await list(`s3://${BUCKET}/*.csv`, throttled, proxy.endpoint)).toHaveLength(2);
    expect(throttled.counts.source).toEqual({ transient: 2, permanent: 0 });

    const missing = tally();
    await expect(list(`s3://${BUCKET}/missing.csv`, missing)).rejects.toMatchObject({ errno: 8160 });
    expect(missing.counts.source).toEqual({ transient: 0, permanent: 1 });

    const unreachable = tally();
    await expect(list(`s3://${BUCKET}/a.csv`, unreachable, 'http://127.0.0.1:1')).rejects.toMatchObject({ transient: true });
    expect(unreachable.counts.source).toEqual({ transient: FAST_RETRY.attempts - 1, permanent: 1 });
  });

  it('count a read resumed after a cut connection as a retry', async () => {
    const m = tally();
    const src = createSource(`s3://${BUCKET}/big.csv`, {}, { importDir: dir, s3: s3Defaults(proxy.endpoint), metrics: m });
    const [obj] = await readAllObjects(src.list());
    proxy.cutResponsesAfter(100_000, 1);
    const got = await readAll(src.open(obj!));
    src.close();
    expect(got.length).toBe(obj!.size);
    expect(m.counts.source).toEqual({ transient: 1, permanent: 0 });
  });
});

async function readAllObjects(items: AsyncIterable<ObjectInfo>): Promise<ObjectInfo[]> {
  const out: ObjectInfo[] = [];
  for await (const o of items) out.push(o);
  return out;
}

describe('the loader reports source and target errors', () => {
  // One loader for both tests: a decode worker starting from the TypeScript sources costs seconds.
  let m = tally();
  let loader: ReturnType<typeof createLoader>;
  beforeAll(async () => {
    const target = EmbeddedTarget.open({ directory: join(dir, 'w') });
    await target.execute('CREATE DATABASE w', { database: null });
    await target.execute('CREATE TABLE t (id INT PRIMARY KEY, name VARCHAR(8) NOT NULL, qty INT, note VARCHAR(20))', { database: 'w' });
    await target.close();
    // Decoding in a worker, as the daemon does: the hook must stay on this side of the thread.
    loader = createLoader({
      writer: new EmbeddedBulkWriter({ directory: join(dir, 'w') }), sources: { importDir: dir, s3: s3Defaults() },
      metrics: { sourceError: (kind) => m.sourceError(kind), targetError: (kind) => m.targetError(kind) },
    });
  });
  beforeEach(() => {
    m = tally();
  });

  const source: SourceSpec = csvSource(`s3://${BUCKET}/a.csv`);
  const files = () => loader.listFiles(source, { signal: new AbortController().signal });
  const job = (list: Awaited<ReturnType<typeof files>>, table = 't', jobId = 'job-1') =>
    ({ jobId, database: 'w', table, source, files: list, mapping: importMapping(['id', 'name', 'qty', 'note']) });

  it('loads through a decode worker with the hook set, counting nothing when nothing fails', async () => {
    expect(await loader.load(request(job(await files())).request)).toMatchObject({ rowsLoaded: 2 });
    expect(m.counts).toEqual({ source: { transient: 0, permanent: 0 }, target: { transient: 0, permanent: 0 } });
  });

  it('counts a read the worker gave up on, a target failure, and not an abort', async () => {
    const list = await files();
    // Gone between listing and reading: the worker's GetObject fails for good.
    const gone = list.map((f) => ({ ...f, uri: `s3://${BUCKET}/gone.csv`, key: 'gone.csv' }));
    await expect(loader.load(request(job(gone, 't', 'job-2')).request)).rejects.toMatchObject({ errno: 8160 });
    expect(m.counts.source).toEqual({ transient: 0, permanent: 1 });

    await expect(loader.load(request(job(list, 'nope', 'job-3')).request)).rejects.toMatchObject({ errno: 1146 });
    expect(m.counts.target).toEqual({ transient: 0, permanent: 1 });

    const ac = new AbortController();
    ac.abort(new SqlError('ER_QUERY_INTERRUPTED', 'cancelled'));
    await expect(loader.load(request(job(list, 't', 'job-4'), { signal: ac.signal }).request)).rejects.toMatchObject({ errno: 1317 });
    expect(m.counts).toEqual({ source: { transient: 0, permanent: 1 }, target: { transient: 0, permanent: 1 } });
  });
});

describe('target error kinds', () => {
  it('are transient for lost connections, deadlocks and lock waits; an interruption is not an error', () => {
    expect(targetErrorKind(new SqlError('ER_LOCK_WAIT_TIMEOUT', 'Lock wait timeout exceeded'))).toBe('transient');
    expect(targetErrorKind(SqlError.fromServer(1213, '40001', 'Deadlock found when trying to get lock'))).toBe('transient');
    expect(targetErrorKind(new SqlError('ER_NET_READ_ERROR', 'Target 127.0.0.1:3306 is not reachable: ECONNRESET'))).toBe('transient');
    expect(targetErrorKind(Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' }))).toBe('transient');
    expect(targetErrorKind(new SqlError('ER_NO_SUCH_TABLE', "Table 'w.t' doesn't exist"))).toBe('permanent');
    expect(targetErrorKind(new SqlError('ER_DUP_ENTRY', "Duplicate entry '1' for key 'PRIMARY'"))).toBe('permanent');
    expect(targetErrorKind(new SqlError('ER_QUERY_INTERRUPTED', 'Query execution was interrupted'))).toBeNull();
  });
});
