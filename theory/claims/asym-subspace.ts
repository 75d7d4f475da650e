/**
 * Asymmetric LoRA reaches only its subspace (Zhu et al. 2024, one of the methods RAC-LoRA compares
 * with; verified from its public code): with A frozen, every iterate is W0 + B_t A, so whatever the step
 * sizes,
 *   f(W0 + B_t A) >= min_B f(W0 + B A).
 * For a convex quadratic f the minimum is exact: q(b) = f(W0 + B(b) A) is a quadratic in vec B
 * with gradient g = vec(grad f(W0) A^T) and Hessian M_jk = <E_j A, H E_k A>, so
 * min_B f(W0 + B A) = f(W0) - g^T M^+ g / 2 (for H = I: 1/2 ||(C - W0)(I - P_A)||^2 with P_A the
 * projection onto the row space of A); g^T M^+ g is one solve on M's pivot block (psdForm). Hypotheses: `frozen_A` (dropped: A is trained too, i.e.
 * plain LoRA from (B0, A), which can leave the subspace).
 */
import type { Field } from '../../numeric/field.ts';
import { columnPivots, solve } from '../../numeric/linalg.ts';
import { lossOver } from '../../numeric/losses/index.ts';
import type { Loss } from '../../numeric/loss.ts';
import { add, inner, lift, matmul, sub, transpose, type Matrix } from '../../numeric/matrix.ts';
import { rationalField } from '../../numeric/rational-field.ts';
import type { Claim, Comparison } from '../claim.ts';
import type { AsymRunInput } from '../inputs.ts';
import { asymStep, loraStepAt, merged } from '../rac.ts';
import { ALGEBRAIC_MODES, cheaply, numSign } from '../_internals/num.ts';
import { vacuous } from '../_internals/sides.ts';
import { exactly } from '../_internals/rac-input.ts';

/** E_j A for the unit m x r matrix E_j (j = i r + k): row i of the result is row k of A. */
function unitTimesA<T>(F: Field<T>, m: number, A: Matrix<T>, j: number): Matrix<T> {
  const r = A.rows;
  const [i, k] = [Math.floor(j / r), j % r];
  const data = new Array<T>(m * A.cols).fill(F.zero);
  for (let c = 0; c < A.cols; c++) data[i * A.cols + c] = A.data[k * A.cols + c]!;
  return { rows: m, cols: A.cols, data };
}

/** g and M of q(b) = f(W0 + B(b) A) (quadratic f). */
function subspaceQuadratic<T>(F: Field<T>, loss: Loss<T>, W0: Matrix<T>, A: Matrix<T>) {
  const m = W0.rows;
  const N = m * A.rows;
  const G0 = loss.grad(W0);
  const dirs = Array.from({ length: N }, (_, j) => unitTimesA(F, m, A, j));
  const g: Matrix<T> = { rows: N, cols: 1, data: dirs.map((D) => inner(F, G0, D)) };
  const HD = dirs.map((D) => sub(F, loss.grad(add(F, W0, D)), G0)); // H D (f is quadratic)
  const M: Matrix<T> = { rows: N, cols: N, data: dirs.flatMap((D) => HD.map((X) => inner(F, D, X))) };
  return { g, M };
}

/** min_B f(W0 + B A) over F; the rank of M is found exactly on the input. */
function subspaceMinimum<T>(F: Field<T>, input: Pick<AsymRunInput, 'loss' | 'W0' | 'A'>): T {
  const exact = subspaceQuadratic(rationalField, lossOver(rationalField, input.loss), exactly(input.W0), exactly(input.A));
  const loss = lossOver(F, input.loss);
  const W0 = lift(F, input.W0);
  // the exact field holds rationals as they are: reuse the exact g and M there
  const { g, M } = F.mode === 'exact' ? { g: lift(F, exact.g), M: lift(F, exact.M) } : subspaceQuadratic(F, loss, W0, lift(F, input.A));
  return F.sub(loss.value(W0), F.div(psdForm(F, M, g, columnPivots(rationalField, exact.M)), F.fromInt(2)));
}

