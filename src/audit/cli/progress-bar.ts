/** Redraws at most this often: a bar that repaints per event would cost more than the work. */
const REDRAW_INTERVAL_MS = 200;
const BAR_WIDTH_CHARS = 30;
/** Without a terminal (a log file, CI), a line at each tenth instead of a redrawn bar. */
const LOG_STEP_PERCENT = 10;

/** A progress bar on stderr, so that stdout stays the command's output. */
export class ProgressBar {
  private lastDrawMs = 0;
  private lastLoggedStep = -1;
  private readonly tty: boolean;

  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {
    this.tty = stream.isTTY === true;
  }

  update(done: number, force = false): void {
    const fraction = this.total > 0 ? Math.min(1, done / this.total) : 1;
    const percent = Math.floor(fraction * 100);
    if (!this.tty) {
      const step = Math.floor(percent / LOG_STEP_PERCENT);
      if (step === this.lastLoggedStep) return;
      this.lastLoggedStep = step;
      this.stream.write(`${this.label}: ${percent}% (${done}/${this.total})\n`);
      return;
    }
    const now = Date.now();
    if (!force && now - this.lastDrawMs < REDRAW_INTERVAL_MS) return;
    this.lastDrawMs = now;
    const filled = Math.round(fraction * BAR_WIDTH_CHARS);
    this.stream.write(`\r${this.label} [${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH_CHARS - filled)}] ${String(percent).padStart(3)}% ${done}/${this.total}`);
  }

  finish(done: number): void {
    this.update(done, true);
    if (this.tty) this.stream.write('\n');
  }
}
