/**
 * The methods of the RAC-LoRA comparison beside LoRA (theory/rac.ts writes each update once over
 * any field; these are the same updates on TensorFlow.js), on every backend. On webgpu the
 * per-row partials of a record come from one kernel (step-webgpu.ts rowSquaresWebgpu), the update
 * is one kernel (axpyWebgpu), and the workload's own kernels give G (quadratic-webgpu.ts). With a
 * constant step (every rule of asym, rac and full) nothing waits for the record: the update is
 * dispatched at once and, on webgpu, the records are read back every DEFAULT_READ_EVERY steps.
 * cola's rules that read the record (theory (8), adapt, adapt2, norm) do the same on webgpu as
 * LoRA's trainer (trainer.ts) does: step-webgpu.ts's record kernel computes eta on the device from
 * the link's record (V = (B, A) of the current link; (8) with the L the host uses), ETA_MARGIN
 * below the rule, and step (3) takes it from there (updateWebgpu); the records come back in
 * batches and every device eta is checked against the rule on the recorded float64 scalars
 * (deviceEtaAboveRule: a run whose eta exceeds it ends with an error). Chain-link merges need no
 * read-back (W0' + BA on the device, the new link's (B, A) drawn on the host). Where the record
 * kernel does not apply (other backends, LORACHECK_WEBGPU_KERNELS=0, more inputs or rows than
 * one dispatch takes) and with LORACHECK_COLA_HOST_ETA=1 (the reference the tests compare with),
 * each record is read back before its update and eta computed on the host, as the CPU path of
 * trainer.ts does. Records are float64 sums of float32 per-row partials.
 *
 *   asym  Asymmetric LoRA: W = W0 + B A, A drawn once (N(0, sigma^2)) and frozen, B from 0:
 *         B <- B - eta G A^T                                           (theory/rac.ts asymStep)
 *   cola  Chain of LoRA: LoRA steps (3) on (B, A) over W = W0' + B A; every linkSteps steps
 *         W0' <- W0' + B A and (B, A) re-initialised as at the start    (colaMerge)
 *   rac   RAC-LoRA: per chain link of linkSteps steps a Gaussian sketch (entries N(0, 1));
 *         left: B_S (m x r), W <- W - gamma B_S (B_S^T B_S)^+ B_S^T G  = W - gamma H_B G;
 *         right: A_S (r x n), W <- W - gamma G A_S^T (A_S A_S^T)^+ A_S = W - gamma G H_A
 *         (racStep; the r x r pseudo-inverse in float64 on the host, applied on the device as
 *         S (Gp (S^T G)) or ((G S^T) Gp) S, so H is never formed)
 *   full  full-parameter gradient descent: W <- W - gamma G              (fpftStep)
 * with G = grad f(W_t) (the batch gradient in mini-batch runs).
 *
 * What a record holds besides J (the loss at W_t) and Gnorm = ||grad f(W_t)||:
 *   method  Vsq                          gradJsq                                extra
 *   asym    ||B_t||^2 + ||A||^2          ||G A^T||^2 (the gradient in B)
 *   cola    ||B_t||^2 + ||A_t||^2 (link) ||grad J(V_t)||^2 of the link, (7)
 *   rac     ||W_t - W0||^2               ||G||^2                                HgradSq = ||H_t G||^2, gamma
 *   full    ||W_t - W0||^2               ||G||^2                                gamma
 * Step rules: cola takes LoRA's (theory (8) on the link's V, adapt, adapt2, norm) and the
 * constant ones; asym, rac and full take a constant gamma (const:<lr>) or gamma = c / L with L
 * the loss's own constant (<c>/L): (8) is a rule for LoRA's J(V), not for these updates.
 */
import type { Tensor1D, Tensor2D } from '@tensorflow/tfjs';
import type { Backend } from './backend.ts';
import type { Rng } from './rng.ts';
import { drawSketchData, SketchAhead, sketchAheadWorkers, type SketchData, type SketchShape } from './sketch-draw.ts';
import { customKernelsEnabled } from './webgpu-kernels.ts';
import { constantRule, roundDownF32, ruleAlpha, stepSize, type Rule, type RuleKind } from './rules.ts';
import { axpyWebgpu, planSizes, recordKernelApplies, recordPlan, rowSquaresApply, rowSquaresWebgpu, stepRecordWebgpu, updateWebgpu } from './step-webgpu.ts';
import {
  DEFAULT_READ_AFTER_MS,
  DEFAULT_READ_EVERY,
  TrainError,
  adapterSigmas,
  batchOrder,
  checkBatch,
  deviceEtaAboveRule,
  distanceRows,
  drawA,
  drawB,
  fullLossAt,
  readFinalWeights,
  recordsDistance,
  rowSq,
  sum64,
  theoryL,
  theoryLText,
  traceHeader,
  yieldToSignals,
  type Method,
  type Sketch,
  type TrainConfig,
  type TrainHooks,
  type TrainResult,
} from './train-common.ts';
import { RecordStream, type PendingRecord } from './train-records.ts';
import type { StepRecord, TraceHeader, TraceSink } from './trace.ts';
import { matMulT } from './workloads/matmul.ts';
import type { LossGrad, LossTerms, Workload } from './workloads/types.ts';

