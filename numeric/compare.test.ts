import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decide, evaluateComparison, FLOAT64_EQ_TOL, requireSymmetric } from './compare.ts';
import type { Field, Num } from './field.ts';
import { fieldFor } from './fields.ts';
import { float64 } from './float64.ts';
import { icbrtFast, isqrtFast } from './bigmath.ts';
import * as Mx from './matrix.ts';
import { precise } from './precise.ts';
import { Rational } from './rational.ts';
import { rationalField } from './rational-field.ts';
import { exact } from './real.ts';

const q = (s: string): Rational => Rational.parse(s);
const smallRat = fc.tuple(fc.integer({ min: -20, max: 20 }), fc.integer({ min: 1, max: 7 })).map(([p, d]) => Rational.of(p, d));

/** M = [[D1, X], [X^T, D2]]: symmetric; D1 = D2 = 0 gives zero diagonal blocks. */
function symBlock<T>(F: Field<T>, X: Mx.Matrix<T>, zeroDiag: boolean): Mx.Matrix<T> {
  const E = Mx.embedE1TXE2T(F, X);
  const M = Mx.add(F, E, Mx.transpose(E));
  if (zeroDiag) return M;
  const N = M.rows;
  return Mx.add(F, M, Mx.matrix(N, N, M.data.map((_, k) => (k === 0 ? F.one : F.zero))));
}

const blockArb = fc
  .tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }))
  .chain(([m, n]) => fc.record({ m: fc.constant(m), n: fc.constant(n), X: fc.array(smallRat, { minLength: m * n, maxLength: m * n }) }))
  .filter(({ X }) => X.some((x) => !x.isZero()));

describe('certified comparison: equality cases of A2', () => {
  it('||E1 M E2||^2 = ||M||^2 / 2 and ||E1 M E2|| = ||M|| / sqrt 2 for symmetric M with zero diagonal blocks (exact)', () => {
    const F = exact;
    fc.assert(
      fc.property(blockArb, ({ m, n, X }) => {
        const M = symBlock(F, Mx.lift(F, Mx.matrix<Num>(m, n, X)), true);
        const top = Mx.extractE1ME2(M, m);
        expect(decide(F, { lhs: Mx.normSq(F, top), rel: '=', rhs: F.div(Mx.normSq(F, M), F.fromInt(2)) }).holds).toBe(true);
        const d = decide(F, { lhs: Mx.norm(F, top), rel: '=', rhs: F.div(Mx.norm(F, M), F.sqrt(F.fromInt(2))) });
        expect(d.holds).toBe(true);
        expect(d.slack).toBe(0);
        // and the general inequality ||E1 M E2|| <= ||M|| / sqrt 2 holds with slack 0
        expect(decide(F, { lhs: Mx.norm(F, top), rel: '<=', rhs: F.div(Mx.norm(F, M), F.sqrt(F.fromInt(2))) })).toMatchObject({ holds: true, slack: 0, ratio: 1 });
      }),
      { numRuns: 150 },
    );
  });

  it('the same equalities are never false in precise, and pass float64 screening', () => {
    for (const F of [precise(60) as Field<unknown>, float64 as Field<unknown>]) {
      fc.assert(
        fc.property(blockArb, ({ m, n, X }) => {
          const M = symBlock(F, Mx.lift(F, Mx.matrix<Num>(m, n, X)), true);
          const top = Mx.extractE1ME2(M, m);
          const d = decide(F, { lhs: Mx.norm(F, top), rel: '=', rhs: F.div(Mx.norm(F, M), F.sqrt(F.fromInt(2))) });
          expect(d.holds).not.toBe(false);
          if (F.mode === 'precise') expect(d.errorBound).toBeLessThan(1e-50);
        }),
        { numRuns: 50 },
      );
    }
  });

  it('a non-zero diagonal block breaks the equality: decided false, and <= still holds strictly', () => {
    const F = exact;
    fc.assert(
      fc.property(blockArb, ({ m, n, X }) => {
        const M = symBlock(F, Mx.lift(F, Mx.matrix<Num>(m, n, X)), false);
        const top = Mx.extractE1ME2(M, m);
        const rhs = F.div(Mx.norm(F, M), F.sqrt(F.fromInt(2)));
        expect(decide(F, { lhs: Mx.norm(F, top), rel: '=', rhs }).holds).toBe(false);
        const le = decide(F, { lhs: Mx.norm(F, top), rel: '<=', rhs });
        expect(le.holds).toBe(true);
        expect(le.slack).toBeGreaterThan(0);
        expect(le.ratio).toBeLessThan(1);
      }),
      { numRuns: 100 },
    );
  });
});

