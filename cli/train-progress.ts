/** What the training commands (train, experiments) share at the edge: the progress line, and their input errors as usage errors. */
import { duration } from '../reports/format.ts';
import type { StepRecord } from '../gpu-runs/trace.ts';
import { TrainInputError } from '../gpu-runs/train-file.ts';
import { TrainError } from '../gpu-runs/trainer.ts';
import { DatasetError } from '../gpu-runs/data/dataset.ts';
import { oneLine } from '../runtime/escape.ts';
import { Rate, progressPrinter } from '../runtime/progress.ts';
import { UsageError } from './args.ts';

/**
 * Progress on stderr (runtime/progress.ts: one line, redrawn on a terminal, a plain line every
 * 10 s otherwise): steps, steps/s over the last few seconds, ETA, J, ||V||^2, eta, RSS.
 */
export function trainProgress(total: number, label = ''): { update(rec: StepRecord): void; done(): void } {
  const out = progressPrinter();
  const rate = new Rate(total);
  return {
    update(rec) {
      const r = rate.update(rec.t);
      const eta = r.etaMs !== undefined ? duration(r.etaMs) : '?';
      const pct = total > 0 ? ` (${(100 * r.fraction).toFixed(1)} %)` : '';
      const rss = (process.memoryUsage.rss() / 2 ** 20).toFixed(0);
      out.line(`${label}step ${rec.t}/${total}${pct}  ${r.perSecond.toFixed(1)} steps/s  ETA ${eta}  J ${rec.J.toPrecision(6)}  ||V||^2 ${rec.Vsq.toPrecision(4)}  eta ${rec.eta.toPrecision(3)}  RSS ${rss} MB  (${duration(r.elapsedMs)})`);
    },
    done: () => out.done(),
  };
}

/** Runs `f`; a bad request (flag, data, backend: gpu-runs' input errors) becomes one escaped usage line (exit 2). */
export async function usageErrors<T>(command: string, f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    if (e instanceof TrainInputError || e instanceof TrainError || e instanceof DatasetError) throw new UsageError(`${command}: ${oneLine(e.message)}`);
    throw e;
  }
}
