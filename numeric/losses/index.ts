/**
 * The loss families of Assumptions 3.1 / 3.2 behind one entry point.
 *
 * A descriptor's `L` and `Lstar` are the STATED constants a claim uses (ablation states wrong ones
 * on purpose); `trueSmoothness` and `infimum` are what the loss actually has. Keep them apart.
 */
import type { Field, Num } from '../field.ts';
import type { Loss, LossDesc, TwoLoss, TwoMatrixLoss } from '../loss.ts';
import { fmtNum } from './num.ts';
import { quadraticInfimum, quadraticOver, quadraticSmoothness, validateQuadratic } from './quadratic.ts';
import { SEPARABLE_FAMILIES, separableInfimum, separableOver, separableSmoothness, validateSeparable } from './separable.ts';
import { cachedSmoothness, softmaxOver, validateSoftmax } from './softmax.ts';
import { exprInfimum, exprOver, exprSmoothness, validateExpr } from './expression.ts';
import { twoQuadraticInfimum, twoQuadraticOver, twoQuadraticSmoothness, validateTwoQuadratic } from './two-matrix.ts';

export { quadraticLoss } from './quadratic.ts';
export { separableLoss, KAPPA } from './separable.ts';
export { softmaxLoss, softmaxSmoothness } from './softmax.ts';
export { twoQuadraticLoss } from './two-matrix.ts';
export { exprLoss, exprNeedsPrecise } from './expression.ts';
export { reflectors, applyQ } from './householder.ts';

export const LOSS_FAMILIES = ['quadratic', ...SEPARABLE_FAMILIES, 'softmax-ce', 'expr'] as const;

function unknownFamily(fn: string, desc: unknown): never {
  const fam = desc && typeof desc === 'object' ? (desc as { family?: unknown }).family : undefined;
  throw new RangeError(`${fn}: field family must be one of ${LOSS_FAMILIES.join(', ')}, got ${fmtNum(fam)}`);
}

/** Instantiates a loss descriptor over a field (validating it; errors name the field). */
export function lossOver<T>(F: Field<T>, desc: LossDesc): Loss<T> {
  switch (desc?.family) {
    case 'quadratic':
      return quadraticOver(F, desc);
    case 'pseudo-huber':
    case 'log-cosh':
    case 'logistic':
      return separableOver(F, desc);
    case 'softmax-ce':
      return softmaxOver(F, desc);
    case 'expr':
      return exprOver(F, desc);
    default:
      return unknownFamily('lossOver', desc);
  }
}

export function twoLossOver<T>(F: Field<T>, desc: TwoMatrixLoss): TwoLoss<T> {
  if (desc?.family !== 'two-quadratic') unknownFamilyTwo(desc);
  return twoQuadraticOver(F, desc);
}

function unknownFamilyTwo(desc: unknown): never {
  const fam = desc && typeof desc === 'object' ? (desc as { family?: unknown }).family : undefined;
  throw new RangeError(`twoLossOver: field family must be two-quadratic, got ${fmtNum(fam)}`);
}

/**
 * Validates a descriptor (e.g. one decoded from JSON) without instantiating it; throws a RangeError
 * whose message starts with `where` and names the field ("decode: field L must be > 0, got -1").
 */
export function validateLossDesc<D extends LossDesc | TwoMatrixLoss>(desc: D, where = 'validateLossDesc'): D {
  const c = { fn: where, kind: 'field' } as const;
  switch (desc?.family) {
    case 'quadratic':
      validateQuadratic(desc, c);
      return desc;
    case 'pseudo-huber':
    case 'log-cosh':
    case 'logistic':
      validateSeparable(desc, c);
      return desc;
    case 'softmax-ce':
      validateSoftmax(desc, c);
      return desc;
    case 'two-quadratic':
      validateTwoQuadratic(desc, c);
      return desc;
    case 'expr':
      validateExpr(desc, c);
      return desc;
    default:
      return unknownFamily(where, desc);
  }
}

