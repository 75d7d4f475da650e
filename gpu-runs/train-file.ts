/**
 * `train` as a job that produces one trace file, with the interrupt rules of README
 * ("Interrupted and killed runs"):
 *  - the trace is written to `<out>.partial-<pid>` (buffered, trace.ts) and renamed to `out`
 *    only when the run ends: finished, diverged, or stopped;
 *  - the first SIGINT (Ctrl-C) or SIGTERM stops the run after the current step; the summary
 *    is written with `interrupted: true` and the file renamed; if the trainer has not returned
 *    STOP_GRACE_MS after the signal (a step, or a device read-back, that does not finish), the
 *    summary is written from the last record written, with `stopWaited` saying so, and the
 *    process exits (a `timeout --kill-after` then still finds a finished trace);
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

/** How long after the first signal the run may take to stop by itself (ms; LORACHECK_STOP_GRACE_MS overrides). */
export const STOP_GRACE_MS = 2000;

export interface TrainFileHooks {
  /** Called after each record is written (progress). */
  onRecord?(rec: StepRecord): void;
  /** Called on the first signal (the run stops after the current step). */
  onSignal?(signal: StopSignal): void;
  /** Called when the run did not stop within the grace time and the process is about to exit. */
  onStopWaited?(signal: StopSignal): void;
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
export async function trainToFile(backend: Backend, w: Workload, rng: Rng, cfg: TrainConfig, out: string, hooks: TrainFileHooks = {}, graceMs = Number(process.env.LORACHECK_STOP_GRACE_MS ?? STOP_GRACE_MS)): Promise<TrainFileResult> {
  const sink = new TraceFileWriter(out);
  let signal: StopSignal | undefined;
  let lastRec: StepRecord | undefined;
  const t0 = performance.now();
  let grace: NodeJS.Timeout | undefined;
  /** The trainer did not stop in time: the summary from the last record written, then exit. */
  const stopNow = (name: StopSignal) => {
    sink.write({
      type: 'summary',
      steps: lastRec?.t ?? 0,
      finalJ: lastRec?.J ?? null,
      diverged: false,
      interrupted: true,
      wall_ms: performance.now() - t0,
      stopWaited: `the run did not stop within ${graceMs} ms of ${name}; the summary was written from the last record`,
    });
    sink.close();
    hooks.onStopWaited?.(name);
    process.stderr.write(`loracheck: the run did not stop within ${graceMs} ms of ${name}: summary written after the last record (t = ${lastRec?.t ?? 'none'}), ${out} finished\n`);
    process.exit(SIGNAL_EXIT[name]);
  };
  const handlers = (['SIGINT', 'SIGTERM'] as const).map((name) => {
    const h = () => {
      if (signal) {
        // Second signal: quit now. The partial file keeps what was written; `out` is untouched.
        sink.flush();
        process.exit(SIGNAL_EXIT[name]);
      }
      signal = name;
      hooks.onSignal?.(name);
      grace = setTimeout(() => stopNow(name), graceMs);
      grace.unref();
    };
    process.on(name, h);
    return [name, h] as const;
  });
  try {
    const onRecord = (r: StepRecord) => {
      lastRec = r;
      hooks.onRecord?.(r);
    };
    const result = await train(backend, w, rng, cfg, sink, { onRecord, shouldStop: () => signal !== undefined });
    sink.close();
    return { result, ...(signal ? { signal } : {}) };
  } catch (e) {
    sink.abandon();
    throw e;
  } finally {
    clearTimeout(grace);
    for (const [name, h] of handlers) process.off(name, h);
  }
}
