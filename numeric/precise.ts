/**
 * The `precise` field (README "Claims and arithmetic"): intervals [lo, hi] of decimal.js values with
 * directed rounding. Every operation rounds lo toward -inf and hi toward +inf, so the true
 * value always lies in the interval; a verdict is certified when the interval excludes 0,
 * and `errorBound` reports the width that was left.
 *
 * `IntervalArith` (one per precision) is the shared enclosure kernel: the `exact` field
 * (numeric/real.ts) encloses its irrational nodes with the same code.
 */
import { Decimal } from 'decimal.js';
import type { Field, Num, Sign } from './field.ts';
import { Rational } from './rational.ts';

/** A certified enclosure lo <= x <= hi (endpoints may be +-Infinity when unbounded). */
export interface Interval {
  readonly lo: Decimal;
  readonly hi: Decimal;
}

/** Below this the field would no longer be "precise" in the sense of README "Claims and arithmetic" (>= 50 digits). */
const MIN_PRECISE_DIGITS = 50;

/** Directed-rounding interval operations at a fixed number of significant digits. */
export class IntervalArith {
  readonly digits: number;
  /** Rounds toward -inf (lower ends). */
  readonly D: Decimal.Constructor;
  /** Rounds toward +inf (upper ends). */
  readonly U: Decimal.Constructor;
  readonly ZERO: Interval;
  readonly ONE: Interval;
  readonly WHOLE: Interval;
  /** Relative width of one unit in the last place, as an upper bound: 10^(1 - digits). */
  private readonly ulpRel: Decimal;

  private static readonly cache = new Map<number, IntervalArith>();

  /** The (cached) kernel for `digits` significant digits. */
  static at(digits: number): IntervalArith {
    let a = IntervalArith.cache.get(digits);
    if (!a) {
      a = new IntervalArith(digits);
      IntervalArith.cache.set(digits, a);
    }
    return a;
  }

  private constructor(digits: number) {
    if (!Number.isInteger(digits) || digits < 2 || digits > 1e6)
      throw new RangeError(`IntervalArith: argument digits must be an integer in 2..1e6, got ${digits}`);
    this.digits = digits;
    // toString switches to exponent notation outside 1e-7..1e21: still exact, and readable.
    const base = { precision: digits, toExpNeg: -7, toExpPos: 21, minE: -9e15, maxE: 9e15 };
    this.D = Decimal.clone({ ...base, rounding: Decimal.ROUND_FLOOR });
    this.U = Decimal.clone({ ...base, rounding: Decimal.ROUND_CEIL });
    const z = new this.D(0);
    const o = new this.D(1);
    this.ZERO = { lo: z, hi: z };
    this.ONE = { lo: o, hi: o };
    this.WHOLE = { lo: new this.D(-Infinity), hi: new this.D(Infinity) };
    this.ulpRel = new this.U(10).pow(1 - digits);
  }

  /** Exact point interval of a BigInt. */
  fromBigInt(n: bigint): Interval {
    const d = new this.D(n);
    return { lo: d, hi: d };
  }

  /** Encloses p/q: exact when q divides a power of ten within `digits`, else one rounding each way. */
  fromRational(q: Rational): Interval {
    if (q.den === 1n) return this.fromBigInt(q.num);
    const n = new this.D(q.num);
    const d = new this.D(q.den);
    return { lo: this.D.div(n, d), hi: this.U.div(n, d) };
  }

  /** Exact enclosure of a finite double (a double is a dyadic rational). */
  fromNumber(x: number): Interval {
    return this.fromRational(Rational.fromNumber(x));
  }

  private fix(lo: Decimal, hi: Decimal): Interval {
    // NaN arises only from inf - inf, 0 * inf, inf / inf: fall back to the unbounded side.
    return { lo: lo.isNaN() ? this.WHOLE.lo : lo, hi: hi.isNaN() ? this.WHOLE.hi : hi };
  }