describe('certified comparison: results float64 gets wrong', () => {
  it('a cancellation: the entries of E1 M E2 sum to 1 (1e16+1 and -1e16)', () => {
    const X = Mx.matrix<Num>(1, 2, [q('10000000000000001'), q('-10000000000000000')]);
    const verdict = (F: Field<unknown>) => {
      const M = symBlock(F, Mx.lift(F, X), true);
      const top = Mx.extractE1ME2(M, 1);
      const ones = Mx.matrix(1, 2, [F.one, F.one]);
      return decide(F, { lhs: Mx.inner(F, top, ones), rel: '=', rhs: F.one }).holds;
    };
    expect(verdict(exact as Field<unknown>)).toBe(true);
    expect(verdict(precise(60) as Field<unknown>)).toBe(true);
    expect(verdict(float64 as Field<unknown>)).toBe(false); // a float64 "candidate" that exact refutes
  });

  it('0.1 + 0.2 = 0.3 with rationals from decimal strings', () => {
    const F = exact;
    expect(decide(F, { lhs: F.add(q('0.1'), q('0.2')), rel: '=', rhs: q('0.3') }).holds).toBe(true);
    expect(float64.isZero(float64.sub(0.1 + 0.2, 0.3))).toBe(false);
  });
});

describe('certified comparison: near-ties are decided correctly or undecided, never wrong', () => {
  const s = 10n ** 60n;
  const below = Rational.of(isqrtFast(2n * s * s), s); // < sqrt 2 by < 1e-60
  const above = below.add(Rational.of(1n, s));

  it('sqrt 2 against 60-digit rationals', () => {
    const F = exact;
    const r2 = F.sqrt(F.fromInt(2));
    expect(decide(F, { lhs: r2, rel: '<=', rhs: above }).holds).toBe(true);
    expect(decide(F, { lhs: r2, rel: '<=', rhs: below }).holds).toBe(false);
    expect(decide(F, { lhs: r2, rel: '>=', rhs: below }).holds).toBe(true);
    expect(decide(F, { lhs: r2, rel: '>=', rhs: above }).holds).toBe(false);
    expect(decide(F, { lhs: r2, rel: '=', rhs: above }).holds).toBe(false);
    // in precise at 60 digits the same questions are at or below its resolution: never a wrong verdict
    const P = precise(60);
    const p2 = P.sqrt(P.fromInt(2));
    for (const [rhs, truth] of [
      [above, true],
      [below, false],
    ] as const) {
      const h = decide(P, { lhs: p2, rel: '<=', rhs: P.lift(rhs) }).holds;
      expect(h === truth || h === 'undecided').toBe(true);
    }
    // float64 cannot see the difference at all: screening says "holds" both ways (a candidate only)
    expect(decide(float64, { lhs: Math.SQRT2, rel: '<=', rhs: below.toNumber() }).holds).toBe(true);
  });

  it('cube roots: cbrt(3) against rationals just above and below, and the (22) step size', () => {
    const F = exact;
    const c = Rational.of(icbrtFast(3n * s * s * s), s);
    const c3 = F.cbrt(F.fromInt(3));
    expect(decide(F, { lhs: c, rel: '<=', rhs: c3 }).holds).toBe(true);
    expect(decide(F, { lhs: c.add(Rational.of(1n, s)), rel: '<=', rhs: c3 }).holds).toBe(false);
    // eta = (1/(27 sqrt2 L g))^(1/3) satisfies 27 sqrt2 L g eta^3 = 1 exactly
    const L = q('3/2');
    const g = q('2/7');
    const k = F.mul(F.mul(F.fromInt(27), F.sqrt(F.fromInt(2))), F.mul(L, g));
    const eta = F.cbrt(F.div(F.one, k));
    expect(decide(F, { lhs: F.mul(k, F.mul(eta, F.mul(eta, eta))), rel: '=', rhs: F.one }).holds).toBe(true);
    expect(decide(F, { lhs: F.mul(k, F.mul(eta, F.mul(eta, eta))), rel: '<=', rhs: F.one }).holds).toBe(true);
  });

  it('undecided is reported as such', () => {
    const F = exact;
    // equal values (cbrt of a sum, the sum written in two orders) that no exact step recognises
    const x = F.cbrt(F.add(F.cbrt(F.fromInt(2)), F.one));
    const y = F.cbrt(F.add(F.one, F.cbrt(F.fromInt(2))));
    expect(decide(F, { lhs: x, rel: '=', rhs: y }).holds).toBe('undecided');
    expect(decide(F, { lhs: x, rel: '<=', rhs: y }).holds).toBe('undecided');
  });
});

