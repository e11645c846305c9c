// The engine's knobs, named after the systems users know them from (StarRocks FE, Doris FE).

export interface JobLimits {
  /** One-shot jobs (SUBMIT JOB, IMPORT INTO) running at once. */
  readonly maxConcurrentJobs: number;
  /** StarRocks desired_max_waiting_jobs: PENDING one-shot jobs before new ones are refused. */
  readonly desiredMaxWaitingJobs: number;
  /** Doris max_streaming_job_num. */
  readonly maxStreamingJobNum: number;
  /** Doris job_streaming_task_exec_thread_num: streaming tasks running at once. */
  readonly streamingTaskExecThreadNum: number;
  /** Doris max_streaming_task_show_count: task records kept per streaming job. */
  readonly maxStreamingTaskShowCount: number;
  /** StarRocks label_keep_max_second: how long finished jobs (and their labels) are kept. */
  readonly labelKeepMaxSecond: number;
  readonly maxLoadTimeoutSecond: number;
  readonly minLoadTimeoutSecond: number;
  /** Timeout of a job that names none (StarRocks' Broker Load default, 4 hours). */
  readonly defaultLoadTimeoutSecond: number;
  /** Doris max_interval default: idle poll interval of a streaming job. */
  readonly defaultMaxIntervalSecond: number;
  /** Doris s3.max_batch_files / s3.max_batch_bytes defaults. */
  readonly defaultMaxBatchFiles: number;
  readonly defaultMaxBatchBytes: number;
  /** Auto-resume backoff of a streaming job paused by a failure: base * 2^(failures-1), capped. */
  readonly autoResumeBaseMs: number;
  readonly autoResumeMaxMs: number;
  /**
   * A one-shot job whose target failed transiently (restart, failover, lock conflict) is tried
   * again this many times, resuming after its last committed unit, with backoff base * 2^(n-1).
   */
  readonly targetRetries: number;
  readonly targetRetryBaseMs: number;
  /** How often finished jobs past retention are removed. */
  readonly retentionSweepMs: number;
  /** Error rows kept per job. */
  readonly maxErrorRowsPerJob: number;
}

export const DEFAULT_LIMITS: JobLimits = {
  maxConcurrentJobs: 4,
  desiredMaxWaitingJobs: 1024,
  maxStreamingJobNum: 1024,
  streamingTaskExecThreadNum: 10,
  maxStreamingTaskShowCount: 100,
  labelKeepMaxSecond: 3 * 24 * 3600,
  maxLoadTimeoutSecond: 3 * 24 * 3600,
  minLoadTimeoutSecond: 1,
  defaultLoadTimeoutSecond: 4 * 3600,
  defaultMaxIntervalSecond: 10,
  defaultMaxBatchFiles: 256,
  defaultMaxBatchBytes: 10 * 1024 ** 3,
  autoResumeBaseMs: 5_000,
  autoResumeMaxMs: 5 * 60_000,
  // 1 + 2 + 4 + 8 + 16 s: a server restart or a failover, not an outage.
  targetRetries: 5,
  targetRetryBaseMs: 1_000,
  retentionSweepMs: 60_000,
  maxErrorRowsPerJob: 1000,
};
