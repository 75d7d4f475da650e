/**
 * Matrix arbitraries over the input number type of a mode (Rational, or double in float64):
 * sizes and a flat entry buffer drawn with `tuple` and mapped into the matrix, so that sizes
 * shrink towards 1 x 1 and entries towards small integers and simple fractions independently.
 *
 * @remarks Since 0.1.0
 */
import fc from 'fast-check';
import type { Num } from '../numeric/field.ts';
import type { Matrix } from '../numeric/matrix.ts';
import { buffer, takeMatrix, takeSymmetric } from './_internals/buffer.ts';
import type { SignConstraint } from './scalars.ts';
import { headFor, size, type Profile } from './sizes.ts';

export { buffer, takeMatrix, takeSymmetric, take, at, type Buffer } from './_internals/buffer.ts';

/** A rows x cols matrix, 1 <= rows <= maxRows, 1 <= cols <= maxCols. */
export function matrix(p: Profile, maxRows: number, maxCols: number, sign: SignConstraint = 'any'): fc.Arbitrary<Matrix<Num>> {
  return fc
    .tuple(size(maxRows), size(maxCols), buffer(p.mode, headFor(p, maxRows * maxCols), sign))
    .map(([rows, cols, buf]) => takeMatrix(buf, rows, cols));
}

/** A symmetric n x n matrix (upper triangle drawn, mirrored), 1 <= n <= maxSize. */
export function symmetricMatrix(p: Profile, maxSize: number): fc.Arbitrary<Matrix<Num>> {
  return fc
    .tuple(size(maxSize), buffer(p.mode, headFor(p, (maxSize * (maxSize + 1)) / 2)))
    .map(([n, buf]) => takeSymmetric(buf, n));
}

/** A square n x n matrix, symmetric when asked. */
export function squareMatrix(p: Profile, maxSize: number, opts: { symmetric: boolean }): fc.Arbitrary<Matrix<Num>> {
  if (opts.symmetric) return symmetricMatrix(p, maxSize);
  return fc.tuple(size(maxSize), buffer(p.mode, headFor(p, maxSize * maxSize))).map(([n, buf]) => takeMatrix(buf, n, n));
}
