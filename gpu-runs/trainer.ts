/**
 * LoRA gradient descent on TensorFlow.js (paper (2)-(3)): W_k = W0_k + B_k A_k with W0_k
 * frozen, and at every step, for every adapter pair k,
 *   G_k    = grad_{W_k} L(W_1, ..., W_K)          (the workload, by hand)
 *   grad_B = G_k A_k^T,   grad_A = B_k^T G_k       (chain rule of W = BA; together (7))
 *   B_k <- B_k - eta_t grad_B,   A_k <- A_k - eta_t grad_A   (3), simultaneously.
 * Gradients are written by hand, every product through matMulT (workloads/matmul.ts): tfjs'
 * autodiff of matMul sets the transpose flags, which skip the CPU backends' fast kernels.
 *
 * With K = 2 matrices this is LoRA GD on L~(BA), B = [B1; B2], A = [A1, A2] (Sec. 3.2, M36),
 * and the theory's constant is 2L (Lemma 3.6). The scalars of each step (J, ||V||^2, ||G||,
 * ||grad J||^2) are reduced on the device to short float32 partial sums (per row / sample) and
 * summed on the host in float64; eta_t is computed from them (rules.ts) and applied in float32.
 * On webgpu (L known) the record kernel of step-webgpu.ts computes eta on the device, just below
 * the rule, so the steps run ahead and their records come back in batches (checked on arrival).
 */
import type { Scalar, Tensor1D, Tensor2D } from '@tensorflow/tfjs';
import type { Backend } from './backend.ts';
import { decreaseFromRows, decreaseTf, gamma32 } from './decrease-tf.ts';
import { DIRECT_MAX_BATCH, directEnabled, webgpuDevice, type DirectStep, type GPUDevice } from './direct-dawn.ts';
import { makeSoftmaxDirect, softmaxDirectUnsupported } from './direct-softmax.ts';
import { directUnsupported, makeDirect } from './direct-webgpu.ts';
import { checkMethod, trainMethod } from './methods.ts';
import type { Rng } from './rng.ts';
import { constantRule, roundDownF32, ruleAlpha, stepSize, type Rule } from './rules.ts';
import { planSizes, recordKernelApplies, recordPlan, stepRecordWebgpu, updateWebgpu, type Piece } from './step-webgpu.ts';
import {
  DEFAULT_READ_AFTER_MS,
  DEFAULT_READ_EVERY,
  TrainError,
  adapterSigmas,
  batchIndices,
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
  sumPartials,
  theoryL,
  theoryLText,
  traceHeader,
  yieldToSignals,
  type TrainConfig,
  type TrainHooks,
  type TrainResult,
} from './train-common.ts';
import { RecordStream, type PendingRecord } from './train-records.ts';
import type { StepRecord, TraceHeader, TraceSink } from './trace.ts';
import { matMulT } from './workloads/matmul.ts';
import type { LossGrad, LossTerms, Workload } from './workloads/types.ts';

export { roundDownF32 } from './rules.ts';
export { INITS, METHODS, SKETCHES, TrainError, type Init, type Method, type Sketch, type TrainConfig, type TrainHooks, type TrainResult } from './train-common.ts';

export { DEFAULT_READ_AFTER_MS, DEFAULT_READ_EVERY } from './train-common.ts';

const SECANT_PROBE = 1e-3;

/**
 * The adapter gradients of L(W0 + BA) from G = grad L (Step 1 chain rule; stacked, this is (7)):
 * grad_B = G A^T, grad_A = B^T G (matMulT: transposes where the backend wants them).
 */
export function adapterGrads(tf: Backend['tf'], G: Tensor2D[], B: Tensor2D[], A: Tensor2D[]): { gB: Tensor2D[]; gA: Tensor2D[] } {
  return {
    gB: G.map((Gk, k) => matMulT(tf, Gk, A[k]!, false, true)),
    gA: G.map((Gk, k) => matMulT(tf, B[k]!, Gk, true, false)),
  };
}

/** W_k = W0_k + B_k A_k (W0_k = null: W_k = B_k A_k). */
export function loraWeights(tf: Backend['tf'], W0: readonly (Tensor2D | null)[], B: Tensor2D[], A: Tensor2D[]): Tensor2D[] {
  return B.map((Bk, k) => {
    const BA = tf.matMul(Bk, A[k]!);
    const W0k = W0[k];
    return (W0k ? tf.add(W0k, BA) : BA) as Tensor2D;
  });
}

