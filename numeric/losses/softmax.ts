/**
 * Softmax cross-entropy (numeric/loss.ts SoftmaxLoss). W is classes x features (m x n), X is
 * N x n (one example per row), labels y_i in 0..m-1. With logits z_i = W x_i,
 *   L(W) = (1/N) sum_i [ logsumexp(z_i) - (z_i)_{y_i} ],
 *   grad L(W) = (1/N) (P - Y)^T X   (m x N times N x n = m x n),
 * P_ic = softmax(z_i)_c, Y the one-hot labels. The Hessian is (1/N) sum_i (diag p_i - p_i p_i^T)
 * (x) x_i x_i^T and ||diag p - p p^T||_op <= 1/2, so Assumption 3.1 holds with
 * L <= lambda_max(X^T X / N) / 2 (equality at W = 0 when m = 2). Each term is >= 0: Lstar = 0.
 *
 * `softmaxSmoothness` computes a CERTIFIED upper bound on lambda_max(X^T X / N) / 2 in float64,
 * with the rounding accounted for (see the comments there).
 */
import { ModeError, type Field, type Num } from '../field.ts';
import type { Loss, SoftmaxLoss } from '../loss.ts';
import type { Matrix } from '../matrix.ts';
import { Rational } from '../rational.ts';
import { allDoubles, checkMatrix, checkNum, checkPositive, checkSize, fmtNum, maxOne, type Ctx } from './num.ts';

// ------------------------------------------------------------ certified smoothness bound

const U = 2 ** -53; // unit roundoff of float64 (round to nearest)
/** gamma_k = k u / (1 - k u) (Higham, Accuracy and Stability, Sec. 3.1). */
const gamma = (k: number): number => (k * U) / (1 - k * U);
/** Safety margin on top of the rounding analysis (it also covers the last few roundings of the bound itself). */
const REL_MARGIN = 1e-9;
/** Default largest N n^2 / 2 for which forming A = X^T X / N explicitly is acceptable (about 1-2 s in JS). */
const FORM_A_BUDGET = 2e9;

interface SmoothnessBound {
  /** Certified: lambda_max(X^T X / N) / 2 <= L. */
  L: number;
  /** How it was certified (and what the rounding allowance was). */
  method: string;
  /** A Rayleigh quotient v^T A v / (2 v^T v) (an estimate from below, not certified), for tightness. */
  lower: number;
}

/** y = |X| v (entrywise |X|), X given row-major N x n. */
function absXv(X: ArrayLike<number>, N: number, n: number, v: Float64Array, out: Float64Array): void {
  for (let i = 0; i < N; i++) {
    let s = 0;
    const o = i * n;
    for (let j = 0; j < n; j++) s += Math.abs(X[o + j]!) * v[j]!;
    out[i] = s;
  }
}

/** out = |X|^T y / N. */
function absXTy(X: ArrayLike<number>, N: number, n: number, y: Float64Array, out: Float64Array): void {
  out.fill(0);
  for (let i = 0; i < N; i++) {
    const yi = y[i]!;
    if (yi === 0) continue;
    const o = i * n;
    for (let j = 0; j < n; j++) out[j]! += Math.abs(X[o + j]!) * yi;
  }
  for (let j = 0; j < n; j++) out[j]! /= N;
}

/**
 * Collatz-Wielandt bound on A' = |X|^T |X| / N (entrywise >= 0): for every x > 0 entrywise,
 * lambda_max(A') <= max_i (A' x)_i / x_i. And lambda_max(X^T X / N) <= lambda_max(A') because
 * |v^T X^T X v| = ||X v||^2 <= || |X| |v| ||^2 = |v|^T A' |v|; for X >= 0 (pixels) A' = A exactly.
 * x comes from power iterations (A' x stays >= 0) plus a small positive floor.
 * Rounding: every sum has nonnegative terms, so the computed |X| x is >= (1 - gamma_n) times the
 * exact one, |X|^T y >= (1 - gamma_N) times, and the division by N and by x_i lose one u each;
 * the exact ratio is at most the computed one times 1 / ((1 - gamma_n)(1 - gamma_N)(1 - u)^2).
 */
