// The owning side of a decode worker: start a read, receive batches, grant credits as they are
// consumed. Batches are bounded in bytes (~1 MiB of text) and at most `credits` are in flight,
// so memory stays constant whatever the file size.

import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { abortError } from '../sources/source.js';
import { batchFromData } from './batch-transfer.js';
import type { RowBatch } from './types.js';
import { deserializeError, type WorkerDecodeRequest, type WorkerReply, type WorkerRequest } from './worker-protocol.js';
import type { SourceRequest } from './worker-sources.js';

export interface DecodeWorkerOptions {
  /** Batches the worker may post ahead of the consumer. */
  readonly credits?: number;
}

/** True when loadwire runs from its .ts sources (tests) rather than the build. */
export const RUNNING_FROM_SOURCE = import.meta.url.endsWith('.ts');

/**
 * When loadwire runs from its TypeScript sources (tests), the worker needs the same: a module hook,
 * registered through `--import`, that compiles .ts files with the typescript package on load.
 */
export function sourceLoaderArgs(): string[] {
  const tsPath = createRequire(import.meta.url).resolve('typescript');
  const hooks = `
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
let ts;
export async function resolve(spec, ctx, next) {
  if (ctx.parentURL && ctx.parentURL.endsWith('.ts') && spec.endsWith('.js') && (spec.startsWith('.') || spec.startsWith('file:'))) {
    const url = new URL(spec.slice(0, -3) + '.ts', ctx.parentURL);
    if (existsSync(fileURLToPath(url))) return { url: url.href, shortCircuit: true };
  }
  return next(spec, ctx);
}
export async function load(url, ctx, next) {
  if (!url.endsWith('.ts')) return next(url, ctx);
  ts ??= createRequire(${JSON.stringify(tsPath)})(${JSON.stringify(tsPath)});
  const text = await readFile(fileURLToPath(url), 'utf8');
  const out = ts.transpileModule(text, { fileName: fileURLToPath(url), compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, sourceMap: false } });
  return { format: 'module', source: out.outputText, shortCircuit: true };
}`;
  const register = `import { register } from 'node:module'; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hooks)}`)});`;
  return ['--import', `data:text/javascript,${encodeURIComponent(register)}`];
}

interface Pending {
  queue: RowBatch[];
  done: boolean;
  error: Error | null;
  wake: (() => void) | null;
}

/** A worker thread that decodes objects, one or more at a time; reuse it across files. */
export class DecodeWorker {
  private readonly worker: Worker;
  private readonly reads = new Map<number, Pending>();
  private nextId = 1;
  private readonly credits: number;
  private failure: Error | null = null;
  private markReady: () => void = () => {};
  private failReady: (e: Error) => void = () => {};
  private readonly readyPromise: Promise<void>;

  constructor(opts: DecodeWorkerOptions = {}) {
    this.credits = opts.credits ?? 4;
    this.readyPromise = new Promise<void>((resolve, reject) => {
      this.markReady = resolve;
      this.failReady = reject;
    });
    // Nobody may be waiting for readiness: a failure is reported through the reads instead.
    this.readyPromise.catch(() => {});
    const url = new URL(RUNNING_FROM_SOURCE ? './decode-worker.ts' : './decode-worker.js', import.meta.url);
    this.worker = new Worker(url, RUNNING_FROM_SOURCE ? { execArgv: sourceLoaderArgs() } : {});
    this.worker.unref();
    this.worker.on('message', (msg: WorkerReply) => this.onMessage(msg));
    this.worker.on('error', (e) => this.failAll(e));
    this.worker.on('exit', (code) => {
      this.failAll(new Error(`decode worker exited with code ${code}`));
    });
  }

  /** The worker thread failed or exited: it can take no more work. */
  get failed(): boolean {
    return this.failure !== null;
  }

  /** Batches received from the worker and not yet taken by a consumer (bounded by the credits). */
  get queued(): number {
    let n = 0;
    for (const p of this.reads.values()) n += p.queue.length;
    return n;
  }

  private failAll(e: Error): void {
    this.failure ??= e;
    this.failReady(e);
    for (const p of this.reads.values()) {
      p.error ??= e;
      p.wake?.();
    }
  }

  /** Resolves once the worker has loaded its modules (a warm worker starts reading at once). */
  ready(): Promise<void> {
    return this.readyPromise;
  }

  private onMessage(msg: WorkerReply): void {
    if (msg.type === 'ready') {
      this.markReady();
      return;
    }
    const p = this.reads.get(msg.id);
    if (!p) return;
    switch (msg.type) {
      case 'batch':
        p.queue.push(batchFromData(msg.data));
        break;
      case 'done':
        p.done = true;
        break;
      case 'error':
        p.error = deserializeError(msg.error);
        break;
      default: {
        const never: never = msg;
        throw new Error(`unknown reply ${JSON.stringify(never)}`);
      }
    }
    p.wake?.();
    p.wake = null;
  }

  private send(msg: WorkerRequest): void {
    this.worker.postMessage(msg);
  }

  /** Has the worker get ready to read from `source` (load the S3 SDK, make the client) before a decode asks. */
  warm(source: SourceRequest): void {
    this.send({ type: 'warm', source });
  }

  /** Decodes one object in the worker; batches arrive in order. */
  async *decode(request: WorkerDecodeRequest, signal?: AbortSignal): AsyncGenerator<RowBatch> {
    if (this.failure) throw this.failure;
    const id = this.nextId++;
    const p: Pending = { queue: [], done: false, error: null, wake: null };
    this.reads.set(id, p);
    const onAbort = (): void => {
      this.send({ type: 'cancel', id });
      p.error ??= abortError(signal, `reading ${request.object.uri}`);
      p.wake?.();
    };
    if (signal?.aborted) throw abortError(signal, `reading ${request.object.uri}`);
    signal?.addEventListener('abort', onAbort, { once: true });
    this.worker.ref();
    this.send({ type: 'start', id, request, credits: this.credits });
    let finished = false;
    try {
      for (;;) {
        const next = p.queue.shift();
        if (next) {
          yield next;
          // The consumer is done with the batch: the worker may send another.
          this.send({ type: 'credit', id, n: 1 });
          continue;
        }
        if (p.error) throw p.error;
        if (p.done) {
          finished = true;
          return;
        }
        await new Promise<void>((resolve) => {
          p.wake = resolve;
        });
      }
    } finally {
      signal?.removeEventListener('abort', onAbort);
      // A consumer that stops early (break, error) cancels the read in the worker.
      if (!finished && !p.done && !p.error) this.send({ type: 'cancel', id });
      this.reads.delete(id);
      if (this.reads.size === 0) this.worker.unref();
    }
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}

/** One object, one short-lived worker. */
export async function* decodeInWorker(request: WorkerDecodeRequest, signal?: AbortSignal, opts?: DecodeWorkerOptions): AsyncGenerator<RowBatch> {
  const w = new DecodeWorker(opts);
  try {
    yield* w.decode(request, signal);
  } finally {
    await w.close();
  }
}
