/**
 * `train` as a job that produces one trace file, with the interrupt rules of README
 * ("Interrupted and killed runs"):
 *  - the trace is written to `<out>.partial-<pid>` (buffered, trace.ts) and renamed to `out`
 *    only when the run ends: finished, diverged, or stopped;
 *  - the first SIGINT (Ctrl-C) or SIGTERM stops the run after the current step; the summary
 *    is written with `interrupted: true` and the file renamed;
 *  - a second signal exits at once, and SIGKILL or a crash kill the process: the partial file
 *    stays behind as a truncated trace, and an earlier trace at `out` is untouched.
 */
import type { Backend } from './backend.ts';
import type { Rng } from './rng.ts';
import { TraceFileWriter, type StepRecord } from './trace.ts';
import { train, type TrainConfig, type TrainResult } from './trainer.ts';
import type { Workload } from './workloads/types.ts';

export type StopSignal = 'SIGINT' | 'SIGTERM';

/** Exit codes of a run stopped by a signal: 128 + the signal number, as shells report them. */
export const SIGNAL_EXIT: Readonly<Record<StopSignal, number>> = { SIGINT: 130, SIGTERM: 143 };

export interface TrainFileHooks {
  /** Called after each record is written (progress). */
  onRecord?(rec: StepRecord): void;
  /** Called on the first signal (the run stops after the current step). */
  onSignal?(signal: StopSignal): void;
}

export interface TrainFileResult {
  result: TrainResult;
  /** The signal that stopped the run, if one did. */
  signal?: StopSignal;
}

/**
 * Opens the partial file (throws if it cannot be created: nothing has run yet), trains, and
 * renames the file to `out` when `train` returns. An exception from `train` drops the partial
 * file and is rethrown.
 */
export async function trainToFile(backend: Backend, w: Workload, rng: Rng, cfg: TrainConfig, out: string, hooks: TrainFileHooks = {}): Promise<TrainFileResult> {
  const sink = new TraceFileWriter(out);
  let signal: StopSignal | undefined;
  const handlers = (['SIGINT', 'SIGTERM'] as const).map((name) => {
    const h = () => {
      if (signal) {
        // Second signal: quit now. The partial file keeps what was written; `out` is untouched.
        sink.flush();
        process.exit(SIGNAL_EXIT[name]);
      }
      signal = name;
      hooks.onSignal?.(name);
    };
    process.on(name, h);
    return [name, h] as const;
  });
  try {
    const result = await train(backend, w, rng, cfg, sink, { onRecord: hooks.onRecord, shouldStop: () => signal !== undefined });
    sink.close();
    return { result, ...(signal ? { signal } : {}) };
  } catch (e) {
    sink.abandon();
    throw e;
  } finally {
    for (const [name, h] of handlers) process.off(name, h);
  }
}