function collatzWielandt(X: ArrayLike<number>, N: number, n: number, maxIter: number, relGap: number) {
  const x = new Float64Array(n);
  const y = new Float64Array(N);
  const z = new Float64Array(n);
  // Start from |X|^T 1 (the mean direction, close to the Perron vector for pixel data).
  y.fill(1);
  absXTy(X, N, n, y, x);
  let best = Infinity;
  let rq = 0;
  let iter = 0;
  for (; iter < maxIter; iter++) {
    let mx = 0;
    for (let j = 0; j < n; j++) mx = Math.max(mx, x[j]!);
    if (mx === 0) return { lambda: 0, rq: 0, iter }; // X = 0
    let xx = 0;
    for (let j = 0; j < n; j++) {
      x[j] = x[j]! / mx + 1e-12; // normalised, plus a floor so that every entry is > 0
      xx += x[j]! * x[j]!;
    }
    absXv(X, N, n, x, y);
    let yy = 0;
    for (let i = 0; i < N; i++) yy += y[i]! * y[i]!;
    absXTy(X, N, n, y, z);
    let cw = 0;
    for (let j = 0; j < n; j++) cw = Math.max(cw, z[j]! / x[j]!);
    best = Math.min(best, cw);
    rq = Math.max(rq, yy / N / xx);
    x.set(z);
    if (best - rq <= relGap * rq) break;
  }
  // Underflow (outside the gamma analysis): each of the ~2 N n operations can lose at most 2^-1074
  // absolutely, amplified by at most max|X| in the second product and divided by x_i >= 1e-12: for
  // N n < 1e15 and |X| < 1e15 that is below 1e-280, which the absolute term covers.
  const lambda = best / ((1 - gamma(n)) * (1 - gamma(N)) * (1 - U) ** 2) + 1e-280;
  return { lambda, rq, iter: iter + 1 };
}

/** A = X^T X / N (upper triangle filled, then mirrored), skipping zero entries of X. */
function gram(X: ArrayLike<number>, N: number, n: number): Float64Array {
  const A = new Float64Array(n * n);
  const row = new Float64Array(n);
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < n; j++) row[j] = X[i * n + j]!;
    for (let j = 0; j < n; j++) {
      const xj = row[j]!;
      if (xj === 0) continue;
      const o = j * n;
      for (let k = j; k < n; k++) A[o + k]! += xj * row[k]!;
    }
  }
  for (let j = 0; j < n; j++)
    for (let k = j; k < n; k++) {
      const v = A[j * n + k]! / N;
      A[j * n + k] = v;
      A[k * n + j] = v;
    }
  return A;
}

/** True when floating-point Cholesky of the symmetric n x n matrix M runs to completion. */
function choleskySucceeds(M: Float64Array, n: number): boolean {
  const R = M.slice();
  for (let k = 0; k < n; k++) {
    let p = R[k * n + k]!;
    for (let l = 0; l < k; l++) p -= R[l * n + k]! * R[l * n + k]!;
    if (!(p > 0)) return false;
    const rkk = Math.sqrt(p);
    R[k * n + k] = rkk;
    for (let j = k + 1; j < n; j++) {
      let s = R[k * n + j]!;
      for (let l = 0; l < k; l++) s -= R[l * n + k]! * R[l * n + j]!;
      R[k * n + j] = s / rkk;
    }
  }
  return true;
}

/**
 * Shifted-Cholesky certificate on an explicit A_fl = fl(X^T X / N):
 * - |A_fl - A| <= gamma_{N+1} |X|^T |X| / N entrywise, so ||A_fl - A||_2 <= gamma_{N+1} ||X||_F^2 / N
 *   ~ gamma_{N+1} tr(A_fl) (we use 1.01 times it to absorb tr's own rounding).
 * - If float Cholesky of M = fl(mu I - A_fl) completes, then R^T R = M + dM with
 *   |dM| <= gamma_{n+1} |R^T||R| (Higham, Thm 10.3); ||dM||_2 <= gamma_{n+1} ||R||_F^2 and
 *   ||R||_F^2 = tr(M + dM) <= tr M + gamma_{n+1} ||R||_F^2, so ||dM||_2 <= gamma_{n+1}/(1 - gamma_{n+1}) tr M.
 *   M + dM >= 0 gives lambda_max(A_fl) <= mu + ||dM||_2 + (rounding of the diagonal mu - a_ii, <= u (mu + max a_ii)).
 * Higham's theorem assumes no underflow or overflow; we rely on that (entries of A are averages of
 * products of ordinary data, far from 1e-300 and 1e300), and a non-finite pivot fails the test.
 */
