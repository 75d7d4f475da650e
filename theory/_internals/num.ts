/**
 * Exact decisions on claim *inputs* (Num = Rational | double; a double is a dyadic rational,
 * so nothing here rounds), and the cheap float64 evaluations `nonTrivial` uses.
 */
import { ModeError, type Field, type Mode, type Num } from '../../numeric/field.ts';
import { float64 } from '../../numeric/float64.ts';
import { rationalField } from '../../numeric/rational-field.ts';
import type { Matrix } from '../../numeric/matrix.ts';

export { toRational, numSign, numCmp } from '../../numeric/num.ts';
import { numCmp, numSign } from '../../numeric/num.ts';

/** Some entry is nonzero. */
export function nonzero(M: Matrix<Num>): boolean {
  return M.data.some((x) => numSign(x) !== 0);
}

/** Some entry of A - B is nonzero (same shapes). */
export function differ(A: Matrix<Num>, B: Matrix<Num>): boolean {
  return A.data.some((x, k) => numCmp(x, B.data[k]!) !== 0);
}

/** Claims whose sides need only rationals and square/cube roots. */
export const ALGEBRAIC_MODES: readonly Mode[] = ['exact', 'float64', 'precise'];
/** Equalities: an interval enclosure can never certify "=" between inexact values, so
 *  `precise` would only ever answer "undecided"; exact decides them, float64 screens. */
export const EQUALITY_MODES: readonly Mode[] = ['exact', 'float64'];
/** Multi-step claims: eta from (8) is irrational, so an exact run is a tower of radicals. */
export const RUN_MODES: readonly Mode[] = ['precise', 'float64'];

/**
 * Evaluates f exactly over Q where everything stays rational (quadratic losses), and in
 * float64 where Q cannot (irrational sqrt, exp, log: ModeError). For nonTrivial only.
 * Inputs drawn as doubles (float64 runs, sizes in the hundreds) go straight to float64:
 * rational arithmetic on dyadic doubles grows huge denominators there.
 */
export function cheaply<R>(f: <T>(F: Field<T>) => R, ...inputs: Matrix<Num>[]): R {
  if (inputs.some((M) => typeof M.data[0] === 'number')) return f(float64);
  try {
    return f(rationalField);
  } catch (e) {
    if (e instanceof ModeError) return f(float64);
    throw e;
  }
}

