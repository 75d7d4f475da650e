/**
 * The loss families in the certified modes: precise (60-digit decimal intervals) and exact
 * (lazy reals), via numeric/fields.ts like the claims use them.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Field } from '../field.ts';
import { fieldFor } from '../fields.ts';
import type { Matrix } from '../matrix.ts';
import { Rational } from '../rational.ts';
import { rationalField } from '../rational-field.ts';
import { lossOver, quadraticLoss, separableLoss, softmaxLoss, softmaxSmoothness, trueSmoothness, twoLossOver, twoQuadraticLoss } from './index.ts';
import { SEPARABLE_FAMILIES } from './separable.ts';
import { diffNormSq, dot, liftM, nonzeroRatVector, plus, randMatrix, ratMatrix, ratVector, rng } from './test-helpers.ts';

const P = fieldFor('precise', { digits: 60 });
const E = fieldFor('exact');

/** Certified: |x| <= tol (the enclosure of tol - |x| lies in (0, inf)). */
function certainlyWithin<T>(F: Field<T>, x: T, tol: string): boolean {
  return F.sign(F.sub(F.lift(Rational.parse(tol)), F.abs(x))) === 1;
}

/**
 * Central difference (f(W + hD) - f(W - hD)) / (2h) at h = 1e-25: truncation O(h^2) ~ 1e-50 and
 * 60-digit rounding ~ 1e-58 / h ~ 1e-33, so any disagreement above 1e-28 is a wrong gradient.
 */
function centralDifferenceGap<T>(F: Field<T>, value: (W: Matrix<T>) => T, grad: Matrix<T>, W: Matrix<T>, D: Matrix<T>): T {
  const h = F.lift(Rational.parse('1e-25'));
  const fd = F.div(F.sub(value(plus(F, W, h, D)), value(plus(F, W, F.neg(h), D))), F.mul(F.fromInt(2), h));
  return F.sub(fd, dot(F, grad.data, D.data));
}

const rand = rng(23);
const dm = (rows: number, cols: number, lo = -2, hi = 2) => randMatrix(rand, rows, cols, lo, hi);

describe('losses in precise mode (60 digits)', () => {
  it('(1) separable: gradient = central difference at h = 1e-25 to within 1e-28 (certified)', () => {
    for (const family of SEPARABLE_FAMILIES)
      for (let trial = 0; trial < 6; trial++) {
        const desc = separableLoss({ family, m: 2, n: 2, s: Rational.of(1 + trial, 3), a: trial % 2 ? 1.5 : -0.75, C: dm(2, 2) });
        const f = lossOver(P, desc);
        const W = liftM(P, dm(2, 2, -4, 4));
        const gap = centralDifferenceGap(P, f.value, f.grad(W), W, liftM(P, dm(2, 2, -1, 1)));
        expect(certainlyWithin(P, gap, '1e-28')).toBe(true);
      }
  });

  it('(1) the difference check is sharp: a gradient off by 1e-20 in one entry is caught', () => {
    const desc = separableLoss({ family: 'logistic', m: 1, n: 2, s: 1, a: 1, C: dm(1, 2) });
    const f = lossOver(P, desc);
    const W = liftM(P, dm(1, 2));
    const g = f.grad(W);
    const bad = { ...g, data: [P.add(g.data[0]!, P.lift(Rational.parse('1e-20'))), g.data[1]!] };
    const D = liftM(P, { rows: 1, cols: 2, data: [1, 0] });
    expect(certainlyWithin(P, centralDifferenceGap(P, f.value, bad, W, D), '1e-28')).toBe(false);
  });

  it('(1) softmax: gradient = central difference at h = 1e-25 to within 1e-28 (certified)', () => {
    for (let trial = 0; trial < 4; trial++) {
      const m = 2 + trial;
      const n = 2;
      const N = 3;
      const X = dm(N, n, -3, 3);
      const y = Array.from({ length: N }, (_, i) => (i + trial) % m);
      const f = lossOver(P, softmaxLoss({ X, y, classes: m }));
      const W = liftM(P, dm(m, n));
      const gap = centralDifferenceGap(P, f.value, f.grad(W), W, liftM(P, dm(m, n, -1, 1)));
      expect(certainlyWithin(P, gap, '1e-28')).toBe(true);
    }
  });

  it('(2) separable: L^2 ||W - W\'||^2 - ||grad - grad\'||^2 is certified >= 0 on random pairs, and < 0 for 0.9 L near W = C', () => {
    for (const family of SEPARABLE_FAMILIES)
      for (let trial = 0; trial < 4; trial++) {
        const C = dm(1, 2);
        const desc = separableLoss({ family, m: 1, n: 2, s: Rational.of(2, 1 + trial), a: Rational.of(3, 2), C });
        const L = P.lift(trueSmoothness(desc));
        const f = lossOver(P, desc);
        const W = liftM(P, dm(1, 2, -5, 5));
        const W2 = liftM(P, dm(1, 2, -5, 5));
        const slack = (Lc: typeof L, A: Matrix<typeof L>, B: Matrix<typeof L>) =>
          P.sub(P.mul(P.mul(Lc, Lc), diffNormSq(P, A.data, B.data)), diffNormSq(P, f.grad(A).data, f.grad(B).data));
        expect(P.sign(slack(L, W, W2))).toBe(1);
        const Cp = liftM(P, C);
        const near = plus(P, Cp, P.lift(Rational.parse('1e-6')), liftM(P, { rows: 1, cols: 2, data: [1, 0] }));
        expect(P.sign(slack(L, Cp, near))).toBe(1);
        expect(P.sign(slack(P.mul(L, P.lift(0.9)), Cp, near))).toBe(-1);
      }
  });

  it('(3) Lstar = 0 is certified below f(W) for every separable family and softmax', () => {
    for (const family of SEPARABLE_FAMILIES) {
      const f = lossOver(P, separableLoss({ family, m: 2, n: 1, s: 1, a: 2, C: dm(2, 1) }));
      for (let k = 0; k < 5; k++) expect(P.sign(P.sub(f.value(liftM(P, dm(2, 1, -3, 3))), f.Lstar))).toBe(1);
    }
    const f = lossOver(P, softmaxLoss({ X: dm(4, 2), y: [0, 1, 2, 0], classes: 3 }));
    for (let k = 0; k < 5; k++) expect(P.sign(P.sub(f.value(liftM(P, dm(3, 2, -9, 9))), f.Lstar))).toBe(1);
  });

  it('softmax: the certified float64 bound also holds in precise arithmetic on random pairs', () => {
    const X = dm(6, 3, 0, 1);
    const L = softmaxSmoothness(X).L;
    const f = lossOver(P, softmaxLoss({ X, y: [0, 1, 1, 0, 1, 0], classes: 2, L }));
    for (let k = 0; k < 4; k++) {
      const W = liftM(P, dm(2, 3));
      const W2 = liftM(P, dm(2, 3));
      const s = P.sub(P.mul(P.mul(f.L, f.L), diffNormSq(P, W.data, W2.data)), diffNormSq(P, f.grad(W).data, f.grad(W2).data));
      expect(P.sign(s)).toBe(1);
    }
  });

  it('quadratics agree exactly with the rational field (enclosures contain the exact rational value)', () => {
    const desc = quadraticLoss({
      m: 2,
      n: 2,
      d: [3, 1, 0.5, 2],
      u: [[1, -2, 0, 1]],
      C: { rows: 2, cols: 2, data: [1, 0, -1, 2] },
    });
    const W = { rows: 2, cols: 2, data: [0.25, -3, 1.5, 7] };
    const vq = lossOver(rationalField, desc).value(liftM(rationalField, W));
    const vp = lossOver(P, desc).value(liftM(P, W));
    expect(P.sign(P.sub(vp, P.lift(vq)))).not.toBe(1);
    expect(P.sign(P.sub(vp, P.lift(vq)))).not.toBe(-1);
    expect(P.errorBound(vp)).toBeLessThan(1e-50);
  });
});

