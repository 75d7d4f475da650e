/**
 * The non-convex rate of RAC-LoRA, their Theorem 5.3, in the form *reported* for it
 * (Malinovsky et al., arXiv 2410.08305; not the printed text, which is not at hand): for L-smooth f
 * bounded below by f* and gamma <= 1/L,
 *   E ||grad f(W~_T)||^2 <= 2 (f(W^0) - f*) / (lambda_min^H gamma T),
 * with W~_T drawn uniformly from W^0 .. W^{T-1} (our reading), i.e. the left side is
 * E[(1/T) sum_{t<T} ||grad f(W^t)||^2].
 * Hypotheses: `smooth`, `lower_bound`, `step_le_1_over_L` (the exact step-size condition of the
 * paper is not confirmed; gamma <= 1/L is what the telescoped RAC.sum needs).
 * Statistical, on quadratics: `samples` seeded runs with Gaussian-like sketches (lambda_min^H =
 * r/m or r/n exactly, theory/sketch.ts); a case checks that a 1 - 2^-20 lower confidence bound
 * of the expectation does not exceed the bound (theory/_internals/rac-runs.ts).
 */
import type { Field } from '../../numeric/field.ts';
import type { Claim } from '../claim.ts';
import type { RacRunsInput } from '../inputs.ts';
import { BERNSTEIN_METHOD, DELTA, DELTA_TEXT } from '../_internals/statistics.ts';
import { meanAtMost, racRunsAt, runsHypotheses, runsNonTrivial } from '../_internals/rac-runs.ts';
import { STATISTICAL_MODES } from './rac-mean-projection.ts';

export const RACT53: Claim<RacRunsInput> = {
  id: 'RAC.T53',
  paper: 'RAC-LoRA (arXiv 2410.08305), Theorem 5.3 (non-convex rate; reported form)',
  title: 'E ||grad f(W~_T)||^2 <= 2 (f(W^0) - f*) / (lambda_min^H gamma T) for gamma <= 1/L',
  latex:
    '\\mathbb{E}\\,\\|\\nabla f(\\tilde W_T)\\|^2 \\leq \\frac{2\\,(f(W^0) - f^*)}{\\lambda_{\\min}^H\\, \\gamma\\, T}, \\qquad \\tilde W_T \\sim \\mathrm{Unif}\\{W^0, \\dots, W^{T-1}\\},\\; \\gamma \\leq \\frac{1}{L}',
  hypotheses: ['smooth', 'lower_bound', 'step_le_1_over_L'],
  inputKind: 'rac-runs',
  modes: STATISTICAL_MODES,
  provenance: 'reported',
  statistical: { delta: DELTA, deltaText: DELTA_TEXT, method: BERNSTEIN_METHOD },
  note:
    'Reported form (from secondary reports of the paper, not its printed text; the step-size condition is not confirmed). Statistical: quadratic losses, Gaussian-like sketches with lambda_min^H = r/m (left) or r/n (right) exactly; W~_T uniform over W^0..W^{T-1}; a case fails with probability <= 2^-20 when the claim holds.',
  comparisons<T>(F: Field<T>, input: RacRunsInput) {
    const { loss, lambda, runs } = racRunsAt(F, input);
    const T_ = F.fromInt(input.steps);
    const gap0 = F.sub(runs[0]![0]!.f, loss.Lstar);
    const ys = runs.map((rec) => F.div(rec.slice(0, input.steps).reduce((s, x) => F.add(s, x.gradSq), F.zero), T_));
    const bound = F.div(F.mul(F.fromInt(2), gap0), F.mul(F.mul(lambda, F.lift(input.gamma)), T_));
    // clipped at 2 x bound (or, for a bound <= 0, at 2 L (f(W^0) - f*) >= ||grad f||^2 along a descending run)
    const fallback = F.mul(F.mul(F.fromInt(2), loss.L), gap0);
    return [meanAtMost(F, `lower confidence bound (1 - 2^-20) of E (1/T) sum_{t<T} ||grad f(W^t)||^2 over ${input.samples} runs <= 2 (f(W^0) - f*) / (lambda gamma T)`, ys, F.zero, bound, fallback)];
  },
  nonTrivial: runsNonTrivial,
  hypothesesHold: runsHypotheses,
};
