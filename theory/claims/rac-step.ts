/**
 * One projected RAC-LoRA step descends (Malinovsky et al., arXiv 2410.08305; verified algebra, no
 * paper needed): for L-smooth f, any orthogonal projection H and any gamma > 0,
 *   f(W - gamma H grad f(W)) <= f(W) - gamma (1 - L gamma / 2) ||H grad f(W)||^2
 * (right sketch: grad f(W) H). From the descent lemma with <grad f, H grad f> = ||H grad f||^2,
 * which needs H^T H = H.
 * Hypotheses: `smooth` (stated L >= the true constant), `projection` (H = S (S^T S)^+ S^T; when
 * dropped the input's P, any square matrix, replaces it).
 * Compared as the decrease f(W) - f(W_+) >= gamma (1 - L gamma / 2) ||H grad f||^2 (the same
 * statement; the ratio of the two sides is then the tightness of the constant 1/2).
 */
import type { Field } from '../../numeric/field.ts';
import { lossOver } from '../../numeric/losses/index.ts';
import { axpy, lift, normSq } from '../../numeric/matrix.ts';
import type { Claim } from '../claim.ts';
import type { RacPointInput } from '../inputs.ts';
import { project } from '../rac.ts';
import { lossHypotheses } from '../_internals/hyp.ts';
import { ALGEBRAIC_MODES, cheaply } from '../_internals/num.ts';
import { isProjection, projectionOf } from '../_internals/rac-input.ts';
import { prod } from '../_internals/sides.ts';

function projectedGradient<T>(F: Field<T>, input: RacPointInput) {
  const loss = lossOver(F, input.loss);
  const W = lift(F, input.W);
  const H = input.P !== undefined ? lift(F, input.P) : projectionOf(F, input.side, input.S);
  return { loss, W, Hg: project(F, input.side, H, loss.grad(W)) };
}

export const RACstep: Claim<RacPointInput> = {
  id: 'RAC.step',
  paper: 'RAC-LoRA (arXiv 2410.08305), one projected step',
  title: 'f(W - gamma H grad f) <= f(W) - gamma (1 - L gamma/2) ||H grad f||^2 for a projection H',
  latex:
    'f(W - \\gamma H \\nabla f(W)) \\leq f(W) - \\gamma\\left(1 - \\frac{L\\gamma}{2}\\right) \\|H \\nabla f(W)\\|^2, \\qquad H = H_B \\text{ (left) or } \\nabla f(W) H_A \\text{ (right)}',
  hypotheses: ['smooth', 'projection'],
  inputKind: 'rac-point',
  modes: ALGEBRAIC_MODES,
  provenance: 'verified',
  note: 'Verified algebra (the descent lemma with H^T H = H). Checked as the decrease f(W) - f(W - gamma H grad f) >= gamma (1 - L gamma/2) ||H grad f||^2, for every gamma > 0.',
  comparisons<T>(F: Field<T>, input: RacPointInput) {
    const { loss, W, Hg } = projectedGradient(F, input);
    const gamma = F.lift(input.gamma);
    const next = axpy(F, W, gamma, Hg);
    const factor = F.sub(F.one, F.div(F.mul(loss.L, gamma), F.fromInt(2)));
    return [
      {
        label: 'f(W) - f(W - gamma H grad f) >= gamma (1 - L gamma/2) ||H grad f||^2',
        lhs: F.sub(loss.value(W), loss.value(next)),
        rel: '>=',
        rhs: prod(F, gamma, factor, normSq(F, Hg)),
      },
    ];
  },
  nonTrivial: (input) => cheaply((F) => !F.isZero(normSq(F, projectedGradient(F, input).Hg)), input.W),
  hypothesesHold: (input) => ({ smooth: lossHypotheses(input.loss).smooth, projection: input.P === undefined || isProjection(input.P) }),
};
