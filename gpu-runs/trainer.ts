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
import type { Scalar, Tensor, Tensor1D, Tensor2D } from '@tensorflow/tfjs';
import type { Backend } from './backend.ts';
import type { Rng } from './rng.ts';
import { roundDownF32, ruleAlpha, stepSize, type Rule } from './rules.ts';
import { recordKernelApplies, stepRecordWebgpu, updateWebgpu, type Piece, type RecordPlan } from './step-webgpu.ts';
import {
  TRACE_FORMAT,
  TRACE_SCHEMA,
  type DivergenceRecord,
  type StepRecord,
  type SummaryRecord,
  type TraceHeader,
  type TraceSink,
} from './trace.ts';
import { matMulT } from './workloads/matmul.ts';
import type { Workload } from './workloads/types.ts';

export { roundDownF32 } from './rules.ts';

export type Init = 'paper' | 'random';
export const INITS: readonly Init[] = ['paper', 'random'];

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
}

export class TrainError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TrainError';
  }
}

/** Sum of a Float32Array segment in float64. */
function sum64(a: Float32Array, from: number, to: number): number {
  let s = 0;
  for (let i = from; i < to; i++) s += a[i]!;
  return s;
}

/** Row sums of squares: ||M||^2 as short float32 partials (one per row: the reduction runs rows-first). */
function rowSq(tf: Backend['tf'], M: Tensor2D): Tensor1D {
  return tf.sum(tf.square(M), 1) as Tensor1D;
}

