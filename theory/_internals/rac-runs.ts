/**
 * The Monte-Carlo side of the rate claims RAC.T53 and RAC.T55: `samples` independent RAC-LoRA
 * runs of T projected steps from W0, each step with a fresh seeded Gaussian-like sketch
 * (theory/sketch.ts, for which lambda_min^H = r/m (left) or r/n (right) exactly), one statistic
 * per run, and the one-sided test of E[statistic] <= bound (statistics.ts).
 */
import type { Field } from '../../numeric/field.ts';
import { infimum, lossOver } from '../../numeric/losses/index.ts';
import type { Loss } from '../../numeric/loss.ts';
import { lift } from '../../numeric/matrix.ts';
import type { Comparison, HypothesisName } from '../claim.ts';
import type { RacRunsInput } from '../inputs.ts';
import { racRun, sketchProjection, type RacRecord } from '../rac.ts';
import { gaussianSketch, sketchStream } from '../sketch.ts';
import { lossHypotheses } from './hyp.ts';
import { cheaply, numCmp, toRational } from './num.ts';
import { stepAtMostOneOverL } from './rac-input.ts';
import { bernsteinLower, gridRound, gridStep } from './statistics.ts';

interface RacRunsAt<T> {
  loss: Loss<T>;
  /** lambda_min^H = r/m (left) or r/n (right). */
  lambda: T;
  /** One record list per run (t = 0..T). */
  runs: RacRecord<T>[][];
}

export function racRunsAt<T>(F: Field<T>, input: RacRunsInput): RacRunsAt<T> {
  const { side, r, steps: T } = input;
  const { m, n } = input.loss;
  const loss = lossOver(F, input.loss);
  const W0 = lift(F, input.W0);
  const gamma = F.lift(input.gamma);
  const rng = sketchStream(input.seed);
  const pivots = Array.from({ length: r }, (_, k) => k); // the sampler returns full-rank sketches
  const runs: RacRecord<T>[][] = [];
  for (let k = 0; k < input.samples; k++) {
    const Hs = Array.from({ length: T }, () => sketchProjection(F, side, lift(F, gaussianSketch(rng, side, m, n, r)), pivots));
    runs.push(racRun(F, loss, W0, side, Hs, gamma).records);
  }
  return { loss, lambda: F.div(F.fromInt(r), F.fromInt(side === 'left' ? m : n)), runs };
}

/**
 * `lower-confidence-bound(E[Y]) <= bound`, with Y_k the per-run statistics clipped from above at
 * hi and rounded up to the grid (+ one grid step on the right: E[rounded] <= E[Y] + grid step);
 * lo is a certain lower bound of Y. Any hi fixed before sampling keeps the test valid (clipping
 * from above only lowers the mean); hi = 2 x bound (when the bound is positive, else `fallback`)
 * makes the band proportional to the bound.
 */
export function meanAtMost<T>(F: Field<T>, label: string, ys: readonly T[], lo: T, bound: T, fallback: T): Comparison<T> {
  const hi = F.sign(bound) === 1 ? F.mul(F.fromInt(2), bound) : F.sign(fallback) === 1 ? fallback : F.one;
  const top = gridRound(F, hi, 'up');
  const zs = ys.map((y) => gridRound(F, F.min(y, hi), 'up'));
  return { label, lhs: bernsteinLower(F, zs, lo, top), rel: '<=', rhs: F.add(bound, gridStep(F)) };
}

/** A certain lower bound of f - f*: min(0, inf f - f*) (quadratics with d >= 0 have inf f = 0). */
export function gapFloor<T>(F: Field<T>, input: RacRunsInput): T {
  const inf = infimum(input.loss);
  if (inf === null) throw new RangeError('gapFloor: argument input.loss must be bounded below (every d_i >= 0)');
  const x = toRational(inf).sub(toRational(input.loss.Lstar));
  return F.lift(x.sign() < 0 ? x : toRational(0));
}

/** The runs move: T >= 1 and grad f(W0) != 0. */
export function runsNonTrivial(input: RacRunsInput): boolean {
  return input.steps >= 1 && input.samples >= 2 && cheaply((F) => lossOver(F, input.loss).grad(lift(F, input.W0)).data.some((x) => !F.isZero(x)), input.W0);
}

/** smooth, lower_bound and step_le_1_over_L of a runs input. */
export function runsHypotheses(input: RacRunsInput): Partial<Record<HypothesisName, boolean>> {
  const h = lossHypotheses(input.loss);
  return { smooth: h.smooth, lower_bound: h.lower_bound, step_le_1_over_L: stepAtMostOneOverL(input.gamma, input.loss.L) };
}

/** The true PL constant of a quadratic with every d_i >= 0: its smallest positive d_i (null if none). */
export function plConstant(input: RacRunsInput): ReturnType<typeof toRational> | null {
  let best: ReturnType<typeof toRational> | null = null;
  for (const x of input.loss.d) if (numCmp(x, 0) > 0 && (best === null || numCmp(x, best) < 0)) best = toRational(x);
  return best;
}
