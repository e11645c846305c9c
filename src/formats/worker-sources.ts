// The sources a decode worker reads through, kept from one object to the next of the same
// location. A source per object meant a new S3 client per file: a new connection for every file
// of a many-file job (on real S3 a TLS handshake each), and for the first file of a job the SDK
// and client set up while the target waited (first batch ≈ 120–165 ms after the request here,
// most of it loading the SDK; a worker warmed by the job's listing now has it ready).

import { createSource, type SourceConfig } from '../sources/create-source.js';
import type { Source } from '../sources/source.js';

/** Where a worker reads from: the location as listed, its S3() properties, the daemon's settings. */
export interface SourceRequest {
  readonly uri: string;
  readonly properties?: Readonly<Record<string, string>>;
  readonly config: SourceConfig;
}

type SourceFactory = (uri: string, properties: Readonly<Record<string, string>>, config: SourceConfig) => Source;

/** Locations kept: a worker reads one object at a time, now and then for two jobs in turn. */
const KEPT = 2;

interface Kept {
  readonly source: Source;
  /** Reads running on it: an evicted source is closed once it has none. */
  reads: number;
  evicted: boolean;
}

export class WorkerSources {
  /** Most recently used last. */
  private readonly kept = new Map<string, Kept>();

  constructor(private readonly create: SourceFactory = createSource) {}

  private entry(req: SourceRequest): Kept {
    const key = JSON.stringify([req.uri, req.properties ?? {}, req.config]);
    let k = this.kept.get(key);
    if (k) this.kept.delete(key);
    else k = { source: this.create(req.uri, req.properties ?? {}, req.config), reads: 0, evicted: false };
    this.kept.set(key, k);
    for (const [oldest, old] of this.kept) {
      if (this.kept.size <= KEPT) break;
      this.kept.delete(oldest);
      old.evicted = true;
      if (old.reads === 0) old.source.close();
    }
    return k;
  }

  /** Runs `read` on the source for `req`: the one the last request with the same location and settings used. */
  async *read<T>(req: SourceRequest, read: (source: Source) => AsyncIterable<T>): AsyncGenerator<T> {
    const k = this.entry(req);
    k.reads++;
    try {
      yield* read(k.source);
    } finally {
      k.reads--;
      if (k.evicted && k.reads === 0) k.source.close();
    }
  }

  /** Sets up what the first read from `req` needs, ahead of it. A location that fails here fails again at the read, where there is someone to tell. */
  async warm(req: SourceRequest): Promise<void> {
    try {
      await this.entry(req).source.warm?.();
    } catch {
      // Reported by the read.
    }
  }

  close(): void {
    for (const k of this.kept.values()) k.source.close();
    this.kept.clear();
  }
}