/** How often (steps) the trainer reads its per-step records back, at most; see train(). */
export const DEFAULT_READ_EVERY = 32;
/** ... and at least this often (ms of host time), so that slow backends still report progress. */
export const DEFAULT_READ_AFTER_MS = 250;

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
  const tf = backend.tf;
  const K = w.shapes.length;
  const r = cfg.rank;
  if (cfg.batch !== undefined) {
    if (!w.supportsBatch) throw new TrainError(`workload ${w.name} has no data rows: --batch does not apply`);
    if (!w.N || cfg.batch < 1 || cfg.batch > w.N) throw new TrainError(`batch ${cfg.batch} must be in 1..${w.N ?? 0} (the training-set size)`);
  }
  const alpha = ruleAlpha(cfg.rule, cfg.alpha);
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

  const header: TraceHeader = {
    type: 'header',
    format: TRACE_FORMAT,
    schema: TRACE_SCHEMA,
    workload: w.name,
    ...(cfg.name !== undefined ? { name: cfg.name } : {}),
    m: w.shapes.reduce((s, x) => s + x.m, 0),
    n: w.shapes.reduce((s, x) => s + x.n, 0),
    r,
    ...(K > 1 ? { matrices: w.shapes.map((s) => ({ m: s.m, n: s.n })) } : {}),
    ...(w.N !== undefined ? { N: w.N } : {}),
    ...(w.data !== undefined ? { data: w.data } : {}),
    L: Ltheory(Lloss),
    Lloss,
    Lmethod: `${w.Lmethod}; theory uses max(${K > 1 ? '2 L (Lemma 3.6)' : 'L'}, 1)`,
    Lestimated: w.Lestimated,
    Lstar: w.Lstar,
    rule: cfg.rule.text,
    alpha,
    batch: cfg.batch ?? 'full',
    init: cfg.init === 'paper' ? 'paper: B = 0, A ~ N(0, sigma^2)' : 'random: B, A ~ N(0, sigma^2)',
    ...(cfg.sigma !== undefined ? { sigma: cfg.sigma } : { sigmaRule: '1/sqrt(n) per matrix' }),
    seed: cfg.seed,
    steps: cfg.steps,
    backend: backend.name,
    backendDetail: backend.detail,
    backendSkipped: backend.reasonsSkipped,
    ...(backend.adapter ? { adapter: backend.adapter } : {}),
    dtype: 'float32',
    // J and the norms are float64 sums of float32 per-row partials (see the loop below).
    scalarDtype: 'float64',
    versions: { ...backend.versions, ...(cfg.versions ?? {}) },
    created: new Date().toISOString(),
    description: w.description,
  };
  sink.write(header);

  // Mini-batch order: a fresh seeded permutation per epoch.
  let perm: Int32Array | undefined;
  let pos = 0;
  const nextBatch = (): Tensor1D | undefined => {
    if (cfg.batch === undefined) return undefined;
    if (!perm || pos + cfg.batch > perm.length) {
      perm = rng.permutation(w.N!);
      pos = 0;
    }
    const idx = perm.slice(pos, pos + cfg.batch);
    pos += cfg.batch;
    return tf.tensor1d(idx, 'int32');
  };

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
  const pending: { t: number; packed: Tensor1D; layout: Layout }[] = [];
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
    const all = pending.length === 1 ? pending[0]!.packed : (tf.concat(pending.map((p) => p.packed)) as Tensor1D);
    const vals = (await all.data()) as Float32Array;
    const time_ms = performance.now() - t0;
    lastRead = performance.now();
    if (all !== pending[0]!.packed) all.dispose();
    const batch = pending.splice(0, pending.length);
    batch.forEach((p) => p.packed.dispose());
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
      eta = roundDownF32(stepSize(cfg.rule, alpha, { Vsq, Gnorm, J: Jstep, gradJsq, L: Ltheory(Lcur) }));
    }
    const rec: StepRecord = { type: 'step', t, J: Jfull, Vsq, Gnorm, gradJsq, eta, time_ms };
    if (cfg.batch !== undefined) rec.batchJ = Jstep;
    if (w.Lestimated) rec.L = Ltheory(Lcur);
    return rec;
  };

  /** The device's eta must not exceed the rule on the recorded float64 scalars (see ETA_MARGIN). */
  const checkEta = (rec: StepRecord): void => {
    if (etaAboveRule || cfg.rule.kind === 'const') return;
    const exact = stepSize(cfg.rule, alpha, { Vsq: rec.Vsq, Gnorm: rec.Gnorm, J: rec.batchJ ?? rec.J, gradJsq: rec.gradJsq, L: Ltheory(Lcur) });
    if (rec.eta > exact) etaAboveRule = `step ${rec.t}: the device's eta ${rec.eta} exceeds the rule's ${exact} on the recorded scalars`;
  };

  let B_: Tensor2D[] = B;
  let A_: Tensor2D[] = A;
  try {
    for (let t = 0; t <= cfg.steps; t++) {
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
        // The workload's fused kernels where it has them (full batch, L known), else W = W0 + BA.
        const fused = !batch && !estimateAlong && w.lossGradFromAdapters !== undefined;
        const W = fused ? undefined : loraWeights(tf, w.W0, B_, A_);
        const lg = fused ? w.lossGradFromAdapters!(B_, A_) : w.lossGrad(W!, batch);
        const { gB, gA } = adapterGrads(tf, lg.G, B_, A_);
        const full = batch ? w.loss(W!) : undefined;
        // The record [J | full J | V rows | G rows | grad J rows | eta or secant ratio]
        const plan: RecordPlan = {
          J: [lg.rowTerms?.J ?? piece(lg.Jterms)],
          full: full ? [piece(full.Jterms)] : [],
          V: [...B_, ...A_].map((x) => ({ rowsOf: x })),
          G: lg.rowTerms?.G ?? lg.GrowSq?.map(piece) ?? lg.G.map((x) => ({ rowsOf: x })),
          D: [...gB, ...gA].map((x) => ({ rowsOf: x })),
        };
        const size = (ps: Piece[]) => ps.reduce((n, p) => n + ('copy' in p ? p.length : p.rowsOf.shape[0]), 0);
        layout = {
          J: size(plan.J),
          Jscale: lg.Jscale,
          full: full ? full.Jterms.shape[0] : 0,
          fullScale: full?.Jscale,
          V: size(plan.V),
          G: size(plan.G),
          D: size(plan.D),
          etaOnDevice: false,
          secant: false,
          total: 0,
        };
        if (!estimateAlong && recordKernelApplies(tf, plan)) {
          // webgpu: the record with eta, and step (3) with that eta, without waiting
          const { record, etaIndex } = stepRecordWebgpu(tf, plan, cfg.rule, alpha, Ltheory(Lcur), lg.Jscale);
          layout.etaOnDevice = true;
          layout.total = record.shape[0];
          const next = final
            ? undefined
            : { B: B_.map((Bk, k) => updateWebgpu(tf, Bk, gB[k]!, record, etaIndex)), A: A_.map((Ak, k) => updateWebgpu(tf, Ak, gA[k]!, record, etaIndex)) };
          return { packed: record, next, grads: undefined, keep: undefined };
        }
        const vector = (p: Piece): Tensor1D =>
          'rowsOf' in p ? rowSq(tf, p.rowsOf) : p.from === 0 && p.length === p.copy.shape[0] ? (p.copy as Tensor1D) : (tf.slice(p.copy, [p.from], [p.length]) as Tensor1D);
        const parts = [...plan.J, ...plan.full, ...plan.V, ...plan.G, ...plan.D].map(vector);
        if (estimateAlong && prev) {
          parts.push(tf.reshape(secantRatio(tf, prev.G, lg.G, prev.W, W!), [1]) as Tensor1D);
          layout.secant = true;
        }
        layout.total = parts.reduce((n, p) => n + p.shape[0], 0);
        return { packed: tf.concat(parts) as Tensor1D, next: undefined, grads: final ? undefined : { gB, gA }, keep: estimateAlong ? { W: W!, G: lg.G } : undefined };
      });
      batch?.dispose();
      pending.push({ t, packed: step.packed, layout });
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
  } finally {
    pending.forEach((p) => p.packed.dispose());
    [...B_, ...A_].forEach((x) => x.dispose());
    if (prev) [...prev.W, ...prev.G].forEach((x) => x.dispose());
  }
  if (etaAboveRule) throw new TrainError(`internal: ${etaAboveRule} (ETA_MARGIN too small for this device)`);

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
  return { header, summary, last, divergence };
}

/** A whole vector as a piece of the record. */
function piece(t: Tensor1D): Piece {
  return { copy: t, from: 0, length: t.shape[0] };
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

/** The first non-finite field of a record, as the divergence reason. */
function nonFinite(rec: StepRecord): string | undefined {
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


