/**
 * float64 fast path for the matrix kernels of numeric/matrix.ts, for screening at sizes
 * 16..256 (SPEC "Arithmetic": float64 is fast screening only). Same results as the generic
 * kernels over `float64` up to summation order; the generic ones call a Field method per
 * scalar operation, these run tight loops over Float64Arrays.
 */
import type { Matrix } from './matrix.ts';

function toF64(A: Matrix<number>): Float64Array {
  return Float64Array.from(A.data);
}

function out(rows: number, cols: number, data: Float64Array): Matrix<number> {
  return { rows, cols, data: Array.from(data) };
}

/** A B, row-major i-k-j order (streams rows of B; no bounds re-checks inside the loop). */
export function matmulF64(A: Matrix<number>, B: Matrix<number>): Matrix<number> {
  if (A.cols !== B.rows)
    throw new RangeError(`matmulF64: argument A is ${A.rows} x ${A.cols} but B is ${B.rows} x ${B.cols} (inner sizes differ)`);
  const n = A.rows;
  const k = A.cols;
  const p = B.cols;
  const a = toF64(A);
  const b = toF64(B);
  const c = new Float64Array(n * p);
  for (let i = 0; i < n; i++) {
    const ci = i * p;
    for (let l = 0; l < k; l++) {
      const ail = a[i * k + l]!;
      if (ail === 0) continue;
      const bl = l * p;
      for (let j = 0; j < p; j++) c[ci + j]! += ail * b[bl + j]!;
    }
  }
  return out(n, p, c);
}

export function transposeF64(A: Matrix<number>): Matrix<number> {
  const t = new Float64Array(A.rows * A.cols);
  const d = A.data;
  for (let i = 0; i < A.rows; i++) for (let j = 0; j < A.cols; j++) t[j * A.rows + i] = d[i * A.cols + j]!;
  return out(A.cols, A.rows, t);
}

/** Frobenius inner product <A, B>. */
export function innerF64(A: Matrix<number>, B: Matrix<number>): number {
  if (A.rows !== B.rows || A.cols !== B.cols)
    throw new RangeError(`innerF64: arguments A (${A.rows} x ${A.cols}) and B (${B.rows} x ${B.cols}) differ in shape`);
  const a = A.data;
  const b = B.data;
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** ||A||^2 (Frobenius). */
export function normSqF64(A: Matrix<number>): number {
  const a = A.data;
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * a[i]!;
  return s;
}
