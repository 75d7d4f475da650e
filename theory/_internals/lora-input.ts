/**
 * Instantiating a 'lora' / 'lora-pair' / 'lora-run' input over a field, and the cheap
 * evaluations their `nonTrivial` and `hypothesesHold` use.
 */
import type { Field, Num } from '../../numeric/field.ts';
import type { Loss, LossDesc } from '../../numeric/loss.ts';
import { lossOver } from '../../numeric/losses/index.ts';
import { lift, normSq, type Matrix } from '../../numeric/matrix.ts';
import type { LoraInput } from '../inputs.ts';
import { G, etaAt, gradJ, pointOf, type JPoint } from '../lora.ts';
import { lossHypotheses, type Holds } from './hyp.ts';
import { cheaply } from './num.ts';

interface LoraAt<T> {
  loss: Loss<T>;
  L: T;
  point: JPoint<T>;
  /** input.eta when given (`eta_rule` dropped), else (8). */
  eta: T;
}

export function loraAt<T>(F: Field<T>, input: LoraInput): LoraAt<T> {
  const loss = lossOver(F, input.loss);
  const point = pointOf(F, loss, lift(F, input.V));
  return { loss, L: loss.L, point, eta: input.eta !== undefined ? F.lift(input.eta) : etaAt(F, loss, point) };
}

/** ||G(V)||^2 != 0 at the input point. */
export function gradientNonzero(desc: LossDesc, V: Matrix<Num>): boolean {
  return cheaply((F) => {
    const loss = lossOver(F, desc);
    return !F.isZero(normSq(F, G(F, loss, lift(F, V))));
  }, V);
}

/** ||grad J(V)||^2 != 0 at the input point. */
export function gradJNonzero(desc: LossDesc, V: Matrix<Num>): boolean {
  return cheaply((F) => {
    const loss = lossOver(F, desc);
    return !F.isZero(normSq(F, gradJ(F, loss, lift(F, V))));
  }, V);
}

/** Loss hypotheses plus `eta_rule` (no eta given). */
export function loraHypotheses(desc: LossDesc, etaGiven: boolean): Holds {
  return { ...lossHypotheses(desc), eta_rule: !etaGiven };
}
