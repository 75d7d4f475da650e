/**
 * What the trainer needs from a workload: the original loss L(W_1, ..., W_K) (K = 1, or 2 for
 * Sec. 3.2's several matrices) with its gradient written by hand, its smoothness constant and
 * lower bound (Assumptions 3.1 and 3.2), and the frozen W0 of each matrix.
 *
 * Losses come back as per-row terms: J = Jscale * sum(Jterms), summed on the host in float64
 * (a float32 reduction over 60000 samples loses ~1e-6 relative, more than the descent the
 * verifier has to see; per-sample float32 terms summed in float64 are good to ~1e-9).
 */
import type { Tensor1D, Tensor2D } from '@tensorflow/tfjs';

export interface MatrixShape {
  m: number;
  n: number;
}

export interface LossTerms {
  Jterms: Tensor1D;
  Jscale: number;
}

export interface LossGrad extends LossTerms {
  /** G_k = grad_{W_k} L(W_1, ..., W_K), same shapes as W (empty where adapterGrads is given). */
  G: Tensor2D[];
  /** Per-row partials of ||G_k||^2, when the workload's kernels produce them anyway. */
  GrowSq?: Tensor1D[];
  /** Where the J terms and the ||G_k||^2 row partials already sit inside one vector (a fused
   *  kernel's output), so that a record can copy them without slicing first. */
  rowTerms?: { J: TermsAt; G: TermsAt[] };
  /** grad_B = G_k A_k^T and grad_A = B_k^T G_k, where a fused adapter kernel formed them
   *  (lossGradFromAdapters): G itself is then not stored and `G` is empty. */
  adapterGrads?: { gB: Tensor2D[]; gA: Tensor2D[] };
  /** The full-data loss at the same W, where lossGradFromAdapters was asked for it (withFull). */
  full?: LossTerms;
}

/** `length` entries of `copy`, from entry `from`. */
export interface TermsAt {
  copy: Tensor1D;
  from: number;
  length: number;
}

export interface Workload {
  readonly name: string;
  /** One line for the header and `train`'s output. */
  readonly description: string;
  readonly shapes: readonly MatrixShape[];
  /** Training-set size and source (data workloads). */
  readonly N?: number;
  readonly data?: string;
  /** Smoothness of the original loss in the (product) Frobenius norm; undefined when it must be
   *  estimated along the run (Lestimated). Lmethod says how it was obtained. */
  readonly Lloss: number | undefined;
  readonly Lmethod: string;
  readonly Lestimated: boolean;
  /** Lower bound L* (Assumption 3.2). */
  readonly Lstar: number;
  /** Frozen pretrained weights per matrix (null: W0 = 0). */
  readonly W0: readonly (Tensor2D | null)[];
  /** Whether --batch applies (data workloads). */
  readonly supportsBatch: boolean;
  /** Loss and G at W (full data, or the rows `batch`). Call inside tf.tidy. */
  lossGrad(W: Tensor2D[], batch?: Tensor1D): LossGrad;
  /** Loss only, full data (mini-batch runs record the full J each step). Call inside tf.tidy. */
  loss(W: Tensor2D[]): LossTerms;
  /** The minimiser W* of the loss (the FPFT optimum: f(W*) = L*), where it is known
   *  (quadratic: W* = C). Traces of small runs then record ||W_t - W*||^2. */
  readonly optimum?: readonly Tensor2D[];
  /**
   * A lower bound on ||W - W*||^2 over every W with rank(W - W0) <= r, and the bound it implies
   * on L(W), where the workload can state one (quadratic: Eckart-Young); why not, where it
   * could but did not compute it (the header then says so, and verify-trace: "not checked").
   */
  rankBound?(r: number): RankBound | RankBoundSkipped;
  /** Optional fused path: loss and G straight from the adapters (W = W0 + BA is never stored),
   *  where the active backend has kernels for it; on the rows `batch` (workloads with
   *  supportsBatch), and with withFull the full-data loss at the same W in `full`. Call inside tf.tidy. */
  lossGradFromAdapters?(B: Tensor2D[], A: Tensor2D[], batch?: Tensor1D, withFull?: boolean): LossGrad;
  /** The quadratic's C = W* and levels h, k (H_ij = 4 h_i k_j), where the webgpu kernels hold them:
   *  the trainer's direct step (direct-webgpu.ts) uploads them once. */
  readonly quadraticInputs?: { C: Tensor2D; h: Tensor1D; k: Tensor1D };
  /** The quadratic's H and C as matrices (every backend): train --decrease off the direct step
   *  computes dJ from them (decrease-tf.ts). */
  readonly quadraticHC?: { H: Tensor2D; C: Tensor2D };
  /** Softmax regression's data X (N x n) and one-hot labels Y (N x classes), where the webgpu kernels
   *  apply: the trainer's direct step (direct-softmax.ts) uploads them once (W0 is W0[0]). */
  readonly softmaxInputs?: { X: Tensor2D; Y: Tensor2D };
  dispose(): void;
}

/** What LoRA (rank r, any steps) cannot go below: LORA.rank on a trace. */
/** A rank bound the workload could state but did not compute, and why. */
export interface RankBoundSkipped {
  notComputed: string;
}

export interface RankBound {
  /** min over rank-r updates of ||W0 + D - W*||^2 (a certified lower bound of it). */
  distSq: number;
  /** The bound on the loss that follows: L(W) >= J. */
  J: number;
  /** How it was obtained, for the header. */
  method: string;
}

/** Raised for workload options that do not fit (unknown name, bad size, rank too large). */
export class WorkloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WorkloadError';
  }
}
