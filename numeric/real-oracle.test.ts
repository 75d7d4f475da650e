/**
 * The exact field's sign decisions (numeric/real.ts, numeric/real-algebra.ts) against oracles
 * that do not go through its case splits:
 *  - the same expression evaluated in the precise field (numeric/precise.ts, 120 digits), whose
 *    sign is certified wherever the value is far from 0;
 *  - identities with a known answer computed with rationals only ((p + q sqrt r)^k = A_k + B_k sqrt r
 *    by the recurrence, 1/(p + q sqrt r) by the conjugate, sqrt((x + y sqrt r)^2) = |x + y sqrt r|,
 *    cbrt a cbrt b = cbrt ab, min/max against a sorted list);
 *  - near-ties X - lo, X - hi with lo < X < hi rationals 1e-60 apart (bracketed by the precise
 *    field at 150 digits) decided with the enclosures capped at 40 digits, so that only the
 *    algebraic step (squaring, sign case splits, sixth powers) can decide them.
 */
import fc from 'fast-check';
import { Decimal } from 'decimal.js';
import { afterEach, describe, expect, it } from 'vitest';
import type { Field } from './field.ts';
import { precise, type Interval } from './precise.ts';
import { Rational } from './rational.ts';
import { enclose, exact as F, getExactPrecision, isRational, setExactPrecision, type Real } from './real.ts';

const q = (s: string): Rational => Rational.parse(s);
const saved = getExactPrecision();
afterEach(() => {
  setExactPrecision(saved);
});

// ---------------------------------------------------------------------------------------
// Random expressions, built in any field

type Tree =
  | { k: 'q'; v: Rational }
  | { k: 'sqrtq' | 'cbrtq'; v: Rational }
  | { k: 'add' | 'sub' | 'mul' | 'div' | 'min' | 'max'; a: Tree; b: Tree }
  | { k: 'neg' | 'abs' | 'sqrt' | 'cbrt'; a: Tree }
  | { k: 'pow'; a: Tree; n: number };

function build<T>(G: Field<T>, t: Tree): T {
  switch (t.k) {
    case 'q':
      return G.lift(t.v);
    case 'sqrtq':
      return G.sqrt(G.lift(t.v));
    case 'cbrtq':
      return G.cbrt(G.lift(t.v));
    case 'add':
    case 'sub':
    case 'mul':
    case 'min':
    case 'max':
      return G[t.k](build(G, t.a), build(G, t.b));
    case 'div':
      // a divisor >= 1: never 0
      return G.div(build(G, t.a), G.add(G.abs(build(G, t.b)), G.one));
    case 'neg':
    case 'abs':
    case 'cbrt':
      return G[t.k](build(G, t.a));
    case 'sqrt':
      return G.sqrt(G.abs(build(G, t.a)));
    case 'pow':
      // a base >= 1/2 when the power is negative
      return G.powInt(t.n < 0 ? G.add(G.abs(build(G, t.a)), G.lift(Rational.of(1, 2))) : build(G, t.a), t.n);
  }
}

const smallQ = fc.tuple(fc.integer({ min: -9, max: 9 }), fc.integer({ min: 1, max: 4 })).map(([p, d]) => Rational.of(p, d));
// radicands rich in squares and shared factors (ties such as sqrt 8 = 2 sqrt 2, cbrt 16 = 2 cbrt 2)
const radQ = fc.tuple(fc.constantFrom(1, 2, 3, 5, 6, 10), fc.constantFrom(1, 4, 9, 8, 27), fc.constantFrom(1, 1, 2, 4)).map(([a, s, d]) => Rational.of(a * s, d));
const { tree } = fc.letrec<{ tree: Tree; leaf: Tree }>((tie) => ({
  leaf: fc.oneof(
    smallQ.map((v): Tree => ({ k: 'q', v })),
    radQ.map((v): Tree => ({ k: 'sqrtq', v })),
    fc.tuple(radQ, fc.boolean()).map(([v, n]): Tree => ({ k: 'cbrtq', v: n ? v.neg() : v })),
  ),
  tree: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    tie('leaf'),
    fc.tuple(fc.constantFrom('add', 'sub', 'mul', 'div', 'min', 'max'), tie('tree'), tie('tree')).map(([k, a, b]) => ({ k, a, b }) as Tree),
    fc.tuple(fc.constantFrom('neg', 'abs', 'sqrt', 'cbrt'), tie('tree')).map(([k, a]) => ({ k, a }) as Tree),
    fc.tuple(tie('tree'), fc.constantFrom(-2, -1, 0, 1, 2, 3, 4, 6)).map(([a, n]): Tree => ({ k: 'pow', a, n })),
  ),
}));

const P120 = precise(120);
const P150 = precise(150);

