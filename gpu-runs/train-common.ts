/**
 * What the LoRA trainer (trainer.ts) and the other methods' trainer (methods.ts) share: the
 * run's configuration, the trace header with the theory's L, the adapters' init, the seeded
 * mini-batch order, and the host float64 sums of float32 per-row partials that every record is
 * made of (the records themselves: train-records.ts).
 */
import type { Tensor1D, Tensor2D } from '@tensorflow/tfjs';
import type { Backend } from './backend.ts';
import type { Rng } from './rng.ts';
import { stepSize, type Rule } from './rules.ts';
import { TRACE_FORMAT, TRACE_SCHEMA, type DivergenceRecord, type StepRecord, type SummaryRecord, type TraceHeader } from './trace.ts';
import type { MatrixShape, RankBound, RankBoundSkipped, Workload } from './workloads/types.ts';

export type Init = 'paper' | 'random';
export const INITS: readonly Init[] = ['paper', 'random'];

/**
 * The methods of the RAC-LoRA comparison (theory/rac.ts has each update over any field):
 *   lora  LoRA gradient descent (3) on (B, A), W = W0 + BA (the paper; trainer.ts)
 *   asym  Asymmetric LoRA: A drawn once and frozen, B from 0
 *   cola  Chain of LoRA: LoRA for linkSteps steps, merge W0 <- W0 + BA, re-initialise, repeat
 *   rac   RAC-LoRA: a fresh Gaussian sketch per chain link, the projected step W - gamma H grad f
 *   full  full-parameter gradient descent on W (FPFT)
 */
export type Method = 'lora' | 'asym' | 'cola' | 'rac' | 'full';
export const METHODS: readonly Method[] = ['lora', 'asym', 'cola', 'rac', 'full'];
export type Sketch = 'left' | 'right';
export const SKETCHES: readonly Sketch[] = ['left', 'right'];

export interface TrainConfig {
  steps: number;
  rule: Rule;
  /** --alpha (adapt, adapt2, norm); the paper's default when absent. */
  alpha?: number;
  rank: number;
  /** Mini-batch size; absent = full batch. */
  batch?: number;
  /** Std of the Gaussian adapter entries; default 1/sqrt(n) per matrix. */
  sigma?: number;
  init: Init;
  seed: number;
  /** Free-text run name stored in the header. */
  name?: string;
  /** Versions to record beyond the backend's (e.g. loracheck itself). */
  versions?: Record<string, string>;
  /** Read the per-step records back every this many steps (default DEFAULT_READ_EVERY), and
   *  sooner once this much host time has passed since the last read (default 250 ms). */
  readEvery?: number;
  readAfterMs?: number;
  /** Default 'lora'. */
  method?: Method;
  /** rac: which factor the sketch fixes (default left: H_B, m x m). */
  sketch?: Sketch;
  /** cola: LoRA steps per chain link; rac: projected steps per sketch (default 1). */
  linkSteps?: number;
  /** Mini-batch runs: evaluate the loss on the whole training set every this many steps
   *  (default 1: every step). Above 1, a record's J is the batch loss and fullJ holds the
   *  full-data loss on steps t = 0, k, 2k, ... and the last. */
  fullJEvery?: number;
  /** Record ||W_t - W*||^2 where the workload knows W* (default: when W has at most
   *  DISTANCE_MAX_ENTRIES entries in all). */
  distance?: boolean;
  /** Record dJ = J(V_{t+1}) - J(V_t) with its error bound dJerr, computed from both iterates'
   *  factors (the quadratic on the webgpu direct path only: direct-webgpu.ts decreaseProgram),
   *  so that L34 resolves where the resolution of J itself cannot (default false). */
  decrease?: boolean;
  /** false: never the direct webgpu step (direct-webgpu.ts), whatever LORACHECK_WEBGPU_DIRECT says (the bench's reference). */
  direct?: boolean;
  /** Return the final weights W (for a test-set evaluation). */
  keepFinal?: boolean;
}

export interface TrainHooks {
  /** Called after each record is written (progress bar). */
  onRecord?(rec: StepRecord): void;
  /** Polled after each record; true stops the run (Ctrl-C) before the next update, and the summary is still written. */
  shouldStop?(): boolean;
}

