/**
 * The monomial view of the exact field's algebraic step (numeric/real-algebra.ts): ties
 * between products of rationals, roots and opaque subexpressions, such as the printed
 * equality L34.s22.amgm3, 3 (4 sqrt2 L g / 4)^(1/3) = 3 (sqrt2 L g)^(1/3), where g = ||grad J||^2
 * is itself irrational (a sum of square roots) for pseudo-Huber losses.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { Rational } from './rational.ts';
import { decideSign, exact as F, getExactPrecision, setExactPrecision, type Real } from './real.ts';

const q = (s: string): Rational => Rational.parse(s);
const sqrt2 = (): Real => F.sqrt(q('2'));

/** 3 cbrt(4 sqrt2 L g / 4): the left side of L34.s22.amgm3, built as the claim builds it. */
const quarterSide = (L: Real, g: Real): Real =>
  F.mul(F.fromInt(3), F.cbrt(F.div(F.mul(F.mul(F.mul(F.one, F.fromInt(4)), F.mul(sqrt2(), L)), g), F.fromInt(4))));
/** 3 cbrt(sqrt2 L g): its right side. */
const plainSide = (L: Real, g: Real): Real => F.mul(F.fromInt(3), F.cbrt(F.mul(F.mul(F.one, F.mul(sqrt2(), L)), g)));

/** A positive irrational value (s^2 + sum |c_i| / sqrt(r_i), s = sum c_i / sqrt(r_i)): the shape of a
 *  pseudo-Huber ||grad J||^2, a polynomial in square roots of rationals. */
function sumOfRoots(parts: readonly [Rational, Rational][]): Real {
  let s: Real = F.zero;
  let t: Real = F.zero;
  for (const [c, r] of parts) {
    s = F.add(s, F.div(c, F.sqrt(r)));
    t = F.add(t, F.div(c.abs(), F.sqrt(r)));
  }
  return F.add(F.mul(s, s), t);
}

const X = (): Real =>
  sumOfRoots([
    [q('70681/40960'), q('6673525361/1677721600')],
    [q('-5379/20480'), q('448364041/419430400')],
    [q('-2521/2560'), q('12909041/6553600')],
    [q('123456789012345678901234567/98765432109876543'), q('31415926535897932384626433/2718281828459045')],
  ]);

const saved = getExactPrecision();
afterEach(() => {
  setExactPrecision(saved);
});