/**
 * LoRA gradient descent (3) for cfg.steps steps: one record per iterate V_0, ..., V_T, then the
 * summary (the other methods: methods.ts trainMethod). The steps: the run's set-up (setUpLora),
 * its header (loraHeader), the steps on the direct webgpu path (runDirect) or on tfjs (runSteps),
 * and the summary (RecordStream.finish).
 */
export async function train(backend: Backend, w: Workload, rng: Rng, cfg: TrainConfig, sink: TraceSink, hooks: TrainHooks = {}): Promise<TrainResult> {
  if ((cfg.method ?? 'lora') !== 'lora') return trainMethod(backend, w, rng, cfg, sink, hooks);
  checkBatch(w, cfg);
  checkMethod(cfg);
  const run = await setUpLora(backend.tf, w, rng, cfg);
  const header = loraHeader(backend, run);
  sink.write(header);
  const records = loraRecords(run, sink, hooks);
  let finalW: Float32Array[] | undefined;
  try {
    finalW = run.direct ? await runDirect(run, records) : await runSteps(run, records);
  } finally {
    records.dispose();
    [...run.B, ...run.A].forEach((x) => x.dispose());
    if (run.prev) [...run.prev.W, ...run.prev.G].forEach((x) => x.dispose());
  }
  const summary = records.finish(w.Lestimated && run.Lmax !== undefined ? { Lfinal: run.Ltheory(run.Lmax) } : {});
  return { header, summary, last: records.last, divergence: records.divergence, ...(finalW ? { finalW } : {}) };
}

/** A LoRA run: what its set-up fixes, and the iterate V_t = (B_t, A_t) that the steps move. */
interface LoraRun {
  tf: Backend['tf'];
  w: Workload;
  rng: Rng;
  cfg: TrainConfig;
  r: number;
  rule: Rule;
  alpha: number | null;
  /** The loss's L: the workload's, or the secant probe's (secantProbeL). */
  Lloss: number;
  /** The theory's constant for a loss L (theoryL: 2L for two matrices, Lemma 3.6; at least 1). */
  Ltheory(Ll: number): number;
  /** The loss's L as the rule uses it: fixed, or (mlp, full batch: estimateAlong) the largest
   *  secant ratio ||G_t - G_{t-1}|| / ||W_t - W_{t-1}|| so far; Lmax the largest estimate. */
  Lcur: number;
  Lmax?: number;
  estimateAlong: boolean;
  /** estimateAlong: W_{t-1} and G_{t-1}, for the next secant ratio. */
  prev?: { W: Tensor2D[]; G: Tensor2D[] };
  /** Which direct webgpu step runs the steps (directKind), or undefined: tfjs. */
  direct?: 'quadratic' | 'softmax';
  device: GPUDevice | undefined;
  B: Tensor2D[];
  A: Tensor2D[];
  /** Records carry ||W_t - W*||^2 (recordsDistance). */
  distance: boolean;
  /** train --decrease where the host takes step (3) (wasm, cpu, tfjs-node): each record of V_t
   *  is held until the update, then gets dJ from decrease-tf.ts (the direct step has its own kernel). */
  decreaseHost: boolean;
  /** Mini-batch runs with fullJEvery > 1: J is the batch loss, the full-data loss sits in fullJ. */
  sparseFull: boolean;
  /** Read the records back every readEvery steps, or once readAfterMs have passed (webgpu). */
  readEvery: number;
  readAfterMs: number;
}

/**
 * Everything a LoRA run fixes before its header: the rule (<c>/L with the loss's own L), the
 * adapters V_0, the loss's L (the workload's, or the secant probe's for the mlp), and the path
 * that takes the steps: on webgpu, the quadratic (full batch) and softmax regression (full batch
 * or mini-batches) run the whole step on Dawn's device without tfjs (direct-webgpu.ts,
 * direct-softmax.ts), unless turned off (LORACHECK_WEBGPU_DIRECT=0, cfg.direct false; the
 * quadratic's LORACHECK_QUADRATIC_STORE_G=1).
 */