/**
 * g^T M^+ g for a positive semidefinite M and g in its range, with `pivots` a maximal set of
 * independent columns of M: then M_PP is nonsingular and g^T M^+ g = g_P^T y_P with
 * M_PP y_P = g_P (any y with M y = g gives g^T M^+ g = y^T M y = g^T y). One k x k solve.
 */
function psdForm<T>(F: Field<T>, M: Matrix<T>, g: Matrix<T>, pivots: readonly number[]): T {
  if (pivots.length === 0) return F.zero;
  const k = pivots.length;
  const MPP: Matrix<T> = { rows: k, cols: k, data: pivots.flatMap((i) => pivots.map((j) => M.data[i * M.cols + j]!)) };
  const gP: Matrix<T> = { rows: k, cols: 1, data: pivots.map((i) => g.data[i]!) };
  return inner(F, gP, solve(F, MPP, gP));
}

/** Every eigenvalue d_i of the quadratic is >= 0 (H positive semidefinite). */
function convex(input: AsymRunInput): boolean {
  return input.loss.d.every((x) => numSign(x) >= 0);
}

export const ASYMsubspace: Claim<AsymRunInput> = {
  id: 'ASYM.subspace',
  paper: 'Asymmetric LoRA (Zhu et al. 2024), A frozen',
  title: 'Asymmetric LoRA iterates satisfy f(W0 + B_t A) >= min_B f(W0 + B A), whatever the step sizes',
  latex: 'f(W_0 + B_t A) \\geq \\min_{B \\in \\mathbb{R}^{m \\times r}} f(W_0 + B A) \\quad \\text{for all } t, \\qquad B_{t+1} = B_t - \\eta_t \\nabla f(W_0 + B_t A) A^\\top',
  hypotheses: ['frozen_A'],
  inputKind: 'asym-run',
  modes: ALGEBRAIC_MODES,
  provenance: 'verified',
  note: 'Verified from the public code of Asymmetric LoRA (A drawn once and frozen). Convex quadratic losses, where min_B f(W0 + BA) = f(W0) - g^T M^+ g / 2 is exact; any step sizes; checked at every t = 1..T.',
  comparisons<T>(F: Field<T>, input: AsymRunInput) {
    // the minimum is computed for convex quadratics; for others it may be -infinity (see convex())
    if (!convex(input)) return [vacuous(F, 'f(W0 + B_t A) >= min_B f(W0 + B A)', 'f is not convex (some d_i < 0): outside the encoded statement')];
    const loss = lossOver(F, input.loss);
    const W0 = lift(F, input.W0);
    let A = lift(F, input.A);
    let B = lift(F, input.B0);
    const bound = subspaceMinimum(F, input);
    const out: Comparison<T>[] = [];
    for (let t = 0; t < input.etas.cols; t++) {
      const eta = F.lift(input.etas.data[t]!);
      if (input.trainA) ({ B, A } = loraStepAt(F, loss, W0, B, A, eta));
      else B = asymStep(F, loss, W0, B, A, eta);
      out.push({ label: `t = ${t + 1}: f(W0 + B_t A_t) >= min_B f(W0 + B A_0)`, lhs: loss.value(merged(F, W0, B, A)), rel: '>=', rhs: bound });
    }
    return out;
  },
  // B moves at the first step: grad f(W0 + B0 A) A^T != 0
  nonTrivial: (input) =>
    input.etas.cols >= 1 &&
    convex(input) &&
    cheaply((F) => {
      const A = lift(F, input.A);
      const G = lossOver(F, input.loss).grad(merged(F, lift(F, input.W0), lift(F, input.B0), A));
      return matmul(F, G, transpose(A)).data.some((x) => !F.isZero(x));
    }, input.W0),
  hypothesesHold: (input) => ({ frozen_A: !input.trainA }),
};
