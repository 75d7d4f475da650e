/**
 * LoRA gradient descent on TensorFlow.js (paper (2)-(3)): W_k = W0_k + B_k A_k with W0_k
 * frozen, and at every step, for every adapter pair k,
 *   G_k    = grad_{W_k} L(W_1, ..., W_K)          (the workload, by hand)
 *   grad_B = G_k A_k^T,   grad_A = B_k^T G_k       (chain rule of W = BA; together (7))
 *   B_k <- B_k - eta_t grad_B,   A_k <- A_k - eta_t grad_A   (3), simultaneously.
 * Gradients are written by hand with explicit transposes: tfjs' autodiff of matMul sets the
 * transpose flags, which skip the fast kernels (10-20x slower on wasm).
 *
 * With K = 2 matrices this is LoRA GD on L~(BA), B = [B1; B2], A = [A1, A2] (Sec. 3.2, M36),
 * and the theory's constant is 2L (Lemma 3.6). The scalars of each step (J, ||V||^2, ||G||,
 * ||grad J||^2) are reduced on the device to short float32 partial sums (per row / sample) and
 * summed on the host in float64; eta_t is computed from them (rules.ts) and applied in float32.
 */
import type { Tensor1D, Tensor2D } from '@tensorflow/tfjs';
import type { Backend } from './backend.ts';
import type { Rng } from './rng.ts';
import { ruleAlpha, stepSize, type Rule } from './rules.ts';
import {
  TRACE_FORMAT,
  TRACE_SCHEMA,
  type DivergenceRecord,
  type StepRecord,
  type SummaryRecord,
  type TraceHeader,
  type TraceSink,
} from './trace.ts';
import type { Workload } from './workloads/types.ts';

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

/** The largest float32 <= x (x > 0 finite): the applied step never exceeds the rule's eta. */
export function roundDownF32(x: number): number {
  if (!Number.isFinite(x)) return x;
  const f = Math.fround(x);
  if (f <= x) return f;
  const buf = new Float32Array([f]);
  const bits = new Uint32Array(buf.buffer);
  bits[0] = f > 0 ? bits[0]! - 1 : bits[0]! + 1;
  return buf[0]!;
}

/** Sum of a Float32Array segment in float64. */
function sum64(a: Float32Array, from: number, to: number): number {
  let s = 0;
  for (let i = from; i < to; i++) s += a[i]!;
  return s;
}

/** Row sums of squares: ||M||^2 as short float32 partials (summed on the host). */
function rowSq(tf: Backend['tf'], M: Tensor2D): Tensor1D {
  return tf.sum(tf.square(M), 1) as Tensor1D;
}

const SECANT_PROBE = 1e-3;

/**
 * The adapter gradients of L(W0 + BA) from G = grad L (Step 1 chain rule; stacked, this is (7)):
 * grad_B = G A^T, grad_A = B^T G, with explicit transposes so matMul takes its fast path.
 */