describe('losses in exact mode (lazy reals)', () => {
  it('quadratic and two-quadratic: values stay rational and equal the rational field', () => {
    fc.assert(
      fc.property(ratVector(4), nonzeroRatVector(4), ratMatrix(2, 2), ratMatrix(2, 2), (d, u, C, W) => {
        const desc = quadraticLoss({ m: 2, n: 2, d, u: [u], C });
        const ve = lossOver(E, desc).value(liftM(E, W));
        const vq = lossOver(rationalField, desc).value(W);
        expect(ve instanceof Rational && ve.eq(vq)).toBe(true);
        const two = twoQuadraticLoss({ m1: 1, n1: 2, m2: 2, n2: 1, d, u: [u], C1: { rows: 1, cols: 2, data: C.data.slice(0, 2) }, C2: { rows: 2, cols: 1, data: C.data.slice(2) } });
        const te = twoLossOver(E, two).grad(liftM(E, { rows: 1, cols: 2, data: W.data.slice(0, 2) }), liftM(E, { rows: 2, cols: 1, data: W.data.slice(2) }));
        expect([...te.G1.data, ...te.G2.data].every((g) => g instanceof Rational)).toBe(true);
      }),
      { numRuns: 40 },
    );
  });

  it('pseudo-Huber: value is a lazy real >= Lstar and L = a^2 s is never exceeded (decided exactly)', () => {
    fc.assert(
      fc.property(ratMatrix(1, 2), ratMatrix(1, 2), ratMatrix(1, 2), (C, W, W2) => {
        const desc = separableLoss({ family: 'pseudo-huber', m: 1, n: 2, s: Rational.of(1, 2), a: Rational.of(2), C });
        const f = lossOver(E, desc);
        const We = liftM(E, W);
        const W2e = liftM(E, W2);
        expect(E.sign(E.sub(f.value(We), f.Lstar))).not.toBe(-1);
        expect(E.sign(E.sub(f.value(We), f.Lstar))).not.toBe(undefined);
        const L = E.lift(trueSmoothness(desc));
        const slack = E.sub(E.mul(E.mul(L, L), diffNormSq(E, We.data, W2e.data)), diffNormSq(E, f.grad(We).data, f.grad(W2e).data));
        const sg = E.sign(slack);
        expect(sg === 0 || sg === 1).toBe(true);
      }),
      { numRuns: 25 },
    );
  });
});
