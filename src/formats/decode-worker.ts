// Worker-thread entry: reads and decodes objects so that parsing (and gunzip / zstd, which are
// CPU too) never runs on the thread that answers MySQL clients. The main side grants credits;
// a batch is posted only against a credit, so at most `credits` batches are in flight and a slow
// consumer stops the reading here, and with it the socket.

import { parentPort } from 'node:worker_threads';
import { batchData } from './batch-transfer.js';
import { decodeObject } from './decode.js';
import type { WorkerRequest, WorkerReply, WorkerDecodeRequest } from './worker-protocol.js';
import { serializeError } from './worker-protocol.js';
import { WorkerSources } from './worker-sources.js';

interface Job {
  credits: number;
  wake: (() => void) | null;
  abort: AbortController;
}

const jobs = new Map<number, Job>();
const sources = new WorkerSources();
const port = parentPort;

function post(msg: WorkerReply, transfer: ArrayBuffer[] = []): void {
  port?.postMessage(msg, transfer);
}

async function run(id: number, req: WorkerDecodeRequest, job: Job): Promise<void> {
  const batches = sources.read(req, (source) => decodeObject(source, req.object, req.spec, { ...req.options, signal: job.abort.signal }));
  for await (const batch of batches) {
    while (job.credits <= 0) {
      await new Promise<void>((resolve) => {
        job.wake = resolve;
      });
      if (job.abort.signal.aborted) return;
    }
    job.credits--;
    const { data, transfer } = batchData(batch);
    post({ type: 'batch', id, data }, transfer);
  }
  post({ type: 'done', id });
}

// Modules are loaded by the time this runs: tell the owner the worker can take work.
post({ type: 'ready' });

port?.on('message', (msg: WorkerRequest) => {
  switch (msg.type) {
    case 'start': {
      const job: Job = { credits: msg.credits, wake: null, abort: new AbortController() };
      jobs.set(msg.id, job);
      run(msg.id, msg.request, job)
        .catch((e: unknown) => {
          if (!job.abort.signal.aborted) post({ type: 'error', id: msg.id, error: serializeError(e) });
          else post({ type: 'done', id: msg.id });
        })
        .finally(() => jobs.delete(msg.id));
      break;
    }
    case 'credit': {
      const job = jobs.get(msg.id);
      if (job) {
        job.credits += msg.n;
        job.wake?.();
        job.wake = null;
      }
      break;
    }
    case 'warm':
      void sources.warm(msg.source);
      break;
    case 'cancel': {
      const job = jobs.get(msg.id);
      if (job) {
        job.abort.abort();
        job.wake?.();
        job.wake = null;
      }
      break;
    }
    default: {
      const never: never = msg;
      throw new Error(`unknown message ${JSON.stringify(never)}`);
    }
  }
});