export interface TrainResult {
  header: TraceHeader;
  summary: SummaryRecord;
  last?: StepRecord;
  divergence?: DivergenceRecord;
  /** The final W_k (row-major), with keepFinal. */
  finalW?: Float32Array[];
  /** rac: the sketches drawn ahead on worker threads (sketch-draw.ts), of all drawn, and how many threads. */
  sketchesAhead?: { workers: number; fromWorkers: number; drawn: number };
}

export class TrainError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TrainError';
  }
}

/** Below this many entries of W (all matrices), traces record ||W_t - W*||^2 by default. */
export const DISTANCE_MAX_ENTRIES = 2 ** 18;

/** Sum of a Float32Array segment in float64. */
export function sum64(a: Float32Array, from: number, to: number): number {
  let s = 0;
  for (let i = from; i < to; i++) s += a[i]!;
  return s;
}

/** Where a LoRA step's packed record holds its float32 partials (the trainer's tfjs and direct paths). */
export interface PartialsLayout {
  J: number;
  Jscale: number;
  /** The full-data loss terms after J (mini-batch runs, steps that evaluate it) and their scale. */
  full?: number;
  fullScale?: number;
  V: number;
  G: number;
  D: number;
}

/**
 * The record's scalars from its partials at `at`, summed in float64: J of the step's data (Jstep),
 * the full-data loss where the record has its terms, ||V||^2, ||G||, ||grad J||^2, and where the
 * partials end (eta, the secant ratio or the distance rows follow).
 */
export function sumPartials(vals: Float32Array, at: number, lay: PartialsLayout): { Jstep: number; Jfull?: number; Vsq: number; Gnorm: number; gradJsq: number; end: number } {
  let off = at;
  const take = (n: number): number => {
    const v = sum64(vals, off, off + n);
    off += n;
    return v;
  };
  const Jstep = lay.Jscale * take(lay.J);
  const Jfull = lay.full ? lay.fullScale! * take(lay.full) : undefined;
  const Vsq = take(lay.V);
  const Gnorm = Math.sqrt(take(lay.G));
  const gradJsq = take(lay.D);
  return { Jstep, ...(Jfull !== undefined ? { Jfull } : {}), Vsq, Gnorm, gradJsq, end: off };
}

/** How often (steps) the trainers read their per-step records back on webgpu, at most (trainer.ts, methods.ts). */
export const DEFAULT_READ_EVERY = 32;
/** ... and at least this often (ms of host time), so that slow backends still report progress. */
export const DEFAULT_READ_AFTER_MS = 250;

/** Row sums of squares: ||M||^2 as short float32 partials (one per row: the reduction runs rows-first). */
export function rowSq(tf: Backend['tf'], M: Tensor2D): Tensor1D {
  return tf.sum(tf.square(M), 1) as Tensor1D;
}

/** Checks the batch size against the workload (TrainError when it does not fit). */
export function checkBatch(w: Workload, cfg: TrainConfig): void {
  if (cfg.batch === undefined) return;
  if (!w.supportsBatch) throw new TrainError(`workload ${w.name} has no data rows: --batch does not apply`);
  if (!w.N || cfg.batch < 1 || cfg.batch > w.N) throw new TrainError(`batch ${cfg.batch} must be in 1..${w.N ?? 0} (the training-set size)`);
  if (cfg.fullJEvery !== undefined && !(Number.isInteger(cfg.fullJEvery) && cfg.fullJEvery >= 1))
    throw new TrainError(`fullJEvery ${cfg.fullJEvery} must be an integer >= 1`);
}

/**
 * Mini-batch order on the host: a fresh seeded permutation of the N rows per epoch, consecutive
 * batches of it (the rows left over at an epoch's end are skipped); one call per step. The direct
 * webgpu step (direct-softmax.ts) uploads these indices, the tfjs path (batchOrder) makes a tensor
 * of them: the same rng stream, the same batches on every backend and path.
 */
export function batchIndices(N: number, rng: Rng, batch: number): () => Int32Array {
  let perm: Int32Array | undefined;
  let pos = 0;
  return () => {
    if (!perm || pos + batch > perm.length) {
      perm = rng.permutation(N);
      pos = 0;
    }
    const idx = perm.slice(pos, pos + batch);
    pos += batch;
    return idx;
  };
}

