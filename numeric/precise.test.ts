import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IntervalArith, precise, type Interval } from './precise.ts';
import { Rational } from './rational.ts';

const P = precise(60);
const q = (s: string): Rational => Rational.parse(s);
const lo = (a: Interval): Rational => Rational.parse(a.lo.toString());
const hi = (a: Interval): Rational => Rational.parse(a.hi.toString());
/** lo <= x <= hi, checked in exact rationals. */
const contains = (a: Interval, x: Rational): boolean => lo(a).le(x) && x.le(hi(a));

// rationals with non-terminating decimal expansions (so rounding really happens), either sign
const rat = fc
  .tuple(fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), fc.bigInt({ min: 1n, max: 10n ** 20n }))
  .map(([n, d]) => Rational.of(n, d));
const posRat = rat.filter((x) => x.sign() !== 0).map((x) => x.abs());

describe('precise field: intervals always contain the true value', () => {
  it('add, sub, mul, div of rationals', () => {
    fc.assert(
      fc.property(rat, rat, (a, b) => {
        const A = P.lift(a);
        const B = P.lift(b);
        expect(contains(A, a)).toBe(true);
        expect(contains(P.add(A, B), a.add(b))).toBe(true);
        expect(contains(P.sub(A, B), a.sub(b))).toBe(true);
        expect(contains(P.mul(A, B), a.mul(b))).toBe(true);
        if (!b.isZero()) expect(contains(P.div(A, B), a.div(b))).toBe(true);
        // the width is at the level of the working precision
        expect(P.errorBound(P.mul(A, B))).toBeLessThanOrEqual(Math.abs(a.mul(b).toNumber()) * 1e-58 + 1e-300);
      }),
      { numRuns: 200 },
    );
  });

  it('mul and div of wide intervals of every sign pattern', () => {
    const A = IntervalArith.at(60);
    const pick = fc.tuple(rat, rat).map(([x, y]) => (x.le(y) ? [x, y] : [y, x]) as [Rational, Rational]);
    fc.assert(
      fc.property(pick, pick, fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), ([a0, a1], [b0, b1], s, t) => {
        const X: Interval = { lo: A.fromRational(a0).lo, hi: A.fromRational(a1).hi };
        const Y: Interval = { lo: A.fromRational(b0).lo, hi: A.fromRational(b1).hi };
        // points inside each interval
        const x = a0.add(a1.sub(a0).mul(Rational.fromNumber(s)));
        const y = b0.add(b1.sub(b0).mul(Rational.fromNumber(t)));
        expect(contains(A.mul(X, Y), x.mul(y))).toBe(true);
        if (b0.sign() > 0 || b1.sign() < 0) expect(contains(A.div(X, Y), x.div(y))).toBe(true);
        for (const k of [2, 3, 4, 5]) expect(contains(A.powInt(X, k), x.pow(k))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('sqrt and cbrt: lo^2 <= a <= hi^2, lo^3 <= a <= hi^3', () => {
    fc.assert(
      fc.property(posRat, rat, (a, b) => {
        const s = P.sqrt(P.lift(a));
        expect(lo(s).pow(2).le(a) && a.le(hi(s).pow(2))).toBe(true);
        const c = P.cbrt(P.lift(b));
        expect(lo(c).pow(3).le(b) && b.le(hi(c).pow(3))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('exp(log(x)) and log(exp(x)) contain x; known constants', () => {
    fc.assert(
      fc.property(posRat, (a) => {
        expect(contains(P.exp(P.log(P.lift(a))), a)).toBe(true);
      }),
      { numRuns: 100 },
    );
    fc.assert(
      fc.property(fc.integer({ min: -200, max: 200 }), fc.integer({ min: 1, max: 7 }), (n, d) => {
        const x = Rational.of(n, d);
        expect(contains(P.log(P.exp(P.lift(x))), x)).toBe(true);
      }),
      { numRuns: 100 },
    );
    // e and ln 2 to 40 digits: the enclosure meets [truncation, truncation + 1e-40]
    const meets = (a: Interval, t: string) => lo(a).le(q(t).add(q('1e-40'))) && q(t).le(hi(a));
    expect(meets(P.exp(P.one), '2.7182818284590452353602874713526624977572')).toBe(true);
    expect(meets(P.log(P.fromInt(2)), '0.6931471805599453094172321214581765680755')).toBe(true);
    expect(P.format(P.exp(P.zero))).toBe('1');
    expect(P.format(P.log(P.one))).toBe('0');
  });

  it('lift of doubles and decimals is exact', () => {
    expect(P.isZero(P.sub(P.add(P.lift(q('0.1')), P.lift(q('0.2'))), P.lift(q('0.3'))))).toBe(true);
    const x = P.lift(0.1); // the double 0.1 exactly: 0.1000000000000000055511151231257827...
    expect(contains(x, Rational.fromNumber(0.1))).toBe(true);
    expect(P.format(x)).toBe('0.1000000000000000055511151231257827021181583404541015625');
    expect(P.errorBound(x)).toBe(0);
  });
});

describe('precise field: sign, errors, display', () => {
  it('sign: certain when the enclosure excludes 0, undefined when it straddles', () => {
    expect(P.sign(P.lift(q('1/3')))).toBe(1);
    expect(P.sign(P.lift(q('-1/3')))).toBe(-1);
    expect(P.sign(P.zero)).toBe(0);
    const third = P.lift(q('1/3'));
    const d = P.sub(P.mul(third, P.fromInt(3)), P.one); // 0, but the enclosure is not [0, 0]
    expect(P.sign(d)).toBeUndefined();
    expect(P.isZero(d)).toBe(false);
    expect(P.errorBound(d)).toBeGreaterThan(0);
    expect(P.errorBound(d)).toBeLessThan(1e-58);
    // division by an interval that straddles 0 is unbounded, not an error and not a guess
    const w = P.div(P.one, d);
    expect(P.sign(w)).toBeUndefined();
    expect(P.errorBound(w)).toBe(Number.POSITIVE_INFINITY);
    expect(P.sign(P.abs(P.lift(q('-2'))))).toBe(1);
    expect(P.format(P.min(P.lift(q('1/2')), P.lift(q('1/4'))))).toBe('0.25');
    expect(P.format(P.max(P.lift(q('1/2')), P.lift(q('1/4'))))).toBe('0.5');
  });

  it('errors name the argument', () => {
    expect(() => P.div(P.one, P.zero)).toThrow(/precise\.div: division by zero/);
    expect(() => P.sqrt(P.lift(q('-1/100')))).toThrow(/precise\.sqrt: argument is negative/);
    expect(() => P.log(P.lift(q('-1')))).toThrow(/precise\.log: argument must be > 0/);
    expect(() => precise(20)).toThrow(/argument digits/);
    expect(() => P.fromInt(0.5)).toThrow(/argument n/);
    expect(() => P.powInt(P.zero, -2)).toThrow(/division by zero/);
  });

  it('format prints one value or "[lo, hi]" with >= 50 digits, round-trip exact', () => {
    const s = P.sqrt(P.fromInt(2));
    const text = P.format(s);
    const m = /^\[(.+), (.+)\]$/.exec(text)!;
    expect(m[1]!.replace(/[-.]/g, '').length).toBeGreaterThanOrEqual(50);
    expect(Rational.parse(m[1]!).pow(2).lt(q('2'))).toBe(true);
    expect(q('2').lt(Rational.parse(m[2]!).pow(2))).toBe(true);
    expect(P.toNumber(s)).toBe(Math.SQRT2);
    expect(precise(60)).toBe(P);
  });
});