/** lo < x < hi, rationals with 60 decimals, from an enclosure of x. */
function bracket(iv: Interval): [Rational, Rational] {
  const ulp = new Decimal('1e-60');
  const lo = iv.lo.toDecimalPlaces(60, Decimal.ROUND_FLOOR).sub(ulp);
  const hi = iv.hi.toDecimalPlaces(60, Decimal.ROUND_CEIL).add(ulp);
  return [q(lo.toFixed()), q(hi.toFixed())];
}

describe('exact field against the precise field on random expressions', () => {
  it('same sign wherever the precise field certifies one; ties of twins are 0 or undecided, never +-1', () => {
    let checked = 0;
    let ties = 0;
    fc.assert(
      fc.property(tree, (t) => {
        const X = build(F, t);
        const s = P120.sign(build(P120, t));
        if (s !== undefined) {
          expect(F.sign(X)).toBe(s);
          if (!isRational(X)) checked++;
        }
        // the same expression built again (distinct nodes): an exact tie
        const D = F.sub(X, build(F, t));
        const sd = F.sign(D);
        expect(sd === 0 || sd === undefined).toBe(true);
        if (!isRational(D) && sd === 0) ties++;
        expect(F.sign(F.add(D, q('1e-70')))).toBe(1);
        expect(F.sign(F.sub(D, q('1e-70')))).toBe(-1);
      }),
      { numRuns: 200, seed: 20261126 },
    );
    console.log(`exact vs precise: ${checked} irrational signs checked, ${ties} irrational twin ties decided 0`);
    expect(checked).toBeGreaterThan(80);
    expect(ties).toBeGreaterThan(80);
  });

  it('near-ties X - lo > 0 > X - hi (1e-60 apart) with the enclosures capped at 40 digits: the algebraic step decides or says undecided', () => {
    const [decided, total] = nearTies(tree, 100, 11262026);
    console.log(`near-ties: ${decided} of ${total} irrational values decided on both sides by the algebraic step alone`);
    expect(decided).toBeGreaterThan(30);
  });

  it('near-ties of sums of square and cube roots (several radicands, two cube classes, mixed signs): decided by squaring and sixth powers', () => {
    const term = fc.oneof(
      fc.tuple(nzQ, fc.constantFrom(2, 3, 5, 6, 7, 10, 15)).map(([c, r]): Tree => ({ k: 'mul', a: { k: 'q', v: c }, b: { k: 'sqrtq', v: Rational.of(r) } })),
      // one cube class besides the rationals: cbrt 16 = 2 cbrt 2, cbrt 54 = 3 cbrt 2, cbrt(1/4) = cbrt(2)/2
      fc.tuple(nzQ, fc.constantFrom('2', '16', '54', '1/4')).map(([c, r]): Tree => ({ k: 'mul', a: { k: 'q', v: c }, b: { k: 'cbrtq', v: q(r) } })),
      nzQ.map((v): Tree => ({ k: 'q', v })),
    );
    const sum = fc.array(term, { minLength: 2, maxLength: 3 }).map((ts) => ts.reduce((a, b): Tree => ({ k: 'add', a, b })));
    const [decided, total] = nearTies(sum, 50, 5150);
    console.log(`near-ties of root sums: ${decided} of ${total} decided on both sides by the algebraic step alone`);
    expect(decided).toBeGreaterThan(35);
  });
});

