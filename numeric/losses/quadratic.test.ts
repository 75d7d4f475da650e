import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Num } from '../field.ts';
import { float64 } from '../float64.ts';
import type { Matrix } from '../matrix.ts';
import { Rational } from '../rational.ts';
import { rationalField as Q } from '../rational-field.ts';
import { eigenvector, reflectors } from './householder.ts';
import { infimum, lossOver, trueSmoothness } from './index.ts';
import { quadraticLoss } from './quadratic.ts';
import { diffNormSq, dot, nonzeroRatVector, plus, randMatrix, ratMatrix, ratVector, rng, smallRational } from './test-helpers.ts';

/** A random quadratic descriptor with rational data (d may be negative when `psd` is false). */
const quadArb = (psd: boolean) =>
  fc
    .tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }))
    .chain(([m, n]) =>
      fc.record({
        m: fc.constant(m),
        n: fc.constant(n),
        d: psd ? ratVector(m * n).map((v) => v.map((x) => x.abs())) : ratVector(m * n),
        u: fc.array(nonzeroRatVector(m * n), { minLength: 0, maxLength: 3 }),
        C: ratMatrix(m, n),
        W: ratMatrix(m, n),
        W2: ratMatrix(m, n),
        D: ratMatrix(m, n),
        h: smallRational().filter((h) => !h.isZero()),
      }),
    );

