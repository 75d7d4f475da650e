/**
 * The update rules of the RAC-LoRA family (RAC-LoRA, Malinovsky et al., arXiv 2410.08305, and the
 * methods it compares with), written once over
 * any Field and shared by the claims (theory/claims/rac-*.ts, asym-subspace.ts, lora-rank.ts),
 * the trainer and the trace verifier. W is m x n, f the loss, grad f(W) = loss.grad(W); every
 * method starts from a frozen W0 and moves W = W0 + (what it trains).
 *
 * - FPFT (full-parameter fine-tuning): W <- W - gamma grad f(W).
 * - LoRA: W = W0 + B A, one gradient step on (B, A) jointly (the paper's (3) with W0 added).
 * - Asymmetric LoRA: A frozen, B <- B - eta grad f(W0 + B A) A^T.
 * - Chain of LoRA (COLA): train LoRA, merge W0 <- W0 + B A, re-initialise, repeat.
 * - RAC-LoRA: per chain link a sketch; left: B_S (m x r), H_B = B_S (B_S^T B_S)^+ B_S^T,
 *   W <- W - gamma H_B grad f(W); right: A_S (r x n), H_A = A_S^T (A_S A_S^T)^+ A_S,
 *   W <- W - gamma grad f(W) H_A. Equivalently the free factor is trained from zero with the
 *   preconditioned step and merged (racFactorStep; theory/test/rac.test.ts checks they agree).
 */
import type { Field } from '../numeric/field.ts';
import { columnPivots, pinv } from '../numeric/linalg.ts';
import type { Loss } from '../numeric/loss.ts';
import { add, axpy, matmul, normSq, transpose, type Matrix } from '../numeric/matrix.ts';
import type { Side } from './inputs.ts';
import { loraGrads } from './lora.ts';

/** The r x r Gram matrix of a sketch: B_S^T B_S (left) or A_S A_S^T (right). */
function sketchGram<T>(F: Field<T>, side: Side, S: Matrix<T>): Matrix<T> {
  return side === 'left' ? matmul(F, transpose(S), S) : matmul(F, S, transpose(S));
}

/** Pivots of the Gram matrix: the independent columns of B_S (left) or rows of A_S (right). */
function sketchPivots<T>(F: Field<T>, side: Side, S: Matrix<T>): number[] {
  return columnPivots(F, side === 'left' ? S : transpose(S));
}

/**
 * H_B = B_S (B_S^T B_S)^+ B_S^T (m x m, left) or H_A = A_S^T (A_S A_S^T)^+ A_S (n x n, right),
 * with the Moore-Penrose inverse as printed (also for rank-deficient sketches). `pivots` of the
 * Gram matrix: found over F by default; a float64 caller passes the ones found exactly.
 */
export function sketchProjection<T>(F: Field<T>, side: Side, S: Matrix<T>, pivots: readonly number[] = sketchPivots(F, side, S)): Matrix<T> {
  const Gp = pinv(F, sketchGram(F, side, S), pivots);
  return side === 'left' ? matmul(F, matmul(F, S, Gp), transpose(S)) : matmul(F, matmul(F, transpose(S), Gp), S);
}

/** H X (left, H is m x m) or X H (right, H is n x n): the projected gradient of RAC-LoRA. */
export function project<T>(F: Field<T>, side: Side, H: Matrix<T>, X: Matrix<T>): Matrix<T> {
  return side === 'left' ? matmul(F, H, X) : matmul(F, X, H);
}

/** One RAC-LoRA step: W - gamma H grad f(W) (left) or W - gamma grad f(W) H (right). */
export function racStep<T>(F: Field<T>, loss: Loss<T>, W: Matrix<T>, side: Side, H: Matrix<T>, gamma: T): Matrix<T> {
  return axpy(F, W, gamma, project(F, side, H, loss.grad(W)));
}

/**
 * The same step as training the free factor from zero and merging: left, A = -gamma (B_S^T B_S)^+
 * B_S^T grad f(W) and W + B_S A; right, B = -gamma grad f(W) A_S^T (A_S A_S^T)^+ and W + B A_S.
 */
