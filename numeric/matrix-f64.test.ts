import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { float64 } from './float64.ts';
import * as Mx from './matrix.ts';
import { innerF64, matmulF64, normSqF64, symmetricEigenvaluesF64, transposeF64 } from './matrix-f64.ts';

const dims = fc.tuple(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 }));
const entries = (len: number) => fc.array(fc.double({ min: -100, max: 100, noNaN: true }), { minLength: len, maxLength: len });

describe('float64 fast path agrees with the generic kernels', () => {
  it('matmul, transpose, inner, normSq', () => {
    fc.assert(
      fc.property(
        dims.chain(([a, b, c]) => fc.tuple(fc.constant([a, b, c]), entries(a * b), entries(b * c), entries(a * b))),
        ([[a, b, c], x, y, z]) => {
          const A = Mx.matrix(a, b, x);
          const B = Mx.matrix(b, c, y);
          const C = Mx.matrix(a, b, z);
          const fast = matmulF64(A, B);
          const slow = Mx.matmul(float64, A, B);
          fast.data.forEach((v, k) => expect(v).toBeCloseTo(slow.data[k]!, 9));
          expect(transposeF64(A)).toEqual(Mx.transpose(A));
          expect(innerF64(A, C)).toBeCloseTo(Mx.inner(float64, A, C), 8);
          expect(normSqF64(A)).toBeCloseTo(Mx.normSq(float64, A), 8);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('size errors name the argument', () => {
    const A = Mx.matrix(1, 2, [1, 2]);
    expect(() => matmulF64(A, A)).toThrow(/matmulF64: argument A is 1 x 2 but B is 1 x 2/);
    expect(() => innerF64(A, Mx.matrix(2, 1, [1, 2]))).toThrow(/innerF64: arguments A/);
  });
});

describe('symmetricEigenvaluesF64', () => {
  it('finds the eigenvalues of Q diag(d) Q^T (Q a rotation), descending', () => {
    const c = Math.cos(0.7);
    const s = Math.sin(0.7);
    // Q = rotation in the (0, 2) plane times a swap of 1 and 2
    const Q = [c, 0, -s, s, 0, c, 0, 1, 0];
    const d = [5, -1, 2];
    const A = Array.from({ length: 9 }, (_, k) => {
      const i = Math.floor(k / 3);
      const j = k % 3;
      return d.reduce((acc, dl, l) => acc + Q[i * 3 + l]! * dl * Q[j * 3 + l]!, 0);
    });
    const ev = symmetricEigenvaluesF64({ rows: 3, cols: 3, data: A });
    expect(ev[0]).toBeCloseTo(5, 12);
    expect(ev[1]).toBeCloseTo(2, 12);
    expect(ev[2]).toBeCloseTo(-1, 12);
  });
});
