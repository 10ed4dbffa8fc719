import { type FSWatcher, watch } from 'node:fs';
import { basename, dirname } from 'node:path';

/** A change is reported to the owner again after this long (see WalWatch.changed). */
const WAL_CHANGE_RECHECK_MS = 5;

/**
 * Tells its owner when a SQLite file's `-wal` changed, which is what a commit by any process
 * does: the operating system reports it at once (inotify on Linux). A subscription waiting at the
 * head of the event store learns so of another process's appends, and an instance without
 * runners of the projections' new checkpoints, without waiting for a poll. The directory is
 * watched, not the file, which SQLite may create and remove. Where the file system reports
 * nothing (network file systems, some container mounts) or the watch fails, the polls still find
 * the changes. The watch never keeps the process alive.
 */
export class WalWatch {
  private watcher: FSWatcher | undefined;
  private stopped = false;
  private recheckArmed = false;

  constructor(
    private readonly storeFile: string,
    private readonly onChange: () => void,
  ) {}

  /** Starts watching, once; a failure to watch leaves the poll to do the work. */
  start(): void {
    if (this.watcher !== undefined || this.stopped) return;
    const walName = `${basename(this.storeFile)}-wal`;
    try {
      this.watcher = watch(dirname(this.storeFile), { persistent: false }, (_event, name) => {
        if (name === walName) this.changed();
      });
      this.watcher.on('error', () => this.stop());
    } catch {
      this.stopped = true;
    }
  }

  /**
   * A change is reported when the frames are written, which can be just before the commit that
   * makes them visible: the owner is told at once and once more WAL_CHANGE_RECHECK_MS later, so a
   * commit seen early is not left to the poll.
   */
  private changed(): void {
    this.onChange();
    if (this.recheckArmed) return;
    this.recheckArmed = true;
    setTimeout(() => {
      this.recheckArmed = false;
      if (!this.stopped) this.onChange();
    }, WAL_CHANGE_RECHECK_MS).unref();
  }

  stop(): void {
    this.stopped = true;
    this.watcher?.close();
    this.watcher = undefined;
  }
}

/** Callers waiting for a change (a commit, a WAL change), each until one comes or its own timeout ends. */
export class ChangeWaiters {
  private readonly waiters = new Set<() => void>();

  get size(): number {
    return this.waiters.size;
  }

  /** Resolves at the next wakeAll, or after `timeoutMs`; `register` gets the wake of this wait alone (an unsubscribe calls it). */
  wait(timeoutMs: number, register?: (wake: () => void) => void): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.waiters.add(done);
      register?.(done);
    });
  }

  wakeAll(): void {
    for (const waiter of this.waiters) waiter();
  }
}
