/**
 * The plain field Q (BigInt rationals) for matrix kernels and losses whose values stay
 * rational (quadratics). sqrt/cbrt succeed only on perfect squares/cubes; anything
 * irrational belongs to the `exact` field (numeric/real.ts), which builds on this one.
 */
import { ModeError, type Field, type Num } from './field.ts';
import { Rational } from './rational.ts';

export const rationalField: Field<Rational> = {
  mode: 'exact',
  zero: Rational.ZERO,
  one: Rational.ONE,
  lift: (x: Num) => (typeof x === 'number' ? Rational.fromNumber(x) : x),
  fromInt: (n) => Rational.of(n),
  add: (a, b) => a.add(b),
  sub: (a, b) => a.sub(b),
  mul: (a, b) => a.mul(b),
  div: (a, b) => a.div(b),
  neg: (a) => a.neg(),
  abs: (a) => a.abs(),
  min: (a, b) => (a.le(b) ? a : b),
  max: (a, b) => (a.le(b) ? b : a),
  sqrt: (a) => {
    if (a.sign() < 0) throw new RangeError(`rationalField.sqrt: argument is negative (${a})`);
    const r = a.sqrtExact();
    if (!r) throw new ModeError(`rationalField.sqrt: ${a} is not a perfect square; use the exact field`);
    return r;
  },
  cbrt: (a) => {
    const r = a.cbrtExact();
    if (!r) throw new ModeError(`rationalField.cbrt: ${a} is not a perfect cube; use the exact field`);
    return r;
  },
  powInt: (a, k) => a.pow(k),
  exp: () => {
    throw new ModeError('exp needs the precise mode');
  },
  log: () => {
    throw new ModeError('log needs the precise mode');
  },
  sign: (a) => a.sign(),
  isZero: (a) => a.isZero(),
  toNumber: (a) => a.toNumber(),
  format: (a) => a.toString(),
  errorBound: () => 0,
};
