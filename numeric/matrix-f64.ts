/**
 * float64 fast path for the matrix kernels of numeric/matrix.ts, for screening at sizes
 * 16..256 (README "Claims and arithmetic": float64 is fast screening only). Same results as the generic
 * kernels over `float64` up to summation order; the generic ones call a Field method per
 * scalar operation, these run tight loops over Float64Arrays.
 */
import type { Matrix } from './field.ts';

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

/**
 * Eigenvalues of a symmetric matrix, descending (cyclic Jacobi rotations until the off-diagonal
 * mass is below 1e-30 of the total, or 100 sweeps). For the small Gram matrices whose
 * eigenvalues are squared singular values (the rank-r bound of Eckart-Young in gpu-runs/).
 * Accuracy: each rotation is orthogonal to rounding, so the values are within a few eps ||A||.
 */
export function symmetricEigenvaluesF64(A: Matrix<number>): number[] {
  const n = A.rows;
  if (A.cols !== n) throw new RangeError(`symmetricEigenvaluesF64: argument A is ${A.rows} x ${A.cols}, not square`);
  const a = toF64(A);
  const at = (i: number, j: number) => a[i * n + j]!;
  let total = 0;
  for (let i = 0; i < n * n; i++) total += a[i]! * a[i]!;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) off += at(i, j) ** 2;
    if (off <= 1e-30 * total) break;
    for (let p = 0; p < n - 1; p++)
      for (let q = p + 1; q < n; q++) {
        const apq = at(p, q);
        if (apq === 0) continue;
        const theta = (at(q, q) - at(p, p)) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          // columns p, q of A J, then rows p, q of J^T (A J)
          const akp = at(k, p);
          const akq = at(k, q);
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = at(p, k);
          const aqk = at(q, k);
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
      }
  }
  return Array.from({ length: n }, (_, i) => at(i, i)).sort((x, y) => y - x);
}
