/**
 * Dense row-major matrices over any Field, and the paper's block operations.
 * Notation (paper, Step 1): B is m x r, A is r x n, V = [B; A^T] is (m+n) x r,
 * E1 = [I_m 0] (m x (m+n)), E2 = [0; I_n] ((m+n) x n), g(V) = E1 V V^T E2 = BA.
 */
import type { Field, Matrix, Num } from './field.ts';
import { matmulF64 } from './matrix-f64.ts';

export type { Matrix } from './field.ts';

function checkDims(rows: number, cols: number, name: string): void {
  if (!Number.isInteger(rows) || rows < 0 || !Number.isInteger(cols) || cols < 0)
    throw new RangeError(`${name}: sizes must be non-negative integers, got ${rows} x ${cols}`);
}

export function matrix<T>(rows: number, cols: number, data: readonly T[]): Matrix<T> {
  checkDims(rows, cols, 'matrix');
  if (data.length !== rows * cols)
    throw new RangeError(`matrix: argument data has ${data.length} entries, expected ${rows} x ${cols} = ${rows * cols}`);
  return { rows, cols, data };
}

export function fromRows<T>(rows: readonly (readonly T[])[]): Matrix<T> {
  const r = rows.length;
  const c = r === 0 ? 0 : rows[0]!.length;
  rows.forEach((row, i) => {
    if (row.length !== c) throw new RangeError(`fromRows: row ${i} has ${row.length} entries, expected ${c}`);
  });
  return matrix(r, c, rows.flat() as T[]);
}

export function toRows<T>(M: Matrix<T>): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < M.rows; i++) out.push(M.data.slice(i * M.cols, (i + 1) * M.cols) as T[]);
  return out;
}

export function get<T>(M: Matrix<T>, i: number, j: number): T {
  return M.data[i * M.cols + j]!;
}

export function zeros<T>(F: Field<T>, rows: number, cols: number): Matrix<T> {
  checkDims(rows, cols, 'zeros');
  return { rows, cols, data: new Array<T>(rows * cols).fill(F.zero) };
}

export function identity<T>(F: Field<T>, n: number): Matrix<T> {
  const data = new Array<T>(n * n).fill(F.zero);
  for (let i = 0; i < n; i++) data[i * n + i] = F.one;
  return { rows: n, cols: n, data };
}

export function map<S, T>(M: Matrix<S>, f: (x: S, i: number) => T): Matrix<T> {
  return { rows: M.rows, cols: M.cols, data: M.data.map(f) };
}

/** Lifts a generator's matrix (rationals or doubles) into a field. */
export function lift<T>(F: Field<T>, M: Matrix<Num>): Matrix<T> {
  return map(M, (x) => F.lift(x));
}

function sameShape<T>(A: Matrix<T>, B: Matrix<T>, op: string): void {
  if (A.rows !== B.rows || A.cols !== B.cols)
    throw new RangeError(`${op}: arguments A (${A.rows} x ${A.cols}) and B (${B.rows} x ${B.cols}) differ in shape`);
}

export function add<T>(F: Field<T>, A: Matrix<T>, B: Matrix<T>): Matrix<T> {
  sameShape(A, B, 'add');
  return { rows: A.rows, cols: A.cols, data: A.data.map((a, k) => F.add(a, B.data[k]!)) };
}

export function sub<T>(F: Field<T>, A: Matrix<T>, B: Matrix<T>): Matrix<T> {
  sameShape(A, B, 'sub');
  return { rows: A.rows, cols: A.cols, data: A.data.map((a, k) => F.sub(a, B.data[k]!)) };
}

export function scale<T>(F: Field<T>, s: T, A: Matrix<T>): Matrix<T> {
  return { rows: A.rows, cols: A.cols, data: A.data.map((a) => F.mul(s, a)) };
}

/** A - s B (one gradient step), without building s B separately. */
export function axpy<T>(F: Field<T>, A: Matrix<T>, s: T, B: Matrix<T>): Matrix<T> {
  sameShape(A, B, 'axpy');
  return { rows: A.rows, cols: A.cols, data: A.data.map((a, k) => F.sub(a, F.mul(s, B.data[k]!))) };
}