describe('exact field: near-ties with an opaque factor (the monomial view)', () => {
  it('sign(G^f (S - lo)) = sign(G^f) and sign(G^f (S - hi)) = -sign(G^f), G a cube root of a sum (outside the normal form), S a root sum', () => {
    // G = cbrt(cbrt 2 + 1) > 0 or cbrt(cbrt 2 - 2) < 0: opaque atoms whose signs the field certifies
    const atoms: [Tree, number][] = [
      [{ k: 'cbrt', a: { k: 'add', a: { k: 'cbrtq', v: q('2') }, b: { k: 'q', v: q('1') } } }, 1],
      [{ k: 'cbrt', a: { k: 'sub', a: { k: 'cbrtq', v: q('2') }, b: { k: 'q', v: q('2') } } }, -1],
    ];
    const term = fc.oneof(
      fc.tuple(nzQ, fc.constantFrom('2', '3', '6', '1/8')).map(([c, r]): [Rational, Tree] => [c, { k: 'sqrtq', v: q(r) }]),
      fc.tuple(nzQ, fc.constantFrom('2', '16')).map(([c, r]): [Rational, Tree] => [c, { k: 'cbrtq', v: q(r) }]),
      // 2^(1/9) and 3^(1/4): roots outside the sixth-root normal form
      nzQ.map((c): [Rational, Tree] => [c, { k: 'cbrt', a: { k: 'cbrtq', v: q('2') } }]),
      nzQ.map((c): [Rational, Tree] => [c, { k: 'sqrt', a: { k: 'sqrtq', v: q('3') } }]),
    );
    let decided = 0;
    let total = 0;
    fc.assert(
      fc.property(fc.array(term, { minLength: 1, maxLength: 3 }), fc.constantFrom(0, 1), fc.constantFrom(1, 2, -1, 3), (terms, gi, f) => {
        const S = terms.map(([c, r]): Tree => ({ k: 'mul', a: { k: 'q', v: c }, b: r })).reduce((a, b): Tree => ({ k: 'add', a, b }));
        const iv = build(P150, S);
        if (P150.sign(iv) === undefined) return;
        const [lo, hi] = bracket(iv);
        const [gt, gs] = atoms[gi]!;
        const sg = f % 2 === 0 ? 1 : gs;
        setExactPrecision({ startDigits: 40, maxDigits: 40 });
        try {
          const G = F.powInt(build(F, gt), f);
          // sum_i (c_i G^f) r_i - b G^f, written out term by term
          const side = (b: Rational): Real => terms.reduce((acc: Real, [c, r]) => F.add(acc, F.mul(F.mul(c, G), build(F, r))), F.mul(b.neg(), G));
          total++;
          const a = F.sign(side(lo));
          const b = F.sign(side(hi));
          expect(a === sg || a === undefined).toBe(true);
          expect(b === -sg || b === undefined).toBe(true);
          if (a === sg && b === -sg) decided++;
        } finally {
          setExactPrecision(saved);
        }
      }),
      { numRuns: 60, seed: 1999 },
    );
    // undecided: sums that mix ninth or fourth roots with other radicands (outside both the two-term and the sixth-root forms)
    console.log(`opaque near-ties: ${decided} of ${total} decided on both sides by the algebraic step alone`);
    expect(decided).toBeGreaterThan(25);
  });
});

/** For each drawn tree with a certified non-zero value X: sign(X - lo) and sign(X - hi) with the enclosures capped at 40 digits. */
function nearTies(arb: fc.Arbitrary<Tree>, numRuns: number, seed: number): [number, number] {
  let decided = 0;
  let total = 0;
  fc.assert(
    fc.property(arb, (t) => {
      const iv = build(P150, t);
      const s = P150.sign(iv);
      if (s === undefined || P150.isZero(iv)) return;
      const [lo, hi] = bracket(iv);
      setExactPrecision({ startDigits: 40, maxDigits: 40 });
      try {
        const X = build(F, t);
        if (isRational(X)) return;
        total++;
        const a = F.sign(F.sub(X, lo));
        const b = F.sign(F.sub(X, hi));
        expect(a === 1 || a === undefined).toBe(true);
        expect(b === -1 || b === undefined).toBe(true);
        if (a === 1 && b === -1) decided++;
      } finally {
        setExactPrecision(saved);
      }
      // the double of X - lo (about 1e-60: from decimal enclosures, not the float64 one) against the precise field's
      const D = F.sub(build(F, t), lo);
      const v = P150.toNumber(P150.sub(iv, P150.lift(lo)));
      const x = F.toNumber(D);
      expect(Math.abs(x - v)).toBeLessThanOrEqual(1e-12 * Math.abs(v));
      expect(F.errorBound(D)).toBeGreaterThan(0);
      expect(F.errorBound(D)).toBeLessThanOrEqual(1e-9 * Math.abs(v));
    }),
    { numRuns, seed },
  );
  return [decided, total];
}


// ---------------------------------------------------------------------------------------
// Identities with answers computed from rationals only

/** sign(q1 sqrt r1 + q2 sqrt r2) by rationals: squares compared after a sign split. */
function refSign2(q1: Rational, r1: Rational, q2: Rational, r2: Rational): number {
  const s1 = r1.isZero() ? 0 : q1.sign();
  const s2 = r2.isZero() ? 0 : q2.sign();
  if (s1 === 0) return s2;
  if (s2 === 0 || s1 === s2) return s1;
  const c = q1.mul(q1).mul(r1).cmp(q2.mul(q2).mul(r2));
  return c === 0 ? 0 : c > 0 ? s1 : s2;
}

const EPS = q('1e-70');
/** X = Y exactly: the sign of X - Y is 0 and X - Y +- 1e-70 is +-1. */
function expectTie(X: Real, Y: Real): void {
  const D = F.sub(X, Y);
  expect(F.sign(D)).toBe(0);
  expect(F.sign(F.add(D, EPS))).toBe(1);
  expect(F.sign(F.sub(D, EPS))).toBe(-1);
}

const nonSquare = fc.constantFrom(2, 3, 5, 6, 7, 10, 12, 18, 50).map((r) => Rational.of(r));
const nzQ = smallQ.filter((x) => !x.isZero());
const plusSqrt = (p: Rational, qq: Rational, r: Rational): Real => F.add(p, F.mul(qq, F.sqrt(r)));

