/**
 * Outward-rounded float64 intervals: the cheap first enclosure of the exact field
 * (numeric/real.ts). Most signs are far from 0 and are certified here in a few nanoseconds
 * per operation; only near-ties go on to decimal enclosures and the algebraic decision.
 *
 * Why the bounds hold: + - * / and sqrt are correctly rounded in IEEE 754, so the exact
 * result r* of an operation on the (exact) endpoints satisfies |r* - r| <= ulp(r)/2 with
 * r the computed double. dn(r) = r - |r| 2^-50 - MIN_VALUE lies below r* (|r| 2^-50 >= 4 ulp(r)
 * for normal r, MIN_VALUE covers subnormals and 0, and the final subtraction's own rounding
 * is at most half an ulp); up(r) mirrors it. Math.cbrt is not guaranteed to be correctly
 * rounded, so its results get a 2^-40 relative margin (thousands of ulps). Overflow and
 * NaN (inf - inf, 0 * inf) map to the unbounded side.
 */
import { ratToNumber } from './bigmath.ts';
import type { Rational } from './rational.ts';

const EPS = 2 ** -50;
const EPS_CBRT = 2 ** -40;
const TINY = Number.MIN_VALUE;

export function dn(x: number, eps = EPS): number {
  if (x === Number.POSITIVE_INFINITY) return Number.MAX_VALUE;
  if (!(x > Number.NEGATIVE_INFINITY)) return Number.NEGATIVE_INFINITY; // -inf and NaN
  return x - Math.abs(x) * eps - TINY;
}

export function up(x: number, eps = EPS): number {
  if (x === Number.NEGATIVE_INFINITY) return -Number.MAX_VALUE;
  if (!(x < Number.POSITIVE_INFINITY)) return Number.POSITIVE_INFINITY; // +inf and NaN
  return x + Math.abs(x) * eps + TINY;
}

/** A certified enclosure [lo, hi] as a pair of doubles. */
export type F64Interval = readonly [number, number];

export const WHOLE_F64: F64Interval = [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY];

/** Encloses a rational: a point for integers and dyadics that are doubles, else +-4 ulps. */
export function fromRationalF64(q: Rational): F64Interval {
  const x = ratToNumber(q);
  // x is exact when num and den are exactly representable and den is a power of two <= 2^1023
  if (q.den === 1n && Number.isFinite(x) && BigInt(x) === q.num) return [x, x];
  return [dn(x), up(x)];
}

export function addF64(a: F64Interval, b: F64Interval): F64Interval {
  return [dn(a[0] + b[0]), up(a[1] + b[1])];
}

export function subF64(a: F64Interval, b: F64Interval): F64Interval {
  return [dn(a[0] - b[1]), up(a[1] - b[0])];
}

export function negF64(a: F64Interval): F64Interval {
  return [-a[1], -a[0]];
}

export function mulF64(a: F64Interval, b: F64Interval): F64Interval {
  if (a[0] >= 0 && b[0] >= 0) return [dn(a[0] * b[0]), up(a[1] * b[1])];
  const p1 = a[0] * b[0];
  const p2 = a[0] * b[1];
  const p3 = a[1] * b[0];
  const p4 = a[1] * b[1];
  // NaN (0 * inf) must widen: min/max would propagate it, and dn/up turn it into +-inf
  return [Math.min(dn(p1), dn(p2), dn(p3), dn(p4)), Math.max(up(p1), up(p2), up(p3), up(p4))];
}

export function divF64(a: F64Interval, b: F64Interval): F64Interval {
  if (!(b[0] > 0 || b[1] < 0)) return WHOLE_F64;
  const p1 = a[0] / b[0];
  const p2 = a[0] / b[1];
  const p3 = a[1] / b[0];
  const p4 = a[1] / b[1];
  return [Math.min(dn(p1), dn(p2), dn(p3), dn(p4)), Math.max(up(p1), up(p2), up(p3), up(p4))];
}

export function absF64(a: F64Interval): F64Interval {
  if (a[0] >= 0) return a;
  if (a[1] <= 0) return [-a[1], -a[0]];
  return [0, Math.max(-a[0], a[1])];
}

export function minF64(a: F64Interval, b: F64Interval): F64Interval {
  return [Math.min(a[0], b[0]), Math.min(a[1], b[1])];
}

export function maxF64(a: F64Interval, b: F64Interval): F64Interval {
  return [Math.max(a[0], b[0]), Math.max(a[1], b[1])];
}

/** sqrt over the part of a that is >= 0 (a certainly negative argument is the caller's error). */
export function sqrtF64(a: F64Interval): F64Interval {
  if (a[1] < 0) return WHOLE_F64;
  return [a[0] <= 0 ? 0 : Math.max(0, dn(Math.sqrt(a[0]))), up(Math.sqrt(a[1]))];
}

export function cbrtF64(a: F64Interval): F64Interval {
  return [dn(Math.cbrt(a[0]), EPS_CBRT), up(Math.cbrt(a[1]), EPS_CBRT)];
}

/** x^k for x >= 0 by repeated multiplication, each product rounded outward in one direction. */
function posPow(x: number, k: number, round: (y: number) => number): number {
  let result = 1;
  let base = x;
  let e = k;
  while (e > 0) {
    if (e & 1) result = round(result * base);
    e >>= 1;
    if (e > 0) base = round(base * base);
  }
  return result;
}

export function powF64(a: F64Interval, k: number): F64Interval {
  if (k === 0) return [1, 1];
  if (k < 0) return divF64([1, 1], powF64(a, -k));
  if (k === 1) return a;
  const odd = k % 2 === 1;
  // dn/up can push a bound of a non-negative quantity just below 0: clamp
  const pd = (x: number) => Math.max(0, posPow(x, k, dn));
  const pu = (x: number) => posPow(x, k, up);
  if (a[0] >= 0) return [pd(a[0]), pu(a[1])];
  if (a[1] <= 0) return odd ? [-pu(-a[0]), -pd(-a[1])] : [pd(-a[1]), pu(-a[0])];
  if (odd) return [-pu(-a[0]), pu(a[1])];
  return [0, pu(Math.max(-a[0], a[1]))];
}

export function signF64(a: F64Interval): -1 | 1 | undefined {
  if (a[0] > 0) return 1;
  if (a[1] < 0) return -1;
  return undefined;
}
