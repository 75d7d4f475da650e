/**
 * Synthetic quadratic at LLM-layer sizes (up to 8192 x 8192):
 *   L(W) = 1/2 ||W - C||_H^2 = 1/2 sum_ij H_ij (W - C)_ij^2,   G = H o (W - C)   (o: entrywise)
 * H is diagonal as an operator on vec(W), with H_ij = 4 h_i k_j and h_i, k_j in {1/8, ..., 8/8}
 * (h_0 = k_0 = 1), so every H_ij is a dyadic rational held exactly in float32 and the
 * smoothness constant is exact: L = max_ij H_ij = 4. L* = 0 (attained at W = C).
 * The target C = P Q / sqrt(k n) (P: m x k, Q: k x n Gaussian, k = 2r) has rank 2r, more than
 * LoRA's rank r can reach, so training stalls at a nonzero stationary point. W0 = 0 (a
 * nonzero W0 would only shift C).
 */
import type { Tensor1D, Tensor2D } from '@tensorflow/tfjs';
import { symmetricEigenvaluesF64 } from '../../numeric/matrix-f64.ts';
import type { TF } from '../backend.ts';
import type { Rng } from '../rng.ts';
import { STEP_MAX_RANK, quadraticAdapterStepWebgpu, quadraticKernelsAvailable, quadraticStepFromWWebgpu, quadraticStepWebgpu } from './quadratic-webgpu.ts';
import { WorkloadError, type LossGrad, type LossTerms, type RankBound, type RankBoundSkipped, type Workload } from './types.ts';

export const QUADRATIC_MAX_SIZE = 8192;
const H_SCALE = 4;
/** The rank bound is computed up to this many entries of W: every size the workload takes (it
 *  costs passes over P and Q only: about 0.1 s at 4096 x 4096, r = 16, 0.6 s at 8192 x 8192, r = 64). */
export const RANK_BOUND_MAX_ENTRIES = QUADRATIC_MAX_SIZE ** 2;

/**
 * LORA.rank for this quadratic (W0 = 0, so rank(W) <= r): ||W - C||^2 >= sum_{i>r} sigma_i(C)^2
 * (Eckart-Young), and L(W) = 1/2 sum H_ij (W - C)_ij^2 >= (min H / 2) ||W - C||^2.
 * sigma_i(C)^2 for C = P Q / s are the eigenvalues of R (Q Q^T) R^T / s^2 with P^T P = R^T R
 * (Cholesky; eig(AB) = eig(BA)), in float64. C itself is the float32 product: by Mirsky's
 * inequality the tail's square root moves by at most ||C32 - C||_F <= (k + 3) u ||P||_F ||Q||_F / s,
 * which is subtracted, as is 1e-12 of the trace for the eigenvalue solver.
 */