describe('exact field: identities with a known answer', () => {
  it('(p + q sqrt r)^k = A_k + B_k sqrt r (k = -3..6, by the rational recurrence), as powInt and as a product', () => {
    let nontrivial = 0;
    fc.assert(
      fc.property(nzQ, nzQ, nonSquare, fc.integer({ min: -3, max: 6 }), (p, qq, r, k) => {
        // the base, or for k < 0 its inverse (p - q sqrt r) / (p^2 - q^2 r), raised to |k|
        const n = p.mul(p).sub(qq.mul(qq).mul(r));
        const [p1, q1] = k >= 0 ? [p, qq] : [p.div(n), qq.neg().div(n)];
        let A = Rational.ONE;
        let B = Rational.ZERO;
        for (let i = 0; i < Math.abs(k); i++) [A, B] = [A.mul(p1).add(B.mul(q1).mul(r)), A.mul(q1).add(B.mul(p1))];
        const x = plusSqrt(p, qq, r);
        const Y = plusSqrt(A, B, r);
        expectTie(F.powInt(x, k), Y);
        let prod: Real = F.one;
        for (let i = 0; i < Math.abs(k); i++) prod = F.mul(prod, plusSqrt(p, qq, r));
        expectTie(k >= 0 ? prod : F.div(F.one, prod), Y);
        if (Math.abs(k) >= 2) nontrivial++;
      }),
      { numRuns: 60, seed: 4242 },
    );
    console.log(`binomial powers: ${nontrivial} of 60 with |k| >= 2`);
    expect(nontrivial).toBeGreaterThan(25);
  });

  it('1/(sqrt a - sqrt b) = (sqrt a + sqrt b)/(a - b); sqrt a sqrt b = sqrt ab; cbrt a cbrt b = cbrt ab', () => {
    // non-trivial: sqrt a sqrt b and cbrt c cbrt d irrational (a tie the field must find, not two equal rationals)
    let irrational = 0;
    fc.assert(
      fc.property(radQ, radQ, smallQ, smallQ, (a, b, c, d) => {
        if (!a.eq(b)) expectTie(F.div(F.one, F.sub(F.sqrt(a), F.sqrt(b))), F.div(F.add(F.sqrt(a), F.sqrt(b)), a.sub(b)));
        const sab = F.mul(F.sqrt(a), F.sqrt(b));
        const ab = F.sqrt(a.mul(b));
        if (isRational(sab)) expect((sab as Rational).eq(ab as Rational)).toBe(true);
        else expectTie(sab, ab);
        const ccd = F.mul(F.cbrt(c), F.cbrt(d));
        if (!isRational(sab) && !isRational(ccd)) irrational++;
        if (!isRational(ccd)) expectTie(ccd, F.cbrt(c.mul(d)));
        else expect(F.sign(F.sub(ccd, F.cbrt(c.mul(d))))).toBe(0);
        // cbrt(c sqrt a)^2 = cbrt(c^2 a); sqrt(cbrt a) = cbrt(sqrt a): sixth roots
        const t = F.cbrt(F.mul(c, F.sqrt(a)));
        expect(F.sign(F.sub(F.mul(t, t), F.cbrt(c.mul(c).mul(a))))).toBe(0);
        expect(F.sign(F.sub(F.sqrt(F.cbrt(a)), F.cbrt(F.sqrt(a))))).toBe(0);
      }),
      { numRuns: 60, seed: 777 },
    );
    console.log(`roots: ${irrational} of 60 with both products irrational`);
    expect(irrational).toBeGreaterThan(15);
  });

  it('sqrt((x + y sqrt r)^2) = |x + y sqrt r| (denesting, both signs of y)', () => {
    let mixed = 0;
    fc.assert(
      fc.property(nzQ, nzQ, nonSquare, (x, y, r) => {
        const s = refSign2(x, Rational.ONE, y, r);
        const Z = F.sqrt(plusSqrt(x.mul(x).add(y.mul(y).mul(r)), x.mul(y).mul(Rational.of(2)), r));
        expectTie(Z, s >= 0 ? plusSqrt(x, y, r) : plusSqrt(x.neg(), y.neg(), r));
        if (x.sign() !== y.sign()) mixed++;
      }),
      { numRuns: 60, seed: 99 },
    );
    console.log(`denesting: ${mixed} of 60 with x, y of opposite signs`);
    expect(mixed).toBeGreaterThan(15);
  });

  // c sqrt a written as (c/s) sqrt(a s^2): equal values from a small pool, written differently
  const disguised = fc
    .tuple(fc.integer({ min: -3, max: 3 }), fc.constantFrom(1, 2, 3), fc.constantFrom(1, 2, 3))
    .map(([c, a, s]): [Rational, Rational] => [Rational.of(c, s), Rational.of(a * s * s)]);

  it('min and max of c_i sqrt r_i against the list sorted by a rational comparison (ties included)', () => {
    let ties = 0;
    fc.assert(
      fc.property(fc.array(disguised, { minLength: 2, maxLength: 5 }), (items) => {
        const cmp = ([c1, r1]: [Rational, Rational], [c2, r2]: [Rational, Rational]): number => refSign2(c1, r1, c2.neg(), r2);
        const sorted = [...items].sort(cmp);
        for (let i = 1; i < sorted.length; i++) if (cmp(sorted[i - 1]!, sorted[i]!) === 0 && !sorted[i]![0].isZero()) ties++;
        const vals = items.map(([c, r]) => F.mul(c, F.sqrt(r)));
        const lo = vals.reduce((m, v) => F.min(m, v));
        const hi = vals.reduce((m, v) => F.max(m, v));
        const [c0, r0] = sorted[0]!;
        const [c1, r1] = sorted[sorted.length - 1]!;
        expect(F.sign(F.sub(lo, F.mul(c0, F.sqrt(r0))))).toBe(0);
        expect(F.sign(F.sub(hi, F.mul(c1, F.sqrt(r1))))).toBe(0);
        // and strictly inside the second smallest / largest when those differ
        if (cmp(sorted[0]!, sorted[1]!) < 0) expect(F.sign(F.sub(lo, vals[items.indexOf(sorted[1]!)]!))).toBe(-1);
      }),
      { numRuns: 100, seed: 31337 },
    );
    console.log(`min/max: ${ties} tied neighbours`);
    expect(ties).toBeGreaterThan(10);
  });
});

