/**
 * `train` as a job that produces one trace file, below the CLI: the checks of a request (flag
 * combinations, data, backend), the one backend choice that `train` and `experiments` share,
 * and the run itself with the interrupt rules of README ("Interrupted and killed runs"):
 *  - the trace is written to `<out>.partial-<pid>` (buffered, trace.ts) and renamed to `out`
 *    only when the run ends: finished, diverged, or stopped;
 *  - the first SIGINT (Ctrl-C) or SIGTERM (runtime/interrupt.ts) stops the run after the current
 *    step; the summary is written with `interrupted: true` and the file renamed. A step still in
 *    flight GRACE_MS after the signal (a slow device step) is dropped: the summary is written from
 *    the records already written (`stepDropped: true`) and the process exits;
 *  - a second signal exits at once, and SIGKILL or a crash kill the process: the partial file
 *    stays behind as a truncated trace, and an earlier trace at `out` is untouched.
 * Every problem with a request is a TrainInputError (the CLI's exit 2).
 */
import { BackendUnavailable, chooseBackend, onGpu, type Backend, type BackendChoice } from './backend.ts';
import { DatasetError } from './data/dataset.ts';
import { FMNIST_INSTALL_HINT, fmnistAvailable, fmnistDir } from './data/fmnist.ts';
import { MethodError, checkMethod } from './methods.ts';
import { Rng } from './rng.ts';
import { RuleError, parseRule, type Rule } from './rules.ts';
import { TraceFileWriter, type DivergenceRecord, type StepRecord, type SummaryRecord, type TraceLine, type TraceSink } from './trace.ts';
import { train, type Init, type Method, type Sketch, type TrainConfig, type TrainResult } from './trainer.ts';
import { WorkloadError, checkWorkloadOptions, createWorkload, DEFAULT_RANK, needsFashionMNIST, type WorkloadName, type WorkloadOptions } from './workloads/index.ts';
import type { Workload } from './workloads/types.ts';
import { oneLine } from '../runtime/escape.ts';
import { SIGNAL_EXIT, endBySignal, onInterrupt, type StopSignal } from '../runtime/interrupt.ts';

/** A request that cannot run: a flag, a flag combination, the data or the backend. `flag` names the flag where one is to blame. */
export class TrainInputError extends Error {
  constructor(message: string, readonly flag?: string) {
    super(flag ? `flag --${flag}: ${message}` : message);
    this.name = 'TrainInputError';
  }
}

/** The one backend choice of train and experiments: an unavailable backend is a TrainInputError. */
export async function openBackend(choice: BackendChoice): Promise<Backend> {
  try {
    return await chooseBackend(choice);
  } catch (e) {
    if (e instanceof BackendUnavailable) throw new TrainInputError(e.message);
    throw e;
  }
}

/**
 * Whether `loracheck verify` trains at LLM-layer sizes (its at-scale runs): `auto` where the
 * backend train's `auto` picks is a GPU (onGpu), `on` on whatever it picks, `off` never. `why`
 * is the line verify prints.
 */
export async function atScaleChoice(mode: 'auto' | 'on' | 'off'): Promise<{ run: boolean; why: string }> {
  if (mode === 'off') return { run: false, why: 'skipped (--at-scale off)' };
  let b: Backend;
  try {
    b = await openBackend('auto');
  } catch (e) {
    if (!(e instanceof TrainInputError)) throw e;
    return { run: false, why: `skipped: no backend (${e.message})` };
  }
  const where = oneLine(b.adapter ? `${b.name} on ${b.adapter.label}` : b.detail);
  if (onGpu(b)) return { run: true, why: `on the GPU: ${where}` };
  if (mode === 'on') return { run: true, why: `on ${where}, not a GPU (--at-scale on): slow, about a second a step at 4096 x 4096 under wasm on a 2-core machine` };
  return { run: false, why: `skipped: train's auto picks ${where}, not a GPU (--at-scale on runs them there anyway, slowly)` };
}

/** What `train` was asked for (its flags, parsed). */
interface TrainRequest extends Omit<TrainConfig, 'rule' | 'rank' | 'seed' | 'init'> {
  workload: WorkloadName;
  /** The rule's text; default theory for lora and cola, 1/L for the others. */
  rule?: string;
  rank?: number;
  init: string;
  opts: WorkloadOptions;
}

/** A request checked: the rule parsed, the rank chosen. */
interface TrainPlan {
  workload: WorkloadName;
  opts: WorkloadOptions;
  cfg: Omit<TrainConfig, 'seed'>;
}

