/**
 * Certified enclosures of the functions of a user's loss (numeric/expr/tree.ts FUNCTIONS) over
 * the precise field's intervals (numeric/precise.ts), endpoints possibly +-Infinity.
 *
 * Monotone functions (exp, log, sqrt, cbrt, sinh, tanh, atan, asinh) map endpoints; cosh has
 * its minimum 1 at 0; sin and cos take the hull of the endpoint values and of every extremum
 * pi/2 + k pi that the interval may contain (decided against an enclosure of pi, so an
 * uncertain case includes the extremum); tan and the reciprocal functions are unbounded on an
 * interval that may contain a pole. decimal.js rounds its library functions in the direction
 * asked for, and each result is widened again by 10^(4 - digits) relative plus, for the
 * periodic functions, 10^(5 - digits) absolute (values near a root), as a safety margin.
 */
import type { Decimal } from 'decimal.js';
import type { Interval, IntervalArith } from '../precise.ts';
import type { FnName } from './tree.ts';

type Dec = Decimal;

function margin(A: IntervalArith, x: Dec, dir: 1 | -1, absToo: boolean): Dec {
  if (!x.isFinite()) return x;
  const R = dir > 0 ? A.U : A.D;
  const rel = new A.U(10).pow(4 - A.digits);
  let m = A.U.mul(x.abs(), rel);
  if (absToo) m = A.U.add(m, new A.U(10).pow(5 - A.digits));
  if (m.isZero()) return x;
  return dir > 0 ? R.add(x, m) : R.sub(x, m);
}

/** f increasing: [f(lo), f(hi)] widened; exact values at 0 stay exact (f(0) = 0). */
function increasing(A: IntervalArith, a: Interval, f: (C: typeof A.D, x: Dec) => Dec, zeroAtZero: boolean): Interval {
  const one = (x: Dec, dir: 1 | -1): Dec => {
    if (zeroAtZero && x.isZero()) return x;
    const v = f(dir > 0 ? A.U : A.D, x);
    return margin(A, v, dir, false);
  };
  return { lo: one(a.lo, -1), hi: one(a.hi, 1) };
}

function clamp(A: IntervalArith, a: Interval, lo: number, hi: number): Interval {
  const L = new A.D(lo);
  const H = new A.U(hi);
  return { lo: a.lo.lt(L) ? L : a.lo, hi: a.hi.gt(H) ? H : a.hi };
}

const piCache = new WeakMap<IntervalArith, Interval>();
function pi(A: IntervalArith): Interval {
  let p = piCache.get(A);
  if (!p) {
    p = { lo: margin(A, A.D.acos(-1), -1, false), hi: margin(A, A.U.acos(-1), 1, false) };
    piCache.set(A, p);
  }
  return p;
}

/** Whether [a.lo, a.hi] may contain a point offset + k * period (k an integer), with offset and
 *  period enclosed by intervals (answers true when it cannot rule it out). */
function mayContain(A: IntervalArith, a: Interval, offset: Interval, period: Interval): boolean {
  if (!a.lo.isFinite() || !a.hi.isFinite()) return true;
  // k ranges over integers with offset + k period in [lo, hi]: k in [(lo - off_hi) / per_hi.., (hi - off_lo) / per_lo]
  const kLo = A.D.sub(a.lo, offset.hi).div(period.lo).floor();
  const kHi = A.U.sub(a.hi, offset.lo).div(period.lo).ceil();
  if (kHi.sub(kLo).gt(8)) return true;
  for (let k = kLo; k.lte(kHi); k = k.add(1)) {
    const pLo = A.D.add(offset.lo, k.gte(0) ? A.D.mul(k, period.lo) : A.D.mul(k, period.hi));
    const pHi = A.U.add(offset.hi, k.gte(0) ? A.U.mul(k, period.hi) : A.U.mul(k, period.lo));
    if (pHi.gte(a.lo) && pLo.lte(a.hi)) return true;
  }
  return false;
}

