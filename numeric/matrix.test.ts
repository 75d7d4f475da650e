import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Field, Num } from './field.ts';
import { float64 } from './float64.ts';
import * as Mx from './matrix.ts';
import { precise } from './precise.ts';
import { Rational } from './rational.ts';
import { rationalField as Q } from './rational-field.ts';
import { exact } from './real.ts';

const smallRat = fc.tuple(fc.integer({ min: -9, max: 9 }), fc.integer({ min: 1, max: 5 })).map(([p, d]) => Rational.of(p, d));
const mat = (r: number, c: number) => fc.array(smallRat, { minLength: r * c, maxLength: r * c }).map((d) => Mx.matrix(r, c, d));
const dim = fc.integer({ min: 1, max: 4 });
const R = (rows: (number | string)[][]) => Mx.fromRows(rows.map((row) => row.map((x) => Rational.parse(String(x)))));
const eq = (A: Mx.Matrix<Rational>, B: Mx.Matrix<Rational>) => Mx.equal(Q, A, B);

function trace<T>(F: Field<T>, A: Mx.Matrix<T>): T {
  let s = F.zero;
  for (let i = 0; i < A.rows; i++) s = F.add(s, Mx.get(A, i, i));
  return s;
}

describe('matrix kernels over Q', () => {
  it('matmul, transpose and a hand example', () => {
    const A = R([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    const B = R([
      [1, '1/2', 0],
      [-1, 2, 3],
    ]);
    expect(eq(Mx.matmul(Q, A, B), R([[-1, '9/2', 6], [-1, '19/2', 12], [-1, '29/2', 18]]))).toBe(true);
    expect(eq(Mx.transpose(A), R([[1, 3, 5], [2, 4, 6]]))).toBe(true);
    expect(Mx.toRows(Mx.identity(Q, 2)).map((r) => r.map(String))).toEqual([['1', '0'], ['0', '1']]);
  });

  it('(AB)C = A(BC), (AB)^T = B^T A^T, I A = A', () => {
    fc.assert(
      fc.property(
        fc.tuple(dim, dim, dim, dim).chain(([a, b, c, d]) => fc.tuple(mat(a, b), mat(b, c), mat(c, d))),
        ([A, B, C]) => {
          expect(eq(Mx.matmul(Q, Mx.matmul(Q, A, B), C), Mx.matmul(Q, A, Mx.matmul(Q, B, C)))).toBe(true);
          expect(eq(Mx.transpose(Mx.matmul(Q, A, B)), Mx.matmul(Q, Mx.transpose(B), Mx.transpose(A)))).toBe(true);
          expect(eq(Mx.matmul(Q, Mx.identity(Q, A.rows), A), A)).toBe(true);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('add, sub, scale, axpy, inner, normSq, norm, sym', () => {
    fc.assert(
      fc.property(
        fc.tuple(dim, dim).chain(([r, c]) => fc.tuple(mat(r, c), mat(r, c), smallRat)),
        ([A, B, s]) => {
          expect(eq(Mx.sub(Q, Mx.add(Q, A, B), B), A)).toBe(true);
          expect(eq(Mx.axpy(Q, A, s, B), Mx.sub(Q, A, Mx.scale(Q, s, B)))).toBe(true);
          // <A, B> = Tr(A^T B)
          expect(Mx.inner(Q, A, B).eq(trace(Q, Mx.matmul(Q, Mx.transpose(A), B)))).toBe(true);
          expect(Mx.normSq(Q, A).eq(Mx.inner(Q, A, A))).toBe(true);
          // ||A + B||^2 = ||A||^2 + 2<A, B> + ||B||^2
          const lhs = Mx.normSq(Q, Mx.add(Q, A, B));
          const rhs = Mx.normSq(Q, A).add(Mx.inner(Q, A, B).mul(Rational.of(2))).add(Mx.normSq(Q, B));
          expect(lhs.eq(rhs)).toBe(true);
        },
      ),
      { numRuns: 100 },
    );
    fc.assert(
      fc.property(dim.chain((n) => mat(n, n)), (X) => {
        const S = Mx.sym(Q, X);
        expect(Mx.isSymmetric(Q, S)).toBe(true);
        expect(eq(Mx.sym(Q, S), S)).toBe(true);
        expect(eq(Mx.add(Q, S, Mx.sub(Q, X, S)), X)).toBe(true);
      }),
      { numRuns: 50 },
    );
    // the norm over the exact field: ||(3, 4)|| = 5 stays rational; ||(1, 1)|| = sqrt 2
    expect(exact.format(Mx.norm(exact, Mx.lift(exact, R([[3, 4]]))))).toBe('5');
    expect(exact.sign(exact.sub(Mx.norm(exact, Mx.lift(exact, R([[1, 1]]))), exact.sqrt(exact.fromInt(2))))).toBe(0);
  });

  it('V = [B; A^T], splitV inverts stackV, g(V) = E1 V V^T E2 = B A', () => {
    fc.assert(
      fc.property(
        fc.tuple(dim, dim, dim).chain(([m, n, r]) => fc.tuple(mat(m, r), mat(r, n))),
        ([B, A]) => {
          const m = B.rows;
          const n = A.cols;
          const V = Mx.stackV(B, A);
          expect([V.rows, V.cols]).toEqual([m + n, B.cols]);
          const back = Mx.splitV(V, m);
          expect(eq(back.B, B) && eq(back.A, A)).toBe(true);
          const E1 = Mx.E1(Q, m, n);
          const E2 = Mx.E2(Q, m, n);
          const VVt = Mx.matmul(Q, V, Mx.transpose(V));
          const explicit = Mx.matmul(Q, Mx.matmul(Q, E1, VVt), E2);
          expect(eq(Mx.gOfV(Q, V, m), explicit)).toBe(true);
          expect(eq(Mx.gOfV(Q, V, m), Mx.matmul(Q, B, A))).toBe(true);
          expect(eq(Mx.extractE1ME2(VVt, m), explicit)).toBe(true);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('E1^T X E2^T embeds X, E11/E22 blocks, blockDiag', () => {
    fc.assert(
      fc.property(
        fc.tuple(dim, dim).chain(([m, n]) => mat(m, n)),
        (X) => {
          const m = X.rows;
          const n = X.cols;
          const E1 = Mx.E1(Q, m, n);
          const E2 = Mx.E2(Q, m, n);
          const embedded = Mx.embedE1TXE2T(Q, X);
          expect(eq(embedded, Mx.matmul(Q, Mx.matmul(Q, Mx.transpose(E1), X), Mx.transpose(E2)))).toBe(true);
          expect(eq(Mx.extractE1ME2(embedded, m), X)).toBe(true);
          // <E1 M E2, X> = <M, E1^T X E2^T>
          const M = Mx.matrix(m + n, m + n, Array.from({ length: (m + n) ** 2 }, (_, k) => Rational.of(k - 3, 2)));
          expect(Mx.inner(Q, Mx.extractE1ME2(M, m), X).eq(Mx.inner(Q, M, embedded))).toBe(true);
        },
      ),
      { numRuns: 50 },
    );
    const X1 = R([[1, 2]]);
    const X2 = R([[3], [4]]);
    const D = Mx.blockDiag(Q, X1, X2);
    expect(eq(D, R([[1, 2, 0], [0, 0, 3], [0, 0, 4]]))).toBe(true);
    expect(eq(Mx.E11(D, 1, 2), X1)).toBe(true);
    expect(eq(Mx.E22(D, 1, 2), X2)).toBe(true);
  });

  it('isSymmetric and equal are certified', () => {
    expect(Mx.isSymmetric(Q, R([[1, 2], [2, 1]]))).toBe(true);
    expect(Mx.isSymmetric(Q, R([[1, 2], [3, 1]]))).toBe(false);
    expect(Mx.isSymmetric(Q, R([[1, 2]]))).toBe(false);
    expect(Mx.equal(Q, R([[1]]), R([[1, 0]]))).toBe(false);
  });
});

describe('the same kernels over float64 and precise agree with exact', () => {
  it('matmul and normSq of random rationals', () => {
    const P = precise(60);
    fc.assert(
      fc.property(
        fc.tuple(dim, dim, dim).chain(([a, b, c]) => fc.tuple(mat(a, b), mat(b, c))),
        ([A, B]) => {
          const exactVal = Mx.normSq(Q, Mx.matmul(Q, A, B));
          const f = Mx.normSq(float64, Mx.matmul(float64, Mx.lift(float64, A as Mx.Matrix<Num>), Mx.lift(float64, B as Mx.Matrix<Num>)));
          expect(Math.abs(f - exactVal.toNumber())).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(f)));
          const p = Mx.normSq(P, Mx.matmul(P, Mx.lift(P, A as Mx.Matrix<Num>), Mx.lift(P, B as Mx.Matrix<Num>)));
          expect(Rational.parse(p.lo.toString()).le(exactVal) && exactVal.le(Rational.parse(p.hi.toString()))).toBe(true);
        },
      ),
      { numRuns: 50 },
    );
  });
});

describe('matrix argument errors name the argument', () => {
  const A = R([[1, 2]]);
  const B = R([[1], [2]]);
  it('mismatched sizes', () => {
    expect(() => Mx.add(Q, A, B)).toThrow(/add: arguments A \(1 x 2\) and B \(2 x 1\)/);
    expect(() => Mx.sub(Q, A, B)).toThrow(/sub: arguments A/);
    expect(() => Mx.axpy(Q, A, Rational.ONE, B)).toThrow(/axpy: arguments A/);
    expect(() => Mx.inner(Q, A, B)).toThrow(/inner: arguments A/);
    expect(() => Mx.matmul(Q, A, A)).toThrow(/matmul: argument A is 1 x 2 but B is 1 x 2/);
    expect(() => Mx.stackV(A, A)).toThrow(/stackV: argument B/);
    expect(() => Mx.vstack(A, B)).toThrow(/vstack: arguments A and B/);
    expect(() => Mx.hstack(A, B)).toThrow(/hstack: arguments A and B/);
    expect(() => Mx.splitV(B, 3)).toThrow(/splitV: argument m = 3/);
    expect(() => Mx.block(A, 0, 1, 1, 2)).toThrow(/block: 1 x 2 block/);
  });
  it('non-square where a square matrix is required, malformed data', () => {
    expect(() => Mx.sym(Q, A)).toThrow(/sym: argument X must be square/);
    expect(() => Mx.extractE1ME2(A, 1)).toThrow(/extractE1ME2: argument M must be square/);
    expect(() => Mx.matrix(2, 2, [1, 2, 3])).toThrow(/argument data has 3 entries/);
    expect(() => Mx.fromRows([[1, 2], [3]])).toThrow(/row 1 has 1 entries/);
    expect(() => Mx.zeros(Q, -1, 2)).toThrow(/sizes must be non-negative/);
  });
});
