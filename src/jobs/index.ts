// The job engine's public API: open the store in the data directory, start the scheduler, hand the
// session its JobStatements port, and stop everything on daemon stop.

import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Loader } from '../load/contract.js';
import type { LoadMetrics } from '../ops/metrics.js';
import type { JobStatements } from '../session/session.js';
import { JobEngine, type Clock } from './engine.js';
import { EngineJobStatements } from './job-statements.js';
import type { JobLimits } from './limits.js';
import { JobStore } from './store/job-store.js';

export { JobEngine, systemClock, type Clock } from './engine.js';
export { EngineJobStatements } from './job-statements.js';
export { DEFAULT_LIMITS, type JobLimits } from './limits.js';
export { JobStore } from './store/job-store.js';

export const JOB_STORE_FILE = 'jobs.sqlite';

export interface JobServiceOptions {
  readonly dataDir: string;
  readonly loader: Loader;
  readonly logger?: Logger;
  readonly limits?: Partial<JobLimits>;
  readonly clock?: Clock;
  readonly metrics?: LoadMetrics;
}

export interface JobService {
  readonly statements: JobStatements;
  readonly engine: JobEngine;
  /** Throws when the job store cannot be read (for /readyz). */
  check(): void;
  /** Aborts running tasks (their jobs resume on the next start) and closes the store. */
  stop(): Promise<void>;
}

export function startJobService(options: JobServiceOptions): JobService {
  const store = JobStore.open(join(options.dataDir, JOB_STORE_FILE));
  const engine = new JobEngine({
    store,
    loader: options.loader,
    ...(options.limits === undefined ? {} : { limits: options.limits }),
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    ...(options.logger === undefined ? {} : { logger: options.logger }),
    ...(options.metrics === undefined ? {} : { metrics: options.metrics }),
  });
  engine.start();
  return {
    statements: new EngineJobStatements(engine),
    engine,
    check() {
      store.countJobsByState();
    },
    async stop() {
      await engine.stop();
      store.close();
    },
  };
}
