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
import type { TF } from '../backend.ts';
import type { Rng } from '../rng.ts';
import { quadraticKernelsAvailable, quadraticStepWebgpu } from './quadratic-webgpu.ts';
import { WorkloadError, type LossGrad, type LossTerms, type Workload } from './types.ts';

export const QUADRATIC_MAX_SIZE = 8192;
const H_SCALE = 4;

function levels(rng: Rng, k: number): Float32Array {
  const v = new Float32Array(k);
  for (let i = 0; i < k; i++) v[i] = (1 + rng.int(8)) / 8;
  v[0] = 1;
  return v;
}

export function quadraticWorkload(tf: TF, name: string, m: number, n: number, r: number, rng: Rng): Workload {
  for (const [k, v] of [
    ['m', m],
    ['n', n],
  ] as const)
    if (!Number.isInteger(v) || v < 1 || v > QUADRATIC_MAX_SIZE)
      throw new WorkloadError(`${name}: size ${k} = ${v} must be an integer in 1..${QUADRATIC_MAX_SIZE}`);
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
    lossGrad: (W): LossGrad => forward(W, true),
    loss: (W): LossTerms => forward(W, false),
    ...(fused
      ? {
          lossGradFromAdapters: (B: Tensor2D[], A: Tensor2D[]): LossGrad => {
            const { G, rows } = quadraticStepWebgpu(tf, B[0]!, A[0]!, C, hv!, kv!);
            // Jterms and GrowSq are slices of `rows`, formed only if a caller reads them (the
            // trainer's record kernel copies straight from `rows`: rowTerms)
            let J: Tensor1D | undefined;
            let Gsq: Tensor1D | undefined;
            return {
              Jscale: 1,
              G: [G],
              get Jterms() {
                return (J ??= tf.slice(rows, [0], [m]) as Tensor1D);
              },
              get GrowSq() {
                return [(Gsq ??= tf.slice(rows, [m], [m]) as Tensor1D)];
              },
              rowTerms: { J: { copy: rows, from: 0, length: m }, G: [{ copy: rows, from: m, length: m }] },
            };
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