interface SmoothnessInfo {
  value: Num;
  /** 'exact': the best constant of (4); 'upper-bound': a certified bound (softmax, expr);
   *  'unbounded': no finite constant (expr: f'' grows without bound; `value` is then `lower`). */
  kind: 'exact' | 'upper-bound' | 'unbounded';
  /** A certified lower bound of the best constant, where known beyond `value` (expr). */
  lower?: Num;
  note: string;
}

/** The true smoothness constant of a descriptor, and whether it is exact. */
export function smoothnessInfo(desc: LossDesc | TwoMatrixLoss): SmoothnessInfo {
  switch (desc?.family) {
    case 'quadratic':
      return { value: quadraticSmoothness(desc), kind: 'exact', note: '||H||_op = max |d_i|' };
    case 'two-quadratic':
      return { value: twoQuadraticSmoothness(desc), kind: 'exact', note: '||H||_op = max |d_i| in the l2 product norm' };
    case 'pseudo-huber':
    case 'log-cosh':
    case 'logistic':
      return { value: separableSmoothness(desc), kind: 'exact', note: 's a^2 sup|phi\'\'|' };
    case 'softmax-ce': {
      const b = cachedSmoothness(desc.X);
      return { value: b.L, kind: 'upper-bound', note: `lambda_max(X^T X / N) / 2, certified: ${b.method}` };
    }
    case 'expr': {
      const b = exprSmoothness(desc);
      if (b.upper === null) return { value: b.lower, kind: 'unbounded', lower: b.lower, note: b.note };
      return { value: b.upper, kind: b.upper.eq(b.lower) ? 'exact' : 'upper-bound', lower: b.lower, note: b.note };
    }
    default:
      return unknownFamily('smoothnessInfo', desc);
  }
}

/**
 * The true smoothness constant: exact for quadratics and separable losses; for softmax
 * cross-entropy the certified upper bound lambda_max(X^T X / N) / 2 (exact only up to that bound).
 */
export function trueSmoothness(desc: LossDesc | TwoMatrixLoss): Num {
  return smoothnessInfo(desc).value;
}

interface InfimumInfo {
  /** inf L, or a lower bound on it (kind), or null when L is unbounded below. */
  value: Num | null;
  kind: 'exact' | 'lower-bound' | 'unbounded';
  /** Whether some W attains it (undefined when unknown). */
  attained: boolean | undefined;
  note: string;
}

export function infimumInfo(desc: LossDesc | TwoMatrixLoss): InfimumInfo {
  switch (desc?.family) {
    case 'quadratic':
    case 'two-quadratic': {
      const v = desc.family === 'quadratic' ? quadraticInfimum(desc) : twoQuadraticInfimum(desc);
      return v === null
        ? { value: null, kind: 'unbounded', attained: false, note: 'some d_i < 0: unbounded below along its eigenvector' }
        : { value: v, kind: 'exact', attained: true, note: 'all d_i >= 0: minimum 0 at W = C' };
    }
    case 'pseudo-huber':
    case 'log-cosh':
      return { value: separableInfimum(), kind: 'exact', attained: true, note: 'phi >= 0 = phi(0): minimum at W = C' };
    case 'logistic':
      return { value: separableInfimum(), kind: 'exact', attained: false, note: 'phi > 0, phi(x) -> 0 as x -> +inf: infimum 0, not attained' };
    case 'softmax-ce':
      return { value: 0, kind: 'lower-bound', attained: undefined, note: 'cross-entropy >= 0; the infimum is 0 only for separable data' };
    case 'expr': {
      const b = exprInfimum(desc);
      if (b.lower === null) return { value: null, kind: 'unbounded', attained: false, note: b.note };
      const exact = b.upper !== null && b.upper.eq(b.lower);
      return { value: b.lower, kind: exact ? 'exact' : 'lower-bound', attained: exact ? true : undefined, note: b.note };
    }
    default:
      return unknownFamily('infimumInfo', desc);
  }
}

/** inf L when known exactly; null when L is unbounded below or the infimum is unknown (softmax: see infimumInfo). */
export function infimum(desc: LossDesc | TwoMatrixLoss): Num | null {
  const i = infimumInfo(desc);
  return i.kind === 'exact' ? i.value : null;
}
