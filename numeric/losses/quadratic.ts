/**
 * Quadratic loss L(W) = 1/2 <W - C, H (W - C)> with H = Q diag(d) Q^T (numeric/loss.ts
 * QuadraticLoss). grad L(W) = H (W - C), so ||grad L(W) - grad L(W')|| <= ||H||_op ||W - W'||
 * and Assumption 3.1 (4) holds with the true constant ||H||_op = max |d_i| (attained along the
 * top eigenvector Q e_i). Over the rationals both value and gradient are exact.
 */
import type { Field, Num } from '../field.ts';
import type { Loss, LossArgs, QuadraticLoss } from '../loss.ts';
import { lift, type Matrix } from '../matrix.ts';
import { applyH, quadraticValue, reflectors } from './householder.ts';
import {
  checkMatrix,
  checkNum,
  checkNumVector,
  checkPositive,
  checkReflectors,
  checkSize,
  maxAbs,
  maxOne,
  numSign,
  usesDoubles,
  type Ctx,
} from './num.ts';

/** True smoothness ||H||_op = max_i |d_i| (exact). */
export function quadraticSmoothness(desc: Pick<QuadraticLoss, 'd'>): Num {
  return maxAbs(desc.d);
}

/** inf L = 0 (attained at W = C) when every d_i >= 0; otherwise L is unbounded below (null). */
export function quadraticInfimum(desc: Pick<QuadraticLoss, 'd'>): Num | null {
  return desc.d.every((x) => numSign(x) >= 0) ? 0 : null;
}

/** Validates every field of a descriptor; messages name the field. */
export function validateQuadratic(desc: QuadraticLoss, c: Ctx): QuadraticLoss {
  const m = checkSize(c, 'm', desc.m);
  const n = checkSize(c, 'n', desc.n);
  checkNumVector(c, 'd', desc.d, m * n);
  checkReflectors(c, 'u', desc.u, m * n);
  checkMatrix(c, 'C', desc.C, m, n);
  checkPositive(c, 'L', desc.L);
  checkNum(c, 'Lstar', desc.Lstar);
  return desc;
}

type QuadraticArgs = LossArgs<QuadraticLoss>;

/**
 * Builds and validates a QuadraticLoss descriptor. Defaults: L = max(1, max |d_i|), the
 * smallest Assumption 3.1 allows; L* = 0 (= inf L when every d_i >= 0).
 */
export function quadraticLoss(args: QuadraticArgs): QuadraticLoss {
  const c: Ctx = { fn: 'quadraticLoss', kind: 'argument' };
  const m = checkSize(c, 'm', args.m);
  const n = checkSize(c, 'n', args.n);
  const d = checkNumVector(c, 'd', args.d, m * n);
  const dbl = usesDoubles(d);
  const desc: QuadraticLoss = {
    family: 'quadratic',
    m,
    n,
    d,
    u: args.u,
    C: args.C,
    L: args.L ?? maxOne(quadraticSmoothness({ d }), dbl),
    Lstar: args.Lstar ?? 0,
  };
  return validateQuadratic(desc, c);
}

/** Instantiates a quadratic descriptor over a field (validated first). */
export function quadraticOver<T>(F: Field<T>, desc: QuadraticLoss): Loss<T> {
  validateQuadratic(desc, { fn: 'lossOver(quadratic)', kind: 'field' });
  const { m, n } = desc;
  const R = reflectors(F, desc.u, m * n);
  const d = desc.d.map((x) => F.lift(x));
  const C = lift(F, desc.C);
  const residual = (W: Matrix<T>, fn: string): T[] => {
    if (W.rows !== m || W.cols !== n) throw new RangeError(`${fn}: argument W must be ${m} x ${n}, got ${W.rows} x ${W.cols}`);
    return W.data.map((w, k) => F.sub(w, C.data[k]!));
  };
  return {
    m,
    n,
    L: F.lift(desc.L),
    Lstar: F.lift(desc.Lstar),
    value: (W) => quadraticValue(F, R, d, residual(W, 'quadratic.value')),
    grad: (W) => ({ rows: m, cols: n, data: applyH(F, R, d, residual(W, 'quadratic.grad')) }),
  };
}
