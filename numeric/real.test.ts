import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { ModeError } from './field.ts';
import { icbrtFast as icbrt, isqrtFast as isqrt } from './bigmath.ts';
import { Rational } from './rational.ts';
import { decideSign, enclose, exact as F, getExactPrecision, isRational, setExactPrecision, type Real } from './real.ts';

const q = (s: string): Rational => Rational.parse(s);
const sqrt = (x: string | Real): Real => F.sqrt(typeof x === 'string' ? q(x) : x);
const cbrt = (x: string | Real): Real => F.cbrt(typeof x === 'string' ? q(x) : x);

/** floor(sqrt(b) * 10^d) / 10^d and that plus 10^-d: rationals just below / above sqrt(b). */
function sqrtBracket(b: bigint, d: number): [Rational, Rational] {
  const s = 10n ** BigInt(d);
  const f = isqrt(b * s * s);
  return [Rational.of(f, s), Rational.of(f + 1n, s)];
}

function cbrtBracket(b: bigint, d: number): [Rational, Rational] {
  const s = 10n ** BigInt(d);
  const f = icbrt(b * s * s * s);
  return [Rational.of(f, s), Rational.of(f + 1n, s)];
}

const saved = getExactPrecision();
afterEach(() => {
  setExactPrecision(saved);
});

describe('exact field: rational fast path', () => {
  it('keeps rationals rational', () => {
    const a = F.add(q('1/3'), F.mul(q('2/5'), q('-7')));
    expect(isRational(a)).toBe(true);
    expect(F.format(a)).toBe('-37/15');
    expect(F.format(F.div(q('1'), q('3')))).toBe('1/3');
    expect(F.format(F.powInt(q('2/3'), -3))).toBe('27/8');
    expect(F.format(F.min(q('1/2'), q('1/3')))).toBe('1/3');
    expect(F.format(F.max(q('1/2'), q('1/3')))).toBe('1/2');
    expect(F.format(F.abs(q('-4/9')))).toBe('4/9');
    expect(F.format(F.neg(q('4/9')))).toBe('-4/9');
    expect(F.errorBound(a)).toBe(0);
    expect(F.lift(0.1)).toEqual(Rational.fromNumber(0.1));
  });

  it('sqrt/cbrt of perfect squares/cubes stay rational; sqrt(0) = 0', () => {
    expect(F.format(sqrt('9/4'))).toBe('3/2');
    expect(F.format(cbrt('-27/8'))).toBe('-3/2');
    expect(F.format(sqrt('0'))).toBe('0');
    expect(isRational(sqrt('2'))).toBe(false);
  });

  it('0.1 + 0.2 = 0.3 exactly from decimal strings (float64 says no)', () => {
    expect(F.isZero(F.sub(F.add(q('0.1'), q('0.2')), q('0.3')))).toBe(true);
    expect(0.1 + 0.2 - 0.3 === 0).toBe(false);
  });

  it('errors name the argument', () => {
    expect(() => sqrt('-1/2')).toThrow(/exact\.sqrt: argument is negative \(-1\/2\)/);
    expect(() => F.sqrt(F.sub(q('1'), sqrt('2')))).toThrow(RangeError);
    expect(() => F.div(q('1'), q('0'))).toThrow(/division by zero/);
    // a divisor that is an irrational expression equal to 0
    const zero = F.sub(sqrt('8'), F.mul(q('2'), sqrt('2')));
    expect(() => F.div(q('1'), zero)).toThrow(/division by zero/);
    expect(() => F.powInt(q('0'), -1)).toThrow(RangeError);
    expect(() => F.powInt(q('2'), 0.5)).toThrow(/argument k/);
    expect(() => F.exp(q('1'))).toThrow(ModeError);
    expect(() => F.log(q('1'))).toThrow(/precise mode/);
    expect(() => setExactPrecision({ maxDigits: 5 })).toThrow(/maxDigits/);
  });
});

