import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { float64 } from '../float64.ts';
import { identity, matmul, matrix, scale, sub, transpose, type Matrix } from '../matrix.ts';
import { Rational } from '../rational.ts';
import { rationalField as Q } from '../rational-field.ts';
import { applyH, applyQ, applyQT, eigenvector, reflectors } from './householder.ts';
import { dot, nonzeroRatVector, randMatrix, ratVector, rng } from './test-helpers.ts';

/** Explicit I - 2 u u^T / (u^T u), built independently of householder.ts. */
function explicitReflection(u: Rational[]): Matrix<Rational> {
  const n = u.length;
  const U = matrix(n, 1, u);
  const uu = matmul(Q, transpose(U), U).data[0]!;
  return sub(Q, identity(Q, n), scale(Q, Rational.of(2).div(uu), matmul(Q, U, transpose(U))));
}

const col = (x: Rational[]): Matrix<Rational> => matrix(x.length, 1, x);

describe('Householder operators', () => {
  it('Q x and H x equal the explicit products H_{u_1} ... H_{u_k} and Q diag(d) Q^T, exactly', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }).chain((dim) =>
          fc.tuple(
            fc.constant(dim),
            fc.array(nonzeroRatVector(dim), { minLength: 0, maxLength: 3 }),
            ratVector(dim),
            ratVector(dim),
          ),
        ),
        ([dim, us, d, x]) => {
          const R = reflectors(Q, us, dim);
          let Qm = identity(Q, dim);
          for (const u of us) Qm = matmul(Q, Qm, explicitReflection(u));
          const D = matrix(dim, dim, identity(Q, dim).data.map((e, k) => (k % (dim + 1) === 0 ? d[k / (dim + 1)]! : e)));
          const Hm = matmul(Q, matmul(Q, Qm, D), transpose(Qm));
          const eq = (a: Rational[], b: Matrix<Rational>) => a.every((v, i) => v.eq(b.data[i]!));
          expect(eq(applyQ(Q, R, x), matmul(Q, Qm, col(x)))).toBe(true);
          expect(eq(applyQT(Q, R, x), matmul(Q, transpose(Qm), col(x)))).toBe(true);
          expect(eq(applyH(Q, R, d, x), matmul(Q, Hm, col(x)))).toBe(true);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('Q is exactly orthogonal: Q^T Q x = x and ||Q x||^2 = ||x||^2 in rationals', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }).chain((dim) =>
          fc.tuple(fc.constant(dim), fc.array(nonzeroRatVector(dim), { minLength: 1, maxLength: 4 }), ratVector(dim)),
        ),
        ([dim, us, x]) => {
          const R = reflectors(Q, us, dim);
          const Qx = applyQ(Q, R, x);
          expect(applyQT(Q, R, Qx).every((v, i) => v.eq(x[i]!))).toBe(true);
          expect(dot(Q, Qx, Qx).eq(dot(Q, x, x))).toBe(true);
        },
      ),
      { numRuns: 80 },
    );
  });

  it('Q e_i is an eigenvector of H for d_i', () => {
    const us = [[1, 2, 0, -1], [3, 0, 1, 1]].map((u) => u.map((v) => Rational.of(v)));
    const d = [5, -2, 1, 0].map((v) => Rational.of(v));
    const R = reflectors(Q, us, 4);
    for (let i = 0; i < 4; i++) {
      const v = eigenvector(Q, R, i);
      const Hv = applyH(Q, R, d, v);
      expect(Hv.every((h, k) => h.eq(d[i]!.mul(v[k]!)))).toBe(true);
    }
  });

  it('rejects a zero or wrong-length reflector, naming it', () => {
    expect(() => reflectors(Q, [[Rational.ZERO, Rational.ZERO]], 2)).toThrow(/argument u\[0\] is the zero vector/);
    expect(() => reflectors(Q, [[Rational.ONE]], 2)).toThrow(/argument u\[0\] has 1 entries, expected 2/);
    const R = reflectors(Q, [[Rational.ONE, Rational.ONE]], 2);
    expect(() => applyQ(Q, R, [Rational.ONE])).toThrow(/applyQ: argument x has 1 entries, expected 2/);
    expect(() => applyH(Q, R, [Rational.ONE], [Rational.ONE, Rational.ONE])).toThrow(/argument d/);
  });

  it('float64 at m n = 90000 (300 x 300) with 4 reflectors: fast and orthogonal to rounding', () => {
    const rand = rng(7);
    const dim = 90000;
    const us = Array.from({ length: 4 }, () => randMatrix(rand, 1, dim).data);
    const x = randMatrix(rand, 1, dim).data;
    const t0 = performance.now();
    const R = reflectors(float64, us, dim);
    const back = applyQT(float64, R, applyQ(float64, R, x));
    const ms = performance.now() - t0;
    let err = 0;
    for (let i = 0; i < dim; i++) err = Math.max(err, Math.abs(back[i]! - x[i]!));
    expect(err).toBeLessThan(1e-12);
    expect(ms).toBeLessThan(10_000); // generous for loaded CI; an explicit 90000^2 matrix would not fit in memory at all
  });
});