async function setUpLora(tf: Backend['tf'], w: Workload, rng: Rng, cfg: TrainConfig): Promise<LoraRun> {
  const K = w.shapes.length;
  const r = cfg.rank;
  // <c>/L: a constant c / L of the loss's own L (estimated-L workloads cannot state it)
  const rule = constantRule(cfg.rule, w.Lestimated ? undefined : w.Lloss);
  const alpha = ruleAlpha(rule, cfg.alpha);
  const { B, A } = drawAdapters(tf, w, rng, cfg);
  const Lloss = w.Lloss ?? (await secantProbeL(tf, w, rng, () => loraWeights(tf, w.W0, B, A)));
  const device = webgpuDevice(tf);
  const direct = cfg.direct !== false && directEnabled() && K === 1 && !w.Lestimated ? directKind(w, device, r, rule, cfg.batch) : undefined;
  return {
    tf,
    w,
    rng,
    cfg,
    r,
    rule,
    alpha,
    Lloss,
    Ltheory: (Ll) => theoryL(K, Ll),
    Lcur: Lloss,
    Lmax: w.Lloss === undefined ? Lloss : undefined,
    estimateAlong: w.Lestimated && cfg.batch === undefined,
    direct,
    device,
    B,
    A,
    distance: recordsDistance(w, cfg),
    decreaseHost: cfg.decrease === true && !direct && device === undefined && K === 1 && cfg.batch === undefined && w.quadraticHC !== undefined,
    sparseFull: cfg.batch !== undefined && (cfg.fullJEvery ?? 1) > 1,
    readEvery: Math.max(1, cfg.readEvery ?? DEFAULT_READ_EVERY),
    readAfterMs: cfg.readAfterMs ?? DEFAULT_READ_AFTER_MS,
  };
}

/** The adapters at t = 0: paper init B = 0, A ~ N(0, sigma^2) (Sec. 4); random: both Gaussian. Every B_k is drawn before the A_k. */
function drawAdapters(tf: Backend['tf'], w: Workload, rng: Rng, cfg: TrainConfig): { B: Tensor2D[]; A: Tensor2D[] } {
  const sigmas = adapterSigmas(w, cfg);
  const B = w.shapes.map((s, k) => drawB(tf, rng, s, cfg.rank, sigmas[k]!, cfg.init));
  const A = w.shapes.map((s, k) => drawA(tf, rng, s, cfg.rank, sigmas[k]!));
  return { B, A };
}

/**
 * The loss's L where the workload cannot state it (mlp): the secant ratio ||G(W') - G(W)|| /
 * ||W' - W|| at W = W_0 along a random direction of length SECANT_PROBE max(1, ||W||), a lower
 * estimate of L (TrainError when it is not a positive number).
 */
async function secantProbeL(tf: Backend['tf'], w: Workload, rng: Rng, weights: () => Tensor2D[]): Promise<number> {
  const sq = tf.tidy(() => {
    const W = weights();
    const dirs = W.map((Wk) => tf.tensor2d(rng.gaussian(Wk.size, 1), Wk.shape as [number, number]));
    const norms = tf.stack([sumSq(tf, dirs), sumSq(tf, W)]);
    return { W: W.map((x) => tf.keep(x)), dirs: dirs.map((x) => tf.keep(x)), norms };
  });
  const [dirSq, wSq] = Array.from(await sq.norms.data());
  const scale = (SECANT_PROBE * Math.max(1, Math.sqrt(wSq!))) / Math.sqrt(dirSq!);
  const s2 = tf.tidy(() => {
    const W2 = sq.W.map((Wk, k) => tf.add(Wk, tf.mul(sq.dirs[k]!, scale)) as Tensor2D);
    return secantRatio(tf, w.lossGrad(sq.W).G, w.lossGrad(W2).G, sq.W, W2);
  });
  const Lloss = (await s2.data())[0]!;
  [s2, sq.norms, ...sq.W, ...sq.dirs].forEach((x) => x.dispose());
  if (!(Lloss > 0) || !Number.isFinite(Lloss)) throw new TrainError(`could not estimate L for ${w.name} (secant probe gave ${Lloss})`);
  return Lloss;
}