/**
 * A float64 reading of a closed form by the usual rules (^ binds tightest and to the right, then
 * unary minus, then * and / to the left, then + and - to the left; functions sqrt cbrt abs min max).
 */
function readBack(text: string): number {
  const toks = text.match(/\d+(?:\.\d+)?|[a-z]+|[-+*/^(),]/g)!;
  expect(toks.join('')).toBe(text.replace(/\s+/g, ''));
  let i = 0;
  const peek = (): string | undefined => toks[i];
  const take = (t?: string): string => {
    const x = toks[i++]!;
    if (t !== undefined) expect(x).toBe(t);
    return x;
  };
  const FN: Record<string, (...a: number[]) => number> = { sqrt: Math.sqrt, cbrt: Math.cbrt, abs: Math.abs, min: Math.min, max: Math.max };
  function atom(): number {
    const t = take();
    if (t === '(') {
      const v = sum();
      take(')');
      return v;
    }
    if (t in FN) {
      take('(');
      const args = [sum()];
      while (peek() === ',') {
        take(',');
        args.push(sum());
      }
      take(')');
      return FN[t]!(...args);
    }
    expect(t).toMatch(/^\d/);
    return Number(t);
  }
  function power(): number {
    const b = atom();
    if (peek() !== '^') return b;
    take('^');
    return b ** unary();
  }
  function unary(): number {
    if (peek() === '-') {
      take('-');
      return -unary();
    }
    return power();
  }
  function product(): number {
    let v = unary();
    while (peek() === '*' || peek() === '/') v = take() === '*' ? v * unary() : v / unary();
    return v;
  }
  function sum(): number {
    let v = product();
    while (peek() === '+' || peek() === '-') v = take() === '+' ? v + product() : v - product();
    return v;
  }
  const v = sum();
  expect(i).toBe(toks.length);
  return v;
}