describe('decide: slack, ratio, float64 tolerance, result shape', () => {
  it('slack and ratio follow the relation', () => {
    const F = exact;
    expect(decide(F, { lhs: q('1'), rel: '<=', rhs: q('4') })).toEqual({ holds: true, slack: 3, ratio: 0.25 });
    expect(decide(F, { lhs: q('1'), rel: '>=', rhs: q('4') })).toEqual({ holds: false, slack: -3, ratio: 4 });
    expect(decide(F, { lhs: q('1'), rel: '=', rhs: q('4') })).toEqual({ holds: false, slack: -3 });
    expect(decide(F, { lhs: q('1'), rel: '<=', rhs: q('-4') })).toEqual({ holds: false, slack: -5 });
    expect(() => decide(F, { lhs: q('1'), rel: '<' as '<=', rhs: q('4') })).toThrow(/argument cmp\.rel/);
  });

  it('float64 screening tolerances', () => {
    const F = float64;
    expect(decide(F, { lhs: 1e6, rel: '=', rhs: 1e6 * (1 + 0.5 * FLOAT64_EQ_TOL) }).holds).toBe(true);
    expect(decide(F, { lhs: 1e6, rel: '=', rhs: 1e6 * (1 + 2 * FLOAT64_EQ_TOL) }).holds).toBe(false);
    expect(decide(F, { lhs: 1 + 1e-13, rel: '<=', rhs: 1 }).holds).toBe(true);
    expect(decide(F, { lhs: 1 + 1e-11, rel: '<=', rhs: 1 }).holds).toBe(false);
    expect(decide(F, { lhs: 1, rel: '>=', rhs: 1 + 1e-13 }).holds).toBe(true);
    expect(decide(F, { lhs: Number.NaN, rel: '>=', rhs: 1 }).holds).toBe('undecided');
    expect(decide(F, { lhs: 2, rel: '<=', rhs: 4 })).toEqual({ holds: true, slack: 2, ratio: 0.5 });
  });

  it('precise verdicts carry their error bound', () => {
    const P = precise(60);
    const d = decide(P, { lhs: P.sqrt(P.fromInt(2)), rel: '<=', rhs: P.lift(q('1.5')) });
    expect(d.holds).toBe(true);
    expect(d.errorBound).toBeGreaterThan(0);
    expect(d.errorBound).toBeLessThan(1e-55);
  });

  it('evaluateComparison formats both sides with F.format', () => {
    const F = exact;
    const r = evaluateComparison(F, { label: 'step 1', lhs: F.div(F.sqrt(F.fromInt(2)), F.fromInt(4)), rel: '<=', rhs: q('1/2') });
    expect(r).toMatchObject({ label: 'step 1', lhs: 'sqrt(2)/4', rel: '<=', rhs: '1/2', holds: true });
    expect(r.ratio).toBeCloseTo(Math.SQRT2 / 2, 12);
    expect(Object.keys(evaluateComparison(fieldFor('float64'), { lhs: 1, rel: '=', rhs: 1 })).sort()).toEqual(['holds', 'lhs', 'rel', 'rhs', 'slack']);
  });
});