function choleskyBound(X: ArrayLike<number>, N: number, n: number): { lambda: number; rq: number; detail: string } {
  const A = gram(X, N, n);
  let tr = 0;
  let maxDiag = 0;
  for (let j = 0; j < n; j++) {
    tr += A[j * n + j]!;
    maxDiag = Math.max(maxDiag, A[j * n + j]!);
  }
  if (tr === 0) return { lambda: 0, rq: 0, detail: 'X = 0' };
  // Power iteration for an estimate theta <= lambda_max(A_fl).
  let v = new Float64Array(n).fill(1);
  let w = new Float64Array(n);
  let theta = 0;
  for (let it = 0; it < 1000; it++) {
    let vv = 0;
    for (let j = 0; j < n; j++) vv += v[j]! * v[j]!;
    let vw = 0;
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += A[j * n + k]! * v[k]!;
      w[j] = s;
      vw += v[j]! * s;
    }
    const next = vw / vv;
    const done = Math.abs(next - theta) <= 1e-13 * next;
    theta = next;
    const wn = Math.sqrt(w.reduce((acc, t) => acc + t * t, 0));
    if (wn === 0) break;
    for (let j = 0; j < n; j++) w[j] = w[j]! / wn;
    [v, w] = [w, v];
    if (done) break;
  }
  const g = gamma(n + 1);
  for (let delta = 1e-10; delta <= 2; delta *= 8) {
    const mu = Math.max(theta, tr / n) * (1 + delta);
    const M = new Float64Array(n * n);
    for (let j = 0; j < n * n; j++) M[j] = -A[j]!;
    for (let j = 0; j < n; j++) M[j * n + j] = mu - A[j * n + j]!;
    if (!choleskySucceeds(M, n)) continue;
    const trM = n * mu; // >= tr(M) since a_ii >= 0
    const lamFl = mu + (g / (1 - g)) * trM + U * (mu + maxDiag);
    const lambda = lamFl + 1.01 * gamma(N + 1) * tr;
    return { lambda, rq: theta, detail: `mu = theta (1 + ${delta.toExponential(1)})` };
  }
  // mu = 2 max(theta, tr/n) * ... failed to certify: tr(A) >= lambda_max(A) always holds for A >= 0.
  return { lambda: tr * (1 + 1.01 * gamma(N + 1)) * (1 + gamma(n)), rq: theta, detail: 'Cholesky did not certify; trace bound' };
}

/**
 * A certified upper bound L >= lambda_max(X^T X / N) / 2 for float64 data X (N x n).
 * - X >= 0 entrywise (image pixels): Collatz-Wielandt with power iterations; only matrix-vector
 *   products with X, so N = 60000, n = 784 costs a few passes over X and never forms A.
 * - Otherwise, when N n^2 / 2 is affordable: form A and certify mu I - A >= 0 by float Cholesky
 *   with Higham's backward-error bound (tight: relative slack ~ n^2 u).
 * - Otherwise: Collatz-Wielandt on |X| (certified, may be loose for data with mixed signs).
 * Finally a relative 1e-9 is added for the few float64 roundings of the bound itself.
 * `opts.formBudget` overrides the largest N n^2 / 2 for which A is formed (default 2e9).
 */
export function softmaxSmoothness(X: Matrix<number>, opts: { formBudget?: number } = {}): SmoothnessBound {
  const N = X.rows;
  const n = X.cols;
  if (N < 1 || n < 1) throw new RangeError(`softmaxSmoothness: argument X must have at least one row and one column, got ${N} x ${n}`);
  if (X.data.length !== N * n) throw new RangeError(`softmaxSmoothness: argument X has ${X.data.length} entries, expected ${N * n}`);
  let nonneg = true;
  for (let k = 0; k < X.data.length; k++) {
    const v = X.data[k]!;
    if (typeof v !== 'number' || !Number.isFinite(v))
      throw new RangeError(`softmaxSmoothness: argument X[${Math.floor(k / n)}][${k % n}] must be a finite number, got ${fmtNum(v)}`);
    if (v < 0) nonneg = false;
  }
  const finish = (lambda: number, rq: number, method: string): SmoothnessBound => ({
    L: (lambda / 2) * (1 + REL_MARGIN),
    method: `${method}; + relative ${REL_MARGIN} for float64 rounding`,
    lower: rq / 2,
  });
  const affordable = (N * n * n) / 2 <= (opts.formBudget ?? FORM_A_BUDGET);
  if (nonneg) {
    const cw = collatzWielandt(X.data, N, n, affordable ? 60 : 400, 1e-7);
    const converged = cw.lambda <= cw.rq * (1 + 1e-4);
    if (converged || !affordable)
      return finish(cw.lambda, cw.rq, `Collatz-Wielandt bound on X^T X / N (X >= 0), ${cw.iter} power iterations, rounding factor gamma_n + gamma_N`);
  }
  if (affordable) {
    const ch = choleskyBound(X.data, N, n);
    return finish(ch.lambda, ch.rq, `shifted Cholesky certificate of mu I - X^T X / N (${ch.detail}), Higham Thm 10.3 backward error`);
  }
  const cw = collatzWielandt(X.data, N, n, 400, 1e-7);
  return finish(cw.lambda, cw.rq, `Collatz-Wielandt bound on |X|^T |X| / N (>= lambda_max(X^T X / N)), ${cw.iter} power iterations`);
}