export function adapterGrads(tf: Backend['tf'], G: Tensor2D[], B: Tensor2D[], A: Tensor2D[]): { gB: Tensor2D[]; gA: Tensor2D[] } {
  return {
    gB: G.map((Gk, k) => tf.matMul(Gk, tf.transpose(A[k]!)) as Tensor2D),
    gA: G.map((Gk, k) => tf.matMul(tf.transpose(B[k]!), Gk) as Tensor2D),
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
    Lloss = tf.tidy(() => {
      const W = weights();
      const dirs = W.map((Wk) => tf.tensor2d(rng.gaussian(Wk.size, 1), Wk.shape as [number, number]));
      const dirNorm = Math.sqrt(dirs.reduce((s, d) => s + (tf.sum(tf.square(d)).dataSync()[0] as number), 0));
      const wNorm = Math.sqrt(W.reduce((s, Wk) => s + (tf.sum(tf.square(Wk)).dataSync()[0] as number), 0));
      const scale = (SECANT_PROBE * Math.max(1, wNorm)) / dirNorm;
      const W2 = W.map((Wk, k) => tf.add(Wk, tf.mul(dirs[k]!, scale)) as Tensor2D);
      return secant(tf, w.lossGrad(W).G, w.lossGrad(W2).G, W, W2);
    });
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
  let last: StepRecord | undefined;
  let divergence: DivergenceRecord | undefined;
  let interrupted = false;
  let applied = 0;
  let prev: { W: Tensor2D[]; G: Tensor2D[] } | undefined;
  let Lcur = Lloss;
  const estimateAlong = w.Lestimated && cfg.batch === undefined;

  try {
    for (let t = 0; t <= cfg.steps; t++) {
      // Let signal handlers (Ctrl-C) run between steps.
      await new Promise<void>((res) => setImmediate(res));
      if (t === 0 && hooks.shouldStop?.()) {
        interrupted = true;
        break;
      }
      const batch = nextBatch();
      const step = tf.tidy(() => {
        const W = weights();
        const lg = w.lossGrad(W, batch);
        const { gB, gA } = adapterGrads(tf, lg.G, B, A);
        const full = batch ? w.loss(W) : undefined;
        // One download per step: [Jterms | fullJterms | ||B||^2,||A||^2 rows | ||G||^2 rows | ||gB||^2,||gA||^2 rows]
        const parts: Tensor1D[] = [lg.Jterms];
        if (full) parts.push(full.Jterms);
        const vParts = [...B.map((x) => rowSq(tf, x)), ...A.map((x) => rowSq(tf, x))];
        const gParts = lg.G.map((x) => rowSq(tf, x));
        const dParts = [...gB.map((x) => rowSq(tf, x)), ...gA.map((x) => rowSq(tf, x))];
        parts.push(...vParts, ...gParts, ...dParts);
        const sizes = parts.map((p) => p.shape[0]);
        const keep = estimateAlong ? { W: W.map((x) => tf.keep(x)), G: lg.G.map((x) => tf.keep(x)) } : undefined;
        return {
          packed: tf.keep(tf.concat(parts)),
          sizes,
          counts: { J: 1, full: full ? 1 : 0, V: vParts.length, G: gParts.length, D: dParts.length },
          Jscale: lg.Jscale,
          fullScale: full?.Jscale,
          gB: gB.map((x) => tf.keep(x)),
          gA: gA.map((x) => tf.keep(x)),
          keep,
        };
      });
      batch?.dispose();
      const vals = (await step.packed.data()) as Float32Array;
      step.packed.dispose();
      // Host float64 sums of the float32 partials.
      let off = 0;
      let seg = 0;
      const take = (count: number): number => {
        let s = 0;
        for (let c = 0; c < count; c++) {
          s += sum64(vals, off, off + step.sizes[seg]!);
          off += step.sizes[seg]!;
          seg++;
        }
        return s;
      };
      const Jstep = step.Jscale * take(1);
      const Jfull = step.counts.full ? step.fullScale! * take(1) : Jstep;
      const Vsq = take(step.counts.V);
      const Gsq = take(step.counts.G);
      const gradJsq = take(step.counts.D);
      const Gnorm = Math.sqrt(Gsq);

      if (step.keep) {
        if (prev) {
          const s = tf.tidy(() => secant(tf, prev!.G, step.keep!.G, prev!.W, step.keep!.W));
          if (Number.isFinite(s) && s > Lcur) Lcur = s;
          [...prev.W, ...prev.G].forEach((x) => x.dispose());
        }
        prev = step.keep;
        Lmax = Math.max(Lmax ?? Lcur, Lcur);
      }

      const eta = roundDownF32(
        stepSize(cfg.rule, alpha, { Vsq, Gnorm, J: Jstep, gradJsq, L: Ltheory(Lcur) }),
      );
      const rec: StepRecord = {
        type: 'step',
        t,
        J: Jfull,
        Vsq,
        Gnorm,
        gradJsq,
        eta,
        time_ms: performance.now() - t0,
      };
      if (cfg.batch !== undefined) rec.batchJ = Jstep;
      if (w.Lestimated) rec.L = Ltheory(Lcur);

      const bad = nonFinite(rec);
      if (bad) {
        step.gB.forEach((x) => x.dispose());
        step.gA.forEach((x) => x.dispose());
        divergence = { type: 'divergence', t, reason: bad };
        sink.write(divergence);
        break;
      }
      sink.write(rec);
      last = rec;
      hooks.onRecord?.(rec);
      // Stop (Ctrl-C) after recording V_t and before moving on: the summary's steps = the last t.
      if (t < cfg.steps && hooks.shouldStop?.()) interrupted = true;
      if (t === cfg.steps || interrupted) {
        step.gB.forEach((x) => x.dispose());
        step.gA.forEach((x) => x.dispose());
        break;
      }
      // (3): B <- B - eta grad_B, A <- A - eta grad_A, simultaneously.
      const nextB = B.map((Bk, k) => tf.tidy(() => tf.sub(Bk, tf.mul(step.gB[k]!, eta)) as Tensor2D));
      const nextA = A.map((Ak, k) => tf.tidy(() => tf.sub(Ak, tf.mul(step.gA[k]!, eta)) as Tensor2D));
      [...B, ...A, ...step.gB, ...step.gA].forEach((x) => x.dispose());
      B = nextB;
      A = nextA;
      applied++;
    }
  } finally {
    [...B, ...A].forEach((x) => x.dispose());
    if (prev) [...prev.W, ...prev.G].forEach((x) => x.dispose());
  }

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

/** ||G' - G|| / ||W' - W|| over all matrices (product norms): a lower estimate of L. */
function secant(tf: Backend['tf'], G: Tensor2D[], G2: Tensor2D[], W: Tensor2D[], W2: Tensor2D[]): number {
  const sq = (a: Tensor2D[], b: Tensor2D[]) => a.reduce((s, x, k) => s + (tf.sum(tf.square(tf.sub(b[k]!, x))).dataSync()[0] as number), 0);
  const dW = sq(W, W2);
  return dW > 0 ? Math.sqrt(sq(G, G2) / dW) : NaN;
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