/** The step rules each method takes (see the table above). */
export const METHOD_RULES: Readonly<Record<Method, readonly RuleKind[]>> = {
  lora: ['theory', 'adapt', 'adapt2', 'norm', 'const', 'overL'],
  cola: ['theory', 'adapt', 'adapt2', 'norm', 'const', 'overL'],
  asym: ['const', 'overL'],
  rac: ['const', 'overL'],
  full: ['const', 'overL'],
};

/** Default chain-link length: COLA merges every 50 steps; RAC-LoRA draws a sketch per step (its public code). */
export const DEFAULT_LINK_STEPS: Readonly<Record<'cola' | 'rac', number>> = { cola: 50, rac: 1 };

/** A method option that does not fit; `option` names it (the CLI's flag has the same name). */
export class MethodError extends TrainError {
  constructor(
    readonly option: 'rule' | 'sketch' | 'link-steps',
    message: string,
  ) {
    super(message);
  }
}

/** Checks a method's options against each other (MethodError names what does not fit). */
export function checkMethod(cfg: Pick<TrainConfig, 'method' | 'rule' | 'sketch' | 'linkSteps'>): void {
  const method = cfg.method ?? 'lora';
  if (!METHOD_RULES[method].includes(cfg.rule.kind))
    throw new MethodError('rule', `method ${method} takes the rules ${METHOD_RULES[method].map((k) => (k === 'const' ? 'const:<lr>' : k === 'overL' ? '<c>/L' : k)).join(', ')}, not ${cfg.rule.text}`);
  if (cfg.sketch !== undefined && method !== 'rac') throw new MethodError('sketch', `the sketch applies to method rac, not ${method}`);
  if (cfg.linkSteps !== undefined && method !== 'rac' && method !== 'cola') throw new MethodError('link-steps', `chain links apply to methods cola and rac, not ${method}`);
  if (cfg.linkSteps !== undefined && !(Number.isInteger(cfg.linkSteps) && cfg.linkSteps >= 1)) throw new MethodError('link-steps', `${cfg.linkSteps} steps per link: must be an integer >= 1`);
}

/** A sketch and the inverse of its Gram matrix, which apply H without forming it: left,
 *  H G = S (Gp (S^T G)); right, G H = ((G S^T) Gp) S, with Gp = (S^T S)^+ or (S S^T)^+ (r x r). */
interface SketchPair {
  S: Tensor2D;
  Gp: Tensor2D;
}

/** How long a rac run waits for its first sketch thread to start (sketch-draw.ts SketchAhead). */
const SKETCH_WAIT_MS = 3000;

/** A sketch drawn on the host (sketch-draw.ts) as tensors. */
function sketchTensors(tf: Backend['tf'], d: SketchData): SketchPair {
  return { S: tf.tensor2d(d.data, [d.rows, d.cols]), Gp: tf.tensor2d(Float32Array.from(d.Gp), [d.r, d.r]) };
}

/**
 * The order of a record's segments as read back: the packed partials of the host-eta path (J
 * next to G, so that a workload kernel's [J terms | ||G||^2 rows] vector is taken whole), or
 * the record kernel's [J | full | V | G | D | eta] (step-webgpu.ts); ||W_t - W*||^2 rows last.
 */
const HOST_ORDER = ['J', 'full', 'G', 'V', 'D', 'H', 'dist'] as const;
const DEVICE_ORDER = ['J', 'full', 'V', 'G', 'D', 'eta', 'dist'] as const;

/** The order of a record's segments as they sit in the packed vector (HOST_ORDER or DEVICE_ORDER). */
type Segment = (typeof HOST_ORDER)[number] | (typeof DEVICE_ORDER)[number];
type Sizes = Record<Segment, number>;

