import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { float64 } from '../float64.ts';
import type { Matrix } from '../matrix.ts';
import { Rational } from '../rational.ts';
import { rationalField as Q } from '../rational-field.ts';
import { eigenvector, reflectors } from './householder.ts';
import { infimum, trueSmoothness, twoLossOver } from './index.ts';
import { twoQuadraticLoss } from './two-matrix.ts';
import { diffNormSq, dot, nonzeroRatVector, plus, ratMatrix, ratVector, smallRational } from './test-helpers.ts';

const twoArb = (psd: boolean) =>
  fc
    .tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 }))
    .chain(([m1, n1, m2, n2]) => {
      const dim = m1 * n1 + m2 * n2;
      return fc.record({
        sizes: fc.constant({ m1, n1, m2, n2 }),
        d: psd ? ratVector(dim).map((v) => v.map((x) => x.abs())) : ratVector(dim),
        u: fc.array(nonzeroRatVector(dim), { minLength: 1, maxLength: 3 }),
        C1: ratMatrix(m1, n1),
        C2: ratMatrix(m2, n2),
        W1: ratMatrix(m1, n1),
        W2: ratMatrix(m2, n2),
        V1: ratMatrix(m1, n1),
        V2: ratMatrix(m2, n2),
        h: smallRational().filter((h) => !h.isZero()),
      });
    });

/** The pair (W1, W2) as one vector, for the l2 product norm of Sec. 3.2. */
const cat = (A: Matrix<Rational>, B: Matrix<Rational>): Rational[] => [...A.data, ...B.data];