describe('decide against a rational oracle', () => {
  /** k/8: every field (float64 included) holds these values exactly. */
  const dyadic = fc.integer({ min: -40, max: 40 }).map((k) => Rational.of(k, 8));
  const relArb = fc.constantFrom('<=' as const, '=' as const, '>=' as const);
  const FIELDS: [string, Field<unknown>][] = [
    ['rational', rationalField as Field<unknown>],
    ['exact', exact as Field<unknown>],
    ['precise', precise(50) as Field<unknown>],
    ['float64', float64 as Field<unknown>],
  ];

  it.each(FIELDS)('%s: holds, slack and ratio follow the certified sign of the difference', (name, F) => {
    let ties = 0;
    let violated = 0;
    fc.assert(
      fc.property(dyadic, dyadic, relArb, fc.boolean(), (a, b0, rel, tie) => {
        const b = tie ? a : b0;
        const d = decide(F, { lhs: F.lift(a), rel, rhs: F.lift(b) });
        const c = a.cmp(b);
        if (c === 0) ties++;
        const want = rel === '<=' ? c <= 0 : rel === '>=' ? c >= 0 : c === 0;
        if (!want) violated++;
        expect(d.holds).toBe(want);
        const diff = rel === '<=' ? b.sub(a) : rel === '>=' ? a.sub(b) : a.sub(b).abs().neg();
        expect(Object.is(d.slack, diff.toNumber() + 0)).toBe(true); // never -0
        const ratio = rel === '<=' && b.sign() > 0 ? a.div(b) : rel === '>=' && a.sign() > 0 ? b.div(a) : undefined;
        if (ratio === undefined) expect(d.ratio).toBeUndefined();
        else if (c === 0) expect(d.ratio).toBe(1);
        else expect(d.ratio).toBeCloseTo(ratio.toNumber(), 14);
        if (name === 'precise') expect(d.errorBound).toBeGreaterThanOrEqual(0);
        else expect(d.errorBound).toBeUndefined(); // rationals are exact: no enclosure to report
      }),
      { numRuns: 150 },
    );
    expect(ties).toBeGreaterThan(30);
    expect(violated).toBeGreaterThan(30);
  });

  it('a difference below the smallest double keeps the sign of the certified verdict in its slack', () => {
    const tiny = Rational.of(1n, 10n ** 400n); // toNumber() is 0
    for (const F of [rationalField as Field<unknown>, exact as Field<unknown>]) {
      const z = F.zero;
      const t = F.lift(tiny);
      expect(decide(F, { lhs: z, rel: '<=', rhs: F.neg(t) })).toMatchObject({ holds: false, slack: -Number.MIN_VALUE });
      expect(decide(F, { lhs: F.neg(t), rel: '>=', rhs: z })).toMatchObject({ holds: false, slack: -Number.MIN_VALUE });
      expect(decide(F, { lhs: z, rel: '<=', rhs: t })).toMatchObject({ holds: true, slack: 0 });
      // '=' violated by a tiny amount either way: holds false with a negative slack
      expect(decide(F, { lhs: t, rel: '=', rhs: z })).toMatchObject({ holds: false, slack: -Number.MIN_VALUE });
      expect(decide(F, { lhs: z, rel: '=', rhs: t })).toMatchObject({ holds: false, slack: -Number.MIN_VALUE });
    }
  });

  it('the slack never contradicts the certified sign, even when the field rounds its double the wrong way', () => {
    // a field whose double is a coarse midpoint: right sign of the enclosure, wrong sign of the double
    const wrongSign: Field<Rational> = { ...rationalField, toNumber: (a) => -a.toNumber() };
    const one = Rational.ONE;
    const two = Rational.of(2);
    expect(decide(wrongSign, { lhs: one, rel: '<=', rhs: two })).toMatchObject({ holds: true, slack: 0 });
    expect(decide(wrongSign, { lhs: two, rel: '<=', rhs: one })).toMatchObject({ holds: false, slack: -Number.MIN_VALUE });
    expect(decide(wrongSign, { lhs: one, rel: '=', rhs: one })).toMatchObject({ holds: true, slack: 0 });
    const nan: Field<Rational> = { ...rationalField, toNumber: () => Number.NaN };
    expect(decide(nan, { lhs: one, rel: '<=', rhs: two })).toMatchObject({ holds: true, slack: 0 });
    expect(decide(nan, { lhs: two, rel: '<=', rhs: one })).toMatchObject({ holds: false, slack: -Number.MIN_VALUE });
    expect(decide(nan, { lhs: one, rel: '>=', rhs: one }).slack).toBe(0);
  });

  it('undecided stays undecided whatever the double says; irrational exact values carry a finite error bound', () => {
    const undecided: Field<Rational> = { ...rationalField, sign: () => undefined, errorBound: () => 0.5 };
    for (const rel of ['<=', '=', '>='] as const)
      expect(decide(undecided, { lhs: Rational.ONE, rel, rhs: Rational.of(5) }).holds).toBe('undecided');
    // an undecided '=' reports -|lhs - rhs| from the double, and 0 (not -0, not negative) when the double is 0
    expect(decide(undecided, { lhs: Rational.ONE, rel: '=', rhs: Rational.of(5) }).slack).toBe(-4);
    expect(decide(undecided, { lhs: Rational.of(5), rel: '=', rhs: Rational.ONE }).slack).toBe(-4);
    expect(Object.is(decide(undecided, { lhs: Rational.ONE, rel: '=', rhs: Rational.ONE }).slack, 0)).toBe(true);
    const unbounded: Field<Rational> = { ...rationalField, errorBound: () => Infinity };
    expect(decide(unbounded, { lhs: Rational.ONE, rel: '<=', rhs: Rational.of(5) }).errorBound).toBeUndefined();
    const d = decide(exact, { lhs: exact.sqrt(exact.fromInt(2)), rel: '<=', rhs: q('3/2') });
    expect(d.holds).toBe(true);
    expect(d.errorBound).toBeGreaterThan(0);
    expect(Number.isFinite(d.errorBound)).toBe(true);
  });

  it('float64 screening scales its tolerance by the larger magnitude, and reports slack and ratio', () => {
    const F = float64;
    expect(decide(F, { lhs: 1e20, rel: '<=', rhs: 1e20 - 1e7 }).holds).toBe(true); // 1e-13 relative
    expect(decide(F, { lhs: 1e20, rel: '<=', rhs: 1e20 - 1e9 }).holds).toBe(false); // 1e-11 relative
    expect(decide(F, { lhs: -1e20 + 1e7, rel: '<=', rhs: -1e20 }).holds).toBe(true);
    expect(decide(F, { lhs: 1e20 - 1e7, rel: '>=', rhs: 1e20 }).holds).toBe(true);
    expect(decide(F, { lhs: -1e20, rel: '>=', rhs: -1e20 + 1e7 }).holds).toBe(true);
    expect(decide(F, { lhs: 1e20 - 1e9, rel: '>=', rhs: 1e20 }).holds).toBe(false);
    expect(decide(F, { lhs: -1e20, rel: '=', rhs: -1e20 * (1 + 0.5 * FLOAT64_EQ_TOL) }).holds).toBe(true);
    expect(decide(F, { lhs: 1e-3, rel: '=', rhs: 1e-3 + 5e-10 }).holds).toBe(true); // the floor 1 of the scale
    expect(decide(F, { lhs: 1e-3, rel: '=', rhs: 1e-3 + 2e-9 }).holds).toBe(false);
    expect(decide(F, { lhs: 0, rel: '<=', rhs: 5e-13 }).holds).toBe(true);
    expect(decide(F, { lhs: 5e-13, rel: '<=', rhs: 0 }).holds).toBe(true);
    expect(decide(F, { lhs: 2e-12, rel: '<=', rhs: 0 }).holds).toBe(false);
    expect(decide(F, { lhs: 0, rel: '>=', rhs: 2e-12 }).holds).toBe(false);
    // exactly on the tolerance: still holds (-1e-12 + 1e-12 and 1e-9 - 0 are exact in doubles)
    expect(decide(F, { lhs: 0, rel: '<=', rhs: -1e-12 }).holds).toBe(true);
    expect(decide(F, { lhs: -1e-12, rel: '>=', rhs: 0 }).holds).toBe(true);
    expect(decide(F, { lhs: 0, rel: '=', rhs: 1e-9 }).holds).toBe(true);
    expect(decide(F, { lhs: 4, rel: '>=', rhs: 1 })).toEqual({ holds: true, slack: 3, ratio: 0.25 });
    expect(decide(F, { lhs: -4, rel: '>=', rhs: -5 })).toEqual({ holds: true, slack: 1 });
    expect(decide(F, { lhs: 1, rel: '<=', rhs: 0 })).toEqual({ holds: false, slack: -1 });
    expect(decide(F, { lhs: 1, rel: '=', rhs: 3 })).toEqual({ holds: false, slack: -2 });
    expect(decide(F, { lhs: 3, rel: '=', rhs: 1 })).toEqual({ holds: false, slack: -2 });
    expect(Object.is(decide(F, { lhs: 3, rel: '=', rhs: 3 }).slack, 0)).toBe(true);
    expect(decide(F, { lhs: 1, rel: '<=', rhs: Number.NaN })).toEqual({ holds: 'undecided', slack: Number.NaN });
    expect(decide(F, { lhs: Number.NaN, rel: '=', rhs: 1 }).holds).toBe('undecided');
  });
});

