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
  batchIndices,
  batchOrder,
  checkBatch,
  deviceEtaAboveRule,
  distanceRows,
  etaAboveRuleError,
  fullLossAt,
  nonFinite,
  readWeights,
  recordsDistance,
  rowSq,
  sum64,
  traceHeader,
  type TrainConfig,
  type TrainHooks,
  type TrainResult,
} from './train-common.ts';
import type { DivergenceRecord, StepRecord, SummaryRecord, TraceSink } from './trace.ts';
import { matMulT } from './workloads/matmul.ts';
import type { Workload } from './workloads/types.ts';

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

export async function train(backend: Backend, w: Workload, rng: Rng, cfg: TrainConfig, sink: TraceSink, hooks: TrainHooks = {}): Promise<TrainResult> {
  if ((cfg.method ?? 'lora') !== 'lora') return trainMethod(backend, w, rng, cfg, sink, hooks);
  const tf = backend.tf;
  const K = w.shapes.length;
  const r = cfg.rank;
  checkBatch(w, cfg);
  checkMethod(cfg);
  // <c>/L: a constant c / L of the loss's own L (estimated-L workloads cannot state it)
  const rule = constantRule(cfg.rule, w.Lestimated ? undefined : w.Lloss);
  const alpha = ruleAlpha(rule, cfg.alpha);
  const sigmas = w.shapes.map((s) => cfg.sigma ?? 1 / Math.sqrt(s.n));

  // Adapters: paper init B = 0, A ~ N(0, sigma^2) (Sec. 4); random: both Gaussian.
  let B: Tensor2D[] = w.shapes.map((s, k) =>
    cfg.init === 'paper' ? tf.zeros([s.m, r]) : tf.tensor2d(rng.gaussian(s.m * r, sigmas[k]!), [s.m, r]),
  );
  let A: Tensor2D[] = w.shapes.map((s, k) => tf.tensor2d(rng.gaussian(r * s.n, sigmas[k]!), [r, s.n]));
  const weights = (): Tensor2D[] => loraWeights(tf, w.W0, B, A);

  // L of the original loss: given by the workload, or estimated by a secant probe (mlp).
  let Lloss = w.Lloss;
  let Lmax: number | undefined;
  if (Lloss === undefined) {
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
    Lloss = (await s2.data())[0]!;
    [s2, sq.norms, ...sq.W, ...sq.dirs].forEach((x) => x.dispose());
    if (!(Lloss > 0) || !Number.isFinite(Lloss)) throw new TrainError(`could not estimate L for ${w.name} (secant probe gave ${Lloss})`);
    Lmax = Lloss;
  }
  // The theory's constant: Lemma 3.6 doubles it for two matrices; Assumption 3.1 wants L >= 1.
  const Lfactor = K > 1 ? 2 : 1;
  const Ltheory = (Ll: number): number => Math.max(Lfactor * Ll, 1);

  // webgpu, quadratic (full batch) or softmax regression (full batch or mini-batches): the whole
  // step on Dawn's device without tfjs (direct-webgpu.ts, direct-softmax.ts), unless turned off
  // (LORACHECK_WEBGPU_DIRECT=0, cfg.direct false; the quadratic's LORACHECK_QUADRATIC_STORE_G=1)
  const device = webgpuDevice(tf);
  const direct = cfg.direct !== false && directEnabled() && K === 1 && !w.Lestimated ? directKind(w, device, r, rule, cfg.batch) : undefined;
  const header = traceHeader(backend, w, cfg, {
    r,
    L: Ltheory(Lloss),
    Lloss,
    Lmethod: `${w.Lmethod}; theory uses max(${K > 1 ? '2 L (Lemma 3.6)' : 'L'}, 1)`,
    alpha,
    init: cfg.init === 'paper' ? 'paper: B = 0, A ~ N(0, sigma^2)' : 'random: B, A ~ N(0, sigma^2)',
    method: 'lora',
    // LoRA's iterates keep rank(W - W0) <= r (LORA.rank)
    rankBound: w.rankBound?.(r),
  });
  if (direct) header.kernels = 'direct';
  sink.write(header);
  // (drawn lazily: the direct path draws the same batches as host indices, batchIndices)
  const nextBatch = batchOrder(tf, w, rng, cfg.batch);
  const distance = recordsDistance(w, cfg);
  const sparseFull = cfg.batch !== undefined && (cfg.fullJEvery ?? 1) > 1;

  const t0 = performance.now();
  const readEvery = Math.max(1, cfg.readEvery ?? DEFAULT_READ_EVERY);
  const readAfterMs = cfg.readAfterMs ?? DEFAULT_READ_AFTER_MS;
  const estimateAlong = w.Lestimated && cfg.batch === undefined;
  // The loss's L as the rule uses it: fixed, or (mlp, full batch) the largest secant ratio
  // ||G_t - G_{t-1}|| / ||W_t - W_{t-1}|| so far; the theory's L is Ltheory(Lcur).
  let Lcur = Lloss;
  let prev: { W: Tensor2D[]; G: Tensor2D[] } | undefined;

  // On webgpu (L known) steps run ahead of the host: eta comes from the record kernel and the
  // records wait in `pending`, read back every `readEvery` steps. Elsewhere each record is read
  // back at once and eta computed on the host (rules.ts), as the update needs it.
  const pending: { t: number; packed: Tensor1D; extra?: Tensor1D; layout: Layout }[] = [];
  let lastRead = performance.now();
  let last: StepRecord | undefined;
  let divergence: DivergenceRecord | undefined;
  let interrupted = false;
  let etaAboveRule: string | undefined;

  /**
   * Reads the pending records back (one download) and writes them; false when the run ends
   * here: it diverged, or (pollStop) shouldStop asked after a record, which is then the last
   * one written even if the device has run further (its work is dropped).
   */
  const readBack = async (pollStop: boolean): Promise<boolean> => {
    if (pending.length === 0) return true;
    const parts = pending.flatMap((p) => (p.extra ? [p.packed, p.extra] : [p.packed]));
    const all = parts.length === 1 ? parts[0]! : (tf.concat(parts) as Tensor1D);
    const vals = (await all.data()) as Float32Array;
    const time_ms = performance.now() - t0;
    lastRead = performance.now();
    if (all !== parts[0]) all.dispose();
    const batch = pending.splice(0, pending.length);
    batch.forEach((p) => {
      p.packed.dispose();
      p.extra?.dispose();
    });
    let off = 0;
    for (const p of batch) {
      const at = off;
      off += p.layout.total;
      if (divergence || interrupted) continue;
      const rec = unpack(vals, at, p.t, p.layout, time_ms);
      const bad = nonFinite(rec);
      if (bad) {
        divergence = { type: 'divergence', t: p.t, reason: bad };
        sink.write(divergence);
        continue;
      }
      if (p.layout.etaOnDevice) checkEta(rec);
      sink.write(rec);
      last = rec;
      hooks.onRecord?.(rec);
      // Stop (Ctrl-C) after recording V_t and before moving on: the summary's steps = the last t.
      if (pollStop && p.t < cfg.steps && hooks.shouldStop?.()) interrupted = true;
    }
    return divergence === undefined && !interrupted;
  };

  /** Host float64 sums of the float32 partials, and eta (the device's, or the rule's here): one record. */
  const unpack = (vals: Float32Array, at: number, t: number, lay: Layout, time_ms: number): StepRecord => {
    let off = at;
    const take = (n: number): number => {
      const v = sum64(vals, off, off + n);
      off += n;
      return v;
    };
    const Jstep = lay.Jscale * take(lay.J);
    const Jfull = lay.full ? lay.fullScale! * take(lay.full) : Jstep;
    const Vsq = take(lay.V);
    const Gnorm = Math.sqrt(take(lay.G));
    const gradJsq = take(lay.D);
    let eta: number;
    if (lay.etaOnDevice) eta = vals[off++]!;
    else {
      if (lay.secant) {
        const s = vals[off++]!;
        if (Number.isFinite(s) && s > Lcur) Lcur = s;
        Lmax = Math.max(Lmax ?? Lcur, Lcur);
      }
      eta = roundDownF32(stepSize(rule, alpha, { Vsq, Gnorm, J: Jstep, gradJsq, L: Ltheory(Lcur) }));
    }
    // fullJEvery > 1: J is the batch loss and the full-data loss sits in fullJ where evaluated
    const rec: StepRecord = { type: 'step', t, J: sparseFull ? Jstep : Jfull, Vsq, Gnorm, gradJsq, eta, time_ms };
    if (cfg.batch !== undefined) rec.batchJ = Jstep;
    if (sparseFull && lay.full) rec.fullJ = Jfull;
    if (w.Lestimated) rec.L = Ltheory(Lcur);
    if (lay.dist) rec.distSq = take(lay.dist);
    return rec;
  };

  /** The device's eta must not exceed the rule on the recorded float64 scalars (see ETA_MARGIN). */
  const checkEta = (rec: StepRecord): void => {
    etaAboveRule ??= deviceEtaAboveRule(rule, alpha, rec, Ltheory(Lcur));
  };

  /**
   * The direct path: batches of up to readEvery steps (fewer when a batch took longer than
   * readAfterMs), each one submit; the next batch is queued before a batch's records are read
   * (pipelined). Records are unpacked, checked and written as readBack does; a stop (Ctrl-C)
   * is seen after each record read, so the run ends within the current batch, the queued batch's
   * work dropped (as readBack drops the steps the device ran ahead).
   */
  const runDirect = async (): Promise<void> => {
    const { m, n } = w.shapes[0]!;
    const [B0, A0] = (await Promise.all([B_[0]!.data(), A_[0]!.data()])) as Float32Array[];
    const maxBatch = Math.min(readEvery, DIRECT_MAX_BATCH);
    const common = { r, B0: B0!, A0: A0!, rule, alpha, L: Ltheory(Lcur), maxBatch };
    let d: DirectStep;
    if (direct === 'quadratic') {
      const qi = w.quadraticInputs!;
      const [C, h, k] = (await Promise.all([qi.C.data(), qi.h.data(), qi.k.data()])) as Float32Array[];
      d = await makeDirect(device, { ...common, m, n, C: C!, h: h!, k: k!, distance: recordsDistance(w, cfg) });
    } else {
      const si = w.softmaxInputs!;
      const [X, Y, W0] = (await Promise.all([si.X.data(), si.Y.data(), w.W0[0]!.data()])) as Float32Array[];
      // mini-batches: the trainer's batch order (one draw per step, the final record's included) and full-data loss steps
      const batch = cfg.batch === undefined ? undefined : { size: cfg.batch, next: batchIndices(w.N!, rng, cfg.batch), fullAt: (t: number) => fullLossAt(cfg, t) };
      d = await makeSoftmaxDirect(device, { ...common, N: si.X.shape[0], n, C: m, X: X!, Y: Float32Array.from(Y!), W0: W0!, ...(batch ? { batch } : {}) });
    }
    lastRead = performance.now(); // (pipelines compiled)
    const layout: Layout = { ...d.layout, full: d.layout.full ?? 0, etaOnDevice: true, secant: false, total: d.recordLength };
    // steps without the full-data loss (fullJEvery > 1) come back without its terms
    const layoutAt = (t: number): Layout => (layout.full && !fullLossAt(cfg, t) ? { ...layout, full: 0 } : layout);
    try {
      let submitted = 0; // steps t < submitted are queued
      let size = maxBatch;
      const next = () => {
        if (submitted > cfg.steps || hooks.shouldStop?.()) return undefined;
        const count = Math.min(size, cfg.steps + 1 - submitted);
        submitted += count;
        // the final record (t = steps) takes no step (3)
        return d.submit(count, submitted <= cfg.steps);
      };
      if (hooks.shouldStop?.()) interrupted = true;
      let cur = interrupted ? undefined : next();
      while (cur) {
        await new Promise<void>((res) => setImmediate(res)); // signal handlers (Ctrl-C)
        const ahead = next();
        const recs = await d.read(cur);
        const time_ms = performance.now() - t0;
        const took = performance.now() - lastRead;
        lastRead = performance.now();
        if (took > readAfterMs) size = Math.max(1, Math.floor((cur.count * readAfterMs) / took));
        for (let s = 0; s < recs.length && !divergence && !interrupted; s++) {
          const t = cur.t0 + s;
          const rec = unpack(recs[s]!, 0, t, layoutAt(t), time_ms);
          const bad = nonFinite(rec);
          if (bad) {
            divergence = { type: 'divergence', t, reason: bad };
            sink.write(divergence);
            break;
          }
          checkEta(rec);
          sink.write(rec);
          last = rec;
          hooks.onRecord?.(rec);
          if (t < cfg.steps && hooks.shouldStop?.()) interrupted = true;
        }
        if (divergence || interrupted) break;
        if (!ahead && submitted <= cfg.steps) interrupted = true; // next() saw a stop
        cur = ahead;
      }
      if (cfg.keepFinal) {
        const { B: Bf, A: Af } = await d.weights();
        const Wf = tf.tidy(() => loraWeights(tf, w.W0, [tf.tensor2d(Bf, [m, r])], [tf.tensor2d(Af, [r, n])]));
        finalW = await readWeights(Wf);
        Wf.forEach((x) => x.dispose());
      }
    } finally {
      d.destroy();
    }
  };

  let finalW: Float32Array[] | undefined;
  let B_: Tensor2D[] = B;
  let A_: Tensor2D[] = A;
  try {
    if (direct) await runDirect();
    else for (let t = 0; t <= cfg.steps; t++) {
      // Let signal handlers (Ctrl-C) run between steps.
      await new Promise<void>((res) => setImmediate(res));
      // A stop asked between read-backs: no further update; the pending records are still written.
      if (hooks.shouldStop?.()) {
        interrupted = true;
        break;
      }
      const batch = nextBatch();
      const final = t === cfg.steps;
      let layout!: Layout;
      const step = tf.tidy(() => {
        // The workload's fused kernels where it has them (L known; a mini-batch and the full-data
        // loss at the same W included), else W = W0 + BA.
        const fused = !estimateAlong && w.lossGradFromAdapters !== undefined;
        const withFull = batch !== undefined && fullLossAt(cfg, t);
        const W = fused ? undefined : loraWeights(tf, w.W0, B_, A_);
        const lg = fused ? w.lossGradFromAdapters!(B_, A_, batch, withFull) : w.lossGrad(W!, batch);
        const { gB, gA } = lg.adapterGrads ?? adapterGrads(tf, lg.G, B_, A_);
        const full = withFull ? (lg.full ?? w.loss(W ?? loraWeights(tf, w.W0, B_, A_))) : undefined;
        // ||W_t - W*||^2 rows (small runs on a workload that knows W*), read back after the record
        const dist = distance ? distanceRows(tf, W ?? loraWeights(tf, w.W0, B_, A_), w.optimum!) : undefined;
        // The record [J | full J | V rows | G rows | grad J rows | eta or secant ratio]
        const plan = recordPlan(lg, full, [...B_, ...A_], [...gB, ...gA]);
        const sizes = planSizes(plan);
        layout = {
          J: sizes.J,
          Jscale: lg.Jscale,
          full: sizes.full,
          fullScale: full?.Jscale,
          V: sizes.V,
          G: sizes.G,
          D: sizes.D,
          etaOnDevice: false,
          secant: false,
          dist: dist ? dist.shape[0] : 0,
          total: 0,
        };
        if (!estimateAlong && recordKernelApplies(tf, plan)) {
          // webgpu: the record with eta, and step (3) with that eta, without waiting
          const { record, etaIndex } = stepRecordWebgpu(tf, plan, rule, alpha, Ltheory(Lcur), lg.Jscale);
          layout.etaOnDevice = true;
          layout.total = record.shape[0] + layout.dist;
          const next = final
            ? undefined
            : { B: B_.map((Bk, k) => updateWebgpu(tf, Bk, gB[k]!, record, etaIndex)), A: A_.map((Ak, k) => updateWebgpu(tf, Ak, gA[k]!, record, etaIndex)) };
          return { packed: record, extra: dist, next, grads: undefined, keep: undefined };
        }
        const vector = (p: Piece): Tensor1D =>
          'rowsOf' in p ? rowSq(tf, p.rowsOf) : p.from === 0 && p.length === p.copy.shape[0] ? (p.copy as Tensor1D) : (tf.slice(p.copy, [p.from], [p.length]) as Tensor1D);
        const parts = [...plan.J, ...plan.full, ...plan.V, ...plan.G, ...plan.D].map(vector);
        if (estimateAlong && prev) {
          parts.push(tf.reshape(secantRatio(tf, prev.G, lg.G, prev.W, W!), [1]) as Tensor1D);
          layout.secant = true;
        }
        layout.total = parts.reduce((n, p) => n + p.shape[0], 0) + layout.dist;
        return {
          packed: tf.concat(parts) as Tensor1D,
          extra: dist,
          next: undefined,
          grads: final ? undefined : { gB, gA },
          keep: estimateAlong ? { W: W!, G: lg.G } : undefined,
        };
      });
      batch?.dispose();
      pending.push({ t, packed: step.packed, ...(step.extra ? { extra: step.extra } : {}), layout });
      if (step.keep) {
        if (prev) [...prev.W, ...prev.G].forEach((x) => x.dispose());
        prev = step.keep;
      }
      if (step.next) {
        [...B_, ...A_].forEach((x) => x.dispose());
        B_ = step.next.B;
        A_ = step.next.A;
      }
      if (!layout.etaOnDevice) {
        // eta is the rule's on this record: read it back now (free on the CPU backends)
        const going = await readBack(true);
        const g = step.grads;
        if (going && g) {
          // (3): B <- B - eta grad_B, A <- A - eta grad_A, simultaneously.
          const eta = last!.eta;
          const nextB = B_.map((Bk, k) => tf.tidy(() => tf.sub(Bk, tf.mul(g.gB[k]!, eta)) as Tensor2D));
          const nextA = A_.map((Ak, k) => tf.tidy(() => tf.sub(Ak, tf.mul(g.gA[k]!, eta)) as Tensor2D));
          [...B_, ...A_].forEach((x) => x.dispose());
          B_ = nextB;
          A_ = nextA;
        }
        if (g) [...g.gB, ...g.gA].forEach((x) => x.dispose());
        if (!going) break;
      } else if (final || pending.length >= readEvery || performance.now() - lastRead > readAfterMs) {
        if (!(await readBack(true))) break;
      }
    }
    if (!divergence) await readBack(false);
    if (cfg.keepFinal && !direct) {
      const Wf = tf.tidy(() => loraWeights(tf, w.W0, B_, A_));
      finalW = await readWeights(Wf);
      Wf.forEach((x) => x.dispose());
    }
  } finally {
    pending.forEach((p) => {
      p.packed.dispose();
      p.extra?.dispose();
    });
    [...B_, ...A_].forEach((x) => x.dispose());
    if (prev) [...prev.W, ...prev.G].forEach((x) => x.dispose());
  }
  if (etaAboveRule) throw etaAboveRuleError(etaAboveRule);

  // Steps applied: the updates that led to recorded iterates (records t = 0..T: T steps).
  const applied = divergence ? divergence.t : (last?.t ?? 0);
  const summary: SummaryRecord = {
    type: 'summary',
    steps: applied,
    finalJ: last ? last.J : null,
    diverged: divergence !== undefined,
    ...(interrupted ? { interrupted: true } : {}),
    wall_ms: performance.now() - t0,
    ...(w.Lestimated && Lmax !== undefined ? { Lfinal: Ltheory(Lmax) } : {}),
  };
  sink.write(summary);
  return { header, summary, last, divergence, ...(finalW ? { finalW } : {}) };
}