describe('two-matrix quadratic L(W1, W2)', () => {
  it('(1) gradient = exact directional derivative in the product space (rationals)', () => {
    fc.assert(
      fc.property(twoArb(false), ({ sizes, d, u, C1, C2, W1, W2, V1, V2, h }) => {
        const f = twoLossOver(Q, twoQuadraticLoss({ ...sizes, d, u, C1, C2 }));
        const lhs = f.value(plus(Q, W1, h, V1), plus(Q, W2, h, V2)).sub(f.value(plus(Q, W1, h.neg(), V1), plus(Q, W2, h.neg(), V2)));
        const { G1, G2 } = f.grad(W1, W2);
        expect([G1.rows, G1.cols, G2.rows, G2.cols]).toEqual([sizes.m1, sizes.n1, sizes.m2, sizes.n2]);
        const rhs = Rational.of(2).mul(h).mul(dot(Q, G1.data, V1.data).add(dot(Q, G2.data, V2.data)));
        expect(lhs.eq(rhs)).toBe(true);
      }),
      { numRuns: 120 },
    );
  });

  it('the blocks are coupled: the loss does not split into a W1 part plus a W2 part', () => {
    // mixed second difference f(W1+V1, W2+V2) - f(W1+V1, W2) - f(W1, W2+V2) + f(W1, W2) = <V1-block, H V2-block>
    const u = [[1, 1, 1]].map((v) => v.map((x) => Rational.of(x)));
    const d = [2, 1, 3].map((x) => Rational.of(x));
    const Z = (r: number, c: number) => ({ rows: r, cols: c, data: new Array<Rational>(r * c).fill(Rational.ZERO) });
    const f = twoLossOver(Q, twoQuadraticLoss({ m1: 1, n1: 2, m2: 1, n2: 1, d, u, C1: Z(1, 2), C2: Z(1, 1) }));
    const V1 = { rows: 1, cols: 2, data: [Rational.ONE, Rational.ZERO] };
    const V2 = { rows: 1, cols: 1, data: [Rational.ONE] };
    const mixed = f.value(V1, V2).sub(f.value(V1, Z(1, 1))).sub(f.value(Z(1, 2), V2)).add(f.value(Z(1, 2), Z(1, 1)));
    expect(mixed.isZero()).toBe(false);
    // and the gradient in W2 depends on W1
    expect(f.grad(V1, Z(1, 1)).G2.data[0]!.isZero()).toBe(false);
  });

  it('(2) true L = max |d_i| in the product norm: never exceeded, attained on the top eigenvector, 0.9 L exceeded there', () => {
    fc.assert(
      fc.property(twoArb(false), ({ sizes, d, u, C1, C2, W1, W2, V1, V2 }) => {
        const desc = twoQuadraticLoss({ ...sizes, d, u, C1, C2 });
        const L = trueSmoothness(desc) as Rational;
        const f = twoLossOver(Q, desc);
        const g = (A: Matrix<Rational>, B: Matrix<Rational>) => {
          const { G1, G2 } = f.grad(A, B);
          return cat(G1, G2);
        };
        expect(diffNormSq(Q, g(W1, W2), g(V1, V2)).le(L.mul(L).mul(diffNormSq(Q, cat(W1, W2), cat(V1, V2))))).toBe(true);
        const k1 = sizes.m1 * sizes.n1;
        const top = d.reduce((b, x, i) => (x.abs().cmp(d[b]!.abs()) > 0 ? i : b), 0);
        const v = eigenvector(Q, reflectors(Q, u, d.length), top);
        const P1 = plus(Q, W1, Rational.ONE, { rows: sizes.m1, cols: sizes.n1, data: v.slice(0, k1) });
        const P2 = plus(Q, W2, Rational.ONE, { rows: sizes.m2, cols: sizes.n2, data: v.slice(k1) });
        const gw = diffNormSq(Q, g(W1, W2), g(P1, P2));
        const dw = diffNormSq(Q, cat(W1, W2), cat(P1, P2));
        expect(gw.eq(L.mul(L).mul(dw))).toBe(true);
        const under = L.mul(Rational.of(9, 10));
        if (!L.isZero()) expect(gw.le(under.mul(under).mul(dw))).toBe(false);
      }),
      { numRuns: 100 },
    );
  });

  it('(3) Lstar = 0 is a lower bound when every d_i >= 0; unbounded (null) otherwise', () => {
    fc.assert(
      fc.property(twoArb(true), ({ sizes, d, u, C1, C2, W1, W2 }) => {
        const desc = twoQuadraticLoss({ ...sizes, d, u, C1, C2 });
        expect(twoLossOver(Q, desc).value(W1, W2).sign()).toBeGreaterThanOrEqual(0);
        expect(infimum(desc)).toBe(0);
      }),
      { numRuns: 80 },
    );
    const Z = { rows: 1, cols: 1, data: [0] };
    expect(infimum(twoQuadraticLoss({ m1: 1, n1: 1, m2: 1, n2: 1, d: [1, -1], u: [], C1: Z, C2: Z }))).toBeNull();
  });

  it('float64 works at larger sizes', () => {
    const m1 = 40;
    const n1 = 30;
    const m2 = 20;
    const n2 = 50;
    const dim = m1 * n1 + m2 * n2;
    const d = Array.from({ length: dim }, (_, i) => (i % 7) / 3);
    const u = [Array.from({ length: dim }, (_, i) => Math.sin(i + 1))];
    const Z = (r: number, c: number) => ({ rows: r, cols: c, data: new Array<number>(r * c).fill(0.5) });
    const desc = twoQuadraticLoss({ m1, n1, m2, n2, d, u, C1: Z(m1, n1), C2: Z(m2, n2) });
    expect(desc.L).toBe(2);
    const f = twoLossOver(float64, desc);
    const W1 = { rows: m1, cols: n1, data: Array.from({ length: m1 * n1 }, (_, i) => Math.cos(i)) };
    const W2 = { rows: m2, cols: n2, data: Array.from({ length: m2 * n2 }, (_, i) => Math.cos(3 * i)) };
    const { G1, G2 } = f.grad(W1, W2);
    // f is quadratic: f(W) = 1/2 <W - C, grad f(W)>
    const v = 0.5 * (dot(float64, G1.data, W1.data.map((w) => w - 0.5)) + dot(float64, G2.data, W2.data.map((w) => w - 0.5)));
    expect(Math.abs(f.value(W1, W2) - v)).toBeLessThan(1e-9 * Math.abs(v));
  });

  it('(4) builder and twoLossOver reject bad arguments, naming them', () => {
    const Z = (r: number, c: number) => ({ rows: r, cols: c, data: new Array<number>(r * c).fill(0) });
    const ok = { m1: 1, n1: 2, m2: 2, n2: 1, d: [1, 1, 1, 1], u: [], C1: Z(1, 2), C2: Z(2, 1) };
    expect(() => twoQuadraticLoss({ ...ok, L: -1 })).toThrow('twoQuadraticLoss: argument L must be > 0, got -1');
    expect(() => twoQuadraticLoss({ ...ok, d: [1, 1, 1] })).toThrow(/argument d must have 4 entries, got 3/);
    expect(() => twoQuadraticLoss({ ...ok, u: [[0, 0, 0, 0]] })).toThrow(/argument u\[0\] must be a nonzero vector/);
    expect(() => twoQuadraticLoss({ ...ok, C2: Z(1, 2) })).toThrow(/argument C2 must be 2 x 1, got 1 x 2/);
    expect(() => twoQuadraticLoss({ ...ok, m2: -1 })).toThrow(/argument m2 must be an integer >= 1, got -1/);
    const desc = twoQuadraticLoss(ok);
    expect(() => twoLossOver(Q, { ...desc, Lstar: NaN })).toThrow(/twoLossOver: field Lstar must be a finite number/);
    expect(() => twoLossOver(Q, { ...desc, family: 'quadratic' } as never)).toThrow(/twoLossOver: field family must be two-quadratic, got "quadratic"/);
    const f = twoLossOver(float64, desc);
    expect(() => f.value(Z(1, 2), Z(1, 2))).toThrow(/argument W2 must be 2 x 1, got 1 x 2/);
  });
});
