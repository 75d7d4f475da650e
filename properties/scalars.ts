/**
 * Scalar arbitraries. Every value is drawn as an exact rational whose parts shrink on their own
 * (numerator towards 0, denominator towards 1), so a failure shrinks to a small integer or a
 * simple fraction. In float64 mode the same rational is handed over as the nearest double
 * (a double is itself a rational, so the exact re-check of a float64 candidate sees exactly
 * the input that failed).
 *
 * @remarks Since 0.1.0
 */
import fc from 'fast-check';
import type { Mode, Num } from '../numeric/field.ts';
import { Rational } from '../numeric/rational.ts';

/** Denominators of the "simple" entries, simplest first (constantFrom shrinks to the first). */
const SIMPLE_DENOMINATORS = [1, 2, 4, 3, 8] as const;
/** float64 inputs use dyadic denominators: such doubles stay short rationals, so the exact
 *  re-check of a candidate (and theory's exact nonTrivial) stays cheap; 1/3 as a double would
 *  carry a 2^54 denominator into every product. */
const DYADIC_DENOMINATORS = [1, 2, 4, 8, 16] as const;

export function denominatorsFor(mode: Mode): readonly number[] {
  return mode === 'float64' ? DYADIC_DENOMINATORS : SIMPLE_DENOMINATORS;
}

export type SignConstraint = 'any' | 'nonneg' | 'positive';

/**
 * A simple rational p/q: |p| <= 9, q in {1, 2, 4, 3, 8}, and one draw in ten a larger
 * p/q (|p| <= 99, q <= 64) so that not every case lives on the same lattice. Shrinks to 0,
 * then to small integers (p towards 1, q towards 1).
 */
export function simpleRational(sign: SignConstraint = 'any', denominators: readonly number[] = SIMPLE_DENOMINATORS): fc.Arbitrary<Rational> {
  // Numerator: 0 one draw in 25 (zeros make many cases trivial; the shrinker still reaches 0
  // first through the cross-shrink), else 1..9 with a sign.
  const magnitude = fc.integer({ min: 1, max: 9 });
  const nonzero = sign === 'any' ? fc.tuple(magnitude, fc.boolean()).map(([k, neg]) => (neg ? -k : k)) : magnitude;
  const numerator =
    sign === 'positive'
      ? nonzero
      : fc.oneof({ withCrossShrink: true }, { weight: 1, arbitrary: fc.constant(0) }, { weight: 24, arbitrary: nonzero });
  const small = fc.tuple(numerator, fc.constantFrom(...denominators)).map(([p, q]) => Rational.of(p, q));
  const loBig = sign === 'any' ? -99 : sign === 'nonneg' ? 0 : 1;
  const dyadic = denominators === DYADIC_DENOMINATORS;
  const larger = fc
    .tuple(fc.integer({ min: loBig, max: 99 }), dyadic ? fc.integer({ min: 0, max: 6 }).map((e) => 2 ** e) : fc.integer({ min: 1, max: 64 }))
    .map(([p, q]) => Rational.of(p, q));
  return fc.oneof({ withCrossShrink: true }, { weight: 9, arbitrary: small }, { weight: 1, arbitrary: larger });
}

/** A rational as the input type of a mode: Rational (exact, precise) or its nearest double (float64). */
export function asNum(mode: Mode, x: Rational): Num {
  return mode === 'float64' ? x.toNumber() : x;
}

/** A simple entry in the number type of `mode` (see simpleRational). */
export function entry(mode: Mode, sign: SignConstraint = 'any'): fc.Arbitrary<Num> {
  const r = simpleRational(sign, denominatorsFor(mode));
  if (mode !== 'float64') return r;
  // float64 also meets doubles that are not short fractions (one draw in eight).
  // (p / 2^28 with |p| <= 2^31: doubles with up to 31 significant bits in [-8, 8]; fc.double would
  // mostly draw subnormal-sized values, whose exact re-check costs 2^1074 denominators.)
  const lo = sign === 'any' ? -(2 ** 31) : sign === 'nonneg' ? 0 : 1;
  const raw = fc.integer({ min: lo, max: 2 ** 31 }).map((q) => q / 2 ** 28);
  return fc.oneof({ withCrossShrink: true }, { weight: 7, arbitrary: r.map((x) => x.toNumber()) }, { weight: 1, arbitrary: raw });
}

/** A factor 1 + k/8 in [1, 2] (k = 0 first: the factor shrinks to 1). */
export function factorOneTwo(): fc.Arbitrary<Rational> {
  return fc.integer({ min: 0, max: 8 }).map((k) => Rational.of(8 + k, 8));
}

/** A factor (8 - j)/8 in [1/8, 1] (j shrinks to 0: a shrunk witness keeps the smallest violation that still fails). */
export function factorBelowOne(): fc.Arbitrary<Rational> {
  return fc.integer({ min: 0, max: 7 }).map((j) => Rational.of(8 - j, 8));
}

/**
 * A positive rational spread log-uniformly: 2^e (1 + k/8) with e in [minExp, maxExp]
 * (e shrinks towards 0, k towards 0), e.g. L in (0, inf) when `L_ge_1` is dropped.
 */
export function logUniform(minExp: number, maxExp: number): fc.Arbitrary<Rational> {
  return fc
    .tuple(fc.integer({ min: minExp, max: maxExp }), fc.integer({ min: 0, max: 7 }))
    .map(([e, k]) => Rational.of(8 + k, 8).mul(Rational.of(2).pow(e)));
}

/** The nearest "short" dyadic rational to a positive double: 4 significant bits, so that a step
 *  size derived from a float64 evaluation stays a simple exact input. */
export function shortDyadic(x: number): Rational {
  if (!(x > 0) || !Number.isFinite(x)) throw new RangeError(`shortDyadic: argument x must be a positive finite number, got ${x}`);
  const e = Math.floor(Math.log2(x)) - 3;
  const p = Math.max(1, Math.round(x / 2 ** e));
  return Rational.of(p).mul(Rational.of(2).pow(e));
}