/** The trained state of one matrix. */
interface State {
  /** full, rac: W itself. */
  W?: Tensor2D;
  /** cola: the merged base W0' (asym: the frozen W0, or null). */
  base?: Tensor2D | null;
  B?: Tensor2D;
  A?: Tensor2D;
  sketch?: SketchPair;
}

/** A parameter of a state that a step moves: param <- param - eta dir. */
interface Target {
  of: State;
  key: 'W' | 'B' | 'A';
}

/**
 * asym, cola, rac or full for cfg.steps steps: one record per iterate W_0, ..., W_T, then the
 * summary (LoRA: trainer.ts train, which hands the other methods here). The steps: the run's
 * set-up (setUpMethod), its header (methodHeader), the start states (initStates), rac's sketches
 * (planSketches, startSketchesAhead), the step loop (runMethodSteps), the summary.
 */
export async function trainMethod(backend: Backend, w: Workload, rng: Rng, cfg: TrainConfig, sink: TraceSink, hooks: TrainHooks = {}): Promise<TrainResult> {
  checkBatch(w, cfg);
  checkMethod(cfg);
  const run = await setUpMethod(backend.tf, w, rng, cfg);
  const header = methodHeader(backend, run);
  sink.write(header);
  const states = initStates(run);
  const sketches = planSketches(run, backend);
  let ahead: SketchAhead | undefined;
  const nextSketch = (k: number): Promise<SketchData> | SketchData => (ahead ? ahead.take() : drawSketchData(rng, sketches.shapes[k]!));
  const records = methodRecords(run, sink, hooks);
  let finalW: Float32Array[] | undefined;
  try {
    ahead = await startSketchesAhead(rng, sketches);
    finalW = await runMethodSteps(run, states, records, nextSketch);
  } finally {
    await ahead?.close();
    records.dispose();
    disposeStates(run, states);
  }
  const summary = records.finish();
  const sketchesAhead = ahead ? { workers: sketches.workers, fromWorkers: ahead.fromWorkers, drawn: ahead.drawn } : undefined;
  return { header, summary, last: records.last, divergence: records.divergence, ...(finalW ? { finalW } : {}), ...(sketchesAhead ? { sketchesAhead } : {}) };
}

/** A run of one of the methods: what its set-up fixes. */
interface MethodRun {
  tf: Backend['tf'];
  w: Workload;
  rng: Rng;
  cfg: TrainConfig;
  method: Exclude<Method, 'lora'>;
  r: number;
  rule: Rule;
  alpha: number | null;
  Lloss: number;
  /** The theory's constant (theoryL: 2L for two matrices, Lemma 3.6; at least 1). */
  Ltheory: number;
  side: Sketch;
  /** cola: LoRA steps per chain link; rac: steps per sketch (undefined: asym, full). */
  linkSteps?: number;
  sigmas: number[];
  /** ||W0||^2: the verifier bounds the rounding of the stored W_t with it (gpu-runs/verify-family.ts). */
  W0sq: number;
  /** The step of a constant rule (every rule of asym, rac, full; cola's const:<lr> and <c>/L). */
  etaFixed?: number;
  webgpu: boolean;
  /** cola's rules that read the record, on webgpu: eta from the record kernel. */
  deviceEta: boolean;
  /** Records carry ||W_t - W*||^2 (recordsDistance). */
  distance: boolean;
  /** Mini-batch runs with fullJEvery > 1: J is the batch loss, the full-data loss sits in fullJ. */
  sparseFull: boolean;
  readEvery: number;
  readAfterMs: number;
}

/**
 * Everything a run fixes before its header: the rule (<c>/L with the loss's L, which must be
 * known: TrainError otherwise), the theory's L, the chain links, ||W0||^2, and when records are
 * read back. A constant step needs nothing of the record: the update is dispatched at once and,
 * on webgpu, the records come back in batches (a read-back through Dawn costs milliseconds).
 * cola's rules that read the record do the same on webgpu with eta from the record kernel
 * (deviceEta). Elsewhere each record is read back before the update.
 */
