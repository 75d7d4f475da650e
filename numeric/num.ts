/** Small exact helpers on generator values (Num = Rational | double; a double is a dyadic
 *  rational, so nothing here rounds). Shared by the losses and the claims. */
import type { Num } from './field.ts';
import { Rational } from './rational.ts';

/** Exact rational value of a Num (a finite double converts exactly). */
export function toRational(x: Num): Rational {
  return typeof x === 'number' ? Rational.fromNumber(x) : x;
}

export function numSign(x: Num): -1 | 0 | 1 {
  return typeof x === 'number' ? (x < 0 ? -1 : x > 0 ? 1 : 0) : x.sign();
}

/** Exact comparison of two Nums. */
export function numCmp(a: Num, b: Num): -1 | 0 | 1 {
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  return toRational(a).cmp(toRational(b));
}

export function numAbs(x: Num): Num {
  return typeof x === 'number' ? Math.abs(x) : x.abs();
}

/** max_i |x_i| exactly, as the Num it came from (Rational stays Rational; 0 for an empty list). */
