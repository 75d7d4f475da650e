/**
 * The original loss function L : R^{m x n} -> R of the paper (Assumptions 3.1 and 3.2),
 * as serialisable descriptors (so a counterexample can be stored and replayed) and their
 * instantiation over a Field.
 *
 * `L` and `Lstar` in a descriptor are the *stated* constants a claim uses. A generator that
 * honours the hypotheses states L >= max(1, true smoothness) and Lstar <= inf L; ablation
 * widens them (drop `L_ge_1`: L in (0, inf); drop `smooth`: L below the true constant;
 * drop `lower_bound`: Lstar above the infimum).
 */
import type { Num } from './field.ts';
import type { Matrix } from './matrix.ts';

/** 1/2 <W - C, H (W - C)> with H = Q diag(d) Q^T, Q = product of Householder reflections
 *  I - 2 u u^T / (u^T u) (rational and orthogonal), acting on vec(W) (row-major, length m n).
 *  True smoothness = max |d_i| exactly; inf = 0 when every d_i >= 0. */
export interface QuadraticLoss {
  family: 'quadratic';
  m: number;
  n: number;
  /** Eigenvalues of H (m n of them). */
  d: Num[];
  /** Householder vectors (each of length m n, nonzero); [] gives Q = I. */
  u: Num[][];
  /** Centre C (m x n); the minimiser when every d_i >= 0. */
  C: Matrix<Num>;
  L: Num;
  Lstar: Num;
}

/** sum_ij s * phi(a * (W - C)_ij) for a scalar phi with sup |phi''| = kappa:
 *  pseudo-Huber phi(x) = sqrt(1 + x^2) - 1 (kappa 1), log-cosh phi(x) = log cosh x (kappa 1),
 *  logistic phi(x) = log(1 + exp(-x)) (kappa 1/4). True smoothness = s a^2 kappa; inf >= 0.
 *  Needs sqrt (exact ok for pseudo-Huber) or exp/log (precise, float64). */
export interface SeparableLoss {
  family: 'pseudo-huber' | 'log-cosh' | 'logistic';
  m: number;
  n: number;
  /** Scale s > 0. */
  s: Num;
  /** Inner scale a != 0. */
  a: Num;
  C: Matrix<Num>;
  L: Num;
  Lstar: Num;
}

/** Softmax cross-entropy of logits W X^T (W is classes x features, X is N x features,
 *  labels y in 0..classes-1), averaged over N. float64 (and precise) only.
 *  L <= lambda_max(X^T X / N) / 2 (certified upper bound stored in L); inf >= 0. */
export interface SoftmaxLoss {
  family: 'softmax-ce';
  m: number;
  n: number;
  X: Matrix<Num>;
  y: number[];
  L: Num;
  Lstar: Num;
}

/** A user's elementwise loss s * sum_ij f(W_ij, C_ij), f an expression in w and c (mathjs syntax,
 *  numeric/losses/expression.ts). True constants from certified bounds on f'' and f
 *  (numeric/expr/bounds.ts). Exact when f is rational (roots allowed), else precise and float64. */
export interface ExprLoss {
  family: 'expr';
  m: number;
  n: number;
  expr: string;
  s: Num;
  C: Matrix<Num>;
  L: Num;
  Lstar: Num;
}

export type LossDesc = QuadraticLoss | SeparableLoss | SoftmaxLoss | ExprLoss;

/** A two-matrix loss L(W1, W2) for Lemma 3.6 / Sec. 3.2: a quadratic on the pair (vec W1, vec W2)
 *  (coupled through H, so it does not split), stated L >= its true smoothness. */
export interface TwoMatrixLoss {
  family: 'two-quadratic';
  m1: number;
  n1: number;
  m2: number;
  n2: number;
  /** Eigenvalues of H (m1 n1 + m2 n2 of them). */
  d: Num[];
  /** Householder vectors of length m1 n1 + m2 n2, nonzero. */
  u: Num[][];
  C1: Matrix<Num>;
  C2: Matrix<Num>;
  L: Num;
  Lstar: Num;
}

/**
 * A descriptor's fields as its builder (numeric/losses/) takes them: `family` implied unless
 * kept, the stated L and L* optional (each builder says its defaults).
 */
export type LossArgs<D extends { family: string; L: Num; Lstar: Num }, Keep extends keyof D = never> = Omit<D, 'family' | 'L' | 'Lstar'> &
  Pick<D, Keep> & { L?: Num; Lstar?: Num };

/** A loss instantiated over a field. */
export interface Loss<T> {
  readonly m: number;
  readonly n: number;
  /** The stated smoothness constant L and lower bound L* (lifted). */
  readonly L: T;
  readonly Lstar: T;
  value(W: Matrix<T>): T;
  grad(W: Matrix<T>): Matrix<T>;
}

export interface TwoLoss<T> {
  readonly m1: number;
  readonly n1: number;
  readonly m2: number;
  readonly n2: number;
  readonly L: T;
  readonly Lstar: T;
  value(W1: Matrix<T>, W2: Matrix<T>): T;
  grad(W1: Matrix<T>, W2: Matrix<T>): { G1: Matrix<T>; G2: Matrix<T> };
}