async function setUpMethod(tf: Backend['tf'], w: Workload, rng: Rng, cfg: TrainConfig): Promise<MethodRun> {
  const method = cfg.method as Exclude<Method, 'lora'>;
  if (w.Lestimated || w.Lloss === undefined) throw new TrainError(`method ${method} needs a workload whose L is known (${w.name} estimates it along the run)`);
  const Lloss = w.Lloss;
  const rule = constantRule(cfg.rule, Lloss);
  const alpha = ruleAlpha(rule, cfg.alpha);
  const Ltheory = theoryL(w.shapes.length, Lloss);
  const etaFixed = rule.kind === 'const' ? roundDownF32(stepSize(rule, alpha, { Vsq: 0, Gnorm: 0, J: 0, gradJsq: 0, L: Ltheory })) : undefined;
  const webgpu = tf.getBackend() === 'webgpu';
  const deviceEta = method === 'cola' && etaFixed === undefined && webgpu && customKernelsEnabled() && process.env.LORACHECK_COLA_HOST_ETA !== '1';
  return {
    tf,
    w,
    rng,
    cfg,
    method,
    r: cfg.rank,
    rule,
    alpha,
    Lloss,
    Ltheory,
    side: cfg.sketch ?? 'left',
    linkSteps: cfg.linkSteps ?? (method === 'cola' || method === 'rac' ? DEFAULT_LINK_STEPS[method] : undefined),
    sigmas: adapterSigmas(w, cfg),
    W0sq: await W0normSq(tf, w),
    etaFixed,
    webgpu,
    deviceEta,
    distance: recordsDistance(w, cfg),
    sparseFull: cfg.batch !== undefined && (cfg.fullJEvery ?? 1) > 1,
    readEvery: webgpu && (etaFixed !== undefined || deviceEta) ? Math.max(1, cfg.readEvery ?? DEFAULT_READ_EVERY) : 1,
    readAfterMs: cfg.readAfterMs ?? DEFAULT_READ_AFTER_MS,
  };
}

/** sum_k ||W0_k||^2 in float64 over the matrices' float32 sums. */
async function W0normSq(tf: Backend['tf'], w: Workload): Promise<number> {
  let W0sq = 0;
  for (const W0k of w.W0)
    if (W0k) {
      const sq = tf.tidy(() => tf.sum(tf.square(W0k)));
      W0sq += (await sq.data())[0]!;
      sq.dispose();
    }
  return W0sq;
}

/** The header of a method's trace: the theory's L beside the loss's, the method's init, its chain links and ||W0||^2. */
function methodHeader(backend: Backend, run: MethodRun): TraceHeader {
  const { w, cfg, method, r, side, linkSteps, W0sq } = run;
  const init: Record<typeof method, string> = {
    asym: `A ~ N(0, sigma^2) drawn once and frozen, B = ${cfg.init === 'paper' ? '0' : 'N(0, sigma^2)'}`,
    cola: `each link: ${cfg.init === 'paper' ? 'B = 0' : 'B ~ N(0, sigma^2)'}, A ~ N(0, sigma^2); merged into W0 every ${linkSteps} steps`,
    rac: `W = W0; a ${side} Gaussian sketch (entries N(0, 1)) every ${linkSteps} step(s)`,
    full: 'W = W0 (the rank does not apply)',
  };
  return traceHeader(backend, w, cfg, {
    r,
    L: run.Ltheory,
    Lloss: run.Lloss,
    Lmethod: `${theoryLText(w)}; rac and full use the loss's L (Lloss)`,
    alpha: run.alpha,
    init: init[method],
    method,
    methodDetail: method === 'rac' ? { sketch: side, linkSteps: linkSteps!, W0sq } : method === 'cola' ? { linkSteps: linkSteps! } : method === 'full' ? { W0sq } : {},
    rankBound: w.rankBound?.(r),
  });
}

/**
 * The states at t = 0: full and rac start at W = W0; asym draws B, A once over the frozen W0;
 * cola draws the first link's B, A over W0' = W0 (matrix by matrix, B before A).
 */
function initStates(run: MethodRun): State[] {
  const { tf, w, method } = run;
  const startW = (k: number): Tensor2D => (w.W0[k] ? (tf.clone(w.W0[k]!) as Tensor2D) : tf.zeros([w.shapes[k]!.m, w.shapes[k]!.n]));
  return w.shapes.map((_, k) => {
    if (method === 'full' || method === 'rac') return { W: startW(k) };
    if (method === 'asym') return { base: w.W0[k] ?? null, B: newB(run, k), A: newA(run, k) };
    return { base: startW(k), B: newB(run, k), A: newA(run, k) };
  });
}

/** A fresh B_k of a link (drawB: 0 under the paper's init). */
function newB(run: MethodRun, k: number): Tensor2D {
  return drawB(run.tf, run.rng, run.w.shapes[k]!, run.r, run.sigmas[k]!, run.cfg.init);
}

