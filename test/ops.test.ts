// The health and metrics endpoint of a real daemon: liveness, readiness (and its failure when the
// target goes away), and Prometheus counters that move with the traffic.

import mysql from 'mysql2/promise';
import { afterAll, describe, expect, it } from 'vitest';
import { startMariaDb } from './harness/mariadb.js';
import { startS3 } from './harness/s3.js';
import { startTestDaemon, type TestDaemon } from './support/daemon.js';

const daemons: TestDaemon[] = [];
afterAll(async () => {
  for (const d of daemons) await d.stop();
});

async function get(port: number, path: string): Promise<{ status: number; body: string }> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: res.status, body: await res.text() };
}

function counter(text: string, name: string, labels: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}}`));
  return line ? Number(line.split(' ').pop()) : 0;
}

describe('/healthz, /readyz and /metrics', () => {
  it('reports liveness, readiness, and counts connections and statements by kind and error code', async () => {
    const d = await startTestDaemon(['--http-port', '0']);
    daemons.push(d);
    const ops = d.daemon.opsPort!;
    expect(await get(ops, '/healthz')).toEqual({ status: 200, body: '{"status":"ok"}\n' });
    const ready = await get(ops, '/readyz');
    expect(ready.status).toBe(200);
    expect(JSON.parse(ready.body)).toEqual({ status: 'ready', checks: { target: 'ok', jobStore: 'ok' } });
    expect((await get(ops, '/nope')).status).toBe(404);

    const before = (await get(ops, '/metrics')).body;
    const c = await mysql.createConnection({ host: '127.0.0.1', port: d.port, user: 'root' });
    await c.query('SELECT 1');
    await c.query('SELECT 2');
    await c.query('SELECT 1 +').catch(() => undefined);
    const [rows] = await c.query('SHOW DATABASES');
    expect(rows).toBeTruthy();
    const after = (await get(ops, '/metrics')).body;
    expect(counter(after, 'loadwire_statements_total', 'kind="select",result="ok"') - counter(before, 'loadwire_statements_total', 'kind="select",result="ok"')).toBe(2);
    expect(counter(after, 'loadwire_statements_total', 'kind="unparsed",result="1064"')).toBeGreaterThanOrEqual(1);
    // Latency histogram: SELECT 1 is fast, so both land in the first bucket and in +Inf.
    const selects = (text: string, series: string): number => counter(text, `loadwire_statement_seconds_${series}`, series === 'bucket' ? 'le="+Inf",kind="select"' : 'kind="select"');
    expect(selects(after, 'count') - selects(before, 'count')).toBe(2);
    expect(selects(after, 'bucket') - selects(before, 'bucket')).toBe(2);
    expect(after).toMatch(/^# TYPE loadwire_statement_seconds histogram$/m);
    expect(after).toMatch(/^loadwire_connections 1$/m);
    expect(after).toContain('loadwire_process_resident_memory_bytes');
    await c.end();
  });

  it('is not ready (503, naming the cause) when a MySQL target goes away', async () => {
    const mariadb = await startMariaDb();
    const d = await startTestDaemon(['--http-port', '0', '--target', mariadb.url]);
    daemons.push(d);
    const ops = d.daemon.opsPort!;
    expect((await get(ops, '/readyz')).status).toBe(200);
    await mariadb.stop();
    const down = await get(ops, '/readyz');
    expect(down.status).toBe(503);
    expect(JSON.parse(down.body).checks.target).toMatch(/not reachable/);
    expect((await get(ops, '/healthz')).status).toBe(200);
  });

  it('counts S3 errors met by a job', async () => {
    const s3 = await startS3();
    try {
      await s3.createBucket('ops');
      const d = await startTestDaemon(['--http-port', '0']);
      daemons.push(d);
      const ops = d.daemon.opsPort!;
      const c = await mysql.createConnection({ host: '127.0.0.1', port: d.port, user: 'root' });
      await c.query('CREATE DATABASE lw');
      await c.query('CREATE TABLE lw.t (id INT)');
      const uri = `s3://ops/missing.csv?endpoint=${encodeURIComponent(s3.endpoint)}&access-key=${s3.accessKey}&secret-access-key=${s3.secretKey}&force-path-style=true`;
      await expect(c.query(`IMPORT INTO lw.t FROM '${uri}'`)).rejects.toThrow(/missing\.csv/);
      await c.end();
      const metrics = (await get(ops, '/metrics')).body;
      expect(counter(metrics, 'loadwire_source_errors_total', 'kind="permanent"')).toBe(1);
      expect(counter(metrics, 'loadwire_source_errors_total', 'kind="transient"')).toBe(0);
    } finally {
      await s3.stop();
    }
  });
});