describe('exact field: certified sign of irrational values', () => {
  it('decides exact equalities as 0', () => {
    expect(F.sign(F.sub(sqrt('8'), F.mul(q('2'), sqrt('2'))))).toBe(0);
    // nested radical: sqrt(2) + sqrt(3) = sqrt(5 + 2 sqrt(6))
    const nested = sqrt(F.add(q('5'), F.mul(q('2'), sqrt('6'))));
    expect(F.sign(F.sub(F.add(sqrt('2'), sqrt('3')), nested))).toBe(0);
    // sqrt(3 - 2 sqrt 2) = sqrt 2 - 1, and it is not sqrt 2 - 1 + 1e-30
    const nested2 = sqrt(F.sub(q('3'), F.mul(q('2'), sqrt('2'))));
    expect(F.sign(F.sub(nested2, F.sub(sqrt('2'), q('1'))))).toBe(0);
    expect(F.sign(F.sub(nested2, F.sub(sqrt('2'), q('1') .sub(q('1e-70')))))).toBe(-1);
    // sqrt(a) sqrt(b) = sqrt(ab), radicands with a square ratio
    expect(F.sign(F.sub(F.mul(sqrt('6'), sqrt('15')), F.mul(q('3'), sqrt('10'))))).toBe(0);
    expect(F.sign(F.sub(sqrt('1/2'), F.div(sqrt('2'), q('2'))))).toBe(0);
    expect(F.sign(F.sub(F.div(q('1'), sqrt('2')), sqrt('1/2')))).toBe(0);
    // 1/(sqrt 3 - sqrt 2) = sqrt 3 + sqrt 2 (binomial denominator)
    expect(F.sign(F.sub(F.div(q('1'), F.sub(sqrt('3'), sqrt('2'))), F.add(sqrt('3'), sqrt('2'))))).toBe(0);
    // cube roots: cbrt(2) cbrt(4) = 2, (cbrt 5)^3 = 5, sixth roots: cbrt(sqrt 2) = sqrt(cbrt 2)
    expect(F.sign(F.sub(F.mul(cbrt('2'), cbrt('4')), q('2')))).toBe(0);
    expect(F.sign(F.sub(F.mul(F.mul(cbrt('5'), cbrt('5')), cbrt('5')), q('5')))).toBe(0);
    expect(F.sign(F.sub(F.cbrt(sqrt('2')), F.sqrt(cbrt('2'))))).toBe(0);
    // ninth roots (outside the sixth-root normal form): 2^(1/9) written twice, 2^(1/9)^3 = cbrt 2
    expect(F.sign(F.sub(F.cbrt(cbrt('2')), F.cbrt(cbrt('2'))))).toBe(0);
    expect(F.sign(F.sub(F.powInt(F.cbrt(cbrt('2')), 3), cbrt('2')))).toBe(0);
    // the step size of (22): eta = (1/(27 sqrt2 L g))^(1/3); eta^3 * 27 sqrt2 L g = 1
    const L = q('7/3');
    const g = q('5/11');
    const eta = F.cbrt(F.div(q('1'), F.mul(F.mul(q('27'), sqrt('2')), F.mul(L, g))));
    const back = F.mul(F.mul(F.mul(eta, eta), eta), F.mul(F.mul(q('27'), sqrt('2')), F.mul(L, g)));
    expect(F.sign(F.sub(back, q('1')))).toBe(0);
    expect(F.isZero(F.sub(back, q('1')))).toBe(true);
  });

  it('min/max/abs of irrational values', () => {
    const s2 = sqrt('2');
    const s3 = sqrt('3');
    expect(F.min(s2, s3)).toBe(s2);
    expect(F.max(s2, s3)).toBe(s3);
    const tie = F.mul(q('2'), sqrt('2'));
    const m = F.max(sqrt('8'), tie); // a tie: a Min/Max node whose value is 2 sqrt 2 either way
    expect(F.sign(F.sub(m, tie))).toBe(0);
    expect(F.sign(F.abs(F.sub(q('1'), s2)))).toBe(1);
    expect(F.sign(F.sub(F.abs(F.sub(q('1'), s2)), F.sub(s2, q('1'))))).toBe(0);
  });

  it('near-ties with 60-digit rationals are decided correctly (algebraic step and intervals alone)', () => {
    for (const algebraic of [true, false]) {
      setExactPrecision({ algebraic });
      for (const b of [2n, 3n, 1234567n]) {
        const [lo, hi] = sqrtBracket(b, 60);
        const s = F.sqrt(Rational.of(b));
        expect(F.sign(F.sub(s, lo))).toBe(1);
        expect(F.sign(F.sub(s, hi))).toBe(-1);
        expect(F.sign(F.sub(hi, s))).toBe(1);
      }
      for (const b of [2n, 10n]) {
        const [lo, hi] = cbrtBracket(b, 60);
        const c = F.cbrt(Rational.of(b));
        expect(F.sign(F.sub(c, lo))).toBe(1);
        expect(F.sign(F.sub(c, hi))).toBe(-1);
      }
    }
  });

  it('a rational equal to a square root is an exact tie', () => {
    const s = F.mul(sqrt('2'), sqrt('18')); // = 6
    const d = F.sub(s, q('6'));
    expect(F.format(d)).toBe('sqrt(2)*sqrt(18) - 6'); // an exact closed form
    expect(F.sign(d)).toBe(0);
    expect(F.format(d)).toBe('0'); // once the tie is certified
  });

  it('reports undecided, never +-1, when neither intervals nor the normal form decide', () => {
    // cbrt(cbrt 2 + 1) = cbrt(1 + cbrt 2), but the cube root of a sum is outside the Poly
    // normal form and the two sums are different expressions (opaque atoms that differ)
    const x = F.cbrt(F.add(cbrt('2'), q('1')));
    const y = F.cbrt(F.add(q('1'), cbrt('2')));
    expect(F.sign(F.sub(x, y))).toBeUndefined();
    expect(F.isZero(F.sub(x, y))).toBe(false);
    // three cube classes against a rational 1e-60 below: undecided at 40 digits, decided at 640
    const [lo2] = cbrtBracket(2n, 60);
    const [lo3] = cbrtBracket(3n, 60);
    const [lo5] = cbrtBracket(5n, 60);
    const sum = F.add(F.add(cbrt('2'), cbrt('3')), cbrt('5'));
    const below = lo2.add(lo3).add(lo5);
    setExactPrecision({ startDigits: 40, maxDigits: 40 });
    expect(F.sign(F.sub(sum, below))).toBeUndefined();
    setExactPrecision(saved);
    expect(F.sign(F.sub(F.add(F.add(cbrt('2'), cbrt('3')), cbrt('5')), below))).toBe(1);
  });
});

