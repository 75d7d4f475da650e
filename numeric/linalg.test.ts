import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { float64 } from './float64.ts';
import { columnPivots, pinv, rank, solve, trace } from './linalg.ts';
import * as Mx from './matrix.ts';
import { Rational } from './rational.ts';
import { rationalField as Q } from './rational-field.ts';

const R = (rows: (number | string)[][]) => Mx.fromRows(rows.map((row) => row.map((x) => Rational.parse(String(x)))));
const eq = (A: Mx.Matrix<Rational>, B: Mx.Matrix<Rational>) => Mx.equal(Q, A, B);
const small = fc.tuple(fc.integer({ min: -3, max: 3 }), fc.integer({ min: 1, max: 3 })).map(([p, q]) => Rational.of(p, q));

/** A rows x cols rational matrix of rank <= k: a product of two thin factors (often rank-deficient). */
const lowRank = fc
  .tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 0, max: 4 }))
  .chain(([rows, cols, k]) =>
    fc.tuple(fc.array(small, { minLength: rows * k, maxLength: rows * k }), fc.array(small, { minLength: k * cols, maxLength: k * cols })).map(([a, b]) =>
      k === 0 ? Mx.zeros(Q, rows, cols) : Mx.matmul(Q, Mx.matrix(rows, k, a), Mx.matrix(k, cols, b)),
    ),
  );

describe('pseudo-inverse over Q', () => {
  it('satisfies the four Penrose equations exactly, also for rank-deficient matrices', () => {
    let deficient = 0;
    fc.assert(
      fc.property(lowRank, (M) => {
        const P = pinv(Q, M);
        const mul = (A: Mx.Matrix<Rational>, B: Mx.Matrix<Rational>) => Mx.matmul(Q, A, B);
        if (rank(Q, M) < Math.min(M.rows, M.cols)) deficient++;
        expect(eq(mul(mul(M, P), M), M)).toBe(true);
        expect(eq(mul(mul(P, M), P), P)).toBe(true);
        expect(Mx.isSymmetric(Q, mul(M, P))).toBe(true);
        expect(Mx.isSymmetric(Q, mul(P, M))).toBe(true);
        // trace of the projection M M^+ is the rank
        expect(trace(Q, mul(M, P)).eq(Rational.of(rank(Q, M)))).toBe(true);
      }),
      { numRuns: 150, seed: 12 },
    );
    expect(deficient).toBeGreaterThan(30);
  });

  it('hand examples: rank, pivots, inverse, and the pseudo-inverse of a rank-one matrix', () => {
    const M = R([
      [1, 2],
      [2, 4],
    ]);
    expect(columnPivots(Q, M)).toEqual([0]);
    // rank one: M^+ = M^T / ||M||^2 = M^T / 25
    expect(eq(pinv(Q, M), R([['1/25', '2/25'], ['2/25', '4/25']]))).toBe(true);
    const A = R([
      [0, 1],
      [2, 1],
    ]);
    expect(eq(solve(Q, A, Mx.identity(Q, 2)), R([['-1/2', '1/2'], [1, 0]]))).toBe(true);
    expect(() => solve(Q, M, Mx.identity(Q, 2))).toThrow(/argument A is singular/);
    expect(eq(pinv(Q, Mx.zeros(Q, 2, 3)), Mx.zeros(Q, 3, 2))).toBe(true);
  });

  it('takes the pivots found exactly on the input when it runs in float64', () => {
    const S = Mx.fromRows([
      [1, 3],
      [1 / 4, 3 / 4],
    ]);
    const G = Mx.matmul(float64, Mx.transpose(S), S);
    const pivots = columnPivots(Q, Mx.lift(Q, S)); // found exactly on the input
    expect(pivots).toEqual([0]);
    const P = pinv(float64, G, pivots);
    const back = Mx.matmul(float64, Mx.matmul(float64, G, P), G);
    back.data.forEach((x, k) => expect(x).toBeCloseTo(G.data[k]!, 9));
  });
});
