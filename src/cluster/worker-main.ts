// Entry point of a front-end worker process; the primary forks this file (see primary.ts).

import { runWorker } from './worker.js';

runWorker().catch((err: unknown) => {
  process.stderr.write(`loadwire front-end worker failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
