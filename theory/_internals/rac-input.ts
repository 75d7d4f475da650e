/**
 * Instantiating the RAC-LoRA family's inputs (theory/inputs.ts) over a field: sketch projections
 * with their rank decided exactly on the input, the stacked sketches of a run, and the checks
 * their `hypothesesHold` use.
 */
import type { Field, Num } from '../../numeric/field.ts';
import { columnPivots, selectColumns } from '../../numeric/linalg.ts';
import { lift, matmul, transpose, type Matrix } from '../../numeric/matrix.ts';
import { rationalField } from '../../numeric/rational-field.ts';
import { toRational } from '../../numeric/num.ts';
import type { Side } from '../inputs.ts';
import { sketchProjection } from '../rac.ts';
import { numCmp } from './num.ts';

/** The input matrix over Q (doubles convert exactly). */
export function exactly(M: Matrix<Num>): Matrix<ReturnType<typeof toRational>> {
  return { rows: M.rows, cols: M.cols, data: M.data.map(toRational) };
}

/** Pivots of the sketch's Gram matrix, found exactly over Q on the input (so that float64 runs use the true rank). */
function exactPivots(side: Side, S: Matrix<Num>): number[] {
  const Q = exactly(S);
  return columnPivots(rationalField, side === 'left' ? Q : transpose(Q));
}

/** rank of the sketch, exactly. */
export function sketchRank(side: Side, S: Matrix<Num>): number {
  return exactPivots(side, S).length;
}

/** H of a sketch input over F (H_B for left, H_A for right), with the exact rank. */
export function projectionOf<T>(F: Field<T>, side: Side, S: Matrix<Num>): Matrix<T> {
  return sketchProjection(F, side, lift(F, S), exactPivots(side, S));
}

/** The T sketches of a run, stacked as m x (T r) (left) or (T r) x n (right). */
export function unstack(side: Side, sketches: Matrix<Num>, r: number, T: number): Matrix<Num>[] {
  const out: Matrix<Num>[] = [];
  for (let t = 0; t < T; t++) {
    const idx = Array.from({ length: r }, (_, k) => t * r + k);
    out.push(side === 'left' ? selectColumns(sketches, idx) : transpose(selectColumns(transpose(sketches), idx)));
  }
  return out;
}

/** P is an orthogonal projection (P^T = P and P^2 = P), decided exactly. */
export function isProjection(P: Matrix<Num>): boolean {
  const Q = exactly(P);
  if (Q.rows !== Q.cols) return false;
  const PP = matmul(rationalField, Q, Q);
  for (let i = 0; i < Q.rows; i++)
    for (let j = 0; j < Q.cols; j++) {
      const x = Q.data[i * Q.cols + j]!;
      if (!x.eq(Q.data[j * Q.cols + i]!) || !x.eq(PP.data[i * Q.cols + j]!)) return false;
    }
  return true;
}

/** gamma L <= 1 (the step size rule of RAC.sum and the rates), exactly. */
export function stepAtMostOneOverL(gamma: Num, L: Num): boolean {
  return numCmp(toRational(gamma).mul(toRational(L)), 1) <= 0 && numCmp(gamma, 0) > 0;
}
