/**
 * numeric/rational.ts against independent oracles: BigInt cross-multiplication for the field
 * operations and the order, brute force for the integer roots and simplestBetween, the bit
 * pattern of the double for fromNumber, and the neighbouring doubles for toNumber.
 * Each property counts its non-trivial cases (a non-zero operand, a reduced fraction, ...).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bitLength, gcd, icbrt, isqrt, Rational, simplestBetween } from './rational.ts';

/** num/den with small parts: equal denominators (the fast path of add/sub) come up often. */
const ratArb = fc.tuple(fc.bigInt({ min: -40n, max: 40n }), fc.bigInt({ min: -6n, max: 6n }).filter((d) => d !== 0n));

/** Lowest terms with a positive denominator, and the value n/d (cross-multiplied). */
function expectNormalised(r: Rational, n: bigint, d: bigint): void {
  expect(r.den > 0n).toBe(true);
  expect(gcd(r.num, r.den)).toBe(1n);
  expect(r.num * d).toBe(n * r.den);
}

describe('Rational: lowest terms, positive denominator', () => {
  it('Rational.of reduces and moves the sign to the numerator', () => {
    let reduced = 0;
    let negDen = 0;
    fc.assert(
      fc.property(ratArb, ([n, d]) => {
        const r = Rational.of(n, d);
        expectNormalised(r, n, d);
        if (gcd(n, d) !== 1n) reduced++;
        if (d < 0n && n !== 0n) negDen++;
      }),
      { numRuns: 200 },
    );
    expect(reduced).toBeGreaterThan(20);
    expect(negDen).toBeGreaterThan(20);
    expect(Rational.of(0, -5).toString()).toBe('0');
    expect(Rational.of(6, -4).toString()).toBe('-3/2');
    expect(Rational.of(-6, -4).toString()).toBe('3/2');
    expect(Rational.of(-7n).toString()).toBe('-7');
    expect(() => Rational.of(1, 0)).toThrow(RangeError);
    expect(() => Rational.of(1.5)).toThrow(/num must be an integer/);
    expect(() => Rational.of(1, 0.5)).toThrow(/den must be an integer/);
  });

  it('gcd, bitLength', () => {
    expect(gcd(-12n, 18n)).toBe(6n);
    expect(gcd(12n, -18n)).toBe(6n);
    expect(gcd(0n, -7n)).toBe(7n);
    expect(gcd(-7n, 0n)).toBe(7n);
    expect([0n, 1n, 2n, 255n, 256n].map(bitLength)).toEqual([0, 1, 2, 8, 9]);
  });
});

describe('Rational: arithmetic and order against cross-multiplication', () => {
  it('add, sub, mul, div, neg, abs, inv, pow, sign, cmp, eq, lt, le', () => {
    let nonTrivial = 0;
    let sameDen = 0;
    fc.assert(
      fc.property(ratArb, ratArb, fc.integer({ min: -3, max: 3 }), ([an, ad], [bn, bd], k) => {
        const a = Rational.of(an, ad);
        const b = Rational.of(bn, bd);
        if (!a.isZero() && !b.isZero() && !a.eq(b)) nonTrivial++;
        if (a.den === b.den && a.den !== 1n) sameDen++;
        // a = an/ad, b = bn/bd
        expectNormalised(a.add(b), an * bd + bn * ad, ad * bd);
        expectNormalised(a.sub(b), an * bd - bn * ad, ad * bd);
        expectNormalised(a.mul(b), an * bn, ad * bd);
        if (bn !== 0n) expectNormalised(a.div(b), an * bd, ad * bn);
        else expect(() => a.div(b)).toThrow(RangeError);
        expectNormalised(a.neg(), -an, ad);
        expectNormalised(a.abs(), an < 0n ? -an : an, ad < 0n ? -ad : ad);
        if (an !== 0n) {
          expectNormalised(a.inv(), ad, an);
          const kk = BigInt(Math.abs(k));
          if (k >= 0) expectNormalised(a.pow(k), an ** kk, ad ** kk);
          else expectNormalised(a.pow(k), ad ** kk, an ** kk);
        }
        const sgn = (x: bigint): number => (x < 0n ? -1 : x > 0n ? 1 : 0);
        expect(a.sign()).toBe(sgn(an) * sgn(ad) + 0);
        expect(a.isZero()).toBe(an === 0n);
        // a - b has the sign of (an bd - bn ad) * ad * bd
        const c = sgn(an * bd - bn * ad) * sgn(ad * bd) + 0;
        expect(a.cmp(b)).toBe(c);
        expect(a.eq(b)).toBe(c === 0);
        expect(a.lt(b)).toBe(c < 0);
        expect(a.le(b)).toBe(c <= 0);
      }),
      { numRuns: 300 },
    );
    expect(nonTrivial).toBeGreaterThan(150);
    expect(sameDen).toBeGreaterThan(10);
    expect(() => Rational.of(2).pow(0.5)).toThrow(RangeError);
    expect(Rational.of(5).pow(0).toString()).toBe('1');
  });
});