export function quadraticRankBound(P: Float32Array, Q: Float32Array, m: number, n: number, k: number, r: number, Hmin: number): RankBound | RankBoundSkipped {
  if (r >= k) return { distSq: 0, J: 0, method: `rank(C) = ${k} <= r: LoRA can reach C` };
  // the Gram matrices P^T P and Q Q^T (float64; loops along P's rows and Q's rows, so that
  // m = n = 8192, k = 128 takes a fraction of a second)
  const GP = new Float64Array(k * k);
  const GQ = new Float64Array(k * k);
  for (let i = 0; i < m; i++)
    for (let a = 0; a < k; a++) {
      const pa = P[i * k + a]!;
      for (let b = a; b < k; b++) GP[a * k + b]! += pa * P[i * k + b]!;
    }
  for (let a = 0; a < k; a++)
    for (let b = a; b < k; b++) {
      let sq = 0;
      for (let j = 0; j < n; j++) sq += Q[a * n + j]! * Q[b * n + j]!;
      GQ[a * k + b] = sq;
    }
  for (let a = 0; a < k; a++)
    for (let b = 0; b < a; b++) {
      GP[a * k + b] = GP[b * k + a]!;
      GQ[a * k + b] = GQ[b * k + a]!;
    }
  // Cholesky GP = R^T R (R upper triangular)
  const R = new Float64Array(k * k);
  for (let j = 0; j < k; j++) {
    let d = GP[j * k + j]!;
    for (let l = 0; l < j; l++) d -= R[l * k + j]! ** 2;
    if (!(d > 0)) return { notComputed: 'the factor P of C is rank-deficient in float64 (probability 0)' };
    R[j * k + j] = Math.sqrt(d);
    for (let i = j + 1; i < k; i++) {
      let s = GP[j * k + i]!;
      for (let l = 0; l < j; l++) s -= R[l * k + j]! * R[l * k + i]!;
      R[j * k + i] = s / R[j * k + j]!;
    }
  }
  const scale2 = k * n; // s^2
  // M = R GQ R^T / s^2, as T = R GQ and then T R^T (k^3, not k^4)
  const T = new Float64Array(k * k);
  for (let a = 0; a < k; a++)
    for (let d = 0; d < k; d++) {
      let s = 0;
      for (let c = 0; c < k; c++) s += R[a * k + c]! * GQ[c * k + d]!;
      T[a * k + d] = s;
    }
  const M = new Array<number>(k * k).fill(0);
  for (let a = 0; a < k; a++)
    for (let b = 0; b < k; b++) {
      let s = 0;
      for (let d = 0; d < k; d++) s += T[a * k + d]! * R[b * k + d]!;
      M[a * k + b] = s / scale2;
    }
  const ev = symmetricEigenvaluesF64({ rows: k, cols: k, data: M });
  const trace = ev.reduce((s, x) => s + Math.max(0, x), 0);
  const tail = ev.slice(r).reduce((s, x) => s + Math.max(0, x), 0) - 1e-12 * trace;
  let normP = 0;
  for (const x of P) normP += x * x;
  let normQ = 0;
  for (const x of Q) normQ += x * x;
  const e = ((k + 3) * 2 ** -24 * Math.sqrt(normP * normQ)) / Math.sqrt(scale2);
  const root = Math.sqrt(Math.max(0, tail)) - e;
  const distSq = root > 0 ? root * root : 0;
  return {
    distSq,
    J: (Hmin / 2) * distSq,
    method: `Eckart-Young: ||W - C||^2 >= sum_{i>${r}} sigma_i(C)^2 (float64 eigenvalues of the ${k} x ${k} Gram form, less the float32 rounding of C), and L(W) >= (min H / 2 = ${Hmin / 2}) times that`,
  };
}

export function levels(rng: Rng, k: number): Float32Array {
  const v = new Float32Array(k);
  for (let i = 0; i < k; i++) v[i] = (1 + rng.int(8)) / 8;
  v[0] = 1;
  return v;
}

/** m x n within 1..QUADRATIC_MAX_SIZE (the quadratic and expr workloads draw W of that shape). */
export function checkSize(name: string, m: number, n: number): void {
  for (const [k, v] of [
    ['m', m],
    ['n', n],
  ] as const)
    if (!Number.isInteger(v) || v < 1 || v > QUADRATIC_MAX_SIZE)
      throw new WorkloadError(`${name}: size ${k} = ${v} must be an integer in 1..${QUADRATIC_MAX_SIZE}`);
}

