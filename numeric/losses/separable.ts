/**
 * Separable losses L(W) = sum_ij s * phi(a (W - C)_ij) (numeric/loss.ts SeparableLoss), with
 *   pseudo-Huber  phi(x) = sqrt(1 + x^2) - 1,   phi'(x) = x / sqrt(1 + x^2),  sup |phi''| = 1 (at 0),
 *   log-cosh      phi(x) = log cosh x,          phi'(x) = tanh x,             sup |phi''| = 1 (at 0),
 *   logistic      phi(x) = log(1 + e^{-x}),     phi'(x) = -1 / (1 + e^x),     sup |phi''| = 1/4 (at 0).
 * The Hessian is diagonal with entries s a^2 phi''(a r_ij), so the true constant of
 * Assumption 3.1 (4) is s a^2 kappa, kappa = sup |phi''|, approached near W = C.
 * Each phi >= 0 with inf phi = 0 (attained at 0 for pseudo-Huber and log-cosh; only as x -> +inf
 * for logistic), so inf L = 0 for all three (s > 0, a != 0): 0 is the default Lstar.
 *
 * One formula per family is evaluated over the Field (precise: certified enclosures; exact:
 * pseudo-Huber only, as a lazy real with sqrt). float64 gets the same functions in forms that
 * avoid cancellation and overflow (log1p, hypot), since a double field has no log1p.
 */
import { ModeError, type Field, type Num } from '../field.ts';
import type { Loss, LossArgs, SeparableLoss } from '../loss.ts';
import { lift, type Matrix } from '../matrix.ts';
import { Rational } from '../rational.ts';
import { checkMatrix, checkNonzero, checkNum, checkPositive, checkSize, exactProduct, maxOne, type Ctx } from './num.ts';

export type SeparableFamily = SeparableLoss['family'];
export const SEPARABLE_FAMILIES: readonly SeparableFamily[] = ['pseudo-huber', 'log-cosh', 'logistic'];

/** kappa = sup |phi''| per family. */
export const KAPPA: Readonly<Record<SeparableFamily, Rational>> = {
  'pseudo-huber': Rational.ONE,
  'log-cosh': Rational.ONE,
  logistic: Rational.of(1, 4),
};

/** Which families need exp/log (unavailable in the exact field). */
function needsExpLog(family: SeparableFamily): boolean {
  return family !== 'pseudo-huber';
}

interface Phi<T> {
  phi(x: T): T;
  dphi(x: T): T;
}

/** phi and phi' over any field. */
function phiOver<T>(F: Field<T>, family: SeparableFamily): Phi<T> {
  const one = F.one;
  const two = F.fromInt(2);
  switch (family) {
    case 'pseudo-huber':
      // sqrt(1 + x^2) - 1 = x^2 / (sqrt(1 + x^2) + 1): same value, no cancellation near 0.
      return {
        phi: (x) => {
          const x2 = F.mul(x, x);
          return F.div(x2, F.add(F.sqrt(F.add(one, x2)), one));
        },
        dphi: (x) => F.div(x, F.sqrt(F.add(one, F.mul(x, x)))),
      };
    case 'log-cosh': {
      // log cosh x = |x| + log(1 + e^{-2|x|}) - log 2 (no overflow of cosh); tanh x = (1 - e^{-2x}) / (1 + e^{-2x}).
      const log2 = F.log(two);
      return {
        phi: (x) => {
          const ax = F.abs(x);
          return F.sub(F.add(ax, F.log(F.add(one, F.exp(F.mul(F.neg(two), ax))))), log2);
        },
        dphi: (x) => {
          const t = F.exp(F.mul(F.neg(two), x));
          return F.div(F.sub(one, t), F.add(one, t));
        },
      };
    }
    case 'logistic':
      // log(1 + e^{-x}) = max(-x, 0) + log(1 + e^{-|x|}) (softplus without overflow).
      return {
        phi: (x) => F.add(F.max(F.neg(x), F.zero), F.log(F.add(one, F.exp(F.neg(F.abs(x)))))),
        dphi: (x) => F.neg(F.div(one, F.add(one, F.exp(x)))),
      };
  }
}