/** The double next to x towards +infinity (x finite). */
function nextUp(x: number): number {
  if (x === 0) return Number.MIN_VALUE;
  const v = new DataView(new ArrayBuffer(8));
  v.setFloat64(0, x);
  v.setBigUint64(0, v.getBigUint64(0) + (x > 0 ? 1n : -1n));
  return v.getFloat64(0);
}
const nextDown = (x: number): number => -nextUp(-x);

describe('Rational: exact conversions from and to doubles and text', () => {
  it('fromNumber is exact: a dyadic fraction in lowest terms that converts back to the same double', () => {
    let fractional = 0;
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        const r = Rational.fromNumber(x);
        expect(r.den > 0n && (r.den & (r.den - 1n)) === 0n).toBe(true); // a power of 2
        expect(gcd(r.num, r.den)).toBe(1n);
        expect(r.toNumber()).toBe(x === 0 ? 0 : x);
        expect(r.sign()).toBe(x < 0 ? -1 : x > 0 ? 1 : 0);
        if (r.den > 1n) {
          fractional++;
          // halving the denominator loses the value: the last bit of the numerator is odd
          expect(r.num % 2n !== 0n).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
    expect(fractional).toBeGreaterThan(100);
    expect(Rational.fromNumber(-0.75).toString()).toBe('-3/4');
    expect(Rational.fromNumber(0.1).toString()).toBe('3602879701896397/36028797018963968');
    expect(Rational.fromNumber(Number.MIN_VALUE).eq(Rational.of(1n, 1n << 1074n))).toBe(true); // subnormal
    expect(Rational.fromNumber(-3 * Number.MIN_VALUE).eq(Rational.of(-3n, 1n << 1074n))).toBe(true);
    expect(Rational.fromNumber(2 ** -1022).eq(Rational.of(1n, 1n << 1022n))).toBe(true); // smallest normal
    expect(Rational.fromNumber(1.5 * 2 ** 60).toString()).toBe((3n << 59n).toString());
    expect(Rational.fromNumber(Number.MAX_VALUE).num).toBe(((1n << 53n) - 1n) << 971n);
    expect(() => Rational.fromNumber(Infinity)).toThrow(RangeError);
    expect(() => Rational.fromNumber(Number.NaN)).toThrow(RangeError);
  });

  it('toNumber is within one ulp for huge and tiny numerators and denominators', () => {
    let big = 0;
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(1n << 2100n), max: 1n << 2100n }),
        fc.bigInt({ min: 1n, max: 1n << 2100n }),
        (n, d) => {
          const r = Rational.of(n, d);
          const x = r.toNumber();
          if (bitLength(r.num < 0n ? -r.num : r.num) > 53 || bitLength(r.den) > 53) big++;
          if (!Number.isFinite(x)) {
            // overflow only when the value is at least the largest double
            expect(r.abs().le(Rational.fromNumber(Number.MAX_VALUE))).toBe(false);
            return;
          }
          if (x === 0) {
            expect(r.abs().lt(Rational.fromNumber(Number.MIN_VALUE))).toBe(true);
            return;
          }
          expect(Math.sign(x)).toBe(r.sign());
          expect(Rational.fromNumber(nextDown(x)).lt(r)).toBe(true);
          expect(r.lt(Rational.fromNumber(nextUp(x)))).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
    expect(big).toBeGreaterThan(150);
    expect(Rational.of(1n, 3n).toNumber()).toBe(1 / 3);
    expect(Rational.of(-(10n ** 400n) - 1n, 3n * 10n ** 400n).toNumber()).toBe(-1 / 3);
    expect(Rational.of(1n, 10n ** 400n).toNumber()).toBe(0);
    expect(Rational.of(10n ** 400n).toNumber()).toBe(Infinity);
    expect(Rational.of(-(10n ** 400n)).toNumber()).toBe(-Infinity);
    expect(Rational.of(3n * 2n ** 1100n, 2n ** 1100n + 1n).toNumber()).toBe(3);
    expect(Rational.of(2n ** 1100n + 1n, 2n ** 2100n).toNumber()).toBe(2 ** -1000);
    expect(Rational.of(2n ** 2100n, 2n ** 1100n + 1n).toNumber()).toBe(2 ** 1000);
    expect(Rational.of(2n ** 1100n + 1n, 2n ** 2170n).toNumber()).toBe(2 ** -1070); // subnormal result
  });

  it('parse round-trips toString and reads decimals exactly', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), fc.bigInt({ min: 1n, max: 10n ** 20n }), (n, d) => {
        const r = Rational.of(n, d);
        expect(Rational.parse(r.toString()).eq(r)).toBe(true);
        expect(JSON.stringify(r)).toBe(JSON.stringify(r.toString()));
      }),
      { numRuns: 100 },
    );
    const cases: [string, string][] = [
      ['-1.25', '-5/4'],
      ['3e-2', '3/100'],
      ['3E2', '300'],
      ['+7', '7'],
      ['.5', '1/2'],
      ['5.', '5'],
      ['-.5e1', '-5'],
      ['1.5e+1', '15'],
      [' 6 / -4 ', '-3/2'],
      ['-6/-4', '3/2'],
      ['0.000', '0'],
      ['-0', '0'],
      ['1/+2', '1/2'],
      ['\t-3e+0 ', '-3'],
    ];
    for (const [s, want] of cases) expect(Rational.parse(s).toString(), s).toBe(want);
    for (const bad of ['', '.', 'e5', '-', '1/', '/2', '1.2.3', '1e', 'abc', '1/2/3', '0x10', 'Infinity', 'a1/2', '1/2x', '1 x/ 2', 'x1.5', '1.5x', '1e+'])
      expect(() => Rational.parse(bad), bad).toThrow(SyntaxError);
    expect(() => Rational.parse('1/0')).toThrow(RangeError);
  });
});

