/**
 * Input shapes of the claims, one per InputKind. Entries are `Num`: exact rationals
 * (exact/precise runs) or doubles (float64 runs). All are plain data so that a witness can
 * be stored as JSON (rationals as "p/q" strings, see theory/codec.ts) and replayed.
 * Sizes: B is m x r, A is r x n, V = [B; A^T] is (m+n) x r, with m, n from the loss.
 */
import type { Num } from '../numeric/field.ts';
import type { Matrix } from '../numeric/matrix.ts';
import type { LossDesc, QuadraticLoss, TwoMatrixLoss } from '../numeric/loss.ts';

/** Lemma A.1: weighted AM-GM. */
export interface AmGmInput {
  x1: Num;
  x2: Num;
  w1: Num;
  w2: Num;
}

/** Lemma A.2 (first and third statements): M is (m+n) x (m+n). */
export interface SquareInput {
  m: number;
  n: number;
  M: Matrix<Num>;
}

/** Lemma A.2 (second statement): X is m x n. */
export interface BlockInput {
  X: Matrix<Num>;
}

/** One point V of J (S1, G7, E19, L34 and its proof lines). `eta`, when present, replaces
 *  the step size of (8) (S1 uses any eta; L34 uses it only when `eta_rule` is dropped). */
export interface LoraInput {
  loss: LossDesc;
  V: Matrix<Num>;
  eta?: Num;
}

/** Lemma 3.3: two points. */
export interface LoraPairInput {
  loss: LossDesc;
  V1: Matrix<Num>;
  V2: Matrix<Num>;
}

/** (23): one point W of the original loss. */
export interface LossPointInput {
  loss: LossDesc;
  W: Matrix<Num>;
}

/** GV, T10, T35: T steps of (3) from V0 with eta_t of (8), or eta_t = etaScale * (8)
 *  (uncapped) when `eta_rule` is dropped. */
export interface LoraRunInput {
  loss: LossDesc;
  V0: Matrix<Num>;
  T: number;
  etaScale?: Num;
}

/** Lemma 3.6: two points M, M2 of R^{(m1+m2) x (n1+n2)}. */
export interface TwoPairInput {
  loss: TwoMatrixLoss;
  M: Matrix<Num>;
  M2: Matrix<Num>;
}

/** Sec. 3.2 (M36): adapters (B1, A1), (B2, A2) and one step size. B1 is m1 x r1, A1 is
 *  r1 x n1, B2 is m2 x r2, A2 is r2 x n2; r1 = r2 unless `same_rank` is dropped. */
export interface TwoLoraInput {
  loss: TwoMatrixLoss;
  B1: Matrix<Num>;
  A1: Matrix<Num>;
  B2: Matrix<Num>;
  A2: Matrix<Num>;
  eta: Num;
}

// ------------------------------------------------------------------ the RAC-LoRA family (README)

/** Which factor a RAC-LoRA sketch fixes: left (B_S, m x r, H_B acts on the left of grad f) or
 *  right (A_S, r x n, H_A acts on the right). */
export type Side = 'left' | 'right';

/** RAC.H: one sketch S: B_S (m x r) when side is left, A_S (r x n) when right. */
export interface SketchInput {
  side: Side;
  S: Matrix<Num>;
}

/** RAC.step: a point W (m x n) of f, a sketch S and a step size gamma. P (m x m left, n x n right)
 *  replaces the projection of S when `projection` is dropped. */
export interface RacPointInput {
  loss: LossDesc;
  W: Matrix<Num>;
  side: Side;
  S: Matrix<Num>;
  gamma: Num;
  P?: Matrix<Num>;
}

/** RAC.sum: T projected steps from W0 with a constant gamma and one sketch per step, stacked:
 *  `sketches` is m x (T r) (left: sketch t is columns t r .. t r + r - 1) or (T r) x n (right). */
export interface RacRunInput {
  loss: LossDesc;
  W0: Matrix<Num>;
  side: Side;
  r: number;
  T: number;
  sketches: Matrix<Num>;
  gamma: Num;
}

/** RAC.EH: the mean of `samples` projections H of seeded Gaussian-like sketches (theory/sketch.ts)
 *  of rank r, for W of size m x n (left: H is m x m; right: n x n). */
export interface SketchMeanInput {
  side: Side;
  m: number;
  n: number;
  r: number;
  samples: number;
  seed: number;
}

/** RAC.T53, RAC.T55: `samples` independent RAC-LoRA runs of `steps` (T) steps from W0 with constant
 *  gamma, fresh seeded Gaussian-like sketches of rank r at every step. `mu` is the stated PL constant
 *  (T55). (Named `steps`, not T: the rates are stated at the end of a run, not at every prefix.) */
export interface RacRunsInput {
  loss: QuadraticLoss;
  W0: Matrix<Num>;
  side: Side;
  r: number;
  steps: number;
  gamma: Num;
  samples: number;
  seed: number;
  mu?: Num;
}

/** ASYM.subspace: Asymmetric LoRA from W0 + B0 A with A frozen and T steps of sizes etas (1 x T);
 *  `trainA` (when `frozen_A` is dropped) trains A as well, i.e. plain LoRA from (B0, A). */
export interface AsymRunInput {
  loss: QuadraticLoss;
  W0: Matrix<Num>;
  A: Matrix<Num>;
  B0: Matrix<Num>;
  etas: Matrix<Num>;
  trainA?: boolean;
}

/**
 * LORA.rank: f(W) = 1/2 ||W - C||^2 with C - W0 = U diag(s) V^T, U and V products of rational
 * Householder reflections (vectors `uLeft` of length m for U, `uRight` of length n for V; [] is
 * the identity), so the
 * singular values of C - W0 are exactly |s_i|. LoRA from W0 + B0 A0 with T steps of sizes etas
 * (1 x T); `full` (when `low_rank_update` is dropped) takes full-parameter GD steps instead.
 */
export interface LoraRankRunInput {
  W0: Matrix<Num>;
  uLeft: Num[][];
  uRight: Num[][];
  s: Matrix<Num>;
  B0: Matrix<Num>;
  A0: Matrix<Num>;
  etas: Matrix<Num>;
  full?: boolean;
}