describe('monomial view: ties of roots of products with opaque factors', () => {
  it('decides L34.s22.amgm3 as an exact tie for an irrational ||grad J||^2', () => {
    const g = X();
    expect(decideSign(g)).toBe(1);
    for (const L of ['1617/256', '3/2', '-7/3', '98765432123456789/1024']) {
      const d = F.sub(quarterSide(q(L), g), plainSide(q(L), g));
      expect(decideSign(d)).toBe(0);
      expect(F.isZero(d)).toBe(true);
    }
  });

  it('decides it for rational L and ||grad J||^2 with large numerators and denominators', () => {
    const L = q('314159265358979323846264338327950288419716939937510/2718281828459045235360287471');
    const g = q('1414213562373095048801688724209698078569671875376948073/173205080756887729352744634150587236694280525381038');
    expect(decideSign(F.sub(quarterSide(L, g), plainSide(L, g)))).toBe(0);
  });

  it('a near-tie is decided unequal with the right sign, never as a tie', () => {
    const g = X();
    const L = q('1617/256');
    const eps = q('1e-50');
    const lhs = quarterSide(L, g);
    // cbrt(q sqrt2 g) vs cbrt(q sqrt2 g) + 10^-50
    expect(decideSign(F.sub(lhs, F.add(plainSide(L, g), eps)))).toBe(-1);
    expect(decideSign(F.sub(F.add(plainSide(L, g), eps), lhs))).toBe(1);
    // a relative change of 10^-60 inside the cube root (decided through cubes of the ratio)
    const gUp = F.mul(g, q('1').add(q('1e-60')));
    expect(decideSign(F.sub(plainSide(L, gUp), plainSide(L, g)))).toBe(1);
    expect(decideSign(F.sub(plainSide(L, g), plainSide(L, gUp)))).toBe(-1);
    // at 40 digits the intervals alone cannot separate these (the exact step decides them)
    setExactPrecision({ startDigits: 40, maxDigits: 40 });
    expect(decideSign(F.sub(plainSide(L, X()), F.add(plainSide(L, X()), q('1e-70'))))).toBe(-1);
  });

  it('signs of opaque factors: cbrt(-x) = -cbrt(x), |x|, and powers', () => {
    const g = X();
    const a = F.cbrt(F.mul(F.neg(g), sqrt2()));
    const b = F.cbrt(F.mul(g, sqrt2()));
    expect(decideSign(F.add(a, b))).toBe(0);
    expect(decideSign(F.sub(F.abs(a), b))).toBe(0);
    // (cbrt(g sqrt2))^3 = g sqrt2, sqrt(g)^2 = g, g^(1/6) from cbrt(sqrt g) and sqrt(cbrt g)
    expect(decideSign(F.sub(F.powInt(b, 3), F.mul(sqrt2(), g)))).toBe(0);
    expect(decideSign(F.sub(F.mul(F.sqrt(g), F.sqrt(g)), g))).toBe(0);
    expect(decideSign(F.sub(F.cbrt(F.sqrt(g)), F.sqrt(F.cbrt(g))))).toBe(0);
    // 1/cbrt(g) * cbrt(g^2) = cbrt(g)
    expect(decideSign(F.sub(F.mul(F.div(F.one, F.cbrt(g)), F.cbrt(F.mul(g, g))), F.cbrt(g)))).toBe(0);
  });

  it('radicands that differ by a perfect power (no factoring): sqrt(8) g = 2 sqrt(2) g, sixth roots of rationals', () => {
    const g = X();
    expect(decideSign(F.sub(F.mul(F.sqrt(q('8')), g), F.mul(F.mul(q('2'), sqrt2()), g)))).toBe(0);
    const r = q('1234567890123456789/987654321987654321');
    // (r)^(1/6) (1/r)^(1/6) = 1, cbrt(sqrt r) = sqrt(cbrt r), times an opaque g
    expect(decideSign(F.sub(F.mul(F.cbrt(F.sqrt(r)), F.cbrt(F.sqrt(r.inv()))), q('1')))).toBe(0);
    expect(decideSign(F.sub(F.mul(g, F.cbrt(F.sqrt(r))), F.mul(F.sqrt(F.cbrt(r)), g)))).toBe(0);
    // three radical terms over one opaque part: 2 sqrt6 g - 2 sqrt2 sqrt3 g + 10^-60 g > 0
    const three = F.add(F.sub(F.mul(F.mul(q('2'), F.sqrt(q('6'))), g), F.mul(F.mul(F.mul(q('2'), sqrt2()), F.sqrt(q('3'))), g)), F.mul(q('1e-60'), g));
    expect(decideSign(three)).toBe(1);
  });

  it('an opaque quantity computed twice (distinct objects, same expression) is recognised', () => {
    const d = F.sub(plainSide(q('5/7'), X()), quarterSide(q('5/7'), X()));
    expect(decideSign(d)).toBe(0);
  });

  it('stays undecided when the opaque parts differ as expressions (never a guess)', () => {
    const g1 = F.add(F.sqrt(q('2')), F.sqrt(q('3')));
    const g2 = F.add(F.sqrt(q('3')), F.sqrt(q('2'))); // equal value, different expression
    const d = F.sub(F.cbrt(F.mul(sqrt2(), g1)), F.cbrt(F.mul(sqrt2(), g2)));
    expect(decideSign(d)).toBeUndefined();
    expect(F.isZero(d)).toBe(false);
  });

  it('property: 3 cbrt(4 sqrt2 L g / 4) = 3 cbrt(sqrt2 L g), and a perturbed g is decided unequal', () => {
    const big = fc
      .tuple(fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n }), fc.bigInt({ min: 1n, max: 10n ** 30n }))
      .filter(([n]) => n !== 0n)
      .map(([n, d]) => Rational.of(n, d));
    const pos = big.map((x) => x.abs());
    fc.assert(
      fc.property(big, pos, pos, fc.integer({ min: 30, max: 80 }), (L, c, r, k) => {
        const g = F.add(F.sqrt(r), F.mul(c, F.sqrt(q('3')))); // irrational unless r is a square
        expect(decideSign(F.sub(quarterSide(L, g), plainSide(L, g)))).toBe(0);
        const gUp = F.mul(g, q('1').add(Rational.of(1n, 10n ** BigInt(k))));
        // cbrt is increasing: the sign of the difference is the sign of L
        expect(decideSign(F.sub(plainSide(L, gUp), quarterSide(L, g)))).toBe(L.sign());
      }),
      { numRuns: 60 },
    );
  });
});