/** Checks every flag combination before anything runs (TrainInputError naming the flag). */
export function planTrain(req: TrainRequest): TrainPlan {
  const { workload: name, opts } = req;
  const method: Method = req.method ?? 'lora';
  let rule: Rule;
  try {
    rule = parseRule(req.rule ?? (method === 'lora' || method === 'cola' ? 'theory' : '1/L'));
  } catch (e) {
    if (e instanceof RuleError) throw new TrainInputError(e.message, 'rule');
    throw e;
  }
  try {
    checkMethod({ method, rule, sketch: req.sketch, linkSteps: req.linkSteps });
  } catch (e) {
    if (e instanceof MethodError) throw new TrainInputError(e.message, e.option);
    throw e;
  }
  const batchOnly = (flag: string) => new TrainInputError('applies to mini-batch runs (--batch)', flag);
  if (req.fullJEvery !== undefined && req.batch === undefined) throw batchOnly('full-loss-every');
  if (req.alpha !== undefined && (rule.kind === 'theory' || rule.kind === 'const' || rule.kind === 'overL'))
    throw new TrainInputError(`applies to the rules adapt, adapt2 and norm, not ${rule.text}`, 'alpha');
  if (opts.m !== undefined && name !== 'quadratic' && name !== 'expr') throw new TrainInputError('applies to the quadratic and expr workloads only', 'size');
  if ((opts.hidden !== undefined || opts.data !== undefined) && name !== 'mlp') throw new TrainInputError('flags --hidden and --data apply to the mlp workload only');
  if ((opts.samples !== undefined || req.batch !== undefined) && (name === 'quadratic' || name === 'expr'))
    throw new TrainInputError(`flags --samples and --batch apply to data workloads, not ${name}`);
  const rank = req.rank ?? DEFAULT_RANK[name];
  try {
    checkWorkloadOptions(name, opts, rank);
  } catch (e) {
    if (e instanceof WorkloadError) throw new TrainInputError(e.message);
    throw e;
  }
  if (needsFashionMNIST(name, opts) && !fmnistAvailable(opts.fmnistDir)) throw new TrainInputError(`Fashion-MNIST not found in ${fmnistDir(opts.fmnistDir)}; ${FMNIST_INSTALL_HINT}`);
  if (req.batch !== undefined && opts.samples !== undefined && req.batch > opts.samples)
    throw new TrainInputError(`(${req.batch}) is larger than --samples (${opts.samples})`, 'batch');
  const { workload: _w, opts: _o, rule: _r, init, ...rest } = req;
  return { workload: name, opts, cfg: { ...rest, method, rule, rank, init: init as Init, sketch: req.sketch as Sketch | undefined } };
}

/** The file name part of a default trace path: method (other than lora) and rule. */
export function traceTag(plan: TrainPlan): string {
  return `${plan.cfg.method === 'lora' ? '' : `${plan.cfg.method}-`}${plan.cfg.rule.text.replace(/[^A-Za-z0-9.]+/g, '_')}`;
}

/** The workload of a plan on a backend (mini-batches gathered on the host on the CPU backends, workloads/softmax.ts). */
export function planWorkload(backend: Backend, plan: TrainPlan, rng: Rng): Workload {
  try {
    const hostRows = plan.cfg.batch !== undefined && (backend.name === 'wasm' || backend.name === 'cpu');
    return createWorkload(backend.tf, plan.workload, { ...plan.opts, hostRows }, plan.cfg.rank, rng);
  } catch (e) {
    if (e instanceof WorkloadError || e instanceof DatasetError) throw new TrainInputError(e.message);
    throw e;
  }
}

/** After the first signal, how long the step in flight may take before it is dropped. */
export const GRACE_MS = 2000;

export interface TrainFileHooks {
  /** Called after each record is written (progress). */
  onRecord?(rec: StepRecord): void;
  /** Called on the first signal (the run stops after the current step). */
  onSignal?(signal: StopSignal): void;
  /** Default GRACE_MS. */
  graceMs?: number;
  /** How the process ends when the grace runs out (tests replace it); default: endBySignal. */
  exit?(code: number, signal: StopSignal): void;
}

export interface TrainFileResult {
  result: TrainResult;
  /** The signal that stopped the run, if one did. */
  signal?: StopSignal;
}