describe('exact field: display', () => {
  it('readBack follows the usual precedence', () => {
    expect(readBack('2 - 3 - 4')).toBe(-5);
    expect(readBack('2/4/8')).toBe(1 / 16);
    expect(readBack('-2^2')).toBe(-4);
    expect(readBack('2^3^2')).toBe(512);
    expect(readBack('(-2)^2*3 + max(1, -(4 - 1))')).toBe(13);
  });

  it('a closed form, read back in float64 by the usual precedence rules, is the value (parentheses and signs of the printed text)', () => {
    let closed = 0;
    fc.assert(
      fc.property(tree, (t) => {
        const X = build(F, t);
        const text = F.format(X);
        const v = P120.toNumber(build(P120, t));
        if (text.startsWith('[')) {
          // a certified enclosure: it contains the value
          const [lo, hi] = text.slice(1, -1).split(', ').map(Number) as [number, number];
          expect(lo <= v && v <= hi).toBe(true);
          return;
        }
        if (!isRational(X)) closed++;
        const back = readBack(text);
        expect(Math.abs(back - v)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(v)));
        expect(Math.abs(F.toNumber(X) - v)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(v)));
      }),
      { numRuns: 200, seed: 8080 },
    );
    console.log(`display: ${closed} irrational closed forms read back`);
    expect(closed).toBeGreaterThan(60);
  });

  it('closed forms of each operation (hand-checked texts)', () => {
    const s2 = F.sqrt(q('2'));
    const s3 = F.sqrt(q('3'));
    const c2 = F.cbrt(q('2'));
    const one = q('1');
    const cases: [Real, string][] = [
      [F.add(s2, s3), 'sqrt(2) + sqrt(3)'],
      [F.sub(s2, F.sub(s3, one)), 'sqrt(2) - (sqrt(3) - 1)'],
      [F.sub(F.add(s2, one), s3), 'sqrt(2) + 1 - sqrt(3)'],
      [F.mul(F.add(s2, one), s3), '(sqrt(2) + 1)*sqrt(3)'],
      [F.mul(q('-3'), s2), '(-3)*sqrt(2)'],
      [F.div(s2, q('-4')), '-sqrt(2)/4'],
      [F.mul(q('3/4'), s2), '3*sqrt(2)/4'],
      [F.mul(q('-3/4'), s2), '-3*sqrt(2)/4'],
      [F.sub(s3, F.mul(q('-3/4'), s2)), 'sqrt(3) - (-3*sqrt(2)/4)'],
      [F.div(F.add(s2, one), q('4')), '(sqrt(2) + 1)/4'],
      [F.div(s2, F.mul(s3, c2)), 'sqrt(2)/(sqrt(3)*cbrt(2))'],
      [F.neg(F.add(s2, s3)), '-(sqrt(2) + sqrt(3))'],
      [F.neg(F.mul(s2, s3)), '-(sqrt(2)*sqrt(3))'],
      [F.powInt(F.add(s2, one), 3), '(sqrt(2) + 1)^3'],
      [F.powInt(F.add(s2, one), -2), '(sqrt(2) + 1)^(-2)'],
      [F.powInt(F.neg(c2), 2), '(-cbrt(2))^2'],
      [F.powInt(F.powInt(c2, 2), 2), '(cbrt(2)^2)^2'],
      [F.cbrt(s2), 'cbrt(sqrt(2))'],
      [F.sqrt(q('1/2')), 'sqrt(1/2)'],
      [F.max(F.sqrt(q('8')), F.mul(q('2'), s2)), 'max(sqrt(8), 2*sqrt(2))'],
      [F.min(F.sqrt(q('8')), F.mul(q('2'), s2)), 'min(sqrt(8), 2*sqrt(2))'],
      [F.add(q('-2'), s2), '(-2) + sqrt(2)'],
      [F.add(q('1/2'), s2), '1/2 + sqrt(2)'],
      [F.mul(s2, F.add(s3, q('1/2'))), 'sqrt(2)*(sqrt(3) + 1/2)'],
      [F.div(q('-2'), s2), '(-2)/sqrt(2)'],
    ];
    for (const [x, text] of cases) expect(F.format(x)).toBe(text);
  });
});

describe('exact field: precision settings', () => {
  it('setExactPrecision checks each argument at its bounds and returns the previous setting', () => {
    const prev = setExactPrecision({ startDigits: 10, maxDigits: 100_000 });
    expect(prev).toEqual(saved);
    expect(getExactPrecision()).toMatchObject({ startDigits: 10, maxDigits: 100_000 });
    setExactPrecision({ startDigits: 40, maxDigits: 40 });
    expect(() => setExactPrecision({ startDigits: 9 })).toThrow('setExactPrecision: argument startDigits must be an integer in 10..100000, got 9');
    expect(() => setExactPrecision({ maxDigits: 100_001 })).toThrow('argument maxDigits must be an integer in 10..100000, got 100001');
    expect(() => setExactPrecision({ startDigits: 40.5 })).toThrow(/startDigits must be an integer/);
    expect(() => setExactPrecision({ startDigits: 50 })).toThrow('setExactPrecision: argument maxDigits (40) must be >= startDigits (50)');
    expect(() => setExactPrecision({ maxWork: 0 })).toThrow('setExactPrecision: argument maxWork must be a positive number, got 0');
    expect(() => setExactPrecision({ budgetMs: -1 })).toThrow('argument budgetMs must be a positive number, got -1');
    expect(() => setExactPrecision({ budgetMs: Number.NaN })).toThrow(/budgetMs/);
    // a refused setting leaves the current one
    expect(getExactPrecision()).toMatchObject({ startDigits: 40, maxDigits: 40 });
  });

  it('an undecided sign is retried under a new setting: 1e-60 near-ties of three cube classes', () => {
    const [lo] = bracket(build(P150, { k: 'add', a: { k: 'add', a: { k: 'cbrtq', v: q('2') }, b: { k: 'cbrtq', v: q('3') } }, b: { k: 'cbrtq', v: q('5') } }));
    const x = F.sub(F.add(F.add(F.cbrt(q('2')), F.cbrt(q('3'))), F.cbrt(q('5'))), lo);
    setExactPrecision({ startDigits: 40, maxDigits: 60 });
    expect(F.sign(x)).toBeUndefined();
    setExactPrecision({ startDigits: 40, maxDigits: 80 });
    expect(F.sign(x)).toBe(1);
  });
});

