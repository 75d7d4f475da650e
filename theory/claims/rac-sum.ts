/**
 * The telescoped descent of RAC-LoRA (Malinovsky et al., arXiv 2410.08305; verified algebra): along any
 * run W_{t+1} = W_t - gamma H_t grad f(W_t) with projections H_t and 0 < gamma <= 1/L,
 *   sum_{t<T} ||H_t grad f(W_t)||^2 <= 2 (f(W^0) - f*) / gamma.
 * Each step of RAC.step gives f(W_{t+1}) <= f(W_t) - (gamma/2) ||H_t grad f||^2 once gamma <= 1/L;
 * summing and f(W_T) >= f* gives the bound.
 * Hypotheses: `smooth`, `lower_bound` (f >= f*), `step_le_1_over_L` (gamma <= 1/L, stated L).
 * Input: T steps, one sketch per step (H_t = S_t (S_t^T S_t)^+ S_t^T, any sketches: "any run");
 * checked at every prefix T' = 1..T.
 */
import type { Field } from '../../numeric/field.ts';
import { lossOver } from '../../numeric/losses/index.ts';
import { lift, normSq } from '../../numeric/matrix.ts';
import type { Claim, Comparison } from '../claim.ts';
import type { RacRunInput } from '../inputs.ts';
import { project, racRun } from '../rac.ts';
import { lossHypotheses } from '../_internals/hyp.ts';
import { ALGEBRAIC_MODES, cheaply } from '../_internals/num.ts';
import { projectionOf, stepAtMostOneOverL, unstack } from '../_internals/rac-input.ts';

/** T, or fewer when the input carries fewer stacked sketches (a longer T alone adds no step). */
function stepsOf(input: RacRunInput): number {
  const available = Math.floor((input.side === 'left' ? input.sketches.cols : input.sketches.rows) / Math.max(1, input.r));
  return Math.min(input.T, available);
}

export const RACsum: Claim<RacRunInput> = {
  id: 'RAC.sum',
  paper: 'RAC-LoRA (arXiv 2410.08305), descent summed along a run',
  title: 'sum_t ||H_t grad f(W_t)||^2 <= 2 (f(W^0) - f*) / gamma along any run with gamma <= 1/L',
  latex: '\\sum_{t=0}^{T-1} \\|H_t \\nabla f(W^t)\\|^2 \\leq \\frac{2\\,(f(W^0) - f^*)}{\\gamma}, \\qquad 0 < \\gamma \\leq \\frac{1}{L}',
  hypotheses: ['smooth', 'lower_bound', 'step_le_1_over_L'],
  inputKind: 'rac-run',
  modes: ALGEBRAIC_MODES,
  provenance: 'verified',
  note: 'Verified algebra (RAC.step with gamma <= 1/L, summed). Any sketches, one per step (right sketches: grad f(W_t) H_t); checked at every prefix T = 1..input.T.',
  comparisons<T>(F: Field<T>, input: RacRunInput) {
    const loss = lossOver(F, input.loss);
    const Hs = unstack(input.side, input.sketches, input.r, stepsOf(input)).map((S) => projectionOf(F, input.side, S));
    const gamma = F.lift(input.gamma);
    const { records } = racRun(F, loss, lift(F, input.W0), input.side, Hs, gamma);
    const rhs = F.div(F.mul(F.fromInt(2), F.sub(records[0]!.f, loss.Lstar)), gamma);
    const out: Comparison<T>[] = [];
    let sum = F.zero;
    for (let t = 0; t < Hs.length; t++) {
      sum = F.add(sum, records[t]!.projGradSq);
      out.push({ label: `T = ${t + 1}: sum_t ||H_t grad f(W_t)||^2 <= 2 (f(W^0) - f*) / gamma`, lhs: sum, rel: '<=', rhs });
    }
    return out;
  },
  // the first projected gradient is nonzero: the run moves
  nonTrivial: (input) =>
    stepsOf(input) >= 1 &&
    cheaply((F) => {
      const S0 = unstack(input.side, input.sketches, input.r, 1)[0]!;
      const g = lossOver(F, input.loss).grad(lift(F, input.W0));
      return !F.isZero(normSq(F, project(F, input.side, projectionOf(F, input.side, S0), g)));
    }, input.W0),
  hypothesesHold: (input) => {
    const h = lossHypotheses(input.loss);
    return { smooth: h.smooth, lower_bound: h.lower_bound, step_le_1_over_L: stepAtMostOneOverL(input.gamma, input.loss.L) };
  },
};
