/**
 * Step-size arbitraries: a free positive eta (S1: any eta), eta relative to the rule (8) when
 * `eta_rule` is dropped, the run's etaScale, and the number of steps T.
 *
 * @remarks Since 0.1.0
 */
import fc from 'fast-check';
import type { Mode, Num } from '../numeric/field.ts';
import { float64 } from '../numeric/float64.ts';
import type { LossDesc } from '../numeric/loss.ts';
import { lossOver } from '../numeric/losses/index.ts';
import { lift, type Matrix } from '../numeric/matrix.ts';
import type { Rational } from '../numeric/rational.ts';
import { etaAt, pointOf } from '../theory/lora.ts';
import { asNum, logUniform, shortDyadic } from './scalars.ts';

/** Any positive step size, 2^e (1 + k/8) with e in [-6, 2]. */
export function freeEta(mode: Mode): fc.Arbitrary<Num> {
  return logUniform(-6, 2).map((x) => asNum(mode, x));
}

/** A factor 2^e (1 + k/8), e in [-4, 6] (about 1/16 .. 230): how far a step size departs from (8). */
export function etaFactor(): fc.Arbitrary<Rational> {
  return logUniform(-4, 6);
}

/**
 * eta = factor x (8) at (loss, V), rounded to a short dyadic rational so that the input stays
 * simple and exact. (8) is evaluated in float64: the rule only places eta near the interesting
 * range; the claim itself sees the exact input eta.
 */
export function etaRelativeTo8(mode: Mode, loss: LossDesc, V: Matrix<Num>, factor: Rational): Num {
  const F = float64;
  const l = lossOver(F, loss);
  let e8 = etaAt(F, l, pointOf(F, l, lift(F, V)));
  if (!(e8 > 0) || !Number.isFinite(e8)) e8 = 1;
  return asNum(mode, shortDyadic(e8 * factor.toNumber()));
}

/** Steps of a run, 1..maxT (shrinks to 1). */
export function steps(maxT: number): fc.Arbitrary<number> {
  return fc.integer({ min: 1, max: maxT });
}
