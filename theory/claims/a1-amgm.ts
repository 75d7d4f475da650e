/**
 * Lemma A.1 (Hardy, Littlewood, Polya), weighted AM-GM, (13)-(14).
 *
 * Hypotheses: x1, x2, w1, w2 >= 0 (`nonneg`).
 * Statement:  (w1 x1 + w2 x2) / (w1 + w2) >= (x1^{w1} x2^{w2})^{1/(w1 + w2)}     (13)
 *             x1 + x2 >= 2 sqrt(x1 x2)                                        (14)
 *
 * Evaluation: only the ratio w1 : w2 matters on the right of (13), so the weights are scaled
 * to coprime integers p1, p2 with k = p1 + p2 > 0, and the right side is (x1^{p1} x2^{p2})^{1/k}
 * (equal to the printed form for x >= 0). The k-th root is F.sqrt / F.cbrt for k = 2, 3; for
 * larger k the comparison is the powered form lhs^k >= x1^{p1} x2^{p2} (equivalent: t -> t^k is
 * increasing on t >= 0, and on all reals for odd k); for k > 64 (weights that are not small
 * rationals, e.g. arbitrary doubles) the right side is exp((w1 ln x1 + w2 ln x2)/(w1 + w2)),
 * which needs the precise or float64 field. w1 + w2 = 0 (0/0) and expressions that are undefined
 * on the input (0 to a negative power, even roots of negatives) are outside the statement:
 * reported as vacuous.
 */
import type { Field } from '../../numeric/field.ts';
import { Rational, gcd } from '../../numeric/rational.ts';
import type { Claim, Comparison } from '../claim.ts';
import type { AmGmInput } from '../inputs.ts';
import { ALGEBRAIC_MODES, numCmp, numSign, toRational } from '../_internals/num.ts';
import { float64 } from '../../numeric/float64.ts';
import { isVacuous, vacuous } from '../_internals/sides.ts';

/** Largest root order evaluated algebraically. */
const MAX_ROOT = 64;

const L13 = '(13) (w1 x1 + w2 x2)/(w1 + w2) >= (x1^w1 x2^w2)^(1/(w1 + w2))';
const L14 = '(14) x1 + x2 >= 2 sqrt(x1 x2)';

/** Coprime integers (p1, p2) proportional to (w1, w2) with p1 + p2 > 0; undefined when w1 + w2 = 0. */
export function integerWeights(w1: Rational, w2: Rational): { p1: bigint; p2: bigint } | undefined {
  const sum = w1.add(w2);
  if (sum.isZero()) return undefined;
  const den = (w1.den / gcd(w1.den, w2.den)) * w2.den; // lcm of the denominators
  let a = (w1.num * den) / w1.den;
  let b = (w2.num * den) / w2.den;
  const g = gcd(a, b);
  a /= g;
  b /= g;
  return sum.sign() > 0 ? { p1: a, p2: b } : { p1: -a, p2: -b };
}