/** The header of a LoRA trace: the theory's L beside the loss's, the init, LoRA's rank bound; kernels 'direct' on the direct path. */
function loraHeader(backend: Backend, run: LoraRun): TraceHeader {
  const { w, cfg, r } = run;
  const header = traceHeader(backend, w, cfg, {
    r,
    L: run.Ltheory(run.Lloss),
    Lloss: run.Lloss,
    Lmethod: theoryLText(w),
    alpha: run.alpha,
    init: cfg.init === 'paper' ? 'paper: B = 0, A ~ N(0, sigma^2)' : 'random: B, A ~ N(0, sigma^2)',
    method: 'lora',
    // LoRA's iterates keep rank(W - W0) <= r (LORA.rank)
    rankBound: w.rankBound?.(r),
  });
  if (run.direct) header.kernels = 'direct';
  if (cfg.decrease && run.direct === 'quadratic')
    header.decrease = 'dJ = J(V_{t+1}) - J(V_t) from both iterates\' factors in float32, rows summed in float64, with its rounding bound dJerr (direct-webgpu.ts decreaseProgram)';
  else if (run.decreaseHost)
    header.decrease = 'dJ = J(V_{t+1}) - J(V_t) from both iterates\' factors with tfjs ops in float32, rows summed in float64, with its rounding bound dJerr (decrease-tf.ts)';
  return header;
}

type RecordPlan = ReturnType<typeof recordPlan>;

/** A LoRA step's record waiting on the device, and where each quantity sits in it. */
interface LoraPending extends PendingRecord {
  layout: Layout;
}

/**
 * The records of a LoRA run (train-records.ts). On webgpu (L known) the steps run ahead of the
 * host: eta comes from the record kernel, and the records wait on the device and come back every
 * readEvery steps; every device eta is checked against the rule on the recorded float64 scalars
 * (see ETA_MARGIN). Elsewhere each record is read back at once, as the update needs its eta.
 */
function loraRecords(run: LoraRun, sink: TraceSink, hooks: TrainHooks): RecordStream<LoraPending> {
  return new RecordStream<LoraPending>({
    tf: run.tf,
    sink,
    hooks,
    steps: run.cfg.steps,
    unpack: (vals, at, p, time_ms) => unpack(run, vals, at, p.t, p.layout, time_ms),
    etaAboveRule: (rec) => deviceEtaAboveRule(run.rule, run.alpha, rec, run.Ltheory(run.Lcur)),
    readEvery: run.readEvery,
    readAfterMs: run.readAfterMs,
    hold: run.decreaseHost,
  });
}

/**
 * One record: host float64 sums of the float32 partials (J, ||V||^2, ||G||, ||grad J||^2), and
 * eta: the device's, or the rule's here ((8), or another rule of rules.ts, rounded down to
 * float32); an estimated-L run first takes the record's secant ratio into Lcur.
 */
function unpack(run: LoraRun, vals: Float32Array, at: number, t: number, lay: Layout, time_ms: number): StepRecord {
  const { cfg, w } = run;
  const sums = sumPartials(vals, at, lay);
  const { Jstep, Vsq, Gnorm, gradJsq } = sums;
  const Jfull = sums.Jfull ?? Jstep;
  let off = sums.end;
  let eta: number;
  if (lay.etaOnDevice) eta = vals[off++]!;
  else {
    if (lay.secant) {
      const s = vals[off++]!;
      if (Number.isFinite(s) && s > run.Lcur) run.Lcur = s;
      run.Lmax = Math.max(run.Lmax ?? run.Lcur, run.Lcur);
    }
    eta = roundDownF32(stepSize(run.rule, run.alpha, { Vsq, Gnorm, J: Jstep, gradJsq, L: run.Ltheory(run.Lcur) }));
  }
  // fullJEvery > 1: J is the batch loss and the full-data loss sits in fullJ where evaluated
  const rec: StepRecord = { type: 'step', t, J: run.sparseFull ? Jstep : Jfull, Vsq, Gnorm, gradJsq, eta, time_ms };
  if (cfg.batch !== undefined) rec.batchJ = Jstep;
  if (run.sparseFull && lay.full) rec.fullJ = Jfull;
  if (w.Lestimated) rec.L = run.Ltheory(run.Lcur);
  if (lay.dist) rec.distSq = sum64(vals, off, off + lay.dist);
  // dJ of the step from V_t (none after the final record, which takes no step)
  if (lay.dec && t < cfg.steps) {
    const at2 = off + lay.dist;
    const half = lay.dec / 2;
    // the kernel's float32 row sums of the bound: fewer than n + 6 additions a term, twice over
    const { dJ, dJerr } = decreaseFromRows(vals.subarray(at2, at2 + half), vals.subarray(at2 + half, at2 + lay.dec), 2 * gamma32(w.shapes[0]!.n + 6));
    if (Number.isFinite(dJ) && Number.isFinite(dJerr)) Object.assign(rec, { dJ, dJerr });
  }
  return rec;
}