describe('exact field: decimal enclosures of each operation decide 1e-60 gaps (algebraic step off)', () => {
  const s2 = (): Real => F.sqrt(q('2'));
  // lo < sqrt 2 < hi with hi - lo = 2e-60 + (the part below 1e-60): c1 = lo + 1e-60 < sqrt 2 < c2 = hi - 1e-60
  const [lo, hi] = bracket(P150.sqrt(P150.lift(q('2'))));
  const u = q('1e-60');
  const c1 = lo.add(u);
  const c2 = hi.sub(u);

  it('min, max, abs, div and powInt nodes (the float64 enclosures overlap): the right branch and sign', () => {
    for (const algebraic of [false, true]) {
      setExactPrecision({ algebraic });
      // min(sqrt 2, hi) = sqrt 2 < c2 (max would give hi > c2); max(sqrt 2, lo) = sqrt 2 > c1
      expect(F.sign(F.sub(F.min(s2(), hi), c2))).toBe(-1);
      expect(F.sign(F.sub(F.max(s2(), lo), c1))).toBe(1);
      expect(F.sign(F.sub(F.min(hi, s2()), c2))).toBe(-1);
      expect(F.sign(F.sub(F.max(lo, s2()), c1))).toBe(1);
      // |lo - sqrt 2| = sqrt 2 - lo in (1e-60, 2e-60]
      const a = F.abs(F.sub(lo, s2()));
      expect(F.sign(F.sub(a, q('1e-61')))).toBe(1);
      expect(F.sign(F.sub(a, q('3e-60')))).toBe(-1);
      // 1/(sqrt 2 - lo) in [5e59, 1e60): its divisor's enclosure holds 0 at 40 digits
      const inv = F.div(F.one, F.sub(s2(), lo));
      expect(F.sign(F.sub(inv, q('4e59')))).toBe(1);
      expect(F.sign(F.sub(inv, q('2e60')))).toBe(-1);
      // (sqrt 2 - lo)^-1 likewise, (sqrt 2 + 1)^3 = 7 + 5 sqrt 2 against 7 + 5 c1, 7 + 5 c2
      const p = F.powInt(F.sub(s2(), lo), -1);
      expect(F.sign(F.sub(p, q('4e59')))).toBe(1);
      expect(F.sign(F.sub(p, q('2e60')))).toBe(-1);
      const cube = F.powInt(F.add(s2(), F.one), 3);
      expect(F.sign(F.sub(cube, c1.mul(q('5')).add(q('7'))))).toBe(1);
      expect(F.sign(F.sub(cube, c2.mul(q('5')).add(q('7'))))).toBe(-1);
      // a quotient of irrationals: (sqrt 2 + cbrt 3)/(cbrt 2 + cbrt 3 + cbrt 5) against its 60-digit bracket
      const t: Tree = {
        k: 'div',
        a: { k: 'add', a: { k: 'sqrtq', v: q('2') }, b: { k: 'cbrtq', v: q('3') } },
        b: { k: 'add', a: { k: 'add', a: { k: 'cbrtq', v: q('2') }, b: { k: 'cbrtq', v: q('3') } }, b: { k: 'cbrtq', v: q('5') } },
      };
      const [tlo, thi] = bracket(P150.div(build(P150, t.a), build(P150, t.b)));
      const x = F.div(build(F, t.a), build(F, t.b));
      expect(F.sign(F.sub(x, tlo))).toBe(1);
      expect(F.sign(F.sub(x, thi))).toBe(-1);
    }
  });

  it('random expressions: X - lo > 0 > X - hi decided by the enclosures alone', () => {
    setExactPrecision({ algebraic: false });
    let total = 0;
    fc.assert(
      fc.property(tree, (t) => {
        const iv = build(P150, t);
        if (P150.sign(iv) === undefined || P150.isZero(iv)) return;
        const [tlo, thi] = bracket(iv);
        const X = build(F, t);
        if (isRational(X)) return;
        total++;
        expect(F.sign(F.sub(X, tlo))).toBe(1);
        expect(F.sign(F.sub(X, thi))).toBe(-1);
      }),
      { numRuns: 80, seed: 60060 },
    );
    console.log(`enclosures alone: ${total} irrational near-ties decided on both sides`);
    expect(total).toBeGreaterThan(40);
  });

  it('a near-tie of 300 square roots is decided within the default work budget (decimal work is counted per digit block)', () => {
    setExactPrecision({ algebraic: false });
    const t = Array.from({ length: 300 }, (_, i): Tree => ({ k: 'sqrtq', v: Rational.of(i + 2) })).reduce((a, b): Tree => ({ k: 'add', a, b }));
    const [tlo, thi] = bracket(build(P150, t));
    expect(F.sign(F.sub(build(F, t), tlo))).toBe(1);
    expect(F.sign(F.sub(build(F, t), thi))).toBe(-1);
  });

  it('enclose() outside a decision is not charged to any budget; rationals are enclosed exactly', () => {
    setExactPrecision({ maxWork: 1 });
    const x = F.add(s2(), F.cbrt(q('3')));
    const iv = enclose(x, 60);
    expect(iv.lo.lt(iv.hi)).toBe(true);
    const r = enclose(q('1/4'), 40);
    expect(r.lo.toString()).toBe('0.25');
    expect(r.hi.toString()).toBe('0.25');
  });
});