/** Passes lines to the file and remembers the last record, so a stop mid-step can still close the trace. */
class Watched implements TraceSink {
  last?: StepRecord;
  divergence?: DivergenceRecord;
  ended = false;
  constructor(readonly file: TraceFileWriter) {}
  write(line: TraceLine): void {
    if (this.ended) return;
    if (line.type === 'step') this.last = line;
    else if (line.type === 'divergence') this.divergence = line;
    else if (line.type === 'summary') this.ended = true;
    this.file.write(line);
  }
  close(): void {
    this.file.close();
  }
}

/**
 * Opens the partial file (throws if it cannot be created: nothing has run yet), trains, and
 * renames the file to `out` when the trainer returns. An exception from the trainer drops the
 * partial file and is rethrown. `trainer` is the trainer (trainer.ts train; tests pass a slow one).
 */
export async function trainToFile(
  backend: Backend,
  w: Workload,
  rng: Rng,
  cfg: TrainConfig,
  out: string,
  hooks: TrainFileHooks = {},
  trainer: typeof train = train,
): Promise<TrainFileResult> {
  const sink = new Watched(new TraceFileWriter(out));
  const t0 = performance.now();
  // the step in flight is still on the device: end as the signal would (runtime/interrupt.ts endBySignal)
  const exit = hooks.exit ?? ((_code: number, signal: StopSignal) => endBySignal(signal));
  let timer: NodeJS.Timeout | undefined;
  // The step in flight took too long: the summary from what was written, the file renamed, exit.
  const dropStep = (signal: StopSignal) => {
    if (sink.ended) return;
    const summary: SummaryRecord = {
      type: 'summary',
      steps: sink.divergence?.t ?? sink.last?.t ?? 0,
      finalJ: sink.last ? sink.last.J : null,
      diverged: sink.divergence !== undefined,
      interrupted: true,
      stepDropped: true,
      wall_ms: performance.now() - t0,
    };
    sink.write(summary);
    sink.close();
    exit(SIGNAL_EXIT[signal], signal);
  };
  const it = onInterrupt({
    onFirst: (s) => {
      hooks.onSignal?.(s);
      timer = setTimeout(() => dropStep(s), hooks.graceMs ?? GRACE_MS);
      timer.unref();
    },
    // Second signal: quit now. The partial file keeps what was written; `out` is untouched.
    onSecond: () => sink.file.flush(),
    bySignal: true,
  });
  try {
    const result = await trainer(backend, w, rng, cfg, sink, { onRecord: hooks.onRecord, shouldStop: () => it.signal.aborted });
    sink.close(); // a no-op when a dropped step closed it already
    return { result, ...(it.received ? { signal: it.received } : {}) };
  } catch (e) {
    sink.file.abandon();
    throw e;
  } finally {
    clearTimeout(timer);
    it.dispose();
  }
}

/** What a finished (or stopped) run prints: constants, the last record, the rate, where the trace is. */
export function trainSummaryLines(run: TrainFileResult, out: string): string[] {
  const { header: h, summary: s, last, divergence } = run.result;
  const lines = [
    `L = ${h.L} (theory constant; loss L = ${h.Lloss}, ${h.Lestimated ? 'estimated' : 'certified/exact'}), L* = ${h.Lstar}; method ${h.method}, rule ${h.rule}${h.alpha != null ? ` (alpha ${h.alpha})` : ''}, ${h.batch === 'full' ? 'full batch' : `batch ${h.batch}`}, rank ${h.r}`,
  ];
  const dist = last?.distSq !== undefined ? `, ||W - W*||^2 ${last.distSq.toPrecision(4)}${h.rankBound !== undefined ? ` (rank-${h.r} bound: J >= ${Number(h.rankBound).toPrecision(4)})` : ''}` : '';
  const first = last ? `J ${last.J.toPrecision(6)}, ||V||^2 ${last.Vsq.toPrecision(6)}${dist}` : 'no finite record';
  const rate = s.steps / Math.max(1e-9, s.wall_ms / 1000);
  if (divergence) lines.push(`diverged: ${divergence.reason}; the trace ends with a divergence record`);
  lines.push(`${s.interrupted ? 'interrupted after' : 'done:'} ${s.steps} steps in ${(s.wall_ms / 1000).toFixed(2)} s (${rate.toFixed(1)} steps/s); last ${first}`);
  const a = run.result.sketchesAhead;
  if (a) lines.push(`sketches: ${a.fromWorkers} of ${a.drawn} drawn ahead on ${a.workers} worker thread${a.workers > 1 ? 's' : ''} (the same numbers as on the main thread; LORACHECK_SKETCH_WORKERS=0 turns them off)`);
  lines.push(`trace: ${oneLine(out)}`);
  return lines;
}