/**
 * The tfjs path: for t = 0, ..., T the record of V_t and step (3) to V_{t+1} (none after the
 * final record). A stop asked before a step ends the run there: no further update, and the
 * records still waiting on the device are dropped (the summary counts the records written).
 */
async function runSteps(run: LoraRun, records: RecordStream<LoraPending>): Promise<Float32Array[] | undefined> {
  const { tf, w, rng, cfg } = run;
  // (drawn lazily: the direct path draws the same batches as host indices, batchIndices)
  const nextBatch = batchOrder(tf, w, rng, cfg.batch);
  for (let t = 0; t <= cfg.steps; t++) {
    await yieldToSignals();
    if (records.stopAsked()) break;
    const batch = nextBatch();
    const final = t === cfg.steps;
    const step = tf.tidy(() => loraStep(run, t, batch, final));
    batch?.dispose();
    records.push({ t, packed: step.packed, ...(step.extra ? { extra: step.extra } : {}), layout: step.layout, etaOnDevice: step.layout.etaOnDevice });
    if (step.keep) {
      if (run.prev) [...run.prev.W, ...run.prev.G].forEach((x) => x.dispose());
      run.prev = step.keep;
    }
    if (step.next) setAdapters(run, step.next.B, step.next.A);
    if (!step.layout.etaOnDevice) {
      // eta is the rule's on this record: read it back now (free on the CPU backends)
      const going = await records.readBack();
      const g = step.grads;
      if (going && g) await hostUpdate(run, g, records.last!.eta, records);
      records.release(); // (a record held for dJ that got none: the final one, or a stop)
      if (g) [...g.gB, ...g.gA].forEach((x) => x.dispose());
      if (!going) break;
    } else if (records.due(final)) {
      if (!(await records.readBack())) break;
    }
  }
  // (after a stop asked before a step, the records still waiting are read back but not written: the run ended first)
  if (!records.divergence) await records.readBack();
  return cfg.keepFinal ? readFinalWeights(tf, () => loraWeights(tf, w.W0, run.B, run.A)) : undefined;
}

/** One step's tensors: the record of V_t, and what moves V_t to V_{t+1}. */
type LoraStep = {
  packed: Tensor1D;
  extra?: Tensor1D;
  layout: Layout;
  /** V_{t+1}, where the device took step (3) itself. */
  next?: { B: Tensor2D[]; A: Tensor2D[] };
  /** grad_B, grad_A, for the host's step (3) (none after the final record). */
  grads?: { gB: Tensor2D[]; gA: Tensor2D[] };
  /** estimateAlong: W_t and G_t for the next secant ratio. */
  keep?: { W: Tensor2D[]; G: Tensor2D[] };
};

/**
 * Step t inside a tidy: the loss and its gradients at V_t (lossAndGrads), then the record
 * [J | full J | V rows | G rows | grad J rows | eta or secant ratio]: on webgpu with eta and step
 * (3) on the device (deviceStep), else packed for the host (hostRecord).
 */
function loraStep(run: LoraRun, t: number, batch: Tensor1D | undefined, final: boolean): LoraStep {
  const g = lossAndGrads(run, t, batch);
  const plan = recordPlan(g.lg, g.full, [...run.B, ...run.A], [...g.gB, ...g.gA]);
  const sizes = planSizes(plan);
  const layout: Layout = {
    J: sizes.J,
    Jscale: g.lg.Jscale,
    full: sizes.full,
    fullScale: g.full?.Jscale,
    V: sizes.V,
    G: sizes.G,
    D: sizes.D,
    etaOnDevice: false,
    secant: false,
    dist: g.dist ? g.dist.shape[0] : 0,
  };
  if (!run.estimateAlong && recordKernelApplies(run.tf, plan)) return deviceStep(run, g, plan, layout, final);
  return hostRecord(run, g, plan, layout, final);
}

