import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as I from './interval-f64.ts';
import { Rational } from './rational.ts';

/** lo <= x <= hi in exact rationals (infinite ends always hold). */
function contains(a: I.F64Interval, x: Rational): boolean {
  const okLo = a[0] === Number.NEGATIVE_INFINITY || (Number.isFinite(a[0]) && Rational.fromNumber(a[0]).le(x));
  const okHi = a[1] === Number.POSITIVE_INFINITY || (Number.isFinite(a[1]) && x.le(Rational.fromNumber(a[1])));
  return okLo && okHi;
}

// rationals over a wide range of magnitudes (1e-320 .. 1e300), with non-dyadic denominators
const rat = fc
  .tuple(fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), fc.bigInt({ min: 1n, max: 10n ** 20n }), fc.integer({ min: -300, max: 280 }))
  .map(([n, d, e]) => (e >= 0 ? Rational.of(n * 10n ** BigInt(e), d) : Rational.of(n, d * 10n ** BigInt(-e))));
const interval = fc.tuple(rat, rat).map(([x, y]) => (x.le(y) ? [x, y] : [y, x]) as [Rational, Rational]);
const frac = fc.integer({ min: 0, max: 1000 }).map((k) => Rational.of(k, 1000));

function enclose([x, y]: [Rational, Rational]): I.F64Interval {
  return [I.fromRationalF64(x)[0], I.fromRationalF64(y)[1]];
}

describe('float64 intervals enclose the exact result', () => {
  it('rationals, + - * / on points of wide intervals', () => {
    fc.assert(
      fc.property(interval, interval, frac, frac, (A, B, s, t) => {
        const X = enclose(A);
        const Y = enclose(B);
        const x = A[0].add(A[1].sub(A[0]).mul(s));
        const y = B[0].add(B[1].sub(B[0]).mul(t));
        expect(contains(X, x)).toBe(true);
        expect(contains(I.addF64(X, Y), x.add(y))).toBe(true);
        expect(contains(I.subF64(X, Y), x.sub(y))).toBe(true);
        expect(contains(I.mulF64(X, Y), x.mul(y))).toBe(true);
        if (!y.isZero()) expect(contains(I.divF64(X, Y), x.div(y))).toBe(true);
        expect(contains(I.absF64(X), x.abs())).toBe(true);
        expect(contains(I.minF64(X, Y), x.le(y) ? x : y)).toBe(true);
        expect(contains(I.maxF64(X, Y), x.le(y) ? y : x)).toBe(true);
      }),
      { numRuns: 400 },
    );
  });

  it('sqrt, cbrt and integer powers', () => {
    fc.assert(
      fc.property(rat, fc.integer({ min: -4, max: 6 }), (a, k) => {
        const A = I.fromRationalF64(a);
        const r = I.sqrtF64(I.fromRationalF64(a.abs()));
        // lo^2 <= |a| <= hi^2
        if (Number.isFinite(r[1])) {
          expect(Rational.fromNumber(r[0]).pow(2).le(a.abs())).toBe(true);
          expect(a.abs().le(Rational.fromNumber(r[1]).pow(2))).toBe(true);
        }
        const c = I.cbrtF64(A);
        if (Number.isFinite(c[0]) && Number.isFinite(c[1])) {
          expect(Rational.fromNumber(c[0]).pow(3).le(a)).toBe(true);
          expect(a.le(Rational.fromNumber(c[1]).pow(3))).toBe(true);
        }
        if (!(k < 0 && a.isZero())) expect(contains(I.powF64(A, k), a.pow(k))).toBe(true);
      }),
      { numRuns: 400 },
    );
  });

  it('signs, overflow and exact points', () => {
    expect(I.fromRationalF64(Rational.of(12345))).toEqual([12345, 12345]);
    expect(I.signF64(I.fromRationalF64(Rational.of(1n, 10n ** 330n)))).toBeUndefined(); // rounds to 0: no sign here
    const sub = Rational.of(1n, 10n ** 320n); // subnormal: still enclosed, and positive
    expect(contains(I.fromRationalF64(sub), sub)).toBe(true);
    expect(I.signF64(I.fromRationalF64(sub))).toBe(1);
    expect(I.signF64(I.fromRationalF64(Rational.of(1, 3)))).toBe(1);
    const huge = I.fromRationalF64(Rational.of(10n ** 400n));
    expect(huge[0]).toBe(Number.MAX_VALUE);
    expect(huge[1]).toBe(Number.POSITIVE_INFINITY);
    expect(I.divF64([1, 1], [-1, 1])).toEqual(I.WHOLE_F64);
    // 0 * inf widens instead of producing NaN
    const w = I.mulF64([0, 0], [1, Number.POSITIVE_INFINITY]);
    expect(w[0] <= 0 && w[1] >= 0 && !Number.isNaN(w[0]) && !Number.isNaN(w[1])).toBe(true);
  });
});