/** Mini-batch order as int32 tensors (batchIndices); undefined batches in full-batch runs. */
export function batchOrder(tf: Backend['tf'], w: Workload, rng: Rng, batch: number | undefined): () => Tensor1D | undefined {
  if (batch === undefined) return () => undefined;
  const next = batchIndices(w.N!, rng, batch);
  return () => tf.tensor1d(next(), 'int32');
}

/** Whether step t of a mini-batch run evaluates the full-data loss (always in full-batch runs). */
export function fullLossAt(cfg: TrainConfig, t: number): boolean {
  const k = cfg.fullJEvery ?? 1;
  return k <= 1 || t % k === 0 || t === cfg.steps;
}

/** Whether this run records ||W_t - W*||^2. */
export function recordsDistance(w: Workload, cfg: TrainConfig): boolean {
  if (!w.optimum) return false;
  return cfg.distance ?? w.shapes.reduce((s, x) => s + x.m * x.n, 0) <= DISTANCE_MAX_ENTRIES;
}

/** ||W - W*||^2 as per-row float32 partials (all matrices). */
export function distanceRows(tf: Backend['tf'], W: Tensor2D[], optimum: readonly Tensor2D[]): Tensor1D {
  const rows = W.map((Wk, k) => rowSq(tf, tf.sub(Wk, optimum[k]!) as Tensor2D));
  return (rows.length === 1 ? rows[0]! : tf.concat(rows)) as Tensor1D;
}

/** What the header says beyond the LoRA trainer's own fields. */
export interface HeaderExtras {
  L: number;
  Lloss: number;
  Lmethod: string;
  alpha: number | null;
  init: string;
  /** The rank the header states (full: min(m, n)). */
  r: number;
  method: Method;
  methodDetail?: Record<string, string | number>;
  rankBound?: RankBound | RankBoundSkipped;
}

/** The trace header of a run (both trainers). */
export function traceHeader(backend: Backend, w: Workload, cfg: TrainConfig, x: HeaderExtras): TraceHeader {
  const K = w.shapes.length;
  const distance = recordsDistance(w, cfg);
  return {
    type: 'header',
    format: TRACE_FORMAT,
    schema: TRACE_SCHEMA,
    workload: w.name,
    ...(cfg.name !== undefined ? { name: cfg.name } : {}),
    m: w.shapes.reduce((s, v) => s + v.m, 0),
    n: w.shapes.reduce((s, v) => s + v.n, 0),
    r: x.r,
    ...(K > 1 ? { matrices: w.shapes.map((s) => ({ m: s.m, n: s.n })) } : {}),
    ...(w.N !== undefined ? { N: w.N } : {}),
    ...(w.data !== undefined ? { data: w.data } : {}),
    L: x.L,
    Lloss: x.Lloss,
    Lmethod: x.Lmethod,
    Lestimated: w.Lestimated,
    Lstar: w.Lstar,
    rule: cfg.rule.text,
    alpha: x.alpha,
    batch: cfg.batch ?? 'full',
    ...(cfg.batch !== undefined && (cfg.fullJEvery ?? 1) > 1 ? { fullJEvery: cfg.fullJEvery } : {}),
    init: x.init,
    ...(cfg.sigma !== undefined ? { sigma: cfg.sigma } : { sigmaRule: '1/sqrt(n) per matrix' }),
    seed: cfg.seed,
    steps: cfg.steps,
    method: x.method,
    ...(x.methodDetail ?? {}),
    ...(distance ? { distance: 'distSq = ||W_t - W*||^2, W* the minimiser of the loss (the FPFT optimum)' } : {}),
    ...(x.rankBound === undefined
      ? {}
      : 'notComputed' in x.rankBound
        ? { rankBoundMethod: `not computed: ${x.rankBound.notComputed}` }
        : { rankBound: x.rankBound.J, rankBoundDistSq: x.rankBound.distSq, rankBoundMethod: x.rankBound.method }),
    backend: backend.name,
    backendDetail: backend.detail,
    backendSkipped: backend.reasonsSkipped,
    ...(backend.adapter ? { adapter: backend.adapter } : {}),
    dtype: 'float32',
    // J and the norms are float64 sums of float32 per-row partials.
    scalarDtype: 'float64',
    versions: { ...backend.versions, ...(cfg.versions ?? {}) },
    created: new Date().toISOString(),
    description: w.description,
  };
}

