/**
 * Two-matrix quadratic L(W1, W2) = 1/2 <w - c, H (w - c)> with w = (vec W1, vec W2) and
 * c = (vec C1, vec C2) concatenated, H = Q diag(d) Q^T by Householder reflections (numeric/loss.ts
 * TwoMatrixLoss). Because the reflectors mix both blocks, the loss does not split into a W1 part
 * and a W2 part. In the l2 product norm of Sec. 3.2, ||(W1, W2)||^2 = ||W1||^2 + ||W2||^2, which
 * is the Euclidean norm of w, so the constant of Lemma 3.6's hypothesis is ||H||_op = max |d_i|.
 */
import type { Field, Num } from '../field.ts';
import type { LossArgs, TwoLoss, TwoMatrixLoss } from '../loss.ts';
import { lift, type Matrix } from '../matrix.ts';
import { applyH, quadraticValue, reflectors } from './householder.ts';
import { quadraticInfimum, quadraticSmoothness } from './quadratic.ts';
import {
  checkMatrix,
  checkNum,
  checkNumVector,
  checkPositive,
  checkReflectors,
  checkSize,
  maxOne,
  usesDoubles,
  type Ctx,
} from './num.ts';

/** True smoothness in the product norm: max |d_i| (exact). */
export const twoQuadraticSmoothness: (desc: Pick<TwoMatrixLoss, 'd'>) => Num = quadraticSmoothness;

/** 0 (at (C1, C2)) when every d_i >= 0, else unbounded below (null). */
export const twoQuadraticInfimum: (desc: Pick<TwoMatrixLoss, 'd'>) => Num | null = quadraticInfimum;

export function validateTwoQuadratic(desc: TwoMatrixLoss, c: Ctx): TwoMatrixLoss {
  if (desc.family !== 'two-quadratic')
    throw new RangeError(`${c.fn}: ${c.kind} family must be two-quadratic, got ${String(desc.family)}`);
  const m1 = checkSize(c, 'm1', desc.m1);
  const n1 = checkSize(c, 'n1', desc.n1);
  const m2 = checkSize(c, 'm2', desc.m2);
  const n2 = checkSize(c, 'n2', desc.n2);
  const dim = m1 * n1 + m2 * n2;
  checkNumVector(c, 'd', desc.d, dim);
  checkReflectors(c, 'u', desc.u, dim);
  checkMatrix(c, 'C1', desc.C1, m1, n1);
  checkMatrix(c, 'C2', desc.C2, m2, n2);
  checkPositive(c, 'L', desc.L);
  checkNum(c, 'Lstar', desc.Lstar);
  return desc;
}

type TwoQuadraticArgs = LossArgs<TwoMatrixLoss>;

/** Builds and validates a TwoMatrixLoss descriptor. Defaults: L = max(1, max |d_i|), L* = 0. */
export function twoQuadraticLoss(args: TwoQuadraticArgs): TwoMatrixLoss {
  const c: Ctx = { fn: 'twoQuadraticLoss', kind: 'argument' };
  const desc: TwoMatrixLoss = {
    family: 'two-quadratic',
    m1: args.m1,
    n1: args.n1,
    m2: args.m2,
    n2: args.n2,
    d: args.d,
    u: args.u,
    C1: args.C1,
    C2: args.C2,
    L: args.L ?? 1, // replaced below once d is validated
    Lstar: args.Lstar ?? 0,
  };
  validateTwoQuadratic(desc, c);
  return args.L === undefined ? { ...desc, L: maxOne(twoQuadraticSmoothness(desc), usesDoubles(desc.d)) } : desc;
}

export function twoQuadraticOver<T>(F: Field<T>, desc: TwoMatrixLoss): TwoLoss<T> {
  validateTwoQuadratic(desc, { fn: 'twoLossOver', kind: 'field' });
  const { m1, n1, m2, n2 } = desc;
  const k1 = m1 * n1;
  const R = reflectors(F, desc.u, k1 + m2 * n2);
  const d = desc.d.map((x) => F.lift(x));
  const c = [...lift(F, desc.C1).data, ...lift(F, desc.C2).data];
  const residual = (W1: Matrix<T>, W2: Matrix<T>, fn: string): T[] => {
    if (W1.rows !== m1 || W1.cols !== n1) throw new RangeError(`${fn}: argument W1 must be ${m1} x ${n1}, got ${W1.rows} x ${W1.cols}`);
    if (W2.rows !== m2 || W2.cols !== n2) throw new RangeError(`${fn}: argument W2 must be ${m2} x ${n2}, got ${W2.rows} x ${W2.cols}`);
    return [...W1.data, ...W2.data].map((w, k) => F.sub(w, c[k]!));
  };
  return {
    m1,
    n1,
    m2,
    n2,
    L: F.lift(desc.L),
    Lstar: F.lift(desc.Lstar),
    value: (W1, W2) => quadraticValue(F, R, d, residual(W1, W2, 'two-quadratic.value')),
    grad: (W1, W2) => {
      // grad_w = H (w - c), split back into the W1 and W2 blocks.
      const g = applyH(F, R, d, residual(W1, W2, 'two-quadratic.grad'));
      return { G1: { rows: m1, cols: n1, data: g.slice(0, k1) }, G2: { rows: m2, cols: n2, data: g.slice(k1) } };
    },
  };
}