/** [lo, hi] encloses [x, y] and overshoots it by at most 2^-47 relative (plus a few subnormal steps). */
function expectTight(a: I.F64Interval, x: Rational, y: Rational = x): void {
  expect(contains(a, x) && contains(a, y), `[${a}] encloses [${x.toNumber()}, ${y.toNumber()}]`).toBe(true);
  const slack = (r: Rational) => r.abs().mul(Rational.of(1n, 1n << 47n)).add(Rational.fromNumber(4 * Number.MIN_VALUE));
  expect(Number.isFinite(a[0]) && x.sub(Rational.fromNumber(a[0])).le(slack(x)), `lo ${a[0]} close to ${x.toNumber()}`).toBe(true);
  expect(Number.isFinite(a[1]) && Rational.fromNumber(a[1]).sub(y).le(slack(y)), `hi ${a[1]} close to ${y.toNumber()}`).toBe(true);
}

describe('float64 intervals are tight: a few ulps beyond the exact range, never wider', () => {
  const small = fc.integer({ min: -12, max: 12 });
  const iv = fc.tuple(small, small).map(([x, y]) => (x <= y ? [x, y] : [y, x]) as [number, number]);
  const R = (x: number) => Rational.fromNumber(x);
  const hull = (xs: Rational[]): [Rational, Rational] => [xs.reduce((m, v) => (v.lt(m) ? v : m)), xs.reduce((m, v) => (m.lt(v) ? v : m))];

  it('+ - * / abs min max on small integer intervals against the exact hull of the endpoint results', () => {
    let straddling = 0;
    fc.assert(
      fc.property(iv, iv, (A, B) => {
        const [a0, a1] = A.map(R) as [Rational, Rational];
        const [b0, b1] = B.map(R) as [Rational, Rational];
        if (A[0] < 0 && A[1] > 0 && B[0] < 0 && B[1] > 0) straddling++;
        expectTight(I.addF64(A, B), a0.add(b0), a1.add(b1));
        expectTight(I.subF64(A, B), a0.sub(b1), a1.sub(b0));
        expect(I.negF64(A)).toEqual([-A[1], -A[0]]);
        expectTight(I.mulF64(A, B), ...hull([a0.mul(b0), a0.mul(b1), a1.mul(b0), a1.mul(b1)]));
        if (B[0] > 0 || B[1] < 0) expectTight(I.divF64(A, B), ...hull([a0.div(b0), a0.div(b1), a1.div(b0), a1.div(b1)]));
        else expect(I.divF64(A, B)).toEqual(I.WHOLE_F64);
        const absLo = A[0] >= 0 ? a0 : A[1] <= 0 ? a1.neg() : Rational.ZERO;
        expectTight(I.absF64(A), absLo, a0.abs().lt(a1.abs()) ? a1.abs() : a0.abs());
        expectTight(I.minF64(A, B), hull([a0, b0])[0], hull([a1, b1])[0]);
        expectTight(I.maxF64(A, B), hull([a0, b0])[1], hull([a1, b1])[1]);
      }),
      { numRuns: 300 },
    );
    expect(straddling).toBeGreaterThan(30);
  });

  it('sqrt, cbrt and integer powers of small integer intervals', () => {
    let mixed = 0;
    fc.assert(
      fc.property(iv, fc.integer({ min: -3, max: 5 }), (A, k) => {
        const [a0, a1] = A.map(R) as [Rational, Rational];
        if (A[0] < 0 && A[1] > 0) mixed++;
        if (A[1] >= 0) {
          const s = I.sqrtF64(A);
          // lo^2 <= max(a0, 0) and hi^2 >= a1, each within 2^-45 relative
          expect(s[0] >= 0 && R(s[0]).pow(2).le(A[0] > 0 ? a0 : Rational.ZERO)).toBe(true);
          expect(A[0] <= 0 ? s[0] === 0 : a0.le(R(s[0]).pow(2).mul(Rational.of(1n + (1n << 45n), 1n << 45n)))).toBe(true);
          expect(a1.le(R(s[1]).pow(2)) && R(s[1]).pow(2).le(a1.mul(Rational.of(1n + (1n << 45n), 1n << 45n)).add(R(1e-300)))).toBe(true);
        } else expect(I.sqrtF64(A)).toEqual(I.WHOLE_F64);
        const c = I.cbrtF64(A);
        expect(R(c[0]).pow(3).le(a0) && a1.le(R(c[1]).pow(3))).toBe(true);
        expect(c[1] - c[0]).toBeLessThanOrEqual(Math.cbrt(A[1]) - Math.cbrt(A[0]) + 2 ** -35 * (Math.abs(Math.cbrt(A[0])) + Math.abs(Math.cbrt(A[1]))) + 1e-300);
        if (k < 0 && A[0] <= 0 && A[1] >= 0) return;
        const pw = [a0.pow(k), a1.pow(k)];
        // the exact range of x^k over [a0, a1]: the endpoints, plus 0 for an even power of a straddling interval
        const ends = A[0] < 0 && A[1] > 0 && k > 0 && k % 2 === 0 ? [...pw, Rational.ZERO] : pw;
        expectTight(I.powF64(A, k), ...hull(ends));
      }),
      { numRuns: 300 },
    );
    expect(mixed).toBeGreaterThan(30);
    expect(I.powF64([-3, 2], 0)).toEqual([1, 1]);
    expect(I.powF64([-3, 2], 1)).toEqual([-3, 2]);
  });

  it('dn and up on the edges: infinities, NaN, zero and subnormals', () => {
    expect(I.dn(Number.POSITIVE_INFINITY)).toBe(Number.MAX_VALUE);
    expect(I.dn(Number.NEGATIVE_INFINITY)).toBe(Number.NEGATIVE_INFINITY);
    expect(I.dn(Number.NaN)).toBe(Number.NEGATIVE_INFINITY);
    expect(I.up(Number.NEGATIVE_INFINITY)).toBe(-Number.MAX_VALUE);
    expect(I.up(Number.POSITIVE_INFINITY)).toBe(Number.POSITIVE_INFINITY);
    expect(I.up(Number.NaN)).toBe(Number.POSITIVE_INFINITY);
    expect(I.dn(0)).toBe(-Number.MIN_VALUE);
    expect(I.up(0)).toBe(Number.MIN_VALUE);
    for (const x of [1, -1, 1e300, -1e-300, Number.MIN_VALUE, -Number.MAX_VALUE / 2]) {
      expect(I.dn(x) < x && x < I.up(x)).toBe(true);
      expect(x - I.dn(x)).toBeLessThanOrEqual(Math.abs(x) * 2 ** -49 + 2 * Number.MIN_VALUE);
      expect(I.up(x) - x).toBeLessThanOrEqual(Math.abs(x) * 2 ** -49 + 2 * Number.MIN_VALUE);
    }
    expect(I.signF64([0, 1])).toBeUndefined();
    expect(I.signF64([-1, 0])).toBeUndefined();
    expect(I.signF64([Number.MIN_VALUE, 1])).toBe(1);
    expect(I.signF64([-1, -Number.MIN_VALUE])).toBe(-1);
    // 2^53 + 1 is an integer that no double holds: an enclosure, not a wrong point
    const odd = Rational.of((1n << 53n) + 1n);
    const e = I.fromRationalF64(odd);
    expect(e[0] < e[1] && contains(e, odd)).toBe(true);
    expect(I.fromRationalF64(Rational.of(-7))).toEqual([-7, -7]);
  });
});