export function transpose<T>(A: Matrix<T>): Matrix<T> {
  const out = new Array<T>(A.rows * A.cols);
  for (let i = 0; i < A.rows; i++) for (let j = 0; j < A.cols; j++) out[j * A.rows + i] = A.data[i * A.cols + j]!;
  return { rows: A.cols, cols: A.rows, data: out };
}

export function matmul<T>(F: Field<T>, A: Matrix<T>, B: Matrix<T>): Matrix<T> {
  if (A.cols !== B.rows)
    throw new RangeError(`matmul: argument A is ${A.rows} x ${A.cols} but B is ${B.rows} x ${B.cols} (inner sizes differ)`);
  // float64 screening at sizes up to a few hundred: the typed-array kernel is ~13x faster.
  if (F.mode === 'float64') return matmulF64(A as Matrix<any>, B as Matrix<any>) as Matrix<T>;
  const n = A.rows;
  const k = A.cols;
  const p = B.cols;
  const out = new Array<T>(n * p);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < p; j++) {
      let s = F.zero;
      for (let l = 0; l < k; l++) {
        const a = A.data[i * k + l]!;
        if (F.knownZero ? F.knownZero(a) : F.isZero(a)) continue;
        s = F.add(s, F.mul(a, B.data[l * p + j]!));
      }
      out[i * p + j] = s;
    }
  }
  return { rows: n, cols: p, data: out };
}

/** Frobenius inner product <A, B> = Tr(A^T B). */
export function inner<T>(F: Field<T>, A: Matrix<T>, B: Matrix<T>): T {
  sameShape(A, B, 'inner');
  let s = F.zero;
  for (let k = 0; k < A.data.length; k++) s = F.add(s, F.mul(A.data[k]!, B.data[k]!));
  return s;
}

/** ||A||^2 (Frobenius); exact in the exact field. */
export function normSq<T>(F: Field<T>, A: Matrix<T>): T {
  return inner(F, A, A);
}

/** ||A|| (Frobenius) = sqrt(||A||^2). */
export function norm<T>(F: Field<T>, A: Matrix<T>): T {
  return F.sqrt(normSq(F, A));
}

/** Sym(X) = (X + X^T) / 2 for a square X. */
export function sym<T>(F: Field<T>, X: Matrix<T>): Matrix<T> {
  if (X.rows !== X.cols) throw new RangeError(`sym: argument X must be square, got ${X.rows} x ${X.cols}`);
  const half = F.div(F.one, F.fromInt(2));
  return scale(F, half, add(F, X, transpose(X)));
}

/** True when X = X^T exactly (certified in exact/precise fields). */
export function isSymmetric<T>(F: Field<T>, X: Matrix<T>): boolean {
  if (X.rows !== X.cols) return false;
  for (let i = 0; i < X.rows; i++)
    for (let j = i + 1; j < X.cols; j++) if (!F.isZero(F.sub(get(X, i, j), get(X, j, i)))) return false;
  return true;
}