export function racFactorStep<T>(F: Field<T>, loss: Loss<T>, W: Matrix<T>, side: Side, S: Matrix<T>, gamma: T, pivots: readonly number[] = sketchPivots(F, side, S)): Matrix<T> {
  const Gp = pinv(F, sketchGram(F, side, S), pivots);
  const g = loss.grad(W);
  // the free factor after one step from zero is -gamma times these (axpy subtracts)
  if (side === 'left') {
    const A = matmul(F, matmul(F, Gp, transpose(S)), g);
    return axpy(F, W, gamma, matmul(F, S, A));
  }
  const B = matmul(F, matmul(F, g, transpose(S)), Gp);
  return axpy(F, W, gamma, matmul(F, B, S));
}

/** One FPFT step (plain gradient descent on W). */
export function fpftStep<T>(F: Field<T>, loss: Loss<T>, W: Matrix<T>, gamma: T): Matrix<T> {
  return axpy(F, W, gamma, loss.grad(W));
}

/** W0 + B A. */
export function merged<T>(F: Field<T>, W0: Matrix<T>, B: Matrix<T>, A: Matrix<T>): Matrix<T> {
  return add(F, W0, matmul(F, B, A));
}

/** One LoRA step on (B, A) at W = W0 + B A: B - eta grad f(W) A^T, A - eta B^T grad f(W). */
export function loraStepAt<T>(F: Field<T>, loss: Loss<T>, W0: Matrix<T>, B: Matrix<T>, A: Matrix<T>, eta: T): { B: Matrix<T>; A: Matrix<T> } {
  const { gradB, gradA } = loraGrads(F, loss.grad(merged(F, W0, B, A)), B, A);
  return { B: axpy(F, B, eta, gradB), A: axpy(F, A, eta, gradA) };
}

/** One Asymmetric LoRA step (A frozen): B - eta grad f(W0 + B A) A^T. */
export function asymStep<T>(F: Field<T>, loss: Loss<T>, W0: Matrix<T>, B: Matrix<T>, A: Matrix<T>, eta: T): Matrix<T> {
  return axpy(F, B, eta, matmul(F, loss.grad(merged(F, W0, B, A)), transpose(A)));
}

/** The end of a COLA chain link: the adapter is merged into the frozen weights (then B, A restart). */
export function colaMerge<T>(F: Field<T>, W0: Matrix<T>, B: Matrix<T>, A: Matrix<T>): Matrix<T> {
  return merged(F, W0, B, A);
}

/** One record of a RAC-LoRA run, at W_t. */
export interface RacRecord<T> {
  t: number;
  /** f(W_t). */
  f: T;
  /** ||grad f(W_t)||^2. */
  gradSq: T;
  /** ||H_t grad f(W_t)||^2 (left) or ||grad f(W_t) H_t||^2 (right); for t = T (no step) it is zero. */
  projGradSq: T;
}

/**
 * RAC-LoRA with one projected step per chain link: W_{t+1} = W_t - gamma H_t grad f(W_t) for the
 * projections H_0 .. H_{T-1} given, recording f, ||grad f||^2 and ||H_t grad f||^2 at t = 0..T.
 */
export function racRun<T>(F: Field<T>, loss: Loss<T>, W0: Matrix<T>, side: Side, Hs: readonly Matrix<T>[], gamma: T): { records: RacRecord<T>[]; W_T: Matrix<T> } {
  const records: RacRecord<T>[] = [];
  let W = W0;
  for (let t = 0; ; t++) {
    const g = loss.grad(W);
    const rec: RacRecord<T> = { t, f: loss.value(W), gradSq: normSq(F, g), projGradSq: F.zero };
    records.push(rec);
    if (t === Hs.length) break;
    const Hg = project(F, side, Hs[t]!, g);
    rec.projGradSq = normSq(F, Hg);
    W = axpy(F, W, gamma, Hg);
  }
  return { records, W_T: W };
}
