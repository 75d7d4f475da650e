/**
 * Names kept for the modules that import them; the implementations live once, in
 * rational.ts (integer roots by Newton from above, a rational -> double conversion that
 * works for huge numerators and denominators).
 */
import { Rational, icbrt, isqrt } from './rational.ts';

export { isqrt as isqrtFast, icbrt as icbrtFast };

/** The rational square root of q when q is a square of a rational, else undefined. */
export const sqrtExact = (q: Rational): Rational | undefined => q.sqrtExact();

/** The rational cube root of q when q is a cube of a rational, else undefined. */
export const cbrtExact = (q: Rational): Rational | undefined => q.cbrtExact();

/** A double within one ulp of q. */
export const ratToNumber = (q: Rational): number => q.toNumber();
