/** The progress line of a training run (train, experiments). */
import { duration } from '../reports/format.ts';
import type { StepRecord } from '../gpu-runs/trace.ts';
import { progressPrinter } from '../runtime/progress.ts';

/**
 * Progress on stderr (one line, redrawn on a terminal at most every 100 ms, a plain line every
 * 10 s otherwise): steps, steps/s over the last few seconds, ETA, J, ||V||^2, eta, RSS.
 */
export function trainProgress(total: number, label = ''): { update(rec: StepRecord): void; done(): void } {
  const out = progressPrinter();
  const start = performance.now();
  let last = 0;
  let window = { ms: start, t: 0 };
  let rate = 0;
  return {
    update(rec) {
      const now = performance.now();
      if (now - last < 100 && rec.t < total) return;
      last = now;
      if (now - window.ms >= 5000 || rate === 0) {
        const r = (rec.t - window.t) / Math.max(1e-9, (now - window.ms) / 1000);
        if (rec.t > window.t) rate = r;
        window = { ms: now, t: rec.t };
      }
      const eta = rate > 0 ? duration(((total - rec.t) / rate) * 1000) : '?';
      const pct = total > 0 ? ` (${((100 * rec.t) / total).toFixed(1)} %)` : '';
      const rss = (process.memoryUsage.rss() / 2 ** 20).toFixed(0);
      out.line(`${label}step ${rec.t}/${total}${pct}  ${rate.toFixed(1)} steps/s  ETA ${eta}  J ${rec.J.toPrecision(6)}  ||V||^2 ${rec.Vsq.toPrecision(4)}  eta ${rec.eta.toPrecision(3)}  RSS ${rss} MB  (${duration(now - start)})`);
    },
    done: () => out.done(),
  };
}
