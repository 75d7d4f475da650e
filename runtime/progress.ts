/**
 * The one progress printer: a line on stderr, redrawn in place on a terminal (at most every
 * 100 ms), a plain line every 10 s otherwise (logs, CI), cleared by `done`. `Rate` turns counts
 * into a rate over the last few seconds and an ETA.
 */
import { safeText } from './escape.ts';

interface ProgressPrinter {
  line(text: string): void;
  done(): void;
}

export function progressPrinter(stream: NodeJS.WriteStream = process.stderr): ProgressPrinter {
  const tty = stream.isTTY === true;
  let lastTty = 0;
  let lastPlain = 0;
  let shown = false;
  return {
    line(text) {
      const now = Date.now();
      if (tty) {
        if (now - lastTty < 100) return;
        lastTty = now;
        stream.write(`\r\x1b[2K${safeText(text)}`);
        shown = true;
      } else if (now - lastPlain >= 10_000) {
        lastPlain = now;
        stream.write(`${safeText(text)}\n`);
      }
    },
    done() {
      if (tty && shown) stream.write('\r\x1b[2K');
      shown = false;
    },
  };
}

/** Rate over a sliding window of about `windowMs`, and the ETA to `total`. */
export class Rate {
  private readonly start = performance.now();
  private win = { ms: this.start, done: 0 };
  private rate = 0;
  constructor(private readonly total: number, private readonly windowMs = 5000) {}
  update(done: number): { perSecond: number; etaMs: number | undefined; elapsedMs: number; fraction: number } {
    const now = performance.now();
    if (now - this.win.ms >= this.windowMs || this.rate === 0) {
      const r = (done - this.win.done) / Math.max(1e-9, (now - this.win.ms) / 1000);
      if (done > this.win.done) this.rate = r;
      this.win = { ms: now, done };
    }
    return {
      perSecond: this.rate,
      etaMs: this.rate > 0 ? ((this.total - done) / this.rate) * 1000 : undefined,
      elapsedMs: now - this.start,
      fraction: this.total > 0 ? done / this.total : 0,
    };
  }
}
