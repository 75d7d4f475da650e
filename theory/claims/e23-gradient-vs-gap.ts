/**
 * (23), proof of Theorem 3.5 (A.4; Lemma 2.28 of Garrigos & Gower):
 *   for all W: ||grad L(W)||^2 <= 2 L (L(W) - L*).
 * Hypotheses: `smooth` (4) and `lower_bound` (Assumption 3.2).
 * Constant (tightness): sup ||grad L(W)||^2 / (L (L(W) - L*))   (printed: 2).
 */
import type { Field } from '../../numeric/field.ts';
import { lift, normSq } from '../../numeric/matrix.ts';
import { lossOver } from '../../numeric/losses/index.ts';
import type { Claim } from '../claim.ts';
import type { LossPointInput } from '../inputs.ts';
import { lossHypotheses } from '../_internals/hyp.ts';
import { ALGEBRAIC_MODES, cheaply } from '../_internals/num.ts';
import { prod } from '../_internals/sides.ts';

function at<T>(F: Field<T>, input: LossPointInput) {
  const loss = lossOver(F, input.loss);
  const W = lift(F, input.W);
  return { gradSq: normSq(F, loss.grad(W)), value: loss.value(W), L: loss.L, Lstar: loss.Lstar };
}

export const E23: Claim<LossPointInput> = {
  id: 'E23',
  paper: '(23), proof of Theorem 3.5',
  title: '||grad L(W)||^2 <= 2L (L(W) - L*)',
  latex: '\\|\\nabla\\mathcal{L}(W)\\|^2 \\leq 2L(\\mathcal{L}(W) - \\mathcal{L}^*) \\quad (23)',
  hypotheses: ['smooth', 'lower_bound'],
  inputKind: 'loss-point',
  modes: ALGEBRAIC_MODES,
  comparisons<T>(F: Field<T>, input: LossPointInput) {
    const s = at(F, input);
    return [
      {
        label: '(23) ||grad L(W)||^2 <= 2L (L(W) - L*)',
        lhs: s.gradSq,
        rel: '<=',
        rhs: prod(F, F.fromInt(2), s.L, F.sub(s.value, s.Lstar)),
      },
    ];
  },
  constant: {
    printed: '2',
    direction: 'sup',
    quantity: '||grad L(W)||^2 / (L (L(W) - L*))',
    latex: '\\frac{\\|\\nabla\\mathcal{L}(W)\\|^2}{L(\\mathcal{L}(W) - \\mathcal{L}^*)}',
    degenerate:
      'L(W) = L* (a minimiser, where grad L = 0 too: 0/0) is excluded; in float64 search a point with L (L(W) - L*) below 1e-9 of L (|L(W)| + |L*|) is skipped',
    parts<T>(F: Field<T>, input: LossPointInput) {
      const s = at(F, input);
      return [{ label: '(23)', num: s.gradSq, den: F.mul(s.L, F.sub(s.value, s.Lstar)), scale: F.mul(s.L, F.add(F.abs(s.value), F.abs(s.Lstar))) }];
    },
  },
  nonTrivial: (input) =>
    cheaply((F) => !F.isZero(normSq(F, lossOver(F, input.loss).grad(lift(F, input.W)))), input.W),
  hypothesesHold: (input) => lossHypotheses(input.loss),
};