export function quadraticWorkload(tf: TF, name: string, m: number, n: number, r: number, rng: Rng): Workload {
  checkSize(name, m, n);
  const h = levels(rng, m);
  const kcol = levels(rng, n);
  const rankC = Math.min(2 * r, m, n);
  const P = rng.gaussian(m * rankC, 1);
  const Q = rng.gaussian(rankC * n, 1);
  // On webgpu, two fused kernels (quadratic-webgpu.ts) rebuild H from h and k; elsewhere H is a matrix.
  const fused = quadraticKernelsAvailable(tf);
  const hv = fused ? tf.tensor1d(h) : undefined;
  const kv = fused ? tf.tensor1d(kcol) : undefined;
  const H = tf.tidy(() => tf.mul(tf.mul(tf.tensor2d(h, [m, 1]), tf.tensor2d(kcol, [1, n])), H_SCALE) as Tensor2D);
  const C = tf.tidy(() => tf.mul(tf.matMul(tf.tensor2d(P, [m, rankC]), tf.tensor2d(Q, [rankC, n])), 1 / Math.sqrt(rankC * n)) as Tensor2D);
  /** A fused step's G and row vector [loss terms | ||G||^2 partials] as a LossGrad. */
  const rowsGrad = ({ G, rows, gB, gA }: { G?: Tensor2D; rows: Tensor1D; gB?: Tensor2D; gA?: Tensor2D }): LossGrad => {
    // Jterms and GrowSq are slices of `rows`, formed only if a caller reads them (the
    // trainer's record kernel copies straight from `rows`: rowTerms)
    let J: Tensor1D | undefined;
    let Gsq: Tensor1D | undefined;
    return {
      Jscale: 1,
      G: G ? [G] : [],
      ...(gB && gA ? { adapterGrads: { gB: [gB], gA: [gA] } } : {}),
      get Jterms() {
        return (J ??= tf.slice(rows, [0], [m]) as Tensor1D);
      },
      get GrowSq() {
        return [(Gsq ??= tf.slice(rows, [m], [m]) as Tensor1D)];
      },
      rowTerms: { J: { copy: rows, from: 0, length: m }, G: [{ copy: rows, from: m, length: m }] },
    };
  };
  const forward = (W: Tensor2D[], withGrad: boolean) => {
    const E = tf.sub(W[0]!, C);
    const HE = tf.mul(H, E) as Tensor2D;
    // per-row terms 1/2 sum_j H_ij E_ij^2; summed on the host in float64
    const Jterms = tf.mul(tf.sum(tf.mul(HE, E), 1), 0.5) as Tensor1D;
    return { Jterms, Jscale: 1, G: withGrad ? [HE] : [] };
  };
  return {
    name,
    description: `quadratic 1/2 ||W - C||_H^2, W ${m} x ${n}, H diagonal with entries in [${H_SCALE / 64}, ${H_SCALE}], C of rank ${rankC}`,
    shapes: [{ m, n }],
    Lloss: H_SCALE, // max_ij H_ij = 4 h_0 k_0 = 4, exact
    Lmethod: 'exact: max_ij H_ij of the diagonal H (dyadic entries, exact in float32)',
    Lestimated: false,
    Lstar: 0,
    W0: [null],
    supportsBatch: false,
    optimum: [C],
    quadraticHC: { H, C },
    rankBound: (r: number) => {
      if (m * n > RANK_BOUND_MAX_ENTRIES) return { notComputed: `W has ${m * n} entries, more than the ${RANK_BOUND_MAX_ENTRIES} the bound is computed for` };
      const Hmin = H_SCALE * Math.min(...h) * Math.min(...kcol);
      return quadraticRankBound(P, Q, m, n, rankC, r, Hmin);
    },
    // webgpu: G and the row terms in two dispatches (quadratic-webgpu.ts), as for the adapters below
    lossGrad: (W): LossGrad => (fused ? rowsGrad(quadraticStepFromWWebgpu(tf, W[0]!, C, hv!, kv!)) : forward(W, true)),
    loss: (W): LossTerms => forward(W, false),
    ...(fused
      ? {
          quadraticInputs: { C, h: hv!, k: kv! },
          // r <= STEP_MAX_RANK: G is never stored (three passes, quadratic-webgpu.ts); else, or with
          // LORACHECK_QUADRATIC_STORE_G=1 (the bench compares both), G and its rows
          lossGradFromAdapters: (B: Tensor2D[], A: Tensor2D[]): LossGrad => {
            if (B[0]!.shape[1] > STEP_MAX_RANK || process.env.LORACHECK_QUADRATIC_STORE_G === '1') return rowsGrad(quadraticStepWebgpu(tf, B[0]!, A[0]!, C, hv!, kv!));
            return rowsGrad(quadraticAdapterStepWebgpu(tf, B[0]!, A[0]!, C, hv!, kv!));
          },
        }
      : {}),
    dispose() {
      H.dispose();
      C.dispose();
      hv?.dispose();
      kv?.dispose();
    },
  };
}