/** The loss and gradients at V_t, and what the record adds (full-data loss, distance). */
interface LoraGrads {
  /** W_t = W0 + B_t A_t, where it was formed (not by the workload's fused kernels). */
  W?: Tensor2D[];
  lg: LossGrad;
  gB: Tensor2D[];
  gA: Tensor2D[];
  full?: LossTerms;
  dist?: Tensor1D;
}

/**
 * The loss and G at W_t, with the workload's fused kernels where it has them (L known; a
 * mini-batch and the full-data loss at the same W included), else at W = W0 + BA; the adapter
 * gradients grad_B = G A^T, grad_A = B^T G (together (7)); the full-data loss on the steps that
 * evaluate it; ||W_t - W*||^2 rows (small runs on a workload that knows W*).
 */
function lossAndGrads(run: LoraRun, t: number, batch: Tensor1D | undefined): LoraGrads {
  const { tf, w, cfg, B, A } = run;
  const fused = !run.estimateAlong && w.lossGradFromAdapters !== undefined;
  const withFull = batch !== undefined && fullLossAt(cfg, t);
  const W = fused ? undefined : loraWeights(tf, w.W0, B, A);
  const lg = fused ? w.lossGradFromAdapters!(B, A, batch, withFull) : w.lossGrad(W!, batch);
  const { gB, gA } = lg.adapterGrads ?? adapterGrads(tf, lg.G, B, A);
  const full = withFull ? (lg.full ?? w.loss(W ?? loraWeights(tf, w.W0, B, A))) : undefined;
  // read back after the record
  const dist = run.distance ? distanceRows(tf, W ?? loraWeights(tf, w.W0, B, A), w.optimum!) : undefined;
  return { W, lg, gB, gA, full, dist };
}

/**
 * webgpu: the record with eta, computed on the device just below the rule (step-webgpu.ts), and
 * step (3) with that eta, without waiting for the host (none after the final record).
 */
function deviceStep(run: LoraRun, g: LoraGrads, plan: RecordPlan, layout: Layout, final: boolean): LoraStep {
  const { tf, B, A } = run;
  const { record, etaIndex } = stepRecordWebgpu(tf, plan, run.rule, run.alpha, run.Ltheory(run.Lcur), g.lg.Jscale);
  layout.etaOnDevice = true;
  const next = final ? undefined : { B: B.map((Bk, k) => updateWebgpu(tf, Bk, g.gB[k]!, record, etaIndex)), A: A.map((Ak, k) => updateWebgpu(tf, Ak, g.gA[k]!, record, etaIndex)) };
  return { packed: record, extra: g.dist, layout, next };
}

/**
 * Elsewhere: the record's partials packed for the host, which computes eta (rules.ts) and takes
 * step (3) once it has read them (hostUpdate); an estimated-L run appends the secant ratio
 * against W_{t-1}, G_{t-1} and keeps W_t, G_t for the next one.
 */
function hostRecord(run: LoraRun, g: LoraGrads, plan: RecordPlan, layout: Layout, final: boolean): LoraStep {
  const { tf } = run;
  const vector = (p: Piece): Tensor1D =>
    'rowsOf' in p ? rowSq(tf, p.rowsOf) : p.from === 0 && p.length === p.copy.shape[0] ? (p.copy as Tensor1D) : (tf.slice(p.copy, [p.from], [p.length]) as Tensor1D);
  const parts = [...plan.J, ...plan.full, ...plan.V, ...plan.G, ...plan.D].map(vector);
  if (run.estimateAlong && run.prev) {
    parts.push(tf.reshape(secantRatio(tf, run.prev.G, g.lg.G, run.prev.W, g.W!), [1]) as Tensor1D);
    layout.secant = true;
  }
  return {
    packed: tf.concat(parts) as Tensor1D,
    extra: g.dist,
    layout,
    grads: final ? undefined : { gB: g.gB, gA: g.gA },
    keep: run.estimateAlong ? { W: g.W!, G: g.lg.G } : undefined,
  };
}

