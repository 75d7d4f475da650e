import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ModeError } from '../field.ts';
import { float64 } from '../float64.ts';
import type { Matrix } from '../matrix.ts';
import { Rational } from '../rational.ts';
import { rationalField as Q } from '../rational-field.ts';
import { infimum, lossOver, trueSmoothness } from './index.ts';
import { SEPARABLE_FAMILIES, separableLoss, type SeparableFamily } from './separable.ts';
import { dbl, dblMatrix, diffNormSq, dot, plus } from './test-helpers.ts';

/** Independent references: the textbook formulas, evaluated directly (no stable rewrites). */
const REF: Record<SeparableFamily, { phi: (x: number) => number; dphi: (x: number) => number }> = {
  'pseudo-huber': { phi: (x) => Math.sqrt(1 + x * x) - 1, dphi: (x) => x / Math.sqrt(1 + x * x) },
  'log-cosh': { phi: (x) => Math.log(Math.cosh(x)), dphi: (x) => Math.sinh(x) / Math.cosh(x) },
  logistic: { phi: (x) => Math.log(1 + Math.exp(-x)), dphi: (x) => -Math.exp(-x) / (1 + Math.exp(-x)) },
};

const sepArb = fc
  .tuple(fc.constantFrom(...SEPARABLE_FAMILIES), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }))
  .chain(([family, m, n]) =>
    fc.record({
      family: fc.constant(family),
      m: fc.constant(m),
      n: fc.constant(n),
      s: fc.double({ min: 0.05, max: 4, noNaN: true }),
      a: fc.double({ min: 0.1, max: 3, noNaN: true }).chain((a) => fc.constantFrom(a, -a)),
      C: dblMatrix(m, n, 3),
      W: dblMatrix(m, n, 5),
      W2: dblMatrix(m, n, 5),
      D: dblMatrix(m, n, 1),
    }),
  );

