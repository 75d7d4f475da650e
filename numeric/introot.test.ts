import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cbrtExact, icbrtFast, isqrtFast, sqrtExact } from './introot.ts';
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
