// Prometheus metrics (prom-client). Rooms report through this small surface; none of them imports
// prom-client, so the protocol stays publishable on its own and tests can pass a no-op.

import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface StatementMetrics {
  /** One statement answered: its AST kind and the error number it failed with, if any. */
  statement(kind: string, errno: number | null, seconds: number): void;
}

export interface LoadMetrics {
  /** `from` null: a new job (or one found on start); `to` null: the job was removed (DROP JOB, retention). */
  jobStateChanged(from: string | null, to: string | null): void;
  loaded(rows: number, bytes: number, files: number): void;
  taskFinished(seconds: number, outcome: 'succeeded' | 'failed' | 'cancelled'): void;
  sourceError(kind: 'transient' | 'permanent'): void;
  targetError(kind: 'transient' | 'permanent'): void;
}

export class Metrics implements StatementMetrics, LoadMetrics {
  readonly registry = new Registry();
  private readonly statements: Counter;
  private readonly statementSeconds: Histogram;
  private readonly jobs: Gauge;
  private readonly rows: Counter;
  private readonly bytes: Counter;
  private readonly files: Counter;
  private readonly tasks: Histogram;
  private readonly sourceErrors: Counter;
  private readonly targetErrors: Counter;

  constructor(sources: { connections: () => number; connectionsTotal: () => number }) {
    collectDefaultMetrics({ register: this.registry, prefix: 'loadwire_' });
    new Gauge({
      name: 'loadwire_connections', help: 'Client connections open now', registers: [this.registry],
      collect() {
        this.set(sources.connections());
      },
    });
    new Gauge({
      name: 'loadwire_connections_accepted', help: 'Client connections accepted since start', registers: [this.registry],
      collect() {
        this.set(sources.connectionsTotal());
      },
    });
    this.statements = new Counter({ name: 'loadwire_statements_total', help: 'Statements answered, by statement kind and result (ok or the MySQL error number)', labelNames: ['kind', 'result'], registers: [this.registry] });
    this.statementSeconds = new Histogram({ name: 'loadwire_statement_seconds', help: 'Statement latency', labelNames: ['kind'], buckets: [0.0005, 0.001, 0.005, 0.025, 0.1, 0.5, 2, 10, 60], registers: [this.registry] });
    this.jobs = new Gauge({ name: 'loadwire_jobs', help: 'Jobs by state', labelNames: ['state'], registers: [this.registry] });
    this.rows = new Counter({ name: 'loadwire_loaded_rows_total', help: 'Rows committed into targets', registers: [this.registry] });
    this.bytes = new Counter({ name: 'loadwire_loaded_bytes_total', help: 'Source bytes loaded', registers: [this.registry] });
    this.files = new Counter({ name: 'loadwire_loaded_files_total', help: 'Source files loaded', registers: [this.registry] });
    this.tasks = new Histogram({ name: 'loadwire_task_seconds', help: 'Load task duration, by outcome', labelNames: ['outcome'], buckets: [0.1, 0.5, 1, 5, 15, 60, 300, 1800, 7200], registers: [this.registry] });
    this.sourceErrors = new Counter({ name: 'loadwire_source_errors_total', help: 'S3/local source errors (transient ones were retried)', labelNames: ['kind'], registers: [this.registry] });
    this.targetErrors = new Counter({ name: 'loadwire_target_errors_total', help: 'Target errors (transient ones were retried)', labelNames: ['kind'], registers: [this.registry] });
  }

  // Label lookups hash their label set on every call; on the `SELECT 1` path that was 3.4% of the
  // CPU, so the bound children are kept per kind/result.
  private readonly statementChildren = new Map<string, { count: { inc(): void }; seconds: { observe(v: number): void } }>();

  statement(kind: string, errno: number | null, seconds: number): void {
    const result = errno === null ? 'ok' : String(errno);
    const key = `${kind}\0${result}`;
    let child = this.statementChildren.get(key);
    if (!child) {
      child = { count: this.statements.labels(kind, result), seconds: this.statementSeconds.labels(kind) };
      this.statementChildren.set(key, child);
    }
    child.count.inc();
    child.seconds.observe(seconds);
  }

  jobStateChanged(from: string | null, to: string | null): void {
    if (from !== null) this.jobs.dec({ state: from });
    if (to !== null) this.jobs.inc({ state: to });
  }

  loaded(rows: number, bytes: number, files: number): void {
    this.rows.inc(rows);
    this.bytes.inc(bytes);
    this.files.inc(files);
  }

  taskFinished(seconds: number, outcome: 'succeeded' | 'failed' | 'cancelled'): void {
    this.tasks.observe({ outcome }, seconds);
  }

  sourceError(kind: 'transient' | 'permanent'): void {
    this.sourceErrors.inc({ kind });
  }

  targetError(kind: 'transient' | 'permanent'): void {
    this.targetErrors.inc({ kind });
  }
}