export function block<T>(M: Matrix<T>, r0: number, c0: number, rows: number, cols: number): Matrix<T> {
  if (r0 < 0 || c0 < 0 || r0 + rows > M.rows || c0 + cols > M.cols)
    throw new RangeError(`block: ${rows} x ${cols} block at (${r0}, ${c0}) lies outside a ${M.rows} x ${M.cols} matrix`);
  const out = new Array<T>(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[i * cols + j] = M.data[(r0 + i) * M.cols + c0 + j]!;
  return { rows, cols, data: out };
}

/** [A; B]: stacks A over B (same number of columns). */
export function vstack<T>(A: Matrix<T>, B: Matrix<T>): Matrix<T> {
  if (A.cols !== B.cols) throw new RangeError(`vstack: arguments A and B have ${A.cols} and ${B.cols} columns`);
  return { rows: A.rows + B.rows, cols: A.cols, data: [...A.data, ...B.data] };
}

/** [A, B]: A beside B (same number of rows). */
export function hstack<T>(A: Matrix<T>, B: Matrix<T>): Matrix<T> {
  if (A.rows !== B.rows) throw new RangeError(`hstack: arguments A and B have ${A.rows} and ${B.rows} rows`);
  const out: T[] = [];
  for (let i = 0; i < A.rows; i++) {
    for (let j = 0; j < A.cols; j++) out.push(A.data[i * A.cols + j]!);
    for (let j = 0; j < B.cols; j++) out.push(B.data[i * B.cols + j]!);
  }
  return { rows: A.rows, cols: A.cols + B.cols, data: out };
}

/** V = [B; A^T] (Step 1). B is m x r, A is r x n. */
export function stackV<T>(B: Matrix<T>, A: Matrix<T>): Matrix<T> {
  if (B.cols !== A.rows) throw new RangeError(`stackV: argument B has ${B.cols} columns but A has ${A.rows} rows (rank r must agree)`);
  return vstack(B, transpose(A));
}

/** Inverse of stackV: V ((m+n) x r) -> B (m x r), A (r x n). */
export function splitV<T>(V: Matrix<T>, m: number): { B: Matrix<T>; A: Matrix<T> } {
  if (!Number.isInteger(m) || m < 0 || m > V.rows) throw new RangeError(`splitV: argument m = ${m} must lie in 0..${V.rows}`);
  return { B: block(V, 0, 0, m, V.cols), A: transpose(block(V, m, 0, V.rows - m, V.cols)) };
}

/** E1 = [I_m 0_{m x n}] as an explicit matrix. */
export function E1<T>(F: Field<T>, m: number, n: number): Matrix<T> {
  const out = zeros(F, m, m + n).data.slice();
  for (let i = 0; i < m; i++) out[i * (m + n) + i] = F.one;
  return { rows: m, cols: m + n, data: out };
}

/** E2 = [0_{n x m} I_n]^T as an explicit matrix. */
export function E2<T>(F: Field<T>, m: number, n: number): Matrix<T> {
  const out = zeros(F, m + n, n).data.slice();
  for (let j = 0; j < n; j++) out[(m + j) * n + j] = F.one;
  return { rows: m + n, cols: n, data: out };
}

/** E1 M E2: the top-right m x n block of a square (m+n) x (m+n) matrix M. */
export function extractE1ME2<T>(M: Matrix<T>, m: number): Matrix<T> {
  if (M.rows !== M.cols) throw new RangeError(`extractE1ME2: argument M must be square, got ${M.rows} x ${M.cols}`);
  return block(M, 0, m, m, M.cols - m);
}

/** E1^T X E2^T: X (m x n) placed in the top-right block of an (m+n) x (m+n) zero matrix. */
export function embedE1TXE2T<T>(F: Field<T>, X: Matrix<T>): Matrix<T> {
  const m = X.rows;
  const n = X.cols;
  const N = m + n;
  const out = new Array<T>(N * N).fill(F.zero);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) out[i * N + m + j] = X.data[i * n + j]!;
  return { rows: N, cols: N, data: out };
}

/** g(V) = E1 V V^T E2 = B A, computed blockwise (no (m+n)^2 product). */
export function gOfV<T>(F: Field<T>, V: Matrix<T>, m: number): Matrix<T> {
  const { B, A } = splitV(V, m);
  return matmul(F, B, A);
}

/** E11(M): top-left m1 x n1 block (Sec. 3.2, multiple matrices). */
export function E11<T>(M: Matrix<T>, m1: number, n1: number): Matrix<T> {
  return block(M, 0, 0, m1, n1);
}

/** E22(M): bottom-right block after the first m1 rows and n1 columns. */
export function E22<T>(M: Matrix<T>, m1: number, n1: number): Matrix<T> {
  return block(M, m1, n1, M.rows - m1, M.cols - n1);
}

/** [[X1, 0], [0, X2]]. */
export function blockDiag<T>(F: Field<T>, X1: Matrix<T>, X2: Matrix<T>): Matrix<T> {
  return vstack(hstack(X1, zeros(F, X1.rows, X2.cols)), hstack(zeros(F, X2.rows, X1.cols), X2));
}

/** Entrywise certified equality (exact/precise); float64 compares doubles. */
export function equal<T>(F: Field<T>, A: Matrix<T>, B: Matrix<T>): boolean {
  if (A.rows !== B.rows || A.cols !== B.cols) return false;
  return A.data.every((a, k) => F.isZero(F.sub(a, B.data[k]!)));
}