/** Reference sign of q1 sqrt(r1) + q2 sqrt(r2) by BigInt rationals only (squares with a sign split). */
function refSign2(q1: Rational, r1: Rational, q2: Rational, r2: Rational): number {
  const s1 = r1.isZero() ? 0 : q1.sign();
  const s2 = r2.isZero() ? 0 : q2.sign();
  if (s1 === 0) return s2;
  if (s2 === 0 || s1 === s2) return s1;
  const c = q1.mul(q1).mul(r1).cmp(q2.mul(q2).mul(r2)); // |term1|^2 vs |term2|^2
  return c === 0 ? 0 : c > 0 ? s1 : s2;
}

describe('exact field agrees with a BigInt reference on random inputs', () => {
  const small = fc.tuple(fc.integer({ min: -12, max: 12 }), fc.integer({ min: 1, max: 6 })).map(([p, d]) => Rational.of(p, d));
  const nonneg = fc.tuple(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 1, max: 6 })).map(([p, d]) => Rational.of(p, d));
  // squares times a small factor make ties frequent
  const radicand = fc.oneof(nonneg, fc.tuple(nonneg, fc.integer({ min: 1, max: 5 })).map(([r, k]) => r.mul(Rational.of(k * k))));

  it('sign(a - sqrt(b)) = sign of a^2 - b with a sign split', () => {
    fc.assert(
      fc.property(small, radicand, (a, b) => {
        expect(F.sign(F.sub(a, F.sqrt(b)))).toBe(refSign2(a, Rational.ONE, Rational.of(-1), b));
      }),
      { numRuns: 300 },
    );
  });

  it('sign(q1 sqrt(r1) + q2 sqrt(r2))', () => {
    fc.assert(
      fc.property(small, radicand, small, radicand, (q1, r1, q2, r2) => {
        const v = F.add(F.mul(q1, F.sqrt(r1)), F.mul(q2, F.sqrt(r2)));
        expect(F.sign(v)).toBe(refSign2(q1, r1, q2, r2));
      }),
      { numRuns: 300 },
    );
  });

  it('sign(sqrt(r1) + sqrt(r2) - c) via (r1 + r2 - c^2) + 2 sqrt(r1 r2)', () => {
    fc.assert(
      fc.property(radicand, radicand, nonneg, (r1, r2, c) => {
        const v = F.sub(F.add(F.sqrt(r1), F.sqrt(r2)), c);
        // sqrt r1 + sqrt r2 >= 0 and c >= 0: compare squares
        const ref = refSign2(r1.add(r2).sub(c.mul(c)), Rational.ONE, Rational.of(2), r1.mul(r2));
        expect(F.sign(v)).toBe(ref);
      }),
      { numRuns: 300 },
    );
  });

  it('sign(a - cbrt(b)) = sign(a^3 - b)', () => {
    fc.assert(
      fc.property(small, fc.oneof(small, small.map((x) => x.pow(3))), (a, b) => {
        expect(F.sign(F.sub(a, F.cbrt(b)))).toBe(a.pow(3).cmp(b));
      }),
      { numRuns: 300 },
    );
  });
});

