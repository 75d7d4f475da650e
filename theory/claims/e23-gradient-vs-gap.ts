/**
 * (23), proof of Theorem 3.5 (A.4; Lemma 2.28 of Garrigos & Gower):
 *   for all W: ||grad L(W)||^2 <= 2 L (L(W) - L*).
 * Hypotheses: `smooth` (4) and `lower_bound` (Assumption 3.2).
 */
import type { Field } from '../../numeric/field.ts';
import { lift, normSq } from '../../numeric/matrix.ts';
import { lossOver } from '../../numeric/losses/index.ts';
import type { Claim } from '../claim.ts';
import type { LossPointInput } from '../inputs.ts';
import { lossHypotheses } from '../_internals/hyp.ts';
import { ALGEBRAIC_MODES, cheaply } from '../_internals/num.ts';
import { prod } from '../_internals/sides.ts';

export const E23: Claim<LossPointInput> = {
  id: 'E23',
  paper: '(23), proof of Theorem 3.5',
  title: '||grad L(W)||^2 <= 2L (L(W) - L*)',
  latex: '\\|\\nabla\\mathcal{L}(W)\\|^2 \\leq 2L(\\mathcal{L}(W) - \\mathcal{L}^*) \\quad (23)',
  hypotheses: ['smooth', 'lower_bound'],
  inputKind: 'loss-point',
  modes: ALGEBRAIC_MODES,
  comparisons<T>(F: Field<T>, input: LossPointInput) {
    const loss = lossOver(F, input.loss);
    const W = lift(F, input.W);
    return [
      {
        label: '(23) ||grad L(W)||^2 <= 2L (L(W) - L*)',
        lhs: normSq(F, loss.grad(W)),
        rel: '<=',
        rhs: prod(F, F.fromInt(2), loss.L, F.sub(loss.value(W), loss.Lstar)),
      },
    ];
  },
  nonTrivial: (input) =>
    cheaply((F) => !F.isZero(normSq(F, lossOver(F, input.loss).grad(lift(F, input.W)))), input.W),
  hypothesesHold: (input) => lossHypotheses(input.loss),
};
