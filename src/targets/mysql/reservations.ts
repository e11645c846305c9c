// Connections promised to the tasks writing through one pool. A task takes every connection it
// will hold at once (its session and its lanes) before it takes any: tasks that each held some
// and waited for the rest would wait for each other for ever (eight streaming tasks on a pool of
// eight did: each held its session connection and waited for a lane).

import { SqlError } from '../../protocol/sql-error.js';

/** What a wait ends with when `signal` aborts it: the abort's own error (a CANCEL's), else an interruption. */
function interrupted(signal: AbortSignal | undefined): SqlError {
  const reason: unknown = signal?.reason;
  return reason instanceof SqlError ? reason : new SqlError('ER_QUERY_INTERRUPTED', 'Query execution was interrupted (waiting for a target connection)');
}

interface Waiter {
  readonly count: number;
  readonly grant: () => void;
}

export class Reservations {
  private free: number;
  private readonly waiting: Waiter[] = [];

  constructor(readonly size: number) {
    this.free = size;
  }

  /**
   * Waits until `count` connections (at most `size`) are free, first come first served, and takes
   * them; resolves to the function that gives them back: `n` of them, or all it still holds (none
   * twice, however often it is called).
   */
  async take(count: number, signal?: AbortSignal): Promise<(n?: number) => void> {
    const n = Math.min(count, this.size);
    if (signal?.aborted) throw interrupted(signal);
    if (this.waiting.length === 0 && this.free >= n) {
      this.free -= n;
      return this.releaser(n);
    }
    await new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        count: n,
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = (): void => {
        this.waiting.splice(this.waiting.indexOf(waiter), 1);
        // Those behind it may fit now.
        this.grant();
        reject(interrupted(signal));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(waiter);
    });
    return this.releaser(n);
  }

  /** Connections free and tasks waiting for some, for tests and diagnostics. */
  get state(): { free: number; waiting: number } {
    return { free: this.free, waiting: this.waiting.length };
  }

  private releaser(n: number): (k?: number) => void {
    let held = n;
    return (k = held) => {
      const back = Math.max(0, Math.min(k, held));
      if (back === 0) return;
      held -= back;
      this.free += back;
      this.grant();
    };
  }

  private grant(): void {
    while (this.waiting.length > 0 && this.free >= this.waiting[0]!.count) {
      const next = this.waiting.shift()!;
      this.free -= next.count;
      next.grant();
    }
  }
}