/** A fresh A_k of a link (drawA). */
function newA(run: MethodRun, k: number): Tensor2D {
  return drawA(run.tf, run.rng, run.w.shapes[k]!, run.r, run.sigmas[k]!);
}

/** W of a state: W itself, or base + B A. */
function weightsOf(tf: Backend['tf'], st: State): Tensor2D {
  if (st.W) return st.W;
  const BA = tf.matMul(st.B!, st.A!) as Tensor2D;
  return st.base ? (tf.add(st.base, BA) as Tensor2D) : BA;
}

/** Frees every state's tensors (cola's merged bases too; asym's base is the workload's W0). */
function disposeStates(run: MethodRun, states: State[]): void {
  for (const st of states) {
    [st.W, st.B, st.A, st.sketch?.S, st.sketch?.Gp].forEach((x) => x?.dispose());
    if (run.method === 'cola') st.base?.dispose();
  }
}

/** rac's sketches: their shapes (one per matrix), how many the run draws, and on how many worker threads. */
interface SketchPlan {
  shapes: SketchShape[];
  draws: number;
  workers: number;
}

/**
 * rac: one sketch per matrix and chain link, from the run's stream. In a full-batch run nothing
 * else draws from it once the loop starts, so the coming sketches can be drawn ahead on worker
 * threads (sketch-draw.ts SketchAhead: the same numbers, in the same order).
 */
function planSketches(run: MethodRun, backend: Backend): SketchPlan {
  const { tf, w, cfg, method, side, r, linkSteps } = run;
  const shapes = w.shapes.map((s) => ({ side, m: s.m, n: s.n, r }));
  const draws = method === 'rac' ? Math.ceil(cfg.steps / linkSteps!) * w.shapes.length : 0;
  const workers = draws > 0 && cfg.batch === undefined ? sketchAheadWorkers(shapes[0]!, draws, tf.getBackend() === 'webgpu' || backend.name === 'gpu') : 0;
  return { shapes, draws, workers };
}

/**
 * The threads that draw the sketches ahead, where the plan has any. They start in a fraction of
 * a second; the main thread would spend about that long drawing the first sketches itself, so it
 * waits (at most SKETCH_WAIT_MS, then draws any a worker has not sent).
 */
async function startSketchesAhead(rng: Rng, plan: SketchPlan): Promise<SketchAhead | undefined> {
  if (plan.workers === 0) return undefined;
  const ahead = new SketchAhead(rng, plan.shapes, plan.draws, plan.workers);
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([ahead.whenReady, new Promise<void>((res) => (timer = setTimeout(res, SKETCH_WAIT_MS)))]);
  clearTimeout(timer);
  return ahead;
}

/** The start of a chain link: a fresh sketch (rac); merge W0' <- W0' + B A and re-initialise (cola, after the first link). */
async function startLink(run: MethodRun, states: State[], t: number, nextSketch: (k: number) => Promise<SketchData> | SketchData): Promise<void> {
  const { tf, method } = run;
  for (const [k, st] of states.entries()) {
    if (method === 'rac') {
      if (st.sketch) [st.sketch.S, st.sketch.Gp].forEach((x) => x.dispose());
      st.sketch = sketchTensors(tf, await nextSketch(k));
    } else if (method === 'cola' && t > 0) {
      const merged = tf.tidy(() => tf.add(st.base!, tf.matMul(st.B!, st.A!)) as Tensor2D);
      [st.base!, st.B!, st.A!].forEach((x) => x.dispose());
      st.base = merged;
      st.B = newB(run, k);
      st.A = newA(run, k);
    }
  }
}

/** A step's record waiting on the device, with what unpack needs to read it. */
interface MethodPending extends PendingRecord {
  sizes: Sizes;
  Jscale: number;
  fullScale: number;
}

/** The records of a run (train-records.ts); a device eta (cola on webgpu) is checked against the rule at L = Ltheory. */
function methodRecords(run: MethodRun, sink: TraceSink, hooks: TrainHooks): RecordStream<MethodPending> {
  return new RecordStream<MethodPending>({
    tf: run.tf,
    sink,
    hooks,
    steps: run.cfg.steps,
    unpack: (vals, at, p, time_ms) => unpack(run, vals, at, p, time_ms),
    etaAboveRule: (rec) => deviceEtaAboveRule(run.rule, run.alpha, rec, run.Ltheory),
    readEvery: run.readEvery,
    readAfterMs: run.readAfterMs,
  });
}