describe('separable losses sum s phi(a (W - C)_ij)', () => {
  it('value and gradient match the textbook formulas in float64 (moderate arguments)', () => {
    fc.assert(
      fc.property(sepArb, ({ family, m, n, s, a, C, W }) => {
        const f = lossOver(float64, separableLoss({ family, m, n, s, a, C }));
        const x = W.data.map((w, k) => a * (w - C.data[k]!));
        const v = s * x.reduce((acc, t) => acc + REF[family].phi(t), 0);
        expect(Math.abs(f.value(W) - v)).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(v)));
        f.grad(W).data.forEach((g, k) => expect(Math.abs(g - s * a * REF[family].dphi(x[k]!))).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(s * a))));
      }),
      { numRuns: 150 },
    );
  });

  it('(1) float64 sanity: gradient agrees with central differences (h = 1e-5)', () => {
    fc.assert(
      fc.property(sepArb, ({ family, m, n, s, a, C, W, D }) => {
        const f = lossOver(float64, separableLoss({ family, m, n, s, a, C }));
        const h = 1e-5;
        const fd = (f.value(plus(float64, W, h, D)) - f.value(plus(float64, W, -h, D))) / (2 * h);
        const g = dot(float64, f.grad(W).data, D.data);
        // truncation h^2 s |a|^3 sup|phi'''| |D|^3 / 6 plus rounding |f| u / h
        const tol = 1e-9 * s * Math.abs(a) ** 3 * m * n + 1e-10 * (1 + Math.abs(f.value(W)));
        expect(Math.abs(fd - g)).toBeLessThanOrEqual(tol);
      }),
      { numRuns: 150 },
    );
  });

  it('float64 stays finite and accurate for huge and tiny arguments', () => {
    const C = { rows: 1, cols: 4, data: [0, 0, 0, 0] };
    const W = { rows: 1, cols: 4, data: [1e300, -1e300, 1e-200, -800] };
    for (const family of SEPARABLE_FAMILIES) {
      const f = lossOver(float64, separableLoss({ family, m: 1, n: 4, s: 1, a: 1, C }));
      expect(Number.isFinite(f.value(W))).toBe(true);
      expect(f.grad(W).data.every(Number.isFinite)).toBe(true);
    }
    // near 0 the value keeps relative accuracy (phi(x) ~ x^2 / 2), so it is not lost to cancellation
    const tiny = { rows: 1, cols: 4, data: [1e-9, 0, 0, 0] };
    for (const family of ['pseudo-huber', 'log-cosh'] as const) {
      const f = lossOver(float64, separableLoss({ family, m: 1, n: 4, s: 1, a: 1, C }));
      expect(Math.abs(f.value(tiny) / 5e-19 - 1)).toBeLessThan(1e-12);
    }
  });

  it('pseudo-Huber is exact in rationals where 1 + x^2 is a square (Pythagorean arguments)', () => {
    // x = 3/4, 4/3, 5/12, -8/15, 0:  sqrt(1 + x^2) = 5/4, 5/3, 13/12, 17/15, 1.
    const xs = [Rational.of(3, 4), Rational.of(4, 3), Rational.of(5, 12), Rational.of(-8, 15), Rational.ZERO];
    const phi = [Rational.of(1, 4), Rational.of(2, 3), Rational.of(1, 12), Rational.of(2, 15), Rational.ZERO];
    const dphi = [Rational.of(3, 5), Rational.of(4, 5), Rational.of(5, 13), Rational.of(-8, 17), Rational.ZERO];
    const a = Rational.of(2);
    const s = Rational.of(3, 2);
    const C: Matrix<Rational> = { rows: 1, cols: 5, data: [1, 2, 3, 4, 5].map((c) => Rational.of(c)) };
    // W = C + x / a
    const W: Matrix<Rational> = { rows: 1, cols: 5, data: C.data.map((c, k) => c.add(xs[k]!.div(a))) };
    const f = lossOver(Q, separableLoss({ family: 'pseudo-huber', m: 1, n: 5, s, a, C }));
    expect(f.value(W).eq(s.mul(phi.reduce((p, q) => p.add(q))))).toBe(true);
    expect(f.grad(W).data.every((g, k) => g.eq(s.mul(a).mul(dphi[k]!)))).toBe(true);
  });

  it('log-cosh and logistic refuse the exact field with ModeError (they need exp/log)', () => {
    const C = { rows: 1, cols: 1, data: [0] };
    expect(() => lossOver(Q, separableLoss({ family: 'log-cosh', m: 1, n: 1, s: 1, a: 1, C }))).toThrow(ModeError);
    expect(() => lossOver(Q, separableLoss({ family: 'logistic', m: 1, n: 1, s: 1, a: 1, C }))).toThrow(/needs exp\/log/);
  });

  it('(2) the true L = s a^2 kappa is never exceeded on random pairs, and 0.9 L is exceeded near W = C', () => {
    fc.assert(
      fc.property(sepArb, ({ family, m, n, s, a, C, W, W2 }) => {
        const desc = separableLoss({ family, m, n, s, a, C });
        const L = (trueSmoothness(desc) as Rational).toNumber();
        const f = lossOver(float64, desc);
        const g = diffNormSq(float64, f.grad(W).data, f.grad(W2).data);
        // float64: allow the absolute rounding of phi' (a few u times |s a|) on top of L ||W - W'||
        const slack = 1e-14 * Math.abs(s * a) * Math.sqrt(m * n);
        expect(Math.sqrt(g)).toBeLessThanOrEqual(L * Math.sqrt(diffNormSq(float64, W.data, W2.data)) * (1 + 1e-12) + slack);
        // near-worst pair: C and C + t e_0 with |a t| small, where phi'' is at its sup
        const t = 1e-3 / Math.abs(a);
        const C2 = { rows: m, cols: n, data: C.data.map((c, k) => (k === 0 ? c + t : c)) };
        const gw = diffNormSq(float64, f.grad(C).data, f.grad(C2).data);
        const dw = diffNormSq(float64, C.data, C2.data);
        expect(gw).toBeLessThanOrEqual(L * L * dw * (1 + 1e-9));
        expect(gw).toBeGreaterThan(0.81 * L * L * dw);
      }),
      { numRuns: 200 },
    );
  });

  it('kappa per family: s a^2 with kappa 1, 1, 1/4, exactly', () => {
    const C = { rows: 1, cols: 1, data: [0] };
    const at = (family: SeparableFamily) => trueSmoothness(separableLoss({ family, m: 1, n: 1, s: Rational.of(2, 3), a: Rational.of(-3), C })) as Rational;
    expect(at('pseudo-huber').eq(Rational.of(6))).toBe(true);
    expect(at('log-cosh').eq(Rational.of(6))).toBe(true);
    expect(at('logistic').eq(Rational.of(3, 2))).toBe(true);
    // doubles are converted exactly: 0.1 * 0.1 is not rounded
    const tenth = trueSmoothness(separableLoss({ family: 'log-cosh', m: 1, n: 1, s: 1, a: 0.1, C })) as Rational;
    expect(tenth.eq(Rational.fromNumber(0.1).mul(Rational.fromNumber(0.1)))).toBe(true);
  });

  it('(3) Lstar = 0 (default) is a lower bound; infimum is 0', () => {
    fc.assert(
      fc.property(sepArb, ({ family, m, n, s, a, C, W }) => {
        const desc = separableLoss({ family, m, n, s, a, C });
        const f = lossOver(float64, desc);
        expect(f.value(W)).toBeGreaterThanOrEqual(f.Lstar);
        expect(infimum(desc)).toBe(0);
      }),
      { numRuns: 150 },
    );
    // logistic approaches 0 without reaching it: at W - C = 40 each entry is about e^-40
    const f = lossOver(float64, separableLoss({ family: 'logistic', m: 1, n: 2, s: 1, a: 1, C: { rows: 1, cols: 2, data: [0, 0] } }));
    const v = f.value({ rows: 1, cols: 2, data: [40, 40] });
    expect(v > 0 && v < 1e-16).toBe(true);
  });

  it('defaults and (4) argument errors name the argument', () => {
    const C = { rows: 1, cols: 2, data: [0, 0] };
    const ok = { family: 'logistic' as const, m: 1, n: 2, s: 2, a: 1, C };
    expect((separableLoss(ok).L as Rational).eq(Rational.ONE)).toBe(true); // max(1, 2 / 4)
    expect((separableLoss({ ...ok, s: 8, a: 3 }).L as Rational).eq(Rational.of(18))).toBe(true);
    expect(separableLoss({ ...ok, L: 0.25 }).L).toBe(0.25);
    expect(() => separableLoss({ ...ok, L: -1 })).toThrow('separableLoss: argument L must be > 0, got -1');
    expect(() => separableLoss({ ...ok, s: 0 })).toThrow('separableLoss: argument s must be > 0, got 0');
    expect(() => separableLoss({ ...ok, a: 0 })).toThrow('separableLoss: argument a must be nonzero, got 0');
    expect(() => separableLoss({ ...ok, family: 'huber' as SeparableFamily })).toThrow(/argument family must be one of pseudo-huber, log-cosh, logistic, got huber/);
    expect(() => separableLoss({ ...ok, C: { rows: 1, cols: 2, data: [0, NaN] } })).toThrow(/argument C\[0\]\[1\] must be a finite number/);
    expect(() => separableLoss({ ...ok, n: 3 })).toThrow(/argument C must be 1 x 3, got 1 x 2/);
    const desc = separableLoss(ok);
    expect(() => lossOver(float64, { ...desc, a: Rational.ZERO })).toThrow('lossOver(logistic): field a must be nonzero, got 0');
    expect(() => lossOver(float64, desc).grad({ rows: 2, cols: 1, data: [0, 0] })).toThrow(/argument W must be 1 x 2/);
  });

  it('random single points: stated L and true L are distinct things (an understated L is kept as stated)', () => {
    fc.assert(
      fc.property(dbl(3).filter((x) => Math.abs(x) > 0.01), (a) => {
        const C = { rows: 1, cols: 1, data: [0] };
        const desc = separableLoss({ family: 'pseudo-huber', m: 1, n: 1, s: 1, a, C, L: 1e-3 });
        expect(desc.L).toBe(1e-3);
        expect((trueSmoothness(desc) as Rational).toNumber()).toBeCloseTo(a * a, 12);
      }),
      { numRuns: 20 },
    );
  });
});