/**
 * The same bound for a descriptor's X, whose entries may be Rationals: they are rounded to the
 * nearest double X~ (|X - X~| <= 4 u |X~| entrywise, generous for Rational.toNumber), and
 * sigma_max(X) <= sigma_max(X~) + 4u ||X~||_F gives lambda <= (sqrt(lambda~) + 4u sqrt(tr A~))^2.
 */
function softmaxSmoothnessNum(X: Matrix<Num>): SmoothnessBound {
  if (allDoubles(X.data)) return softmaxSmoothness(X as Matrix<number>);
  const Xd: Matrix<number> = { rows: X.rows, cols: X.cols, data: X.data.map((x) => (typeof x === 'number' ? x : x.toNumber())) };
  const b = softmaxSmoothness(Xd);
  let fro = 0;
  for (const x of Xd.data) fro += x * x;
  const trA = (fro / X.rows) * (1 + gamma(Xd.data.length + 1));
  const lam = (Math.sqrt(2 * b.L) * (1 + U) + 4 * U * Math.sqrt(trA)) ** 2 * (1 + 4 * U);
  return { L: lam / 2, method: `${b.method}; rational X rounded to doubles (+4u ||X||_F on sigma_max)`, lower: b.lower };
}

// ------------------------------------------------------------ the loss

export function validateSoftmax(desc: SoftmaxLoss, c: Ctx): SoftmaxLoss {
  const m = checkSize(c, 'm', desc.m, 2);
  const n = checkSize(c, 'n', desc.n);
  const X = desc.X;
  if (!X || typeof X !== 'object' || typeof X.rows !== 'number') throw new RangeError(`${c.fn}: ${c.kind} X must be an N x ${n} matrix, got ${fmtNum(X)}`);
  const N = checkSize(c, 'X.rows', X.rows);
  checkMatrix(c, 'X', X, N, n);
  if (!Array.isArray(desc.y) || desc.y.length !== N)
    throw new RangeError(`${c.fn}: ${c.kind} y must have one label per row of X (${N}), got ${Array.isArray(desc.y) ? desc.y.length : fmtNum(desc.y)}`);
  desc.y.forEach((yi, i) => {
    if (!Number.isInteger(yi) || yi < 0 || yi >= m)
      throw new RangeError(`${c.fn}: ${c.kind} y[${i}] must be an integer in 0..${m - 1}, got ${fmtNum(yi)}`);
  });
  checkPositive(c, 'L', desc.L);
  checkNum(c, 'Lstar', desc.Lstar);
  return desc;
}

interface SoftmaxArgs {
  /** Data, N x n (rows = examples). */
  X: Matrix<Num>;
  /** Labels in 0..classes-1, one per row of X. */
  y: number[];
  classes: number;
  /** Stated smoothness; default max(1, softmaxSmoothness(X).L), a certified upper bound. */
  L?: Num;
  /** Stated lower bound; default 0. */
  Lstar?: Num;
}

export function softmaxLoss(args: SoftmaxArgs): SoftmaxLoss {
  const c: Ctx = { fn: 'softmaxLoss', kind: 'argument' };
  const m = checkSize(c, 'classes', args.classes, 2);
  const X = args.X;
  if (!X || typeof X !== 'object' || typeof X.cols !== 'number') throw new RangeError(`softmaxLoss: argument X must be a matrix, got ${fmtNum(X)}`);
  const desc: SoftmaxLoss = { family: 'softmax-ce', m, n: X.cols, X, y: args.y, L: args.L ?? Rational.ONE, Lstar: args.Lstar ?? 0 };
  validateSoftmax(desc, c);
  return args.L === undefined ? { ...desc, L: maxOne(cachedSmoothness(X).L, true) } : desc;
}

