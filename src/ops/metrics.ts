// Prometheus metrics (prom-client). Rooms report through this small surface; none of them imports
// prom-client, so the protocol stays publishable on its own and tests can pass a no-op.

import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics, type Metric } from 'prom-client';

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
  private readonly statements = new StatementTally();
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
    for (const metric of this.statements.metrics()) this.registry.registerMetric(metric);
    this.jobs = new Gauge({ name: 'loadwire_jobs', help: 'Jobs by state', labelNames: ['state'], registers: [this.registry] });
    this.rows = new Counter({ name: 'loadwire_loaded_rows_total', help: 'Rows committed into targets', registers: [this.registry] });
    this.bytes = new Counter({ name: 'loadwire_loaded_bytes_total', help: 'Source bytes loaded', registers: [this.registry] });
    this.files = new Counter({ name: 'loadwire_loaded_files_total', help: 'Source files loaded', registers: [this.registry] });
    this.tasks = new Histogram({ name: 'loadwire_task_seconds', help: 'Load task duration, by outcome', labelNames: ['outcome'], buckets: [0.1, 0.5, 1, 5, 15, 60, 300, 1800, 7200], registers: [this.registry] });
    this.sourceErrors = new Counter({ name: 'loadwire_source_errors_total', help: 'S3/local source errors (transient ones were retried)', labelNames: ['kind'], registers: [this.registry] });
    this.targetErrors = new Counter({ name: 'loadwire_target_errors_total', help: 'Target errors (transient ones were retried)', labelNames: ['kind'], registers: [this.registry] });
  }

  statement(kind: string, errno: number | null, seconds: number): void {
    this.statements.add(kind, errno, seconds);
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

const STATEMENT_BUCKETS = [0.0005, 0.001, 0.005, 0.025, 0.1, 0.5, 2, 10, 60];

interface KindTally {
  /** Statements by result: 'ok' or the MySQL error number. */
  readonly results: Map<string, number>;
  /** Non-cumulative bucket counts; the last slot is +Inf. */
  readonly buckets: Float64Array;
  sum: number;
  count: number;
}

/**
 * loadwire_statements_total and loadwire_statement_seconds, counted in plain numbers and turned
 * into prom-client values only when scraped. prom-client's labelled children hash their labels on
 * every observation: that was a third of the JavaScript time of a `SELECT 1` round trip.
 */
class StatementTally {
  private readonly kinds = new Map<string, KindTally>();

  add(kind: string, errno: number | null, seconds: number): void {
    let tally = this.kinds.get(kind);
    if (!tally) {
      tally = { results: new Map(), buckets: new Float64Array(STATEMENT_BUCKETS.length + 1), sum: 0, count: 0 };
      this.kinds.set(kind, tally);
    }
    const result = errno === null ? 'ok' : String(errno);
    tally.results.set(result, (tally.results.get(result) ?? 0) + 1);
    let bucket = 0;
    while (bucket < STATEMENT_BUCKETS.length && seconds > STATEMENT_BUCKETS[bucket]!) bucket++;
    tally.buckets[bucket]!++;
    tally.sum += seconds;
    tally.count++;
  }

  /** The two metrics in the shape prom-client's registry (and its cluster aggregator) reads. */
  metrics(): Metric[] {
    const counter = scraped('loadwire_statements_total', 'Statements answered, by statement kind and result (ok or the MySQL error number)', 'counter', () =>
      [...this.kinds].flatMap(([kind, t]) => [...t.results].map(([result, value]) => ({ labels: { kind, result }, value }))),
    );
    const histogram = scraped('loadwire_statement_seconds', 'Statement latency', 'histogram', () =>
      [...this.kinds].flatMap(([kind, t]) => {
        let cumulative = 0;
        const buckets = [...STATEMENT_BUCKETS, '+Inf' as const].map((le, i) => {
          cumulative += t.buckets[i]!;
          return { labels: { le, kind }, value: cumulative, metricName: 'loadwire_statement_seconds_bucket' };
        });
        return [...buckets, { labels: { kind }, value: t.sum, metricName: 'loadwire_statement_seconds_sum' }, { labels: { kind }, value: t.count, metricName: 'loadwire_statement_seconds_count' }];
      }),
    );
    return [counter, histogram];
  }
}

interface ScrapedValue {
  labels: Record<string, string | number>;
  value: number;
  metricName?: string;
}

/** A metric whose values are computed when scraped; the registry only calls get(). */
function scraped(name: string, help: string, type: 'counter' | 'histogram', values: () => ScrapedValue[]): Metric {
  const metric = { name, help, type, aggregator: 'sum', get: async () => ({ name, help, type, aggregator: 'sum', values: values() }) };
  // prom-client types registerMetric() as taking its own classes.
  return metric as unknown as Metric;
}