/**
 * One record: host float64 sums of the float32 partials, segment by segment (HOST_ORDER or
 * DEVICE_ORDER), and eta: the device's, the constant step, or the rule's on this record
 * ((8) on the link's V for cola, rounded down to float32).
 */
function unpack(run: MethodRun, vals: Float32Array, at: number, p: MethodPending, time_ms: number): StepRecord {
  const { method, cfg } = run;
  const { sizes } = p;
  const sum = {} as Sizes;
  let off = at;
  for (const g of p.etaOnDevice ? DEVICE_ORDER : HOST_ORDER) {
    sum[g] = sum64(vals, off, off + sizes[g]);
    off += sizes[g];
  }
  const Jstep = p.Jscale * sum.J;
  const Jfull = sizes.full ? p.fullScale * sum.full : Jstep;
  const Vsq = sum.V;
  const Gnorm = Math.sqrt(sum.G);
  // rac and full: the direction's gradient is G itself (the table above), its partials not repeated
  const gradJsq = method === 'rac' || method === 'full' ? sum.G : sum.D;
  const eta = p.etaOnDevice ? sum.eta : (run.etaFixed ?? roundDownF32(stepSize(run.rule, run.alpha, { Vsq, Gnorm, J: Jstep, gradJsq, L: run.Ltheory })));
  const rec: StepRecord = { type: 'step', t: p.t, J: run.sparseFull ? Jstep : Jfull, Vsq, Gnorm, gradJsq, eta, time_ms };
  if (cfg.batch !== undefined) rec.batchJ = Jstep;
  if (run.sparseFull && sizes.full) rec.fullJ = Jfull;
  if (sizes.H) rec.HgradSq = sum.H;
  if (method === 'rac' || method === 'full') rec.gamma = eta;
  if (sizes.dist) rec.distSq = sum.dist;
  return rec;
}

/**
 * The step loop: for t = 0, ..., T a new chain link where one starts (startLink), the record of
 * W_t (methodStep), and the update to W_{t+1} (none after the final record): at once with a
 * constant step, on the device with cola's device eta, else after the record is read back. A
 * stop asked before a step ends the run there (the records still waiting are dropped).
 */
async function runMethodSteps(
  run: MethodRun,
  states: State[],
  records: RecordStream<MethodPending>,
  nextSketch: (k: number) => Promise<SketchData> | SketchData,
): Promise<Float32Array[] | undefined> {
  const { tf, w, rng, cfg, linkSteps, etaFixed } = run;
  const nextBatch = batchOrder(tf, w, rng, cfg.batch);
  for (let t = 0; t <= cfg.steps; t++) {
    await yieldToSignals();
    if (records.stopAsked()) break;
    if (linkSteps !== undefined && t % linkSteps === 0 && t < cfg.steps) await startLink(run, states, t, nextSketch);
    const batch = nextBatch();
    const final = t === cfg.steps;
    const targets = targetsOf(run, states);
    const step = tf.tidy(() => methodStep(run, states, targets, t, batch, final));
    batch?.dispose();
    records.push({ t, packed: step.packed, ...(step.extra ? { extra: step.extra } : {}), sizes: step.sizes, Jscale: step.Jscale, fullScale: step.fullScale, etaOnDevice: step.etaOnDevice });
    // the device already took step (3) (deviceEta): the new (B, A) replace the old
    step.next.forEach((x, i) => {
      const { of, key } = targets[i]!;
      of[key]!.dispose();
      of[key] = x;
    });
    if (etaFixed !== undefined) update(run, targets, step.dirs, etaFixed);
    // eta is the host's rule on this record: read it back now (free on the CPU backends)
    const waits = etaFixed === undefined && !step.etaOnDevice;
    if (waits || records.due(final)) {
      const going = await records.readBack();
      if (waits) {
        if (going && !final) update(run, targets, step.dirs, records.last!.eta);
        else step.dirs.forEach((d) => d.dispose());
      }
      if (!going) break;
    }
  }
  if (!records.ended) await records.readBack();
  return cfg.keepFinal ? readFinalWeights(tf, () => states.map((st) => tf.clone(weightsOf(tf, st)) as Tensor2D)) : undefined;
}

/** Each parameter a step moves, matrix by matrix: W (full, rac), B (asym), B then A (cola). */
function targetsOf(run: MethodRun, states: State[]): Target[] {
  const { method } = run;
  return states.flatMap((st): Target[] => {
    if (method === 'full' || method === 'rac') return [{ of: st, key: 'W' }];
    if (method === 'cola') return [{ of: st, key: 'B' }, { of: st, key: 'A' }];
    return [{ of: st, key: 'B' }];
  });
}

