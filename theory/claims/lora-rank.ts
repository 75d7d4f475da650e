/**
 * LoRA is bound by the rank-r optimum (a fact of the LoRA side that RAC-LoRA, arXiv 2410.08305,
 * contrasts with; verified algebra): every LoRA iterate has rank(W_t - W0) <= r, so for f(W) = 1/2 ||W - C||^2,
 * by Eckart-Young, whatever the step sizes,
 *   f(W_t) >= min_{rank D <= r} f(W0 + D) = 1/2 sum_{i > r} sigma_i(C - W0)^2.
 * RAC-LoRA, COLA and FPFT are not bound by it.
 *
 * Singular values are irrational in general; the exact route taken here is to draw C - W0 with
 * known singular values: C - W0 = U diag(s) V^T with U, V products of rational Householder
 * reflections (exactly orthogonal), so sigma_i(C - W0) = |s_i| exactly and the bound is rational.
 * That restriction is part of the generator, not of the statement.
 * Hypotheses: `low_rank_update` (dropped: full-parameter GD steps from the same start instead).
 */
import type { Field, Num } from '../../numeric/field.ts';
import type { Loss } from '../../numeric/loss.ts';
import { applyQ, reflectors } from '../../numeric/losses/index.ts';
import { add, lift, matmul, normSq, sub, transpose, type Matrix } from '../../numeric/matrix.ts';
import { numAbs } from '../../numeric/num.ts';
import type { Claim, Comparison } from '../claim.ts';
import type { LoraRankRunInput } from '../inputs.ts';
import { fpftStep, loraStepAt, merged } from '../rac.ts';
import { ALGEBRAIC_MODES, cheaply, numCmp, numSign } from '../_internals/num.ts';

/** The orthogonal matrix Q = H_{u_1} ... H_{u_k} (dim x dim), column by column. */
function orthogonal<T>(F: Field<T>, u: readonly (readonly Num[])[], dim: number): Matrix<T> {
  const R = reflectors(F, u, dim);
  const cols = Array.from({ length: dim }, (_, j) => applyQ(F, R, Array.from({ length: dim }, (_, i) => (i === j ? F.one : F.zero))));
  return { rows: dim, cols: dim, data: Array.from({ length: dim * dim }, (_, k) => cols[k % dim]![Math.floor(k / dim)]!) };
}

/** f(W) = 1/2 ||W - C||^2 with C = W0 + U diag(s) V^T. */
function rankLoss<T>(F: Field<T>, input: LoraRankRunInput): Loss<T> {
  const { rows: m, cols: n } = input.W0;
  const p = Math.min(m, n);
  const S: Matrix<T> = { rows: m, cols: n, data: Array.from({ length: m * n }, (_, k) => (Math.floor(k / n) === k % n && k % n < p ? F.lift(input.s.data[k % n]!) : F.zero)) };
  const C = add(F, lift(F, input.W0), matmul(F, matmul(F, orthogonal(F, input.uLeft, m), S), transpose(orthogonal(F, input.uRight, n))));
  const half = F.div(F.one, F.fromInt(2));
  return { m, n, L: F.one, Lstar: F.zero, value: (W) => F.mul(half, normSq(F, sub(F, W, C))), grad: (W) => sub(F, W, C) };
}

/** The s_i beyond the r largest in absolute value (exact order). */
function tailValues(input: LoraRankRunInput, r: number): Num[] {
  return [...input.s.data].sort((a, b) => numCmp(numAbs(b), numAbs(a))).slice(r);
}

export const LORArank: Claim<LoraRankRunInput> = {
  id: 'LORA.rank',
  paper: 'LoRA (W0 + BA, rank r): the Eckart-Young limit',
  title: 'LoRA iterates satisfy f(W_t) >= 1/2 sum_{i>r} sigma_i(C - W0)^2 (Eckart-Young), whatever the step sizes',
  latex:
    'f(W_0 + B_t A_t) \\geq \\min_{\\operatorname{rank} D \\leq r} f(W_0 + D) = \\frac{1}{2} \\sum_{i > r} \\sigma_i(C - W_0)^2, \\qquad f(W) = \\tfrac{1}{2} \\|W - C\\|^2',
  hypotheses: ['low_rank_update'],
  inputKind: 'lora-rank-run',
  modes: ALGEBRAIC_MODES,
  provenance: 'verified',
  note: 'Verified algebra (rank(B_t A_t) <= r and Eckart-Young). Generator restriction: C - W0 = U diag(s) V^T with U, V rational Householder products, so the singular values |s_i| are exact. Any step sizes; checked at every t = 1..T.',
  comparisons<T>(F: Field<T>, input: LoraRankRunInput) {
    const loss = rankLoss(F, input);
    const W0 = lift(F, input.W0);
    let B = lift(F, input.B0);
    let A = lift(F, input.A0);
    const r = B.cols;
    const tail = tailValues(input, r).reduce((s, x) => F.add(s, F.mul(F.lift(x), F.lift(x))), F.zero);
    const bound = F.div(tail, F.fromInt(2));
    let W = merged(F, W0, B, A);
    const out: Comparison<T>[] = [];
    for (let t = 0; t < input.etas.cols; t++) {
      const eta = F.lift(input.etas.data[t]!);
      if (input.full) W = fpftStep(F, loss, W, eta);
      else {
        ({ B, A } = loraStepAt(F, loss, W0, B, A, eta));
        W = merged(F, W0, B, A);
      }
      out.push({ label: `t = ${t + 1}: f(W_t) >= 1/2 sum_{i>r} sigma_i(C - W0)^2`, lhs: loss.value(W), rel: '>=', rhs: bound });
    }
    return out;
  },
  // the bound is positive (rank(C - W0) > r) and the first step moves
  nonTrivial: (input) =>
    input.etas.cols >= 1 &&
    tailValues(input, input.B0.cols).some((x) => numSign(x) !== 0) &&
    cheaply((F) => {
      const loss = rankLoss(F, input);
      const [W0, B, A] = [lift(F, input.W0), lift(F, input.B0), lift(F, input.A0)];
      const next = loraStepAt(F, loss, W0, B, A, F.one);
      return !F.isZero(normSq(F, sub(F, merged(F, W0, next.B, next.A), merged(F, W0, B, A))));
    }, input.W0),
  hypothesesHold: (input) => ({ low_rank_update: !input.full }),
};
