import { describe, expect, it } from 'vitest';
import { float64 } from '../../numeric/float64.ts';
import { exact } from '../../numeric/real.ts';
import { lossOver, quadraticLoss, twoLossOver } from '../../numeric/losses/index.ts';
import { equal, lift, splitV, stackV, toRows } from '../../numeric/matrix.ts';
import { rationalField as Q } from '../../numeric/rational-field.ts';
import { G, J, gdStep, gradJ, gradJBlockwise, gradLtilde, loraStep, pointOf, runLora, Ltilde } from '../lora.ts';
import { V2, identityTwoLoss, mat, q, scalarLoss } from './fixtures.ts';

const str = (M: { data: readonly { toString(): string }[]; cols: number }) =>
  toRows(M as never).map((r) => (r as { toString(): string }[]).map(String));

describe('J, G and grad J (6)-(7)', () => {
  it('scalar problem: J = (ba - c)^2/2, G = ba - c, grad J = [G a; G b]', () => {
    const loss = lossOver(Q, scalarLoss({ c: '1/2' }));
    const V = lift(Q, V2('1', '2')); // W = 2, G = 3/2
    expect(J(Q, loss, V).toString()).toBe('9/8');
    expect(str(G(Q, loss, V))).toEqual([['3/2']]);
    expect(str(gradJ(Q, loss, V))).toEqual([['3'], ['3/2']]);
  });

  it('(7) as printed equals the blockwise [G A^T; G^T B] for m = 2, n = 3, r = 2', () => {
    const desc = quadraticLoss({
      m: 2,
      n: 3,
      d: [1, 2, 3, 1, 2, 1].map(q),
      u: [[1, 0, 2, 1, 0, 1].map(q)],
      C: mat([[1, 0, '1/2'], [-1, 2, 0]]),
    });
    const loss = lossOver(Q, desc);
    const V = lift(Q, mat([[1, 0], ['1/3', 2], [0, 1], [-1, 1], [2, '-1/2']]));
    expect(equal(Q, gradJ(Q, loss, V), gradJBlockwise(Q, loss, V))).toBe(true);
    const p = pointOf(exact, lossOver(exact, desc), lift(exact, mat([[1, 0], ['1/3', 2], [0, 1], [-1, 1], [2, '-1/2']])));
    expect(exact.format(p.Vsq)).toBe('445/36'); // 1 + 1/9 + 4 + 1 + 1 + 1 + 4 + 1/4
    expect(exact.format(p.Gnorm)).toBe(`sqrt(${exact.format(p.Gsq)})`);
  });

  it('one LoRA step (3) on (B, A) is one GD step on J', () => {
    const loss = lossOver(Q, scalarLoss({ c: '1/2' }));
    const V = lift(Q, V2('1', '2'));
    const { B, A } = splitV(V, 1);
    const eta = q('1/3');
    const next = loraStep(Q, loss, B, A, eta);
    expect(str(stackV(next.B, next.A))).toEqual([['0'], ['3/2']]); // [1 - 3/3; 2 - (3/2)/3]
    expect(equal(Q, gdStep(Q, loss, V, eta), stackV(next.B, next.A))).toBe(true);
  });

  it('rejects a V with the wrong number of rows, naming the argument', () => {
    const loss = lossOver(Q, scalarLoss());
    expect(() => J(Q, loss, lift(Q, mat([[1], [2], [3]])))).toThrow(/argument V must have m \+ n = 2 rows/);
  });
});

describe('runLora', () => {
  it('records t = 0..T, J decreases and eta_t <= 1 under (8)', () => {
    const loss = lossOver(float64, scalarLoss({ c: '3' }));
    const { records, V_T } = runLora(float64, loss, lift(float64, V2('1', '2')), 4);
    expect(records.map((r) => r.t)).toEqual([0, 1, 2, 3, 4]);
    expect(records[0]!.Vsq).toBe(5);
    expect(records[0]!.J).toBe(0.5); // (2 - 3)^2 / 2
    expect(records[0]!.eta).toBeCloseTo(1 / (4 * Math.SQRT2 * 6), 15);
    for (let t = 1; t < records.length; t++) expect(records[t]!.J).toBeLessThan(records[t - 1]!.J);
    for (const r of records) expect(r.eta).toBeLessThanOrEqual(1);
    expect(V_T.rows).toBe(2);
  });

  it('with etaScale the step is etaScale times the first term of (8), uncapped', () => {
    const loss = lossOver(float64, scalarLoss({ c: '3' }));
    const { records } = runLora(float64, loss, lift(float64, V2('1', '2')), 1, { etaScale: 100 });
    expect(records[0]!.eta).toBeCloseTo(100 / (4 * Math.SQRT2 * 6), 12);
  });

  it('rejects a negative T', () => {
    const loss = lossOver(float64, scalarLoss());
    expect(() => runLora(float64, loss, lift(float64, V2('1', '2')), -1)).toThrow(/argument T/);
  });
});

describe('L~ and its gradient (Sec. 3.2)', () => {
  it('L~(M) ignores the off-diagonal blocks; grad L~ is block diagonal', () => {
    const loss = twoLossOver(Q, identityTwoLoss());
    const M = lift(Q, mat([[1, 5], [7, 2]]));
    expect(Ltilde(loss, M).toString()).toBe('5/2');
    expect(str(gradLtilde(Q, loss, M))).toEqual([
      ['1', '0'],
      ['0', '2'],
    ]);
  });
});