/** sin (shift 0) or cos (shift pi/2: cos x = sin(x + pi/2)). */
function periodic(A: IntervalArith, a: Interval, which: 'sin' | 'cos'): Interval {
  const whole = { lo: new A.D(-1), hi: new A.U(1) };
  if (!a.lo.isFinite() || !a.hi.isFinite()) return whole;
  const P = pi(A);
  const twoPi = { lo: A.D.mul(P.lo, 2), hi: A.U.mul(P.hi, 2) };
  if (A.U.sub(a.hi, a.lo).gte(twoPi.lo)) return whole;
  const f = (C: typeof A.D, x: Dec) => (which === 'sin' ? C.sin(x) : C.cos(x));
  const exactAt0 = (x: Dec) => x.isZero();
  const val = (x: Dec, dir: 1 | -1): Dec => {
    if (exactAt0(x)) return new A.D(which === 'sin' ? 0 : 1);
    return margin(A, f(dir > 0 ? A.U : A.D, x), dir, true);
  };
  const ends = [val(a.lo, -1), val(a.hi, -1), val(a.lo, 1), val(a.hi, 1)];
  let lo = ends.reduce((m, v) => (v.lt(m) ? v : m));
  let hi = ends.reduce((m, v) => (v.gt(m) ? v : m));
  const half = { lo: A.D.div(P.lo, 2), hi: A.U.div(P.hi, 2) };
  // maxima of sin at pi/2 + 2k pi, minima at -pi/2 + 2k pi; of cos at 2k pi and pi + 2k pi.
  const zero = { lo: new A.D(0), hi: new A.U(0) };
  const maxAt = which === 'sin' ? half : zero;
  const minAt = which === 'sin' ? A.neg(half) : P;
  if (mayContain(A, a, maxAt, twoPi)) hi = new A.U(1);
  if (mayContain(A, a, minAt, twoPi)) lo = new A.D(-1);
  return clamp(A, { lo, hi }, -1, 1);
}

function tan(A: IntervalArith, a: Interval): Interval {
  const P = pi(A);
  const half = { lo: A.D.div(P.lo, 2), hi: A.U.div(P.hi, 2) };
  if (mayContain(A, a, half, P)) return A.WHOLE;
  return {
    lo: a.lo.isZero() ? a.lo : margin(A, A.D.tan(a.lo), -1, true),
    hi: a.hi.isZero() ? a.hi : margin(A, A.U.tan(a.hi), 1, true),
  };
}

function cosh(A: IntervalArith, a: Interval): Interval {
  const at = (x: Dec, dir: 1 | -1) => (x.isZero() ? new A.D(1) : margin(A, (dir > 0 ? A.U : A.D).cosh(x), dir, false));
  if (a.lo.gte(0)) return { lo: at(a.lo, -1), hi: at(a.hi, 1) };
  if (a.hi.lte(0)) return { lo: at(a.hi, -1), hi: at(a.lo, 1) };
  const h1 = at(a.lo, 1);
  const h2 = at(a.hi, 1);
  return { lo: new A.D(1), hi: h1.gt(h2) ? h1 : h2 };
}

/** The enclosure of fn(a). Throws RangeError where the argument is certainly outside the domain. */
export function applyFn(A: IntervalArith, name: FnName, a: Interval): Interval {
  const recip = (x: Interval) => A.div(A.ONE, x, name);
  switch (name) {
    case 'exp':
      return A.exp(a);
    case 'log':
      return A.log(a, 'log');
    case 'sqrt':
      return A.sqrt(a, 'sqrt');
    case 'cbrt':
      return A.cbrt(a);
    case 'sin':
      return periodic(A, a, 'sin');
    case 'cos':
      return periodic(A, a, 'cos');
    case 'tan':
      return tan(A, a);
    case 'sec':
      return recip(periodic(A, a, 'cos'));
    case 'csc':
      return recip(periodic(A, a, 'sin'));
    case 'cot':
      return recip(tan(A, a));
    case 'sinh':
      return increasing(A, a, (C, x) => C.sinh(x), true);
    case 'cosh':
      return cosh(A, a);
    case 'tanh':
      return clamp(A, increasing(A, a, (C, x) => C.tanh(x), true), -1, 1);
    case 'sech':
      return recip(cosh(A, a));
    case 'csch':
      return recip(increasing(A, a, (C, x) => C.sinh(x), true));
    case 'coth':
      return recip(clamp(A, increasing(A, a, (C, x) => C.tanh(x), true), -1, 1));
    case 'atan':
      return increasing(A, a, (C, x) => C.atan(x), true);
    case 'asinh':
      return increasing(A, a, (C, x) => C.asinh(x), true);
  }
}

/** pi and e. */
export function constant(A: IntervalArith, name: 'pi' | 'e'): Interval {
  return name === 'pi' ? pi(A) : A.exp(A.ONE);
}
