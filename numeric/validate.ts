/**
 * Argument checks shared by public functions: each error names the argument it is about.
 */
import type { Field } from './field.ts';
import { get, type Matrix } from './matrix.ts';

/** Throws RangeError("<name> must be symmetric") unless M = M^T (certified in exact/precise). */
export function requireSymmetric<T>(F: Field<T>, M: Matrix<T>, name: string): void {
  if (M.rows !== M.cols) throw new RangeError(`${name} must be symmetric (it is ${M.rows} x ${M.cols}, not square)`);
  for (let i = 0; i < M.rows; i++)
    for (let j = i + 1; j < M.cols; j++)
      if (!F.isZero(F.sub(get(M, i, j), get(M, j, i))))
        throw new RangeError(`${name} must be symmetric (entries (${i}, ${j}) and (${j}, ${i}) differ)`);
}
