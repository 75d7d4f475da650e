/**
 * Small dense linear algebra over any Field: column pivots (rank), solving with a nonsingular
 * matrix, and the Moore-Penrose pseudo-inverse through a full-rank factorisation. Exact over the
 * rationals; for the sketch projections H = S (S^T S)^+ S^T of RAC-LoRA (theory/rac.ts).
 *
 * Zero tests use F.isZero, which is certain in every field but only *exact* in the exact one:
 * in float64 a rank-deficient matrix leaves rounding residue that is not zero. Callers that run
 * in float64 find the pivots once over Q from their (rational or dyadic) input and pass them in.
 */
import type { Field } from './field.ts';
import { matmul, transpose, type Matrix } from './matrix.ts';

function rowsOf<T>(M: Matrix<T>): T[][] {
  return Array.from({ length: M.rows }, (_, i) => M.data.slice(i * M.cols, (i + 1) * M.cols));
}

/**
 * The pivot columns of M (reduced row echelon form by Gaussian elimination): a maximal set of
 * linearly independent columns, the first ones from the left. Its length is rank M.
 */
export function columnPivots<T>(F: Field<T>, M: Matrix<T>): number[] {
  const A = rowsOf(M);
  const pivots: number[] = [];
  let row = 0;
  for (let c = 0; c < M.cols && row < M.rows; c++) {
    let p = -1;
    for (let i = row; i < M.rows; i++) if (!F.isZero(A[i]![c]!)) { p = i; break; }
    if (p < 0) continue;
    [A[row], A[p]] = [A[p]!, A[row]!];
    const piv = A[row]![c]!;
    for (let i = row + 1; i < M.rows; i++) {
      const x = A[i]![c]!;
      if (F.isZero(x)) continue;
      const f = F.div(x, piv);
      for (let j = c; j < M.cols; j++) A[i]![j] = F.sub(A[i]![j]!, F.mul(f, A[row]![j]!));
    }
    pivots.push(c);
    row++;
  }
  return pivots;
}

/** rank M (the number of pivot columns). */
export function rank<T>(F: Field<T>, M: Matrix<T>): number {
  return columnPivots(F, M).length;
}

/** The columns `cols` of M, in that order. */
export function selectColumns<T>(M: Matrix<T>, cols: readonly number[]): Matrix<T> {
  const data: T[] = [];
  for (let i = 0; i < M.rows; i++) for (const j of cols) data.push(M.data[i * M.cols + j]!);
  return { rows: M.rows, cols: cols.length, data };
}

/**
 * A^{-1} B for a nonsingular k x k matrix A (Gauss-Jordan; the pivot is the entry of largest
 * magnitude among those not certainly zero, which is exact pivoting over Q and partial pivoting
 * in float64). Throws a RangeError naming the argument when A is singular.
 */
export function solve<T>(F: Field<T>, A: Matrix<T>, B: Matrix<T>): Matrix<T> {
  const k = A.rows;
  if (A.cols !== k) throw new RangeError(`solve: argument A must be square, got ${A.rows} x ${A.cols}`);
  if (B.rows !== k) throw new RangeError(`solve: argument B must have ${k} rows, got ${B.rows}`);
  const a = rowsOf(A);
  const b = rowsOf(B);
  for (let c = 0; c < k; c++) {
    let p = -1;
    let best = -1;
    for (let i = c; i < k; i++) {
      const x = a[i]![c]!;
      if (F.isZero(x)) continue;
      const mag = Math.abs(F.toNumber(x));
      if (p < 0 || mag > best) [p, best] = [i, mag];
    }
    if (p < 0) throw new RangeError(`solve: argument A is singular (no pivot in column ${c})`);
    [a[c], a[p]] = [a[p]!, a[c]!];
    [b[c], b[p]] = [b[p]!, b[c]!];
    const piv = a[c]![c]!;
    for (let j = 0; j < k; j++) a[c]![j] = F.div(a[c]![j]!, piv);
    for (let j = 0; j < B.cols; j++) b[c]![j] = F.div(b[c]![j]!, piv);
    for (let i = 0; i < k; i++) {
      if (i === c) continue;
      const f = a[i]![c]!;
      if (F.isZero(f)) continue;
      for (let j = 0; j < k; j++) a[i]![j] = F.sub(a[i]![j]!, F.mul(f, a[c]![j]!));
      for (let j = 0; j < B.cols; j++) b[i]![j] = F.sub(b[i]![j]!, F.mul(f, b[c]![j]!));
    }
  }
  return { rows: k, cols: B.cols, data: b.flat() };
}

/**
 * The Moore-Penrose pseudo-inverse M^+ (cols x rows), exactly over Q. With C = M[:, P] the pivot
 * columns (full column rank k) and X = (C^T C)^{-1} C^T M (full row rank, M = C X), the full-rank
 * factorisation gives M^+ = X^T (X X^T)^{-1} (C^T C)^{-1} C^T. For k = 0, M^+ = 0.
 * `pivots` defaults to columnPivots(F, M); pass the pivots found over Q when F is float64.
 */
export function pinv<T>(F: Field<T>, M: Matrix<T>, pivots: readonly number[] = columnPivots(F, M)): Matrix<T> {
  if (pivots.some((j) => !Number.isInteger(j) || j < 0 || j >= M.cols))
    throw new RangeError(`pinv: argument pivots must be column indices of M (0..${M.cols - 1}), got [${pivots.join(', ')}]`);
  if (pivots.length === 0) return { rows: M.cols, cols: M.rows, data: new Array<T>(M.rows * M.cols).fill(F.zero) };
  const C = selectColumns(M, pivots);
  const Ct = transpose(C);
  const CtC = matmul(F, Ct, C);
  const X = solve(F, CtC, matmul(F, Ct, M));
  const Xt = transpose(X);
  return matmul(F, Xt, solve(F, matmul(F, X, Xt), solve(F, CtC, Ct)));
}

/** trace M of a square matrix. */
export function trace<T>(F: Field<T>, M: Matrix<T>): T {
  if (M.rows !== M.cols) throw new RangeError(`trace: argument M must be square, got ${M.rows} x ${M.cols}`);
  let s = F.zero;
  for (let i = 0; i < M.rows; i++) s = F.add(s, M.data[i * M.cols + i]!);
  return s;
}