/** The first non-finite field of a record, as the divergence reason. */
export function nonFinite(rec: StepRecord): string | undefined {
  const names: [keyof StepRecord, string][] = [
    ['J', 'J'],
    ['Vsq', '||V||^2'],
    ['Gnorm', '||G||'],
    ['gradJsq', '||grad J||^2'],
    ['batchJ', 'batch J'],
    ['eta', 'eta'],
  ];
  for (const [k, label] of names) {
    const v = rec[k];
    if (v !== undefined && !Number.isFinite(v as number)) {
      const why = k === 'eta' && rec.gradJsq === 0 ? ' (grad J = 0: a stationary point)' : '';
      return `${label} is ${String(v)} at step ${rec.t}${why}`;
    }
  }
  return undefined;
}

/**
 * A device eta (step-webgpu.ts's record kernel) must not exceed the rule evaluated in float64 on
 * the recorded scalars (see ETA_MARGIN in rules.ts): why it does, else undefined. L: the
 * theory's constant of that step.
 */
export function deviceEtaAboveRule(rule: Rule, alpha: number | null, rec: StepRecord, L: number): string | undefined {
  if (rule.kind === 'const') return undefined;
  const exact = stepSize(rule, alpha, { Vsq: rec.Vsq, Gnorm: rec.Gnorm, J: rec.batchJ ?? rec.J, gradJsq: rec.gradJsq, L });
  return rec.eta > exact ? `step ${rec.t}: the device's eta ${rec.eta} exceeds the rule's ${exact} on the recorded scalars` : undefined;
}

/** The error a run ends with (after its records, before its summary) when a device eta was above the rule. */
export function etaAboveRuleError(why: string): TrainError {
  return new TrainError(`internal: ${why} (ETA_MARGIN too small for this device)`);
}

/** The final weights W_k as host arrays (keepFinal): made in a tidy, read back, freed. */
export async function readFinalWeights(tf: Backend['tf'], make: () => Tensor2D[]): Promise<Float32Array[]> {
  const W = tf.tidy(make);
  const out: Float32Array[] = [];
  for (const Wk of W) out.push((await Wk.data()) as Float32Array);
  W.forEach((x) => x.dispose());
  return out;
}

/**
 * The theory's constant from the loss's L: Lemma 3.6 doubles it for two matrices (Sec. 3.2, the
 * stacked B = [B1; B2], A = [A1, A2]); Assumption 3.1 wants L >= 1.
 */
export function theoryL(K: number, Lloss: number): number {
  return Math.max((K > 1 ? 2 : 1) * Lloss, 1);
}

/** How the header states the theory's L (theoryL) after the workload's own method. */
export function theoryLText(w: Workload): string {
  return `${w.Lmethod}; theory uses max(${w.shapes.length > 1 ? '2 L (Lemma 3.6)' : 'L'}, 1)`;
}

/** The std of each matrix's Gaussian adapter entries: --sigma, else 1/sqrt(n). */
export function adapterSigmas(w: Workload, cfg: TrainConfig): number[] {
  return w.shapes.map((s) => cfg.sigma ?? 1 / Math.sqrt(s.n));
}

/** A fresh B_k (m x r): the paper's init B = 0 (Sec. 4), or N(0, sigma^2) entries (random). */
export function drawB(tf: Backend['tf'], rng: Rng, s: MatrixShape, r: number, sigma: number, init: Init): Tensor2D {
  return init === 'paper' ? tf.zeros([s.m, r]) : tf.tensor2d(rng.gaussian(s.m * r, sigma), [s.m, r]);
}

/** A fresh A_k (r x n) with N(0, sigma^2) entries (both inits). */
export function drawA(tf: Backend['tf'], rng: Rng, s: MatrixShape, r: number, sigma: number): Tensor2D {
  return tf.tensor2d(rng.gaussian(r * s.n, sigma), [r, s.n]);
}

/** Lets signal handlers (Ctrl-C) run between steps. */
export function yieldToSignals(): Promise<void> {
  return new Promise<void>((res) => setImmediate(res));
}
