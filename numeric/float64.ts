/**
 * The float64 field: plain doubles for fast screening at larger sizes. Its verdicts are
 * candidates only; a failure is re-checked in `exact` or `precise` before it is reported.
 */
import type { Field, Num } from './field.ts';
import { Rational } from './rational.ts';

export function shortest(x: number): string {
  // JS number -> string is the shortest round-trip representation.
  return Object.is(x, -0) ? '-0' : String(x);
}

export const float64: Field<number> = {
  mode: 'float64',
  zero: 0,
  one: 1,
  lift: (x: Num) => (typeof x === 'number' ? x : (x as Rational).toNumber()),
  fromInt: (n) => n,
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => {
    if (b === 0) throw new RangeError('float64.div: division by zero');
    return a / b;
  },
  neg: (a) => -a,
  abs: Math.abs,
  min: Math.min,
  max: Math.max,
  sqrt: (a) => {
    if (a < 0) throw new RangeError(`float64.sqrt: argument is negative (${a})`);
    return Math.sqrt(a);
  },
  cbrt: Math.cbrt,
  powInt: (a, k) => a ** k,
  exp: Math.exp,
  log: Math.log,
  sign: (a) => (Number.isNaN(a) ? undefined : a < 0 ? -1 : a > 0 ? 1 : 0),
  isZero: (a) => a === 0,
  toNumber: (a) => a,
  format: shortest,
  errorBound: () => 0,
};