describe('exact field: enclosures and display', () => {
  it('enclosures contain the value and tighten with precision', () => {
    const s2 = sqrt('2');
    for (const p of [40, 80, 160]) {
      const iv = enclose(s2, p);
      const lo = q(iv.lo.toString());
      const hi = q(iv.hi.toString());
      expect(lo.mul(lo).cmp(q('2'))).toBeLessThanOrEqual(0);
      expect(hi.mul(hi).cmp(q('2'))).toBeGreaterThanOrEqual(0);
      expect(iv.hi.sub(iv.lo).lte(`1e-${p - 2}`)).toBe(true);
    }
  });

  it('format: closed form when small, an outward-rounded enclosure otherwise', () => {
    expect(F.format(F.div(sqrt('2'), q('4')))).toBe('sqrt(2)/4');
    let big: Real = sqrt('2');
    for (let i = 3; i < 12; i++) big = F.add(big, F.sqrt(Rational.of(i)));
    const text = F.format(big);
    const m = /^\[(.+), (.+)\]$/.exec(text);
    expect(m).not.toBeNull();
    // certified: value - lo >= 0 and hi - value >= 0, decided exactly
    expect(decideSign(F.sub(big, q(m![1]!)))).toBe(1);
    expect(decideSign(F.sub(q(m![2]!), big))).toBe(1);
  });

  it('toNumber is a close double (nearest for ties and decimal refinements); errorBound is the enclosure width', () => {
    expect(Math.abs(F.toNumber(sqrt('2')) - Math.SQRT2)).toBeLessThanOrEqual(1e-15);
    expect(Math.abs(F.toNumber(cbrt('-2')) - Math.cbrt(-2))).toBeLessThanOrEqual(1e-15);
    expect(F.toNumber(F.sub(sqrt('8'), F.mul(q('2'), sqrt('2'))))).toBe(0);
    // the width of the tightest enclosure computed so far: float64 first, decimal once refined
    const s2 = sqrt('2');
    F.sign(s2);
    expect(F.errorBound(s2)).toBeGreaterThan(0);
    expect(F.errorBound(s2)).toBeLessThan(1e-14);
    enclose(s2, 40);
    expect(F.errorBound(s2)).toBeGreaterThan(0);
    expect(F.errorBound(s2)).toBeLessThan(1e-35);
  });

  it('deep expressions (a long chain) do not overflow the stack', () => {
    let x: Real = sqrt('2');
    for (let i = 0; i < 20000; i++) x = F.add(x, q('1/1000'));
    expect(F.sign(F.sub(x, q('21')))).toBe(1);
    expect(F.toNumber(x)).toBeCloseTo(Math.SQRT2 + 20, 10);
  });
});