/**
 * Step (3) with the host's eta: B <- B - eta grad_B, A <- A - eta grad_A, simultaneously; with
 * decreaseHost, dJ = J(V_{t+1}) - J(V_t) is computed before V_t is freed and given to the record
 * of V_t (held by the stream until then).
 */
async function hostUpdate(run: LoraRun, g: { gB: Tensor2D[]; gA: Tensor2D[] }, eta: number, records: RecordStream<LoraPending>): Promise<void> {
  const { tf } = run;
  const nextB = run.B.map((Bk, k) => tf.tidy(() => tf.sub(Bk, tf.mul(g.gB[k]!, eta)) as Tensor2D));
  const nextA = run.A.map((Ak, k) => tf.tidy(() => tf.sub(Ak, tf.mul(g.gA[k]!, eta)) as Tensor2D));
  if (run.decreaseHost) {
    const { H, C } = run.w.quadraticHC!;
    const d = await decreaseTf(tf, run.B[0]!, run.A[0]!, nextB[0]!, nextA[0]!, H, C);
    records.release(Number.isFinite(d.dJ) && Number.isFinite(d.dJerr) ? d : {});
  }
  setAdapters(run, nextB, nextA);
}

/** V_{t+1} replaces V_t (whose tensors are freed). */
function setAdapters(run: LoraRun, B: Tensor2D[], A: Tensor2D[]): void {
  [...run.B, ...run.A].forEach((x) => x.dispose());
  run.B = B;
  run.A = A;
}

/** The direct path: the direct step made for this run (openDirect), its batches of steps (directBatches), and the final W. */
async function runDirect(run: LoraRun, records: RecordStream<LoraPending>): Promise<Float32Array[] | undefined> {
  const maxBatch = Math.min(run.readEvery, DIRECT_MAX_BATCH);
  const d = await openDirect(run, maxBatch);
  records.markRead(); // (pipelines compiled)
  try {
    await directBatches(run, records, d, maxBatch);
    return run.cfg.keepFinal ? await directWeights(run, d) : undefined;
  } finally {
    d.destroy();
  }
}

/**
 * The direct step of this run, given V_0, the rule and the theory's L, and its workload's data:
 * the quadratic's C, h, k, or the softmax data with the trainer's batch order (one draw per step,
 * the final record's included) and full-data loss steps.
 */
async function openDirect(run: LoraRun, maxBatch: number): Promise<DirectStep> {
  const { w, cfg, r, rng, device } = run;
  const { m, n } = w.shapes[0]!;
  const [B0, A0] = (await Promise.all([run.B[0]!.data(), run.A[0]!.data()])) as Float32Array[];
  const common = { r, B0: B0!, A0: A0!, rule: run.rule, alpha: run.alpha, L: run.Ltheory(run.Lcur), maxBatch };
  if (run.direct === 'quadratic') {
    const qi = w.quadraticInputs!;
    const [C, h, k] = (await Promise.all([qi.C.data(), qi.h.data(), qi.k.data()])) as Float32Array[];
    return makeDirect(device, { ...common, m, n, C: C!, h: h!, k: k!, distance: run.distance, decrease: cfg.decrease === true });
  }
  const si = w.softmaxInputs!;
  const [X, Y, W0] = (await Promise.all([si.X.data(), si.Y.data(), w.W0[0]!.data()])) as Float32Array[];
  const batch = cfg.batch === undefined ? undefined : { size: cfg.batch, next: batchIndices(w.N!, rng, cfg.batch), fullAt: (t: number) => fullLossAt(cfg, t) };
  return makeSoftmaxDirect(device, { ...common, N: si.X.shape[0], n, C: m, X: X!, Y: Float32Array.from(Y!), W0: W0!, ...(batch ? { batch } : {}) });
}

/**
 * Batches of up to maxBatch steps (fewer when a batch took longer than readAfterMs), each one
 * submit; the next batch is queued before a batch's records are read (pipelined). Records are
 * taken as a read-back takes them (RecordStream.take); a stop (Ctrl-C) is seen after each record
 * read, so the run ends within the current batch, the queued batch's work dropped (as a
 * read-back drops the steps the device ran ahead).
 */
