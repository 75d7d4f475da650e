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