/** Which direct step (direct-webgpu.ts, direct-softmax.ts) runs this workload here, or undefined (the tfjs path). */
function directKind(w: Workload, device: GPUDevice | undefined, r: number, rule: Rule, batch: number | undefined): 'quadratic' | 'softmax' | undefined {
  const { m, n } = w.shapes[0]!;
  if (w.quadraticInputs) return batch === undefined && process.env.LORACHECK_QUADRATIC_STORE_G !== '1' && directUnsupported(device, m, n, r) === undefined ? 'quadratic' : undefined;
  if (w.softmaxInputs) return softmaxDirectUnsupported(device, w.softmaxInputs.X.shape[0], n, m, r, rule, batch) === undefined ? 'softmax' : undefined;
  return undefined;
}

/** Where each quantity sits in a step's packed record. */
interface Layout {
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
  total: number;
}

/** sum_k ||M_k||^2 as a device scalar. */
function sumSq(tf: Backend['tf'], M: Tensor2D[]): Scalar {
  return tf.addN(M.map((x) => tf.sum(tf.square(x)))) as Scalar;
}

/** ||G' - G|| / ||W' - W|| over all matrices (product norms), on the device: a lower estimate of L. */
function secantRatio(tf: Backend['tf'], G: Tensor2D[], G2: Tensor2D[], W: Tensor2D[], W2: Tensor2D[]): Scalar {
  const sq = (a: Tensor2D[], b: Tensor2D[]) => sumSq(tf, a.map((x, k) => tf.sub(b[k]!, x) as Tensor2D));
  return tf.sqrt(tf.div(sq(G, G2), sq(W, W2))) as Scalar;
}
