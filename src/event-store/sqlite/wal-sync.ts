import { closeSync, fsync, fsyncSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { promisify } from 'node:util';

const fsyncAsync = promisify(fsync);

/**
 * Durability for a WAL-mode SQLite connection run with synchronous = NORMAL: a commit writes its
 * frames to the -wal file without fsync, and this fsyncs that file afterwards. One fsync makes
 * every commit written before it durable (the frames are sequential and checksummed; recovery
 * replays them up to the last whole commit), whichever connection or process wrote them. The
 * asynchronous form runs in libuv's thread pool, so the event loop keeps working while the disk
 * flushes; a commit is reported only after an fsync that started after it resolved.
 */
export class WalSync {
  private fd: number | undefined;
  private running: Promise<void> | undefined;
  private next: Promise<void> | undefined;

  constructor(
    private readonly dbFilePath: string,
    /** The flush itself (tests count and time it). */
    private readonly fsyncFd: (fd: number) => Promise<void> = fsyncAsync,
  ) {}

  /** True for ':memory:' (no file, nothing to flush). */
  get inMemory(): boolean {
    return this.dbFilePath === ':memory:';
  }

  /** Resolves once every commit made before the call is on disk; concurrent callers share fsyncs. */
  sync(): Promise<void> {
    if (this.inMemory) return Promise.resolve();
    if (this.running === undefined) {
      this.running = this.flush().finally(() => {
        this.running = undefined;
      });
      return this.running;
    }
    // The running fsync may have started before the caller's commit: the one after it covers it.
    this.next ??= this.running
      .catch(() => undefined)
      .then(() => {
        this.next = undefined;
        return this.sync();
      });
    return this.next;
  }

  /** The same, blocking: for the synchronous API of a store. */
  syncNow(): void {
    if (!this.inMemory) fsyncSync(this.walFd());
  }

  /** After the last sync: closes the file handle. */
  async close(): Promise<void> {
    await this.next?.catch(() => undefined);
    await this.running?.catch(() => undefined);
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  /** For a synchronous close: the handle closes now, or after the fsyncs still running (never under them). */
  closeNow(): void {
    if (this.running !== undefined || this.next !== undefined) {
      void this.close();
      return;
    }
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  private async flush(): Promise<void> {
    await this.fsyncFd(this.walFd());
  }

  /** Opened on first use (the -wal file exists once the connection committed); its directory entry is made durable once. */
  private walFd(): number {
    if (this.fd !== undefined) return this.fd;
    const fd = openSync(`${this.dbFilePath}-wal`, 'r');
    const directory = openSync(dirname(this.dbFilePath), 'r');
    try {
      fsyncSync(directory);
    } finally {
      closeSync(directory);
    }
    this.fd = fd;
    return fd;
  }
}