  isFinite(a: Interval): boolean {
    return a.lo.isFinite() && a.hi.isFinite();
  }

  add(a: Interval, b: Interval): Interval {
    return this.fix(this.D.add(a.lo, b.lo), this.U.add(a.hi, b.hi));
  }

  sub(a: Interval, b: Interval): Interval {
    return this.fix(this.D.sub(a.lo, b.hi), this.U.sub(a.hi, b.lo));
  }

  neg(a: Interval): Interval {
    return { lo: a.hi.neg(), hi: a.lo.neg() };
  }

  mul(a: Interval, b: Interval): Interval {
    if (a.lo.gte(0) && b.lo.gte(0)) return this.fix(this.D.mul(a.lo, b.lo), this.U.mul(a.hi, b.hi));
    if (a.lo.eq(a.hi) && b.lo.eq(b.hi)) {
      // point times point (the usual case for lifted inputs): one product each way
      return this.fix(this.D.mul(a.lo, b.lo), this.U.mul(a.lo, b.lo));
    }
    return this.endpointHull(a, b, 'mul');
  }

  /** The hull of op(x, y) over the four endpoint pairs, each rounded outward (a NaN, as from inf * 0, widens to WHOLE's end). */
  private endpointHull(a: Interval, b: Interval, op: 'mul' | 'div'): Interval {
    let lo: Decimal | undefined;
    let hi: Decimal | undefined;
    for (const x of [a.lo, a.hi])
      for (const y of [b.lo, b.hi]) {
        let l = this.D[op](x, y);
        let h = this.U[op](x, y);
        if (l.isNaN()) l = this.WHOLE.lo;
        if (h.isNaN()) h = this.WHOLE.hi;
        if (!lo || l.lt(lo)) lo = l;
        if (!hi || h.gt(hi)) hi = h;
      }
    return { lo: lo!, hi: hi! };
  }

  /** Throws RangeError when b is certainly 0; unbounded when b merely contains 0. */
  div(a: Interval, b: Interval, what = 'div'): Interval {
    if (b.lo.isZero() && b.hi.isZero()) throw new RangeError(`${what}: division by zero (the divisor is exactly 0)`);
    if (b.lo.lte(0) && b.hi.gte(0)) return this.WHOLE;
    return this.endpointHull(a, b, 'div');
  }

  abs(a: Interval): Interval {
    if (a.lo.gte(0)) return a;
    if (a.hi.lte(0)) return this.neg(a);
    const m = a.lo.neg().gt(a.hi) ? a.lo.neg() : a.hi;
    return { lo: this.ZERO.lo, hi: m };
  }

  min(a: Interval, b: Interval): Interval {
    return { lo: a.lo.lt(b.lo) ? a.lo : b.lo, hi: a.hi.lt(b.hi) ? a.hi : b.hi };
  }

  max(a: Interval, b: Interval): Interval {
    return { lo: a.lo.gt(b.lo) ? a.lo : b.lo, hi: a.hi.gt(b.hi) ? a.hi : b.hi };
  }

  /** sqrt is monotone; a certainly negative argument is a RangeError, a straddling one is clipped at 0. */
  sqrt(a: Interval, what = 'sqrt'): Interval {
    if (a.hi.lt(0)) throw new RangeError(`${what}: argument is negative (enclosure [${a.lo}, ${a.hi}])`);
    const lo = a.lo.lte(0) ? this.ZERO.lo : this.D.sqrt(a.lo);
    return { lo, hi: this.U.sqrt(a.hi) };
  }

  /** Real cube root, monotone. Widened by one ulp beyond decimal.js's rounding as a safety margin. */
  cbrt(a: Interval): Interval {
    return { lo: this.down(this.D.cbrt(a.lo)), hi: this.up(this.U.cbrt(a.hi)) };
  }