/** One step's tensors (a type: tidy returns it): the record of W_t and what moves W_t. */
type MethodStep = {
  packed: Tensor1D;
  extra?: Tensor1D;
  sizes: Sizes;
  Jscale: number;
  fullScale: number;
  /** The direction of each target, for the host's update (none after the final record or when the device stepped). */
  dirs: Tensor2D[];
  /** The targets' new values, where the device took step (3) itself (deviceEta). */
  next: Tensor2D[];
  etaOnDevice: boolean;
};

/**
 * Step t inside a tidy: the loss and G at W_t (the batch gradient in mini-batch runs), each
 * target's direction (directions), and the record: from the record kernel with eta where cola's
 * device eta applies (deviceRecord), else packed per-row partials for the host (hostPartials).
 */
function methodStep(run: MethodRun, states: State[], targets: Target[], t: number, batch: Tensor1D | undefined, final: boolean): MethodStep {
  const { tf, w, cfg } = run;
  const W = states.map((st) => weightsOf(tf, st));
  const lg = w.lossGrad(W, batch);
  const full = batch && fullLossAt(cfg, t) ? w.loss(W) : undefined;
  const scales = { Jscale: lg.Jscale, fullScale: full?.Jscale ?? 1 };
  const { dirs, V, D, H } = directions(run, states, lg.G);
  const onDevice = run.deviceEta ? deviceRecord(run, targets, dirs, lg, full, V, D, W, final) : undefined;
  if (onDevice) return { ...onDevice, ...scales };
  return { ...hostPartials(run, lg, full, V, D, H, W), ...scales, dirs: final ? [] : dirs, next: [], etaOnDevice: false };
}

/**
 * Each target's direction at W_t (targetsOf's order), and the matrices its record sums (V, D
 * and H of the table above): full G (fpftStep); rac H G without forming H (m x m or n x n),
 * left S (Gp (S^T G)), right ((G S^T) Gp) S (racStep); asym G A^T (asymStep); cola LoRA's
 * grad_B = G A^T, grad_A = B^T G of step (3) on the link's (B, A).
 */
function directions(run: MethodRun, states: State[], G: Tensor2D[]): { dirs: Tensor2D[]; V: Tensor2D[]; D: Tensor2D[]; H: Tensor2D[] } {
  const { tf, w, method, side } = run;
  const dirs: Tensor2D[] = [];
  const V: Tensor2D[] = [];
  const D: Tensor2D[] = [];
  const H: Tensor2D[] = [];
  states.forEach((st, k) => {
    const Gk = G[k]!;
    const W0k = w.W0[k];
    if (method === 'full' || method === 'rac') {
      V.push(W0k ? (tf.sub(st.W!, W0k) as Tensor2D) : st.W!);
      let dir = Gk;
      if (method === 'rac') {
        const { S, Gp } = st.sketch!;
        dir =
          side === 'left'
            ? matMulT(tf, S, matMulT(tf, Gp, matMulT(tf, S, Gk, true, false)))
            : matMulT(tf, matMulT(tf, matMulT(tf, Gk, S, false, true), Gp), S);
        H.push(dir);
      }
      dirs.push(dir);
    } else {
      V.push(st.B!, st.A!);
      const gB = matMulT(tf, Gk, st.A!, false, true);
      dirs.push(gB);
      D.push(gB);
      if (method === 'cola') {
        const gA = matMulT(tf, st.B!, Gk, true, false);
        dirs.push(gA);
        D.push(gA);
      }
    }
  });
  return { dirs, V, D, H };
}

/**
 * cola on webgpu: the record with eta (the rule on this link's V, L = Ltheory) from the record
 * kernel, and step (3) with that eta, without waiting for the host (none after the final
 * record); undefined where the kernel does not apply.
 */
function deviceRecord(
  run: MethodRun,
  targets: Target[],
  dirs: Tensor2D[],
  lg: LossGrad,
  full: LossTerms | undefined,
  V: Tensor2D[],
  D: Tensor2D[],
  W: Tensor2D[],
  final: boolean,
): Omit<MethodStep, 'Jscale' | 'fullScale'> | undefined {
  const { tf, w } = run;
  const plan = recordPlan(lg, full, V, D);
  if (!recordKernelApplies(tf, plan)) return undefined;
  const { record, etaIndex } = stepRecordWebgpu(tf, plan, run.rule, run.alpha, run.Ltheory, lg.Jscale);
  const extra = run.distance ? distanceRows(tf, W, w.optimum!) : undefined;
  const sizes: Sizes = { ...noSizes(), ...planSizes(plan), eta: 1, dist: extra?.shape[0] ?? 0 };
  const next = final ? [] : targets.map(({ of, key }, i) => updateWebgpu(tf, of[key]!, dirs[i]!, record, etaIndex));
  return { packed: record, extra, sizes, dirs: [], next, etaOnDevice: true };
}