describe('exact field: fast paths return the operand itself (closed forms stay short)', () => {
  it('0, 1, -1, x - x, x / x, neg(neg x), min(x, x), powers of roots', () => {
    const x = F.sqrt(q('2'));
    const zeroNode = F.sub(F.sqrt(q('8')), F.mul(q('2'), x));
    const c = F.cbrt(q('3'));
    expect(F.add(F.zero, x)).toBe(x);
    expect(F.add(x, F.zero)).toBe(x);
    expect(F.sub(x, F.zero)).toBe(x);
    expect(F.format(F.sub(F.zero, x))).toBe('-sqrt(2)');
    expect(F.sub(x, x)).toEqual(Rational.ZERO);
    expect(F.mul(F.one, x)).toBe(x);
    expect(F.mul(x, F.one)).toBe(x);
    expect(F.format(F.mul(q('-1'), x))).toBe('-sqrt(2)');
    expect(F.format(F.mul(x, q('-1')))).toBe('-sqrt(2)');
    expect(F.mul(F.zero, x)).toEqual(Rational.ZERO);
    expect(F.div(x, F.one)).toBe(x);
    expect(F.format(F.div(x, q('2')))).toBe('sqrt(2)/2');
    expect(F.div(F.zero, x)).toEqual(Rational.ZERO);
    expect(F.div(x, x)).toEqual(Rational.ONE);
    expect(F.neg(F.neg(x))).toBe(x);
    expect(F.min(x, x)).toBe(x);
    expect(F.max(x, x)).toBe(x);
    expect(F.abs(x)).toBe(x);
    expect(F.abs(F.neg(x))).toBe(x);
    expect(F.sqrt(zeroNode)).toEqual(Rational.ZERO);
    expect(F.cbrt(zeroNode)).toEqual(Rational.ZERO);
    expect(F.powInt(x, 0)).toEqual(Rational.ONE);
    expect(F.powInt(x, 1)).toBe(x);
    expect(F.powInt(x, 4)).toEqual(q('4'));
    expect(F.powInt(x, -2)).toEqual(q('1/2'));
    expect(F.format(F.powInt(x, 3))).toBe('sqrt(2)^3');
    expect(F.powInt(F.sqrt(c), 2)).toBe(c);
    expect(F.powInt(F.cbrt(x), 3)).toBe(x);
    expect(F.powInt(F.cbrt(x), -6)).toEqual(q('1/2'));
    expect(() => F.powInt(zeroNode, -1)).toThrow('exact.powInt: 0 raised to the negative power k = -1');
    expect(() => F.div(x, zeroNode)).toThrow(/exact\.div: division by zero \(argument b = .* is exactly 0\)/);
    expect(() => F.sqrt(F.sub(q('1'), x))).toThrow(/exact\.sqrt: argument is negative \(1 - sqrt\(2\)\)/);
    // rationals: min/max/abs by value
    expect(F.min(q('1/3'), q('1/2'))).toEqual(q('1/3'));
    expect(F.max(q('1/3'), q('1/2'))).toEqual(q('1/2'));
    // the closed form up to 12 nodes, an enclosure past it
    let w: Real = F.add(F.add(F.add(x, c), F.sqrt(q('5'))), q('1'));
    expect(F.format(w)).toBe('sqrt(2) + cbrt(3) + sqrt(5) + 1');
    w = F.add(w, q('1'));
    expect(F.format(w)).toBe('sqrt(2) + cbrt(3) + sqrt(5) + 1 + 1');
    w = F.add(w, q('1'));
    expect(F.format(w)).toMatch(/^\[/);
  });
});