  exp(a: Interval): Interval {
    // exp(0) = 1 exactly: no safety ulp there
    const lo = a.lo.isZero() ? this.ONE.lo : this.down(this.D.exp(a.lo));
    const hi = a.hi.isZero() ? this.ONE.hi : this.up(this.U.exp(a.hi));
    return { lo, hi };
  }

  /** Natural log, monotone on (0, inf). */
  log(a: Interval, what = 'log'): Interval {
    if (a.hi.lte(0)) throw new RangeError(`${what}: argument must be > 0 (enclosure [${a.lo}, ${a.hi}])`);
    // ln(1) = 0 exactly: no safety ulp there
    const lo = a.lo.lte(0) ? this.WHOLE.lo : a.lo.eq(1) ? this.ZERO.lo : this.down(this.D.ln(a.lo));
    const hi = a.hi.eq(1) ? this.ZERO.hi : this.up(this.U.ln(a.hi));
    return { lo, hi };
  }

  /** a^k for an integer k, by repeated multiplication with directed rounding (decimal.js pow may be 1 ulp off). */
  powInt(a: Interval, k: number, what = 'powInt'): Interval {
    if (!Number.isInteger(k)) throw new RangeError(`${what}: argument k must be an integer, got ${k}`);
    if (k === 0) return this.ONE;
    if (k < 0) return this.div(this.ONE, this.powInt(a, -k, what), what);
    if (k === 1) return a;
    const odd = k % 2 === 1;
    if (a.lo.gte(0)) return { lo: this.posPow(a.lo, k, this.D), hi: this.posPow(a.hi, k, this.U) };
    if (a.hi.lte(0)) {
      const m = { lo: this.posPow(a.hi.neg(), k, this.D), hi: this.posPow(a.lo.neg(), k, this.U) };
      return odd ? this.neg(m) : m;
    }
    // straddles 0
    if (odd) return { lo: this.posPow(a.lo.neg(), k, this.U).neg(), hi: this.posPow(a.hi, k, this.U) };
    const m = a.lo.neg().gt(a.hi) ? a.lo.neg() : a.hi;
    return { lo: this.ZERO.lo, hi: this.posPow(m, k, this.U) };
  }

  /** x^k for x >= 0, every product rounded in the direction of R (monotone, so the bound holds). */
  private posPow(x: Decimal, k: number, R: Decimal.Constructor): Decimal {
    let result = new R(1);
    let base = x;
    let e = k;
    // arithmetic, not bitwise, halving: e >>= 1 would read k >= 2^31 as a 32-bit integer
    while (e > 0) {
      if (e % 2 === 1) result = R.mul(result, base);
      e = Math.floor(e / 2);
      if (e > 0) base = R.mul(base, base);
    }
    return result;
  }

  /** One more ulp down (safety margin for library functions that are "correctly rounded" by documentation only). */
  private down(x: Decimal): Decimal {
    if (!x.isFinite() || x.isZero()) return x;
    return this.D.sub(x, this.U.mul(x.abs(), this.ulpRel));
  }

  private up(x: Decimal): Decimal {
    if (!x.isFinite() || x.isZero()) return x;
    return this.U.add(x, this.U.mul(x.abs(), this.ulpRel));
  }

  sign(a: Interval): Sign {
    if (a.lo.gt(0)) return 1;
    if (a.hi.lt(0)) return -1;
    if (a.lo.isZero() && a.hi.isZero()) return 0;
    return undefined;
  }

  /** The midpoint as the nearest double (display only). */
  toNumber(a: Interval): number {
    if (a.lo.eq(a.hi)) return a.lo.toNumber();
    if (!this.isFinite(a)) return Number.NaN;
    return this.D.add(a.lo, a.hi).div(2).toNumber();
  }

  /** hi - lo as a double rounded up (never understates the error). */
  width(a: Interval): number {
    if (!this.isFinite(a)) return Number.POSITIVE_INFINITY;
    const w = this.U.sub(a.hi, a.lo);
    return upNumber(w);
  }