function eq13<T>(F: Field<T>, input: AmGmInput): Comparison<T> {
  const [w1, w2] = [toRational(input.w1), toRational(input.w2)];
  const p = integerWeights(w1, w2);
  if (!p) return vacuous(F, L13, 'w1 + w2 = 0: the printed quotient is 0/0');
  const [x1, x2] = [F.lift(input.x1), F.lift(input.x2)];
  const lhs = F.div(F.add(F.mul(F.lift(input.w1), x1), F.mul(F.lift(input.w2), x2)), F.lift(w1.add(w2)));
  for (const [x, pi] of [[input.x1, p.p1], [input.x2, p.p2]] as const)
    if (numSign(x) === 0 && pi < 0n) return vacuous(F, L13, '0 raised to a negative power is undefined');
  const k = p.p1 + p.p2;
  if (k > BigInt(MAX_ROOT)) {
    if (numSign(input.x1) < 0 || numSign(input.x2) < 0)
      return vacuous(F, L13, 'a negative base with a real exponent is undefined');
    if ((numSign(input.x1) === 0 && p.p1 > 0n) || (numSign(input.x2) === 0 && p.p2 > 0n))
      return { label: L13, lhs, rel: '>=', rhs: F.zero };
    const logs = F.add(F.mul(F.lift(input.w1), F.log(x1)), F.mul(F.lift(input.w2), F.log(x2)));
    return { label: `${L13} [exp/log form: root order ${k} > ${MAX_ROOT}]`, lhs, rel: '>=', rhs: F.exp(F.div(logs, F.lift(w1.add(w2)))) };
  }
  const rad = F.mul(F.powInt(x1, Number(p.p1)), F.powInt(x2, Number(p.p2)));
  const radSign = radicandSign(input, p.p1, p.p2);
  const K = Number(k);
  if (K % 2 === 0 && radSign < 0) return vacuous(F, L13, `even root (order ${K}) of a negative number is undefined`);
  if (K === 1) return { label: L13, lhs, rel: '>=', rhs: rad };
  if (K === 2) return { label: L13, lhs, rel: '>=', rhs: F.sqrt(rad) };
  if (K === 3) return { label: L13, lhs, rel: '>=', rhs: F.cbrt(rad) };
  // Powered form; for even K a negative left side is below the (nonnegative) root.
  if (K % 2 === 0 && F.sign(lhs) === -1)
    return { label: `${L13} [left side < 0 <= the root of order ${K}]`, lhs, rel: '>=', rhs: F.zero };
  return { label: `${L13} [powered form: both sides to the power ${K}]`, lhs: F.powInt(lhs, K), rel: '>=', rhs: rad };
}

/** Exact sign of x1^{p1} x2^{p2} from the input (no field needed). */
function radicandSign(input: AmGmInput, p1: bigint, p2: bigint): number {
  const s = (x: AmGmInput['x1'], pw: bigint) => (pw === 0n ? 1 : pw % 2n === 0n ? Math.abs(numSign(x)) : numSign(x));
  return s(input.x1, p1) * s(input.x2, p2);
}

function eq14<T>(F: Field<T>, input: AmGmInput): Comparison<T> {
  const prodSign = numSign(input.x1) * numSign(input.x2);
  if (prodSign < 0) return vacuous(F, L14, 'sqrt(x1 x2) of a negative product is undefined');
  const [x1, x2] = [F.lift(input.x1), F.lift(input.x2)];
  return { label: L14, lhs: F.add(x1, x2), rel: '>=', rhs: F.mul(F.fromInt(2), F.sqrt(F.mul(x1, x2))) };
}

export const A1: Claim<AmGmInput> = {
  id: 'A1',
  paper: 'Lemma A.1, (13)-(14)',
  title: 'Weighted AM-GM inequality',
  latex:
    '\\frac{w_1 x_1 + w_2 x_2}{w_1 + w_2} \\geq \\left(x_1^{w_1} x_2^{w_2}\\right)^{\\frac{1}{w_1 + w_2}} \\quad (13), \\qquad x_1 + x_2 \\geq 2\\sqrt{x_1 x_2} \\quad (14)',
  hypotheses: ['nonneg'],
  inputKind: 'amgm',
  modes: ALGEBRAIC_MODES,
  note: 'Weights are scaled to coprime integers p1, p2 (only w1 : w2 matters); roots of order 2 and 3 are taken as printed, higher orders are compared in powered form, orders above 64 in exp/log form (precise, float64).',
  comparisons: (F, input) => [eq13(F, input), eq14(F, input)],
  // Both weights active, x1 != x2 (else both sides agree), and every printed expression defined.
  nonTrivial: (input) =>
    numSign(input.w1) !== 0 &&
    numSign(input.w2) !== 0 &&
    numCmp(input.x1, input.x2) !== 0 &&
    !A1.comparisons(float64, input).some(isVacuous),
  hypothesesHold: (input) => ({
    nonneg: [input.x1, input.x2, input.w1, input.w2].every((v) => numSign(v) >= 0),
  }),
};