const CACHE = new WeakMap<object, SmoothnessBound>();
/** softmaxSmoothnessNum memoised per X (it is the expensive part of a descriptor). */
export function cachedSmoothness(X: Matrix<Num>): SmoothnessBound {
  let b = CACHE.get(X);
  if (!b) {
    b = softmaxSmoothnessNum(X);
    CACHE.set(X, b);
  }
  return b;
}

export function softmaxOver<T>(F: Field<T>, desc: SoftmaxLoss): Loss<T> {
  validateSoftmax(desc, { fn: 'lossOver(softmax-ce)', kind: 'field' });
  if (F.mode === 'exact') throw new ModeError('lossOver: family softmax-ce needs exp/log; use the precise or float64 mode');
  const { m, n, y } = desc;
  const N = desc.X.rows;
  // float64: reuse the data array (it can be tens of millions of doubles) instead of copying it.
  const Xd: readonly T[] =
    F.mode === 'float64' && allDoubles(desc.X.data)
      ? (desc.X.data as unknown as T[])
      : desc.X.data.map((x) => F.lift(x));
  const fast = F.mode === 'float64';
  const invN = F.div(F.one, F.fromInt(N));

  /** Loss and (optionally) gradient in one pass over the examples. */
  const evaluate = (W: Matrix<T>, wantGrad: boolean, fn: string): { value: T; G: T[] | undefined } => {
    if (W.rows !== m || W.cols !== n) throw new RangeError(`${fn}: argument W must be ${m} x ${n}, got ${W.rows} x ${W.cols}`);
    const Wd = W.data;
    const G = wantGrad ? new Array<T>(m * n).fill(F.zero) : undefined;
    const z = new Array<T>(m);
    const p = new Array<T>(m);
    let total = F.zero;
    for (let i = 0; i < N; i++) {
      const o = i * n;
      // z_i = W x_i
      for (let c = 0; c < m; c++) {
        if (fast) {
          let s = 0;
          const Wn = Wd as unknown as number[];
          const Xn = Xd as unknown as number[];
          for (let j = 0; j < n; j++) s += Wn[c * n + j]! * Xn[o + j]!;
          z[c] = s as T;
        } else {
          let s = F.zero;
          for (let j = 0; j < n; j++) s = F.add(s, F.mul(Wd[c * n + j]!, Xd[o + j]!));
          z[c] = s;
        }
      }
      // logsumexp with the max shift: lse = mx + log sum_c exp(z_c - mx).
      let mx: T = z[0]!;
      for (let c = 1; c < m; c++) mx = F.max(mx, z[c]!);
      let S = F.zero;
      for (let c = 0; c < m; c++) {
        p[c] = F.exp(F.sub(z[c]!, mx));
        S = F.add(S, p[c]!);
      }
      total = F.add(total, F.sub(F.add(mx, F.log(S)), z[y[i]!]!));
      if (G) {
        // row c of (P - Y)^T X gains (p_c - [c = y_i]) x_i.
        for (let c = 0; c < m; c++) {
          let r = F.div(p[c]!, S);
          if (c === y[i]) r = F.sub(r, F.one);
          if (F.isZero(r)) continue;
          if (fast) {
            const Gn = G as unknown as number[];
            const Xn = Xd as unknown as number[];
            const rn = r as unknown as number;
            for (let j = 0; j < n; j++) Gn[c * n + j]! += rn * Xn[o + j]!;
          } else for (let j = 0; j < n; j++) G[c * n + j] = F.add(G[c * n + j]!, F.mul(r, Xd[o + j]!));
        }
      }
    }
    return { value: F.mul(total, invN), G: G?.map((g) => F.mul(g, invN)) };
  };

  return {
    m,
    n,
    L: F.lift(desc.L),
    Lstar: F.lift(desc.Lstar),
    value: (W) => evaluate(W, false, 'softmax-ce.value').value,
    grad: (W) => ({ rows: m, cols: n, data: evaluate(W, true, 'softmax-ce.grad').G as T[] }),
  };
}
