/**
 * The PL rate of RAC-LoRA, their Theorem 5.5, in the form *reported* for it
 * (Malinovsky et al., arXiv 2410.08305; not the printed text): for L-smooth, mu-PL f and gamma <= 1/L,
 *   E[f(W^T) - f*] <= (1 - gamma mu lambda_min^H)^T (f(W^0) - f*).
 * Hypotheses: `smooth`, `pl` (stated mu <= the true PL constant, f* = inf f), `step_le_1_over_L`.
 * Statistical, on quadratics 1/2 <W - C, H (W - C)> with every d_i >= 0 (true mu = the smallest
 * positive d_i, f* = 0) and Gaussian-like sketches (lambda_min^H = r/m or r/n exactly): a case
 * checks that a 1 - 2^-20 lower confidence bound of the expectation over `samples` seeded runs
 * does not exceed the bound. For H = I and gamma = 1/L the bound is attained in expectation.
 */
import type { Field } from '../../numeric/field.ts';
import type { Claim } from '../claim.ts';
import type { RacRunsInput } from '../inputs.ts';
import { BERNSTEIN_METHOD, DELTA, DELTA_TEXT } from '../_internals/statistics.ts';
import { gapFloor, meanAtMost, plConstant, racRunsAt, runsHypotheses, runsNonTrivial } from '../_internals/rac-runs.ts';
import { numCmp } from '../_internals/num.ts';
import { infimum } from '../../numeric/losses/index.ts';
import { STATISTICAL_MODES } from './rac-mean-projection.ts';

export const RACT55: Claim<RacRunsInput> = {
  id: 'RAC.T55',
  paper: 'RAC-LoRA (arXiv 2410.08305), Theorem 5.5 (PL rate; reported form)',
  title: 'E[f(W^T) - f*] <= (1 - gamma mu lambda_min^H)^T (f(W^0) - f*) for mu-PL f and gamma <= 1/L',
  latex: '\\mathbb{E}\\left[f(W^T) - f^*\\right] \\leq \\left(1 - \\gamma \\mu \\lambda_{\\min}^H\\right)^T \\left(f(W^0) - f^*\\right), \\qquad \\gamma \\leq \\frac{1}{L}',
  hypotheses: ['smooth', 'pl', 'step_le_1_over_L'],
  inputKind: 'rac-runs',
  modes: STATISTICAL_MODES,
  provenance: 'reported',
  statistical: { delta: DELTA, deltaText: DELTA_TEXT, method: BERNSTEIN_METHOD },
  note:
    'Reported form (from secondary reports of the paper, not its printed text). Statistical: quadratic losses (mu = smallest positive eigenvalue, f* = 0), Gaussian-like sketches with lambda_min^H = r/m (left) or r/n (right) exactly; a case fails with probability <= 2^-20 when the claim holds.',
  comparisons<T>(F: Field<T>, input: RacRunsInput) {
    if (input.mu === undefined) throw new RangeError('RAC.T55: field mu (the stated PL constant) is missing');
    const { loss, lambda, runs } = racRunsAt(F, input);
    const gap0 = F.sub(runs[0]![0]!.f, loss.Lstar);
    const ys = runs.map((rec) => F.sub(rec[input.steps]!.f, loss.Lstar));
    const rate = F.sub(F.one, F.mul(F.mul(F.lift(input.gamma), F.lift(input.mu)), lambda));
    const bound = F.mul(F.powInt(rate, input.steps), gap0);
    // clipped at 2 x bound (or, for a bound <= 0, at f(W^0) - f* >= f(W^T) - f* along a descending run)
    return [meanAtMost(F, `lower confidence bound (1 - 2^-20) of E[f(W^T) - f*] over ${input.samples} runs <= (1 - gamma mu lambda)^T (f(W^0) - f*)`, ys, gapFloor(F, input), bound, gap0)];
  },
  nonTrivial: runsNonTrivial,
  hypothesesHold: (input) => {
    const mu = plConstant(input);
    const inf = infimum(input.loss);
    const pl = mu !== null && input.mu !== undefined && numCmp(input.mu, mu) <= 0 && numCmp(input.mu, 0) > 0 && inf !== null && numCmp(input.loss.Lstar, inf) === 0;
    const { smooth, step_le_1_over_L } = runsHypotheses(input);
    return { smooth, pl, step_le_1_over_L };
  },
};
