import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cbrtExact, icbrtFast, isqrtFast, ratToNumber, sqrtExact } from './bigmath.ts';
import { Rational } from './rational.ts';

describe('integer roots of big integers', () => {
  it('floor(sqrt) and floor(cbrt) are exact for 1..400-digit integers (quickly)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 400n }), (n) => {
        const s = isqrtFast(n);
        expect(s * s <= n && (s + 1n) * (s + 1n) > n).toBe(true);
        const c = icbrtFast(n);
        expect(c * c * c <= n && (c + 1n) * (c + 1n) * (c + 1n) > n).toBe(true);
      }),
      { numRuns: 300 },
    );
    // the inputs that made a double-guess Newton count up one by one
    const n = 3n * 10n ** 60n + 12345n;
    expect(isqrtFast(n) ** 2n <= n).toBe(true);
    expect(icbrtFast(n) ** 3n <= n).toBe(true);
  });

  it('exact rational roots', () => {
    expect(sqrtExact(Rational.parse('49/100'))?.toString()).toBe('7/10');
    expect(sqrtExact(Rational.parse('2'))).toBeUndefined();
    expect(sqrtExact(Rational.parse('-4'))).toBeUndefined();
    expect(cbrtExact(Rational.parse('-8/27'))?.toString()).toBe('-2/3');
    expect(cbrtExact(Rational.parse('9'))).toBeUndefined();
    const big = Rational.of(10n ** 61n + 7n, 3n);
    expect(sqrtExact(big.mul(big))?.eq(big)).toBe(true);
    expect(cbrtExact(big.pow(3))?.eq(big)).toBe(true);
    expect(icbrtFast(-1n as bigint + 1n)).toBe(0n);
    expect(() => isqrtFast(-1n)).toThrow(/argument n/);
  });
});

describe('ratToNumber', () => {
  it('is within one ulp, also when numerator and denominator exceed 2^1024', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 400n), max: 10n ** 400n }), fc.bigInt({ min: 1n, max: 10n ** 400n }), (n, d) => {
        const q = Rational.of(n, d);
        const x = ratToNumber(q);
        if (!Number.isFinite(x) || x === 0 || Math.abs(x) < 1e-300) return;
        // |x - q| <= 2^-51 |x|, checked in exact rationals
        const err = Rational.fromNumber(x).sub(q).abs();
        expect(err.le(Rational.fromNumber(Math.abs(x) * 2 ** -51))).toBe(true);
      }),
      { numRuns: 300 },
    );
    expect(ratToNumber(Rational.of(3n ** 700n + 1n, 2n ** 1100n + 7n))).toBeCloseTo(711.022056, 5);
    expect(ratToNumber(Rational.of(1n, 3n))).toBe(1 / 3);
    expect(ratToNumber(Rational.of(-(10n ** 400n), 1n))).toBe(-Infinity);
    expect(ratToNumber(Rational.of(1n, 10n ** 400n))).toBe(0);
  });
});
