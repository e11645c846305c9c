// One writer at a time per warehouse database file, in this process, waited for asynchronously.
// SQLite allows one write transaction per database; a load lane keeps its transaction open across
// awaits (a whole commit unit), and a synchronous BEGIN IMMEDIATE on another connection would then
// busy-wait on the event loop — which the lane needs to finish — until it fails with "database is
// locked". Every writer to a warehouse file (load lanes, publish, user statements) takes this lock
// first, so writers queue instead of failing or freezing the daemon.

type Release = () => void;

class FileLock {
  private tail: Promise<void> = Promise.resolve();

  /** FIFO: resolves with the release function once every earlier holder has released. */
  acquire(): Promise<Release> {
    let release!: Release;
    const held = new Promise<void>((resolve) => (release = resolve));
    const before = this.tail;
    this.tail = before.then(() => held);
    return before.then(() => release);
  }
}

const locks = new Map<string, FileLock>();

function lockOf(file: string): FileLock {
  let lock = locks.get(file);
  if (!lock) {
    lock = new FileLock();
    locks.set(file, lock);
  }
  return lock;
}

export function acquireWriteLock(file: string): Promise<Release> {
  return lockOf(file).acquire();
}

/** Several files at once, always in the same (sorted) order, so two such holders cannot deadlock. */
export async function acquireWriteLocks(files: readonly string[]): Promise<Release> {
  const releases: Release[] = [];
  for (const f of [...new Set(files)].sort()) releases.push(await acquireWriteLock(f));
  return () => {
    for (const r of releases.reverse()) r();
  };
}

export async function withWriteLock<T>(file: string, work: () => T): Promise<T> {
  const release = await acquireWriteLock(file);
  try {
    return work();
  } finally {
    release();
  }
}
