/**
 * The precise field (numeric/precise.ts) against independent oracles: every endpoint is checked
 * for containment AND tightness. + - * / and the product/quotient case split against the exact
 * rational hull rounded outward to 60 significant digits in BigInt arithmetic (`rounded` below,
 * not decimal.js); sqrt against BigInt squares of the neighbouring 60-digit decimals; powInt
 * against the exact rational range with a bound in ulps; exp and log against e, ln 2, ln 10
 * typed in to 100 digits. Containment alone lets a widening mutant pass; these do not.
 * Each property counts its non-trivial cases (an operand that straddles 0, a result that needed
 * rounding) and requires enough of them.
 */
import fc from 'fast-check';
import type { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { IntervalArith, arithOf, precise, type Interval } from './precise.ts';
import { Rational } from './rational.ts';

const DIGITS = 60;
const A = IntervalArith.at(DIGITS);
const P = precise(DIGITS);
const q = (s: string): Rational => Rational.parse(s);
const R = (d: Decimal): Rational => Rational.parse(d.toString());
const pow10 = (k: number): Rational => (k >= 0 ? Rational.of(10n ** BigInt(k)) : Rational.of(1n, 10n ** BigInt(-k)));

/** x rounded to `digits` significant digits toward -inf (dir -1) or +inf (dir 1), in exact BigInt arithmetic. */
function rounded(x: Rational, dir: 1 | -1, digits = DIGITS): Rational {
  if (x.isZero()) return x;
  const neg = x.sign() < 0;
  const m = x.abs();
  // k with 10^(digits-1) <= m 10^k < 10^digits
  let k = digits - (m.num.toString().length - m.den.toString().length);
  while (m.mul(pow10(k)).lt(pow10(digits - 1))) k++;
  while (!m.mul(pow10(k)).lt(pow10(digits))) k--;
  const t = m.mul(pow10(k));
  const fl = t.num / t.den;
  const exact = fl * t.den === t.num;
  // the magnitude goes up when rounding toward +inf a positive x, or toward -inf a negative one
  const magUp = (dir === 1) !== neg;
  const v = Rational.of(exact || !magUp ? fl : fl + 1n).div(pow10(k));
  return neg ? v.neg() : v;
}

/** The gap from a 60-digit decimal x > 0 to the next one above (10^(e-60) for 10^(e-1) <= x < 10^e). */
function gapAbove(x: Rational): Rational {
  let e = 0;
  while (!x.lt(pow10(e))) e++;
  while (x.lt(pow10(e - 1))) e--;
  return pow10(e - DIGITS);
}

/** The gap from a 60-digit decimal x > 0 to the next one below (10^(e-60) for 10^(e-1) < x <= 10^e). */
function gapBelow(x: Rational): Rational {
  let e = 0;
  while (pow10(e).lt(x)) e++;
  while (!pow10(e - 1).lt(x)) e--;
  return pow10(e - DIGITS);
}

/** n units of relative 10^-59 (the most one 60-digit rounding, or one safety ulp, moves a value) of |x|. */
const rel = (x: Rational, n: number): Rational => x.abs().mul(Rational.of(Math.round(n * 10), 10n ** 60n));

/** A point interval of a terminating decimal (asserts it is exact). */
function pt(x: Rational): Interval {
  const a = A.fromRational(x);
  expect(R(a.lo).eq(x) && R(a.hi).eq(x)).toBe(true);
  return a;
}
const iv = (lo: Rational, hi: Rational): Interval => ({ lo: pt(lo).lo, hi: pt(hi).hi });
const expectEnds = (a: Interval, lo: Rational, hi: Rational): void => {
  expect(R(a.lo).toString()).toBe(lo.toString());
  expect(R(a.hi).toString()).toBe(hi.toString());
};

// terminating decimals of up to 40 digits (so operands are exact and products need rounding)
const mag = fc
  .tuple(fc.bigInt({ min: 0n, max: 10n ** 40n }), fc.integer({ min: 0, max: 30 }))
  .map(([n, s]) => Rational.of(n, 10n ** BigInt(s)));
const nonzeroMag = mag.filter((x) => !x.isZero());
/** [lo, hi] with a drawn sign pattern: 0 nonnegative, 1 straddling 0, 2 nonpositive. */
const pair = fc.tuple(nonzeroMag, nonzeroMag, fc.constantFrom(0, 1, 2)).map(([x, y, p]): [Rational, Rational] => {
  const [s, t] = x.le(y) ? [x, y] : [y, x];
  return p === 0 ? [s, t] : p === 1 ? [x.neg(), y] : [t.neg(), s.neg()];
});
const straddles = ([lo, hi]: [Rational, Rational]): boolean => lo.sign() < 0 && hi.sign() > 0;
const hull = (xs: Rational[]): [Rational, Rational] => [
  xs.reduce((m, v) => (v.lt(m) ? v : m)),
  xs.reduce((m, v) => (m.lt(v) ? v : m)),
];

describe('precise: + - * / equal the exact result rounded outward to 60 digits', () => {
  it('points: lo and hi are the two 60-digit neighbours of the exact rational (or the value, when exact)', () => {
    let roundedCases = 0;
    fc.assert(
      fc.property(mag, mag, fc.boolean(), fc.boolean(), (x0, y0, nx, ny) => {
        const x = nx ? x0.neg() : x0;
        const y = ny ? y0.neg() : y0;
        const X = pt(x);
        const Y = pt(y);
        const ops: [Interval, Rational][] = [
          [A.add(X, Y), x.add(y)],
          [A.sub(X, Y), x.sub(y)],
          [A.mul(X, Y), x.mul(y)],
        ];
        if (!y.isZero()) ops.push([A.div(X, Y), x.div(y)]);
        for (const [r, exact] of ops) {
          expectEnds(r, rounded(exact, -1), rounded(exact, 1));
          if (!rounded(exact, -1).eq(exact)) roundedCases++;
        }
        expectEnds(A.neg(X), x.neg(), x.neg());
      }),
      { numRuns: 150 },
    );
    expect(roundedCases).toBeGreaterThan(100);
  });

  it('intervals of every sign pattern: mul and div are the exact endpoint hull rounded outward', () => {
    let split = 0; // an operand straddles 0 (the case split beyond the nonnegative fast path)
    let negOnly = 0;
    fc.assert(
      fc.property(pair, pair, ([a0, a1], [b0, b1]) => {
        const X = iv(a0, a1);
        const Y = iv(b0, b1);
        if (straddles([a0, a1]) || straddles([b0, b1])) split++;
        if (a1.sign() < 0 || b1.sign() < 0) negOnly++;
        const [pl, ph] = hull([a0.mul(b0), a0.mul(b1), a1.mul(b0), a1.mul(b1)]);
        expectEnds(A.mul(X, Y), rounded(pl, -1), rounded(ph, 1));
        expectEnds(A.add(X, Y), rounded(a0.add(b0), -1), rounded(a1.add(b1), 1));
        expectEnds(A.sub(X, Y), rounded(a0.sub(b1), -1), rounded(a1.sub(b0), 1));
        if (straddles([b0, b1])) expect(A.div(X, Y)).toBe(A.WHOLE);
        else {
          const [ql, qh] = hull([a0.div(b0), a0.div(b1), a1.div(b0), a1.div(b1)]);
          expectEnds(A.div(X, Y), rounded(ql, -1), rounded(qh, 1));
        }
      }),
      { numRuns: 300 },
    );
    expect(split).toBeGreaterThan(100);
    expect(negOnly).toBeGreaterThan(100);
  });

  it('divisors with 0 as an endpoint are unbounded; NaN from inf - inf and 0 * inf widens to the whole line', () => {
    const one = pt(q('1'));
    for (const d of [iv(q('-1'), q('0')), iv(q('0'), q('1')), iv(q('-2'), q('3'))]) {
      const r = A.div(iv(q('1'), q('2')), d);
      expect(r.lo.eq(-Infinity) && r.hi.eq(Infinity)).toBe(true);
    }
    expect(() => A.div(one, A.ZERO, 'here')).toThrow(/^here: division by zero/);
    const inf: Interval = { lo: new A.D(Infinity), hi: new A.U(Infinity) };
    for (const r of [A.sub(inf, inf), A.add(inf, A.neg(inf)), A.mul(A.ZERO, inf), A.mul(inf, A.ZERO), A.div(inf, inf)]) {
      expect(r.lo.eq(-Infinity) && r.hi.eq(Infinity)).toBe(true);
      expect(A.isFinite(r)).toBe(false);
    }
    // [0, 1] * [-inf, 1]: the first endpoint product 0 * -inf is NaN, which widens to the whole line
    const r = A.mul(iv(q('0'), q('1')), { lo: new A.D(-Infinity), hi: new A.U(1) });
    expect(r.lo.eq(-Infinity) && r.hi.eq(Infinity)).toBe(true);
    expect(A.isFinite(one)).toBe(true);
    expect(A.isFinite({ lo: new A.D(0), hi: new A.U(Infinity) })).toBe(false);
    expect(A.isFinite({ lo: new A.D(-Infinity), hi: new A.U(0) })).toBe(false);
  });
});

describe('precise: lift, abs, min, max, sign are exact', () => {
  it('lift of integers beyond 60 digits, of doubles and of non-terminating rationals', () => {
    const big = 10n ** 70n + 1n;
    expectEnds(P.lift(Rational.of(big)), Rational.of(big), Rational.of(big));
    expectEnds(P.fromInt(-7), q('-7'), q('-7'));
    for (const s of ['1/3', '-1/3', '2/7', '-10000000000000000000000000000000000000000000000000000000000001/3']) {
      const x = q(s);
      expectEnds(P.lift(x), rounded(x, -1), rounded(x, 1));
    }
    expectEnds(P.lift(-0.1), Rational.fromNumber(-0.1), Rational.fromNumber(-0.1));
    expectEnds(A.fromNumber(2 ** -60), Rational.fromNumber(2 ** -60), Rational.fromNumber(2 ** -60));
  });

  it('abs, min, max: the exact hull over every sign pattern', () => {
    let split = 0;
    fc.assert(
      fc.property(pair, pair, ([a0, a1], [b0, b1]) => {
        const X = iv(a0, a1);
        const Y = iv(b0, b1);
        if (straddles([a0, a1])) {
          split++;
          expectEnds(A.abs(X), Rational.ZERO, a0.neg().lt(a1) ? a1 : a0.neg());
        } else if (a0.sign() >= 0) expectEnds(A.abs(X), a0, a1);
        else expectEnds(A.abs(X), a1.neg(), a0.neg());
        expectEnds(A.min(X, Y), a0.lt(b0) ? a0 : b0, a1.lt(b1) ? a1 : b1);
        expectEnds(A.max(X, Y), a0.lt(b0) ? b0 : a0, a1.lt(b1) ? b1 : a1);
      }),
      { numRuns: 200 },
    );
    expect(split).toBeGreaterThan(40);
    expectEnds(A.abs(iv(q('-3'), q('2'))), q('0'), q('3'));
    expectEnds(A.abs(iv(q('-2'), q('3'))), q('0'), q('3'));
  });

  it('sign and isZero: certain only when the enclosure excludes 0 (or is exactly 0)', () => {
    const cases: [string, string, number | undefined][] = [
      ['0', '1', undefined],
      ['-1', '0', undefined],
      ['-1', '1', undefined],
      ['0', '0', 0],
      ['1e-100', '1', 1],
      ['-1', '-1e-100', -1],
    ];
    for (const [l, h, s] of cases) {
      const X = iv(q(l), q(h));
      expect(P.sign(X)).toBe(s);
      expect(P.isZero(X)).toBe(s === 0);
    }
  });
});

describe('precise: sqrt, cbrt, powInt', () => {
  it('sqrt: lo and hi are the 60-digit neighbours of the root (squares of the next decimals checked in BigInt)', () => {
    let irrational = 0;
    fc.assert(
      fc.property(nonzeroMag, nonzeroMag, (x, y) => {
        const [a, b] = x.le(y) ? [x, y] : [y, x];
        const s = A.sqrt(iv(a, b));
        const lo = R(s.lo);
        const hi = R(s.hi);
        // lo^2 <= a < (lo + ulp)^2 and (hi - ulp)^2 < b <= hi^2
        expect(lo.pow(2).le(a) && a.lt(lo.add(gapAbove(lo)).pow(2))).toBe(true);
        expect(b.le(hi.pow(2)) && hi.sub(gapBelow(hi)).pow(2).lt(b)).toBe(true);
        if (!lo.pow(2).eq(a)) irrational++;
      }),
      { numRuns: 150 },
    );
    expect(irrational).toBeGreaterThan(100);
    expectEnds(A.sqrt(iv(q('1.44'), q('1e40'))), q('1.2'), q('1e20'));
    expectEnds(A.sqrt(iv(q('-1'), q('4'))), q('0'), q('2'));
    expectEnds(A.sqrt(A.ZERO), q('0'), q('0'));
    expect(() => A.sqrt(iv(q('-2'), q('-1e-70')), 'here')).toThrow(/^here: argument is negative/);
    const up = A.sqrt({ lo: new A.D(4), hi: new A.U(Infinity) });
    expect(up.lo.eq(2) && up.hi.eq(Infinity)).toBe(true);
  });

  it('cbrt: contains the root, widened by the documented safety ulp and no more', () => {
    let negative = 0;
    fc.assert(
      fc.property(mag, mag, fc.boolean(), (x, y, flip) => {
        const [a, b] = x.le(y) ? (flip ? [y.neg(), x.neg()] : [x, y]) : flip ? [x.neg(), y.neg()] : [y, x];
        if (b.sign() < 0) negative++;
        const c = A.cbrt(iv(a, b));
        const lo = R(c.lo);
        const hi = R(c.hi);
        expect(lo.pow(3).le(a) && b.le(hi.pow(3))).toBe(true);
        // decimal.js's rounding, the safety ulp and its own rounding: each at most relative 10^-59
        if (a.isZero()) expect(lo.isZero()).toBe(true);
        else expect(a.lt(lo.add(rel(lo, 3.1)).pow(3))).toBe(true);
        if (b.isZero()) expect(hi.isZero()).toBe(true);
        else expect(hi.sub(rel(hi, 3.1)).pow(3).lt(b)).toBe(true);
      }),
      { numRuns: 150 },
    );
    expect(negative).toBeGreaterThan(40);
    // a perfect cube: decimal.js gives 2 exactly; the safety ulp makes it 2 -+ 2e-59
    expectEnds(A.cbrt(pt(q('8'))), q('2').sub(q('2e-59')), q('2').add(q('2e-59')));
    expectEnds(A.cbrt(pt(q('-8'))), q('-2').sub(q('2e-59')), q('-2').add(q('2e-59')));
    expectEnds(A.cbrt(A.ZERO), q('0'), q('0'));
    // degenerate infinite enclosures stay infinite (the safety ulp is not applied to +-inf)
    const ninf = A.cbrt({ lo: new A.D(-Infinity), hi: new A.U(-Infinity) });
    expect(ninf.lo.eq(-Infinity) && ninf.hi.eq(-Infinity)).toBe(true);
    const pinf = A.exp({ lo: new A.D(Infinity), hi: new A.U(Infinity) });
    expect(pinf.lo.eq(Infinity) && pinf.hi.eq(Infinity)).toBe(true);
    const w = A.cbrt(A.WHOLE);
    expect(w.lo.eq(-Infinity) && w.hi.eq(Infinity)).toBe(true);
  });

  it('powInt: contains the exact range over every sign pattern, within k ulps of it', () => {
    let split = 0;
    fc.assert(
      fc.property(pair, fc.integer({ min: -4, max: 7 }), ([a0, a1], k) => {
        const X = iv(a0, a1);
        if (k < 0 && a0.sign() <= 0 && a1.sign() >= 0) {
          const r = A.powInt(X, k);
          expect(r.lo.eq(-Infinity) && r.hi.eq(Infinity)).toBe(true);
          return;
        }
        const ends = [a0.pow(k), a1.pow(k)];
        if (straddles([a0, a1]) && k % 2 === 0 && k > 0) ends.push(Rational.ZERO);
        if (straddles([a0, a1]) && k > 0) split++;
        const [el, eh] = hull(ends);
        const r = A.powInt(X, k);
        const lo = R(r.lo);
        const hi = R(r.hi);
        expect(lo.le(el) && eh.le(hi)).toBe(true);
        // each of the <= 2 log2 k + 2 roundings costs at most one ulp (relative 10^-59)
        const slack = (v: Rational) => rel(v, 2 * Math.abs(k) + 2);
        expect(el.sub(lo).le(slack(el)) && hi.sub(eh).le(slack(eh))).toBe(true);
      }),
      { numRuns: 300 },
    );
    expect(split).toBeGreaterThan(30);
    expect(A.powInt(iv(q('-2'), q('3')), 0)).toBe(A.ONE);
    expectEnds(A.powInt(iv(q('-2'), q('3')), 1), q('-2'), q('3'));
    expectEnds(A.powInt(iv(q('-3'), q('2')), 2), q('0'), q('9'));
    expectEnds(A.powInt(iv(q('-3'), q('2')), 3), q('-27'), q('8'));
    expectEnds(A.powInt(iv(q('-3'), q('-2')), 3), q('-27'), q('-8'));
    expectEnds(A.powInt(iv(q('-3'), q('-2')), 2), q('4'), q('9'));
    expect(() => A.powInt(A.ONE, 1.5, 'here')).toThrow(/^here: argument k must be an integer/);
  });

  it('powInt with k >= 2^31 (a bitwise shift once truncated k to 32 bits)', () => {
    // (1 + 2^-40)^(2^32) = 1.00391388933834579013430610990642000437867134253674...
    const x = pt(Rational.of(2n ** 40n + 1n, 2n ** 40n));
    const r = A.powInt(x, 2 ** 32);
    const v = q('1.00391388933834579013430610990642000437867134253674');
    expect(R(r.lo).le(v.add(q('1e-50'))) && v.le(R(r.hi))).toBe(true);
    expect(R(r.hi).sub(R(r.lo)).lt(q('1e-45'))).toBe(true);
    // 2^(2^31 + 1) = 2.18...e646456993 and 2^-(2^32) = 8.3...e-1292913987
    expect(A.powInt(pt(q('2')), 2 ** 31 + 1).lo.e).toBe(646456993);
    expect(A.powInt(pt(q('0.5')), 2 ** 32).hi.e).toBe(-1292913987);
  });
});

// e, ln 2, ln 10 to 100 digits (truncated)
const E = '2.7182818284590452353602874713526624977572470936999595749669676277240766303535475945713821785251664274';
const LN2 = '0.6931471805599453094172321214581765680755001343602552541206800094933936219696947156058633269964186875';
const LN10 = '2.302585092994045684017991454684364207601101488628772976033327900967572609677352480235997205089598298';
/** [t, t + 1e-99] for a constant truncated to 100 digits (as exact rationals). */
const bracket = (t: string): [Rational, Rational] => [q(t), q(t).add(q('1e-99'))];

describe('precise: exp and log against constants typed in to 100 digits', () => {
  /** Contains [l, h], and each end is within relative 3.1e-59 of it (decimal.js's rounding, the safety ulp, its rounding). */
  const tight = (a: Interval, [l, h]: [Rational, Rational]): void => {
    const lo = R(a.lo);
    const hi = R(a.hi);
    expect(lo.le(l) && h.le(hi)).toBe(true);
    expect(l.sub(lo).le(rel(l, 3.1)) && hi.sub(h).le(rel(h, 3.1))).toBe(true);
  };
  const neg = ([l, h]: [Rational, Rational]): [Rational, Rational] => [h.neg(), l.neg()];
  const inv = ([l, h]: [Rational, Rational]): [Rational, Rational] => [h.inv(), l.inv()];
  const mulB = ([l, h]: [Rational, Rational], k: number): [Rational, Rational] => [l.mul(Rational.of(k)), h.mul(Rational.of(k))];

  it('exp(1) = e, exp(-1) = 1/e, exp(2) = e^2, exp(-3) = e^-3, exp(ln 10 ...) endpoints each tight', () => {
    const e = bracket(E);
    tight(A.exp(A.ONE), e);
    tight(A.exp(pt(q('-1'))), inv(e));
    tight(A.exp(iv(q('-1'), q('2'))), [inv(e)[0], e[1].pow(2)]);
    tight(A.exp(iv(q('-3'), q('-2'))), [inv(e)[0].pow(3), inv(e)[1].pow(2)]);
    expectEnds(A.exp(A.ZERO), q('1'), q('1'));
    expectEnds(A.exp(iv(q('0'), q('0'))), q('1'), q('1'));
    const [lo, hi] = [A.exp(iv(q('0'), q('1'))), A.exp(iv(q('-1'), q('0')))];
    expect(R(lo.lo).eq(q('1')) && R(hi.hi).eq(q('1'))).toBe(true);
    const neg1 = A.exp({ lo: new A.D(-Infinity), hi: new A.U(0) });
    expectEnds(neg1, q('0'), q('1'));
    const pos = A.exp({ lo: new A.D(0), hi: new A.U(Infinity) });
    expect(pos.lo.eq(1) && pos.hi.eq(Infinity)).toBe(true);
  });

  it('log(2) = ln 2, log(1/2) = -ln 2, log(10), log(e bracket), log(1) = 0 exactly; a domain that reaches 0 is unbounded below', () => {
    const ln2 = bracket(LN2);
    tight(A.log(pt(q('2'))), ln2);
    tight(A.log(pt(q('0.5'))), neg(ln2));
    tight(A.log(iv(q('0.5'), q('10'))), [neg(ln2)[0], bracket(LN10)[1]]);
    tight(A.log(iv(q('8'), q('1000'))), [mulB(ln2, 3)[0], mulB(bracket(LN10), 3)[1]]);
    expectEnds(A.log(A.ONE), q('0'), q('0'));
    const [a, b] = [A.log(iv(q('1'), q('2'))), A.log(iv(q('0.5'), q('1')))];
    expect(R(a.lo).eq(q('0')) && R(b.hi).eq(q('0'))).toBe(true);
    const r = A.log(iv(q('0'), q('2')));
    expect(r.lo.eq(-Infinity)).toBe(true);
    tight({ lo: new A.D(-1), hi: r.hi }, [q('-1'), ln2[1]]);
    const s = A.log(iv(q('-1'), q('1')));
    expect(s.lo.eq(-Infinity) && s.hi.isZero()).toBe(true);
    const t = A.log({ lo: new A.D(1), hi: new A.U(Infinity) });
    expect(t.lo.isZero() && t.hi.eq(Infinity)).toBe(true);
    expect(() => A.log(iv(q('-1'), q('0')), 'here')).toThrow(/^here: argument must be > 0/);
  });
});

describe('precise: width, toNumber, format, the field wrapper', () => {
  it('width is the exact hi - lo rounded up to a double (never below it, at most one double above)', () => {
    let notDouble = 0;
    fc.assert(
      fc.property(mag, mag, (x, y) => {
        const [a, b] = x.le(y) ? [x, y] : [y, x];
        const w = A.width(iv(a, b));
        const exact = b.sub(a);
        const W = Rational.fromNumber(w);
        expect(exact.le(W)).toBe(true);
        if (!exact.eq(W)) {
          notDouble++;
          // the next double below w is below the exact width
          const below = Rational.fromNumber(w - Math.max(w * Number.EPSILON, Number.MIN_VALUE));
          expect(below.lt(exact)).toBe(true);
        }
      }),
      { numRuns: 150 },
    );
    expect(notDouble).toBeGreaterThan(100);
    expect(A.width(iv(q('0'), q('0.5')))).toBe(0.5);
    expect(A.width(iv(q('0'), q('0.3')))).toBe(0.30000000000000004);
    expect(A.width(iv(q('0'), q('1e-330')))).toBe(Number.MIN_VALUE);
    expect(A.width(iv(q('-1e400'), q('1e400')))).toBe(Number.POSITIVE_INFINITY);
    expect(A.width(A.WHOLE)).toBe(Number.POSITIVE_INFINITY);
    expect(A.width({ lo: new A.D(Infinity), hi: new A.U(Infinity) })).toBe(Number.POSITIVE_INFINITY);
    expect(P.errorBound(iv(q('1'), q('1.25')))).toBe(0.25);
    // 2.9999 is not a double: the nearest one is below it, so the bound is the next double up
    expect(A.width(iv(q('0.0001'), q('3')))).toBe(2.9999000000000002);
  });

  it('toNumber is the midpoint (NaN when unbounded); format and formatShort print the ends exactly / outward', () => {
    expect(A.toNumber(iv(q('1'), q('3')))).toBe(2);
    expect(A.toNumber(iv(q('-3'), q('-1')))).toBe(-2);
    expect(A.toNumber(pt(q('0.1')))).toBe(0.1);
    expect(A.toNumber({ lo: new A.D(0), hi: new A.U(Infinity) })).toBeNaN();
    expect(A.toNumber({ lo: new A.D(Infinity), hi: new A.U(Infinity) })).toBe(Infinity);
    expect(P.toNumber(iv(q('-1'), q('1.5')))).toBe(0.25);
    expect(P.format(iv(q('-1'), q('1.5')))).toBe('[-1, 1.5]');
    expect(P.format(pt(q('-2.5')))).toBe('-2.5');
    const third = P.lift(q('1/3'));
    expect(A.formatShort(third, 5)).toBe('[0.33333, 0.33334]');
    expect(A.formatShort(A.neg(third), 5)).toBe('[-0.33334, -0.33333]');
    expect(A.formatShort(pt(q('0.125')), 5)).toBe('0.125');
    expect(A.formatShort(pt(q('0.12345678901')), 5)).toBe('0.12345678901'); // 13 characters: short enough
    expect(A.formatShort(pt(q('0.123456789012')), 5)).toBe('[0.12345, 0.12346]');
    expect(A.formatShort({ lo: new A.D(-Infinity), hi: third.hi }, 3)).toBe('[-Infinity, 0.334]');
    expect(A.formatShort({ lo: third.lo, hi: new A.U(Infinity) }, 3)).toBe('[0.333, Infinity]');
  });

  it('precise(digits): 50 is the least precision, cached per digits, with its kernel', () => {
    const P50 = precise(50);
    expect(P50.mode).toBe('precise');
    expect(precise(50)).toBe(P50);
    expect(arithOf(P50)).toBe(IntervalArith.at(50));
    expect(arithOf(P)).toBe(A);
    expectEnds(P50.lift(q('1/3')), rounded(q('1/3'), -1, 50), rounded(q('1/3'), 1, 50));
    expect(() => precise(49)).toThrow(/precise: argument digits must be an integer >= 50, got 49/);
    expect(() => precise(55.5)).toThrow(/got 55.5/);
    expect(() => IntervalArith.at(1)).toThrow(/IntervalArith: argument digits must be an integer in 2..1e6, got 1/);
    expect(() => IntervalArith.at(1e6 + 1)).toThrow(/got 1000001/);
    expect(() => IntervalArith.at(2.5)).toThrow(/got 2.5/);
    expect(IntervalArith.at(2).digits).toBe(2);
    expect(IntervalArith.at(1e6).digits).toBe(1e6);
    expect(precise()).toBe(P);
    // the operation names in errors default to the operation
    expect(() => A.div(A.ONE, A.ZERO)).toThrow(/^div: division by zero/);
    expect(() => A.sqrt(pt(q('-1')))).toThrow(/^sqrt: argument is negative \(enclosure \[-1, -1\]\)/);
    expect(() => A.log(pt(q('-1')))).toThrow(/^log: argument must be > 0 \(enclosure \[-1, -1\]\)/);
    expect(() => A.powInt(A.ONE, 0.5)).toThrow(/^powInt: argument k must be an integer, got 0.5/);
    expect(() => A.powInt(A.ZERO, -1)).toThrow(/^powInt: division by zero/);
    // the wrapper passes every operation through, with its own name in errors
    const [x, y] = [P.lift(q('-3/7')), P.lift(q('5/11'))];
    expect(P.format(P.div(x, y))).toBe(A.format(A.div(x, y)));
    expect(P.format(P.min(x, y))).toBe(P.format(x));
    expect(P.format(P.max(x, y))).toBe(P.format(y));
    expect(P.format(P.abs(x))).toBe(P.format(P.neg(x)));
    expect(P.format(P.cbrt(x))).toBe(A.format(A.cbrt(x)));
    expect(P.format(P.exp(x))).toBe(A.format(A.exp(x)));
    expect(P.format(P.powInt(x, 3))).toBe(A.format(A.powInt(x, 3)));
    expect(() => P.powInt(x, 0.5)).toThrow(/^precise\.powInt: argument k/);
    expect(() => P.sqrt(x)).toThrow(/^precise\.sqrt: /);
    expect(() => P.log(x)).toThrow(/^precise\.log: /);
    expect(() => P.div(x, P.zero)).toThrow(/^precise\.div: /);
    expect(() => P.fromInt(0.5)).toThrow(/^precise\.fromInt: argument n must be an integer, got 0.5/);
  });
});