/** The same functions for doubles, in forms accurate in float64. */
const PHI_FLOAT64: Readonly<Record<SeparableFamily, Phi<number>>> = {
  'pseudo-huber': {
    // |x| (|x| / (hypot(1, x) + 1)): no overflow of x^2 for huge x.
    phi: (x) => {
      const ax = Math.abs(x);
      return ax * (ax / (Math.hypot(1, x) + 1));
    },
    dphi: (x) => x / Math.hypot(1, x),
  },
  'log-cosh': {
    // Near 0, log cosh x = log1p(2 sinh(x/2)^2) keeps full relative accuracy (and is >= 0).
    phi: (x) => {
      const ax = Math.abs(x);
      if (ax < 1) {
        const sh = Math.sinh(x / 2);
        return Math.log1p(2 * sh * sh);
      }
      return ax + Math.log1p(Math.exp(-2 * ax)) - Math.LN2;
    },
    dphi: Math.tanh,
  },
  logistic: {
    phi: (x) => Math.max(-x, 0) + Math.log1p(Math.exp(-Math.abs(x))),
    dphi: (x) => -1 / (1 + Math.exp(x)),
  },
};

/** True smoothness s a^2 kappa (exact rational). */
export function separableSmoothness(desc: Pick<SeparableLoss, 'family' | 's' | 'a'>): Rational {
  return exactProduct(desc.s, desc.a, desc.a, KAPPA[desc.family]);
}

/** inf L = 0 for every family (s > 0, a != 0); attained at W = C except for logistic. */
export function separableInfimum(): Num {
  return 0;
}

export function validateSeparable(desc: SeparableLoss, c: Ctx): SeparableLoss {
  if (!SEPARABLE_FAMILIES.includes(desc.family))
    throw new RangeError(`${c.fn}: ${c.kind} family must be one of ${SEPARABLE_FAMILIES.join(', ')}, got ${String(desc.family)}`);
  const m = checkSize(c, 'm', desc.m);
  const n = checkSize(c, 'n', desc.n);
  checkPositive(c, 's', desc.s);
  checkNonzero(c, 'a', desc.a);
  checkMatrix(c, 'C', desc.C, m, n);
  checkPositive(c, 'L', desc.L);
  checkNum(c, 'Lstar', desc.Lstar);
  return desc;
}

type SeparableArgs = LossArgs<SeparableLoss, 'family'>;

/** Builds and validates a SeparableLoss descriptor. Defaults: L = max(1, s a^2 kappa), L* = 0 (= inf L). */
export function separableLoss(args: SeparableArgs): SeparableLoss {
  const c: Ctx = { fn: 'separableLoss', kind: 'argument' };
  const desc: SeparableLoss = {
    family: args.family,
    m: args.m,
    n: args.n,
    s: args.s,
    a: args.a,
    C: args.C,
    L: args.L ?? Rational.ONE, // placeholder, replaced below once s and a are validated
    Lstar: args.Lstar ?? 0,
  };
  validateSeparable(desc, c);
  return args.L === undefined ? { ...desc, L: maxOne(separableSmoothness(desc), false) } : desc;
}

export function separableOver<T>(F: Field<T>, desc: SeparableLoss): Loss<T> {
  validateSeparable(desc, { fn: `lossOver(${desc.family})`, kind: 'field' });
  if (F.mode === 'exact' && needsExpLog(desc.family))
    throw new ModeError(`lossOver: family ${desc.family} needs exp/log; use the precise or float64 mode`);
  const { m, n } = desc;
  const P = (F.mode === 'float64' ? PHI_FLOAT64[desc.family] : phiOver(F, desc.family)) as Phi<T>;
  const s = F.lift(desc.s);
  const a = F.lift(desc.a);
  const sa = F.mul(s, a);
  const C = lift(F, desc.C);
  const scaled = (W: Matrix<T>, fn: string): T[] => {
    if (W.rows !== m || W.cols !== n) throw new RangeError(`${fn}: argument W must be ${m} x ${n}, got ${W.rows} x ${W.cols}`);
    return W.data.map((w, k) => F.mul(a, F.sub(w, C.data[k]!)));
  };
  return {
    m,
    n,
    L: F.lift(desc.L),
    Lstar: F.lift(desc.Lstar),
    value: (W) => {
      let sum = F.zero;
      for (const x of scaled(W, `${desc.family}.value`)) sum = F.add(sum, P.phi(x));
      return F.mul(s, sum);
    },
    // d/dW_ij s phi(a (W - C)_ij) = s a phi'(a (W - C)_ij).
    grad: (W) => ({ rows: m, cols: n, data: scaled(W, `${desc.family}.grad`).map((x) => F.mul(sa, P.dphi(x))) }),
  };
}