describe('quadratic loss 1/2 <W - C, H (W - C)>', () => {
  it('(1) gradient = exact directional derivative: f(W + hD) - f(W - hD) = 2h <grad f(W), D> in rationals', () => {
    fc.assert(
      fc.property(quadArb(false), ({ m, n, d, u, C, W, D, h }) => {
        const f = lossOver(Q, quadraticLoss({ m, n, d, u, C }));
        const lhs = f.value(plus(Q, W, h, D)).sub(f.value(plus(Q, W, h.neg(), D)));
        const rhs = Rational.of(2).mul(h).mul(dot(Q, f.grad(W).data, D.data));
        expect(lhs.eq(rhs)).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it('value at C is 0 and the gradient there vanishes; f(C + t v_i) = t^2 d_i / 2 along an eigenvector', () => {
    const m = 2;
    const n = 2;
    const u = [[1, -1, 2, 0], [0, 1, 1, 3]].map((v) => v.map((x) => Rational.of(x)));
    const d = [3, -1, 1 / 2, 0].map((x) => Rational.fromNumber(x));
    const C: Matrix<Num> = { rows: 2, cols: 2, data: [1, 2, 3, 4].map((x) => Rational.of(x, 3)) };
    const f = lossOver(Q, quadraticLoss({ m, n, d, u, C, L: 3 }));
    const Cq = { rows: 2, cols: 2, data: C.data as Rational[] };
    expect(f.value(Cq).isZero()).toBe(true);
    expect(f.grad(Cq).data.every((g) => g.isZero())).toBe(true);
    const R = reflectors(Q, u, 4);
    const t = Rational.of(5, 7);
    for (let i = 0; i < 4; i++) {
      const v = { rows: 2, cols: 2, data: eigenvector(Q, R, i) };
      expect(f.value(plus(Q, Cq, t, v)).eq(t.mul(t).mul(d[i]!).div(Rational.of(2)))).toBe(true);
    }
  });

  it('(2) the true L = max |d_i| is never exceeded (exact), is attained along the top eigenvector, and 0.9 L is exceeded there', () => {
    fc.assert(
      fc.property(quadArb(false), ({ m, n, d, u, C, W, W2 }) => {
        const desc = quadraticLoss({ m, n, d, u, C });
        const Lt = trueSmoothness(desc) as Rational;
        const f = lossOver(Q, desc);
        // random pair
        const g = diffNormSq(Q, f.grad(W).data, f.grad(W2).data);
        expect(g.le(Lt.mul(Lt).mul(diffNormSq(Q, W.data, W2.data)))).toBe(true);
        // worst-case pair W' = W + v_top: ratio exactly max |d_i|
        const top = d.reduce((best, x, i) => (x.abs().cmp(d[best]!.abs()) > 0 ? i : best), 0);
        const v = { rows: m, cols: n, data: eigenvector(Q, reflectors(Q, u, m * n), top) };
        const Wp = plus(Q, W, Rational.ONE, v);
        const gw = diffNormSq(Q, f.grad(W).data, f.grad(Wp).data);
        const dw = diffNormSq(Q, W.data, Wp.data);
        expect(gw.eq(Lt.mul(Lt).mul(dw))).toBe(true);
        const under = Lt.mul(Rational.of(9, 10));
        if (!Lt.isZero()) expect(gw.le(under.mul(under).mul(dw))).toBe(false);
      }),
      { numRuns: 120 },
    );
  });

  it('(3) Lstar = 0 (default) is a lower bound when every d_i >= 0; infimum reports unbounded (null) otherwise', () => {
    fc.assert(
      fc.property(quadArb(true), ({ m, n, d, u, C, W }) => {
        const desc = quadraticLoss({ m, n, d, u, C });
        const f = lossOver(Q, desc);
        expect(f.value(W).cmp(f.Lstar)).toBeGreaterThanOrEqual(0);
        expect(infimum(desc)).toBe(0);
      }),
      { numRuns: 100 },
    );
    const neg = quadraticLoss({ m: 1, n: 2, d: [Rational.of(-1), Rational.ONE], u: [], C: { rows: 1, cols: 2, data: [0, 0] } });
    expect(infimum(neg)).toBeNull();
    // and indeed f goes below any Lstar: f(C + t e_0) = -t^2 / 2.
    const f = lossOver(Q, neg);
    expect(f.value({ rows: 1, cols: 2, data: [Rational.of(100), Rational.ZERO] }).eq(Rational.of(-5000))).toBe(true);
  });

  it('defaults: L = max(1, max |d_i|) (Assumption 3.1 needs L >= 1), Lstar = 0; stated values are kept apart from the true ones', () => {
    const C = { rows: 1, cols: 2, data: [0, 0] };
    const small = quadraticLoss({ m: 1, n: 2, d: [Rational.of(1, 3), Rational.of(-1, 4)], u: [], C });
    expect((small.L as Rational).eq(Rational.ONE)).toBe(true);
    expect((trueSmoothness(small) as Rational).eq(Rational.of(1, 3))).toBe(true);
    const big = quadraticLoss({ m: 1, n: 2, d: [Rational.of(1, 3), Rational.of(-7, 2)], u: [], C });
    expect((big.L as Rational).eq(Rational.of(7, 2))).toBe(true);
    const stated = quadraticLoss({ m: 1, n: 2, d: [Rational.of(4), Rational.ONE], u: [], C, L: Rational.of(1, 2), Lstar: 3 });
    expect((stated.L as Rational).eq(Rational.of(1, 2))).toBe(true);
    expect((trueSmoothness(stated) as Rational).eq(Rational.of(4))).toBe(true);
    const f = lossOver(Q, stated);
    expect(f.L.eq(Rational.of(1, 2)) && f.Lstar.eq(Rational.of(3))).toBe(true);
    expect(small.Lstar).toBe(0);
    // doubles in, doubles out for the default
    expect(quadraticLoss({ m: 1, n: 2, d: [2.5, 0.25], u: [], C }).L).toBe(2.5);
  });

  it('(4) the builder and lossOver reject bad arguments, naming them', () => {
    const C = { rows: 1, cols: 2, data: [0, 0] };
    const ok = { m: 1, n: 2, d: [1, 1], u: [], C };
    expect(() => quadraticLoss({ ...ok, L: -1 })).toThrow('quadraticLoss: argument L must be > 0, got -1');
    expect(() => quadraticLoss({ ...ok, L: 0 })).toThrow('argument L must be > 0, got 0');
    expect(() => quadraticLoss({ ...ok, L: Rational.of(-1, 2) })).toThrow('argument L must be > 0, got -1/2');
    expect(() => quadraticLoss({ ...ok, L: Number.NaN })).toThrow(/argument L must be a finite number/);
    expect(() => quadraticLoss({ ...ok, m: 0 })).toThrow(/argument m must be an integer >= 1, got 0/);
    expect(() => quadraticLoss({ ...ok, n: 1.5 })).toThrow(/argument n must be an integer >= 1/);
    expect(() => quadraticLoss({ ...ok, d: [1] })).toThrow(/argument d must have 2 entries, got 1/);
    expect(() => quadraticLoss({ ...ok, d: [1, Infinity] })).toThrow(/argument d\[1\] must be a finite number/);
    expect(() => quadraticLoss({ ...ok, u: [[1]] })).toThrow(/argument u\[0\] must have 2 entries, got 1/);
    expect(() => quadraticLoss({ ...ok, u: [[1, 1], [0, Rational.ZERO]] })).toThrow(/argument u\[1\] must be a nonzero vector/);
    expect(() => quadraticLoss({ ...ok, C: { rows: 2, cols: 1, data: [0, 0] } })).toThrow(/argument C must be 1 x 2, got 2 x 1/);
    expect(() => quadraticLoss({ ...ok, Lstar: 'x' as unknown as number })).toThrow(/argument Lstar must be a finite number/);
    const desc = quadraticLoss(ok);
    expect(() => lossOver(Q, { ...desc, L: -2 })).toThrow('lossOver(quadratic): field L must be > 0, got -2');
    expect(() => lossOver(Q, { ...desc, d: [1, 2, 3] })).toThrow(/field d must have 2 entries/);
    const f = lossOver(Q, desc);
    expect(() => f.value({ rows: 2, cols: 1, data: [Rational.ONE, Rational.ONE] })).toThrow(/argument W must be 1 x 2, got 2 x 1/);
  });

  it('float64 at 300 x 300 (m n = 90000, 3 reflectors): value and gradient agree with the directional derivative', () => {
    const rand = rng(11);
    const m = 300;
    const n = 300;
    const d = Array.from({ length: m * n }, () => 2 * rand());
    const u = Array.from({ length: 3 }, () => [...randMatrix(rand, 1, m * n).data]);
    const C = randMatrix(rand, m, n);
    const t0 = performance.now();
    const f = lossOver(float64, quadraticLoss({ m, n, d, u, C }));
    const W = randMatrix(rand, m, n);
    const D = randMatrix(rand, m, n);
    const h = 1e-3; // exact for a quadratic up to rounding
    const fd = (f.value(plus(float64, W, h, D)) - f.value(plus(float64, W, -h, D))) / (2 * h);
    const g = dot(float64, f.grad(W).data, D.data);
    expect(Math.abs(fd - g)).toBeLessThan(1e-6 * Math.abs(g) + 1e-6);
    expect(performance.now() - t0).toBeLessThan(10_000); // generous for loaded CI
  });
});