/** Every segment empty. */
function noSizes(): Sizes {
  return { J: 0, full: 0, V: 0, G: 0, D: 0, H: 0, eta: 0, dist: 0 };
}

/**
 * The record's per-row partials for the host, in HOST_ORDER (J, full, G, V, D, H, dist): on
 * webgpu every matrix's rows in one dispatch (step-webgpu.ts rowSquaresWebgpu), the sizes split
 * back per segment; a workload kernel's [J terms | ||G||^2 rows] vector is taken whole (no
 * slices) where nothing sits between them.
 */
function hostPartials(run: MethodRun, lg: LossGrad, full: LossTerms | undefined, V: Tensor2D[], D: Tensor2D[], H: Tensor2D[], W: Tensor2D[]): { packed: Tensor1D; sizes: Sizes } {
  const { tf, w } = run;
  const sizes = noSizes();
  const fusedRows = (mats: Tensor2D[]): boolean => run.webgpu && rowSquaresApply(tf, mats);
  const rowsOf = (ms: Tensor2D[]): Tensor1D[] => (ms.length === 0 ? [] : fusedRows(ms) ? [rowSquaresWebgpu(tf, ms)] : ms.map((x) => rowSq(tf, x)));
  const rowCount = (ms: Tensor2D[]) => ms.reduce((n, x) => n + x.shape[0], 0);
  const rt = lg.rowTerms;
  const whole = !full && rt && rt.G.length === 1 && rt.J.copy === rt.G[0]!.copy && rt.J.from === 0 && rt.G[0]!.from === rt.J.length && rt.J.copy.shape[0] === rt.J.length + rt.G[0]!.length;
  // (GrowSq is a getter that slices: not read when the whole vector is taken)
  const Gm = whole || lg.GrowSq ? [] : lg.G;
  const matrices = [...Gm, ...V, ...D, ...H];
  const fusedAll = matrices.length > 0 && fusedRows(matrices);
  const groups: [keyof Sizes, Tensor1D[]][] = [
    ...(whole
      ? ([['J', [rt.J.copy]]] as [keyof Sizes, Tensor1D[]][])
      : ([
          ['J', [lg.Jterms]],
          ['full', full ? [full.Jterms] : []],
        ] as [keyof Sizes, Tensor1D[]][])),
    ['G', whole ? [] : (lg.GrowSq ?? (fusedAll ? [] : rowsOf(lg.G)))],
    ...(fusedAll
      ? ([['V', [rowSquaresWebgpu(tf, matrices)]]] as [keyof Sizes, Tensor1D[]][])
      : ([
          ['V', rowsOf(V)],
          ['D', rowsOf(D)],
          ['H', rowsOf(H)],
        ] as [keyof Sizes, Tensor1D[]][])),
    ['dist', run.distance ? [distanceRows(tf, W, w.optimum!)] : []],
  ];
  const parts: Tensor1D[] = [];
  for (const [g, vs] of groups)
    for (const v of vs) {
      sizes[g] += v.shape[0];
      parts.push(v);
    }
  if (whole) {
    sizes.J = rt.J.length;
    sizes.G = rt.G[0]!.length;
  }
  if (fusedAll) {
    sizes.G += rowCount(Gm);
    sizes.V = rowCount(V);
    sizes.D = rowCount(D);
    sizes.H = rowCount(H);
  }
  return { packed: tf.concat(parts) as Tensor1D, sizes };
}

/** param <- param - eta dir, simultaneously for every target (the directions were computed at W_t). */
function update(run: MethodRun, targets: Target[], dirs: Tensor2D[], eta: number): void {
  const { tf } = run;
  dirs.forEach((dir, i) => {
    const { of, key } = targets[i]!;
    const old = of[key]!;
    of[key] = tf.tidy(() => (run.webgpu && customKernelsEnabled() ? axpyWebgpu(tf, old, dir, eta) : (tf.sub(old, tf.mul(dir, eta)) as Tensor2D)));
    old.dispose();
    dir.dispose();
  });
}
