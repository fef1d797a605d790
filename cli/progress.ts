/**
 * Progress of long work (seeding, bulk import) on stderr: a bar redrawn in place when stderr is
 * a terminal; otherwise (a pipe, a log file, CI) a few plain count lines, so logs stay readable.
 */
import type { Io } from './output';

export interface Progress {
  /** `done` of `total` finished. */
  update(done: number, total?: number): void;
  /** Ends the bar, with a last line if given (e.g. "24 registered"); once only, later calls do nothing. */
  finish(summary?: string): void;
}

const BAR_WIDTH = 28;

export function progress(io: Io, label: string, total: number): Progress {
  const tty = io.stderr.isTTY === true;
  let last = -1;
  let lastQuarter = -1;
  let current = 0;
  let size = total;
  let finished = false;
  return {
    update(done, newTotal) {
      current = done;
      if (newTotal !== undefined) size = newTotal;
      if (size <= 0) return;
      if (tty) {
        const filled = Math.round((BAR_WIDTH * done) / size);
        if (filled === last && done !== size) return;
        last = filled;
        io.stderr.write(`\r${label} [${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}] ${done}/${size}`);
      } else {
        // Plain counts at each quarter, not one line per item.
        const quarter = Math.floor((4 * done) / size);
        if (quarter === lastQuarter) return;
        lastQuarter = quarter;
        io.stderr.write(`${label}: ${done}/${size}\n`);
      }
    },
    finish(summary) {
      if (finished) return;
      finished = true;
      if (tty && last >= 0) io.stderr.write('\n');
      if (summary) io.stderr.write(`${label}: ${summary}\n`);
      else if (!tty && current !== size) io.stderr.write(`${label}: ${current}/${size}\n`);
    },
  };
}