async function directBatches(run: LoraRun, records: RecordStream<LoraPending>, d: DirectStep, maxBatch: number): Promise<void> {
  const { cfg } = run;
  const layout: Layout = { ...d.layout, full: d.layout.full ?? 0, etaOnDevice: true, secant: false };
  // steps without the full-data loss (fullJEvery > 1) come back without its terms
  const layoutAt = (t: number): Layout => (layout.full && !fullLossAt(cfg, t) ? { ...layout, full: 0 } : layout);
  let submitted = 0; // steps t < submitted are queued
  let size = maxBatch;
  const next = () => {
    if (submitted > cfg.steps || records.stopRequested()) return undefined;
    const count = Math.min(size, cfg.steps + 1 - submitted);
    submitted += count;
    // the final record (t = steps) takes no step (3)
    return d.submit(count, submitted <= cfg.steps);
  };
  let cur = records.stopAsked() ? undefined : next();
  while (cur) {
    await yieldToSignals();
    const ahead = next();
    const recs = await d.read(cur);
    const time_ms = records.elapsed();
    const took = records.markRead();
    if (took > run.readAfterMs) size = Math.max(1, Math.floor((cur.count * run.readAfterMs) / took));
    for (let s = 0; s < recs.length && !records.ended; s++) {
      const t = cur.t0 + s;
      records.take(unpack(run, recs[s]!, 0, t, layoutAt(t), time_ms), true);
    }
    if (records.ended) break;
    if (!ahead && submitted <= cfg.steps) records.interrupted = true; // next() saw a stop
    cur = ahead;
  }
}

/** The final W = W0 + BA from the direct step's iterate (keepFinal). */
async function directWeights(run: LoraRun, d: DirectStep): Promise<Float32Array[]> {
  const { tf, w, r } = run;
  const { m, n } = w.shapes[0]!;
  const { B: Bf, A: Af } = await d.weights();
  return readFinalWeights(tf, () => loraWeights(tf, w.W0, [tf.tensor2d(Bf, [m, r])], [tf.tensor2d(Af, [r, n])]));
}

/** Which direct step (direct-webgpu.ts, direct-softmax.ts) runs this workload here, or undefined (the tfjs path). */
function directKind(w: Workload, device: GPUDevice | undefined, r: number, rule: Rule, batch: number | undefined): 'quadratic' | 'softmax' | undefined {
  const { m, n } = w.shapes[0]!;
  if (w.quadraticInputs) return batch === undefined && process.env.LORACHECK_QUADRATIC_STORE_G !== '1' && directUnsupported(device, m, n, r) === undefined ? 'quadratic' : undefined;
  if (w.softmaxInputs) return softmaxDirectUnsupported(device, w.softmaxInputs.X.shape[0], n, m, r, rule, batch) === undefined ? 'softmax' : undefined;
  return undefined;
}

/** Where each quantity sits in a step's packed record (a type: tidy returns it beside the tensors). */
type Layout = {
  J: number;
  Jscale: number;
  full: number;
  fullScale?: number;
  V: number;
  G: number;
  D: number;
  /** eta follows the partials (webgpu's record kernel); else the host computes it. */
  etaOnDevice: boolean;
  /** The secant ratio follows the partials (estimated-L runs, from the second step). */
  secant: boolean;
  /** Rows of ||W_t - W*||^2 at the end (read back with the record). */
  dist: number;
  /** Then the rows of dJ = J(V_{t+1}) - J(V_t) and of its error bound (2m; the direct quadratic step with cfg.decrease). */
  dec?: number;
};

/** sum_k ||M_k||^2 as a device scalar. */
function sumSq(tf: Backend['tf'], M: Tensor2D[]): Scalar {
  return tf.addN(M.map((x) => tf.sum(tf.square(x)))) as Scalar;
}

/** ||G' - G|| / ||W' - W|| over all matrices (product norms), on the device: a lower estimate of L. */
function secantRatio(tf: Backend['tf'], G: Tensor2D[], G2: Tensor2D[], W: Tensor2D[], W2: Tensor2D[]): Scalar {
  const sq = (a: Tensor2D[], b: Tensor2D[]) => sumSq(tf, a.map((x, k) => tf.sub(b[k]!, x) as Tensor2D));
  return tf.sqrt(tf.div(sq(G, G2), sq(W, W2))) as Scalar;
}