describe('Rational: exact roots and the simplest rational between two bounds', () => {
  it('isqrt and icbrt are floors of the roots, below and above 2^52', () => {
    fc.assert(
      fc.property(fc.oneof(fc.bigInt({ min: 0n, max: 1n << 60n }), fc.bigInt({ min: 0n, max: 1n << 300n })), (n) => {
        const s = isqrt(n);
        expect(s * s <= n && n < (s + 1n) * (s + 1n)).toBe(true);
        const c = icbrt(n);
        expect(c * c * c <= n && n < (c + 1n) ** 3n).toBe(true);
      }),
      { numRuns: 200 },
    );
    for (const k of [1n, 2n, 3n, (1n << 26n) + 1n, 1n << 40n, (1n << 80n) + 7n]) {
      for (const n of [k * k - 1n, k * k, k * k + 1n]) {
        const s = isqrt(n);
        expect(s * s <= n && n < (s + 1n) * (s + 1n), `isqrt ${n}`).toBe(true);
      }
      for (const n of [k ** 3n - 1n, k ** 3n, k ** 3n + 1n]) {
        const c = icbrt(n);
        expect(c ** 3n <= n && n < (c + 1n) ** 3n, `icbrt ${n}`).toBe(true);
      }
    }
    expect(() => isqrt(-1n)).toThrow(RangeError);
    expect(() => icbrt(-1n)).toThrow(RangeError);
  });

  it('sqrtExact and cbrtExact find rational roots and only those', () => {
    let found = 0;
    fc.assert(
      fc.property(ratArb, fc.integer({ min: -3, max: 3 }), ([n, d], k) => {
        const r = Rational.of(n, d);
        const sq = r.mul(r);
        expect(sq.sqrtExact()?.eq(r.abs())).toBe(true);
        expect(sq.mul(r).cbrtExact()?.eq(r)).toBe(true);
        // perturbed: a root only if the perturbed value really is a square/cube
        const p = sq.add(Rational.of(k, 7));
        const s = p.sqrtExact();
        if (s !== undefined) {
          found++;
          expect(s.sign() >= 0 && s.mul(s).eq(p)).toBe(true);
        }
        const c = p.cbrtExact();
        if (c !== undefined) expect(c.mul(c).mul(c).eq(p)).toBe(true);
      }),
      { numRuns: 200 },
    );
    expect(found).toBeGreaterThan(0);
    for (const s of ['2', '2/9', '4/3', '-4', '3/4'])
      expect(Rational.parse(s).sqrtExact(), s).toBeUndefined();
    for (const s of ['2', '2/27', '8/9', '-16'])
      expect(Rational.parse(s).cbrtExact(), s).toBeUndefined();
    expect(Rational.parse('-8/27').cbrtExact()?.toString()).toBe('-2/3');
    expect(Rational.parse('0').sqrtExact()?.toString()).toBe('0');
  });

  it('simplestBetween agrees with a brute-force search over small denominators', () => {
    /** The rational in [lo, hi] with the smallest denominator, then the smallest |numerator|. */
    function brute(lo: Rational, hi: Rational): Rational {
      const floorDiv = (a: bigint, b: bigint): bigint => (a % b !== 0n && a < 0n ? a / b - 1n : a / b); // b > 0
      for (let q = 1n; ; q++) {
        const pMax = floorDiv(hi.num * q, hi.den); // p/q <= hi
        const pMin = -floorDiv(-lo.num * q, lo.den); // p/q >= lo
        if (pMin <= pMax) return Rational.of(pMin > 0n ? pMin : pMax < 0n ? pMax : 0n, q);
      }
    }
    let fractionalAnswer = 0;
    fc.assert(
      fc.property(ratArb, ratArb, ([an, ad], [bn, bd]) => {
        // a narrow interval [lo, lo + |b|/50]: the answer is usually a fraction
        const lo = Rational.of(an, ad * 7n);
        const hi = lo.add(Rational.of(bn < 0n ? -bn : bn, bd * bd * 50n));
        const s = simplestBetween(lo, hi);
        expect(s.eq(brute(lo, hi)), `${lo} ${hi} -> ${s}`).toBe(true);
        if (s.den > 1n) fractionalAnswer++;
      }),
      { numRuns: 200 },
    );
    expect(fractionalAnswer).toBeGreaterThan(60);
    expect(simplestBetween(Rational.parse('1/3'), Rational.parse('1/3')).toString()).toBe('1/3');
    expect(simplestBetween(Rational.parse('-5/7'), Rational.parse('-2/3')).toString()).toBe('-2/3');
    expect(simplestBetween(Rational.parse('2'), Rational.parse('5/2')).toString()).toBe('2');
    expect(simplestBetween(Rational.parse('3/2'), Rational.parse('5/2')).toString()).toBe('2');
    expect(simplestBetween(Rational.parse('-1/2'), Rational.parse('0')).toString()).toBe('0');
    expect(() => simplestBetween(Rational.ONE, Rational.ZERO)).toThrow(RangeError);
  });
});