describe('argument validation', () => {
  it('requireSymmetric names the argument', () => {
    const F = exact;
    const S = Mx.lift(F, Mx.fromRows<Num>([[q('1'), q('2')], [q('2'), q('3')]]));
    expect(() => requireSymmetric(F, S, 'M')).not.toThrow();
    const N = Mx.lift(F, Mx.fromRows<Num>([[q('1'), q('2')], [q('5/2'), q('3')]]));
    expect(() => requireSymmetric(F, N, 'M')).toThrow(/^M must be symmetric/);
    expect(() => requireSymmetric(F, Mx.lift(F, Mx.matrix<Num>(1, 2, [q('1'), q('2')])), 'H')).toThrow(/H must be symmetric/);
    // irrational entries that are equal only exactly: sqrt(8) vs 2 sqrt(2)
    const r = Mx.matrix(2, 2, [F.one, F.sqrt(F.fromInt(8)), F.mul(F.fromInt(2), F.sqrt(F.fromInt(2))), F.one]);
    expect(() => requireSymmetric(F, r, 'M')).not.toThrow();
  });

  it('fieldFor maps modes to fields', () => {
    expect(fieldFor('exact')).toBe(exact);
    expect(fieldFor('float64')).toBe(float64);
    expect(fieldFor('precise').mode).toBe('precise');
    expect(fieldFor('precise', { digits: 80 })).toBe(precise(80));
    expect(() => fieldFor('quad' as 'exact')).toThrow(/argument mode/);
  });
});
