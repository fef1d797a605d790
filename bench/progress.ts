/**
 * The bench's progress on stderr: on a terminal one line redrawn in place (phase, bar, count,
 * rate, time left); otherwise, e.g. in CI logs, a line every tenth of the way.
 */
export class Progress {
  private readonly tty = Boolean(process.stderr.isTTY);
  private label = '';
  private total = 0;
  private done = 0;
  private started = 0;
  private lastDraw = 0;
  private lastTenth = -1;
  private readonly runStarted = Date.now();

  /** A step without a count (starting engines, waiting). */
  note(message: string): void {
    this.clearLine();
    process.stderr.write(`[bench ${this.clock()}] ${message}\n`);
  }

  /** Starts a counted step. */
  start(label: string, total: number): void {
    this.clearLine();
    this.label = label;
    this.total = total;
    this.done = 0;
    this.started = Date.now();
    this.lastTenth = -1;
    this.draw(true);
  }

  tick(n = 1): void {
    this.done += n;
    this.draw(this.done >= this.total);
  }

  /** Ends the counted step with a summary line. */
  finish(summary: string): void {
    this.clearLine();
    const secs = (Date.now() - this.started) / 1000;
    process.stderr.write(`[bench ${this.clock()}] ${this.label}: ${summary} (${secs.toFixed(1)} s)\n`);
    this.label = '';
  }

  private clock(): string {
    const s = Math.round((Date.now() - this.runStarted) / 1000);
    return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
  }

  private draw(force: boolean): void {
    const now = Date.now();
    const elapsed = (now - this.started) / 1000;
    const rate = elapsed > 0 ? this.done / elapsed : 0;
    const left = rate > 0 ? (this.total - this.done) / rate : NaN;
    const line = `${this.label} ${this.bar()} ${this.done}/${this.total}  ${rate.toFixed(1)}/s  ${Number.isFinite(left) ? `${Math.ceil(left)} s left` : ''}`;
    if (this.tty) {
      if (!force && now - this.lastDraw < 100) return;
      this.lastDraw = now;
      process.stderr.write(`\r\x1b[2K[bench ${this.clock()}] ${line}`);
      return;
    }
    const tenth = this.total > 0 ? Math.floor((this.done / this.total) * 10) : 10;
    if (tenth === this.lastTenth) return;
    this.lastTenth = tenth;
    process.stderr.write(`[bench ${this.clock()}] ${line}\n`);
  }

  private bar(): string {
    const width = 24;
    const filled = this.total > 0 ? Math.round((this.done / this.total) * width) : width;
    return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
  }

  private clearLine(): void {
    if (this.tty && this.label) process.stderr.write('\r\x1b[2K');
  }
}
