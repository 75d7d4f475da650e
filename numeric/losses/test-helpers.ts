/**
 * Shared generators and checks for the loss tests (not a test file itself).
 */
import fc from 'fast-check';
import type { Field, Num } from '../field.ts';
import type { Matrix } from '../matrix.ts';
import { Rational } from '../rational.ts';
import { mulberry32 as rng } from '../random.ts';
export { rng };

/** Small rationals p/q, |p| <= 9, 1 <= q <= 6. */
export const smallRational = (): fc.Arbitrary<Rational> =>
  fc.tuple(fc.integer({ min: -9, max: 9 }), fc.integer({ min: 1, max: 6 })).map(([p, q]) => Rational.of(p, q));

export const ratVector = (len: number): fc.Arbitrary<Rational[]> => fc.array(smallRational(), { minLength: len, maxLength: len });

export const ratMatrix = (rows: number, cols: number): fc.Arbitrary<Matrix<Rational>> =>
  ratVector(rows * cols).map((data) => ({ rows, cols, data }));

/** A nonzero rational vector (one entry forced nonzero). */
export const nonzeroRatVector = (len: number): fc.Arbitrary<Rational[]> =>
  fc.tuple(ratVector(len), fc.integer({ min: 0, max: len - 1 }), fc.integer({ min: 1, max: 5 })).map(([v, i, x]) => {
    const w = v.slice();
    w[i] = Rational.of(x);
    return w;
  });

/** Doubles in [-r, r]. */
export const dbl = (r: number): fc.Arbitrary<number> => fc.double({ min: -r, max: r, noNaN: true, noDefaultInfinity: true });

export const dblMatrix = (rows: number, cols: number, r: number): fc.Arbitrary<Matrix<number>> =>
  fc.array(dbl(r), { minLength: rows * cols, maxLength: rows * cols }).map((data) => ({ rows, cols, data }));


export function randMatrix(rand: () => number, rows: number, cols: number, lo = -1, hi = 1): Matrix<number> {
  return { rows, cols, data: Array.from({ length: rows * cols }, () => lo + (hi - lo) * rand()) };
}

export function liftM<T>(F: Field<T>, M: Matrix<Num>): Matrix<T> {
  return { rows: M.rows, cols: M.cols, data: M.data.map((x) => F.lift(x)) };
}

/** W + t D over a field. */
export function plus<T>(F: Field<T>, W: Matrix<T>, t: T, D: Matrix<T>): Matrix<T> {
  return { rows: W.rows, cols: W.cols, data: W.data.map((w, k) => F.add(w, F.mul(t, D.data[k]!))) };
}

export function diffNormSq<T>(F: Field<T>, A: readonly T[], B: readonly T[]): T {
  let s = F.zero;
  for (let k = 0; k < A.length; k++) {
    const d = F.sub(A[k]!, B[k]!);
    s = F.add(s, F.mul(d, d));
  }
  return s;
}

export function dot<T>(F: Field<T>, A: readonly T[], B: readonly T[]): T {
  let s = F.zero;
  for (let k = 0; k < A.length; k++) s = F.add(s, F.mul(A[k]!, B[k]!));
  return s;
}