  /** "[lo, hi]", or one value when lo = hi; each endpoint printed exactly, so it round-trips. */
  format(a: Interval): string {
    return a.lo.eq(a.hi) ? a.lo.toString() : `[${a.lo.toString()}, ${a.hi.toString()}]`;
  }

  /** A shorter enclosure for display: endpoints rounded outward to `sd` significant digits. */
  formatShort(a: Interval, sd: number): string {
    if (a.lo.eq(a.hi) && a.lo.toString().length <= sd + 8) return a.lo.toString();
    const lo = a.lo.isFinite() ? a.lo.toSignificantDigits(sd, Decimal.ROUND_FLOOR) : a.lo;
    const hi = a.hi.isFinite() ? a.hi.toSignificantDigits(sd, Decimal.ROUND_CEIL) : a.hi;
    return `[${lo.toString()}, ${hi.toString()}]`;
  }
}

/** The double nearest above a non-negative decimal (an upper bound as a number). */
function upNumber(d: Decimal): number {
  const n = d.toNumber();
  // compared exactly: d.lte(n) would read n as its shortest decimal (2.9999 for the double 2.99989999999999978...)
  if (!Number.isFinite(n) || Rational.parse(d.toString()).le(Rational.fromNumber(n))) return n;
  return n + Math.max(Math.abs(n) * Number.EPSILON, Number.MIN_VALUE);
}

const fieldCache = new Map<number, Field<Interval>>();
const arithOfField = new WeakMap<Field<Interval>, IntervalArith>();

/** The interval kernel behind a precise field (for functions the Field interface does not have). */
export function arithOf(F: Field<Interval>): IntervalArith | undefined {
  return arithOfField.get(F);
}

/**
 * The precise field at `digits` significant digits (>= 50, README "Claims and arithmetic").
 * Inputs are enclosed exactly where they are exact (integers, doubles, rationals with a
 * terminating expansion) and otherwise by one outward rounding.
 */
export function precise(digits = 60): Field<Interval> {
  if (!Number.isInteger(digits) || digits < MIN_PRECISE_DIGITS)
    throw new RangeError(`precise: argument digits must be an integer >= ${MIN_PRECISE_DIGITS}, got ${digits}`);
  const cached = fieldCache.get(digits);
  if (cached) return cached;
  const A = IntervalArith.at(digits);
  const F: Field<Interval> = {
    mode: 'precise',
    zero: A.ZERO,
    one: A.ONE,
    lift: (x: Num) => (typeof x === 'number' ? A.fromNumber(x) : A.fromRational(x)),
    fromInt: (n) => {
      if (!Number.isInteger(n)) throw new RangeError(`precise.fromInt: argument n must be an integer, got ${n}`);
      return A.fromBigInt(BigInt(n));
    },
    add: (a, b) => A.add(a, b),
    sub: (a, b) => A.sub(a, b),
    mul: (a, b) => A.mul(a, b),
    div: (a, b) => A.div(a, b, 'precise.div'),
    neg: (a) => A.neg(a),
    abs: (a) => A.abs(a),
    min: (a, b) => A.min(a, b),
    max: (a, b) => A.max(a, b),
    sqrt: (a) => A.sqrt(a, 'precise.sqrt'),
    cbrt: (a) => A.cbrt(a),
    powInt: (a, k) => A.powInt(a, k, 'precise.powInt'),
    exp: (a) => A.exp(a),
    log: (a) => A.log(a, 'precise.log'),
    sign: (a) => A.sign(a),
    isZero: (a) => a.lo.isZero() && a.hi.isZero(),
    toNumber: (a) => A.toNumber(a),
    format: (a) => A.format(a),
    errorBound: (a) => A.width(a),
  };
  fieldCache.set(digits, F);
  arithOfField.set(F, A);
  return F;
}
