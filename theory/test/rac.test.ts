/**
 * The RAC-LoRA family: the method steps of theory/rac.ts on hand-made inputs, the statistics
 * helpers, the sampler, and each new claim on inputs whose answer is worked out by hand (true
 * cases, tight cases, and a case per hypothesis that breaks when the hypothesis is dropped).
 */
import { describe, expect, it } from 'vitest';
import type { Mode } from '../../numeric/field.ts';
import { fieldFor } from '../../numeric/fields.ts';
import { lossOver, quadraticLoss } from '../../numeric/losses/index.ts';
import { equal, lift, matmul, normSq, transpose } from '../../numeric/matrix.ts';
import { Rational } from '../../numeric/rational.ts';
import { rationalField as Q } from '../../numeric/rational-field.ts';
import { claimById } from '../index.ts';
import type { AsymRunInput, LoraRankRunInput, RacPointInput, RacRunInput, RacRunsInput, SketchInput } from '../inputs.ts';
import { asymStep, fpftStep, loraStepAt, racFactorStep, racStep, sketchProjection } from '../rac.ts';
import { gaussianSketch, sketchStream, SKETCH_DENOMINATOR } from '../sketch.ts';
import { bernsteinLower, gridRound, lnUpper } from '../_internals/statistics.ts';
import { evaluate, mat, q, scalarLoss, verdicts } from './fixtures.ts';

const ALG: Mode[] = ['float64', 'exact'];
const claim = (id: string) => claimById(id)!;
const all = (v: boolean) => ({ float64: v, exact: v });
const fmt = (x: unknown) => fieldFor('exact').format(x);

/** 1/2 ||W - C||^2 on m x n (H = I, L = 1). */
const identityLoss = (C: (string | number)[][]) => quadraticLoss({ m: C.length, n: C[0]!.length, d: Array(C.length * C[0]!.length).fill(q(1)), u: [], C: mat(C) });

describe('method steps (theory/rac.ts)', () => {
  const loss = lossOver(Q, identityLoss([[1, 2], [3, 4], [0, 1]]));
  const W = lift(Q, mat([[0, 0], [1, 0], [0, 2]]));

  it('the projection of a hand sketch, and of a rank-deficient one (Moore-Penrose)', () => {
    expect(equal(Q, sketchProjection(Q, 'left', lift(Q, mat([[1], [1]]))), lift(Q, mat([['1/2', '1/2'], ['1/2', '1/2']])))).toBe(true);
    // columns (1, 1) and (2, 2): rank 1, the same projection
    expect(equal(Q, sketchProjection(Q, 'left', lift(Q, mat([[1, 2], [1, 2]]))), lift(Q, mat([['1/2', '1/2'], ['1/2', '1/2']])))).toBe(true);
  });

  it('the projected step equals training the free factor from zero and merging, left and right', () => {
    const gamma = q('1/3');
    for (const [side, S] of [['left', mat([[1, 0], [2, 1], [0, 0]])], ['right', mat([[1, 1]])], ['left', mat([[1, 2], [1, 2], [1, 2]])]] as const) {
      const H = sketchProjection(Q, side, lift(Q, S));
      expect(equal(Q, racStep(Q, loss, W, side, H, gamma), racFactorStep(Q, loss, W, side, lift(Q, S), gamma))).toBe(true);
    }
  });

  it('LoRA, Asymmetric LoRA and FPFT steps by hand', () => {
    const l = lossOver(Q, identityLoss([[1, 1]]));
    const W0 = lift(Q, mat([[0, 0]]));
    const A = lift(Q, mat([[1, 0]]));
    // grad f(W0) = -C: B1 = 0 + 1 * C A^T = 1
    expect(asymStep(Q, l, W0, lift(Q, mat([[0]])), A, q(1)).data.map(String)).toEqual(['1']);
    // B = 1, W = [1, 0], G = [0, -1]: grad_B = G A^T = 0, grad_A = B^T G = [0, -1]
    const s = loraStepAt(Q, l, W0, lift(Q, mat([[1]])), A, q(1));
    expect(s.B.data.map(String)).toEqual(['1']);
    expect(s.A.data.map(String)).toEqual(['1', '1']);
    expect(fpftStep(Q, l, W0, q('1/2')).data.map(String)).toEqual(['1/2', '1/2']);
  });
});

describe('statistics helpers', () => {
  it('lnUpper bounds ln x from above, with a small margin', () => {
    for (const x of [1, 2, 3, 7, 8, 20, 1000, 2 ** 20 * 42]) {
      const up = lnUpper(x).toNumber();
      expect(up).toBeGreaterThanOrEqual(Math.log(x));
      expect(up).toBeLessThanOrEqual(Math.log(2 * x) + 1e-9);
    }
  });

  it('grid rounding is exact: nearest and up', () => {
    const E = fieldFor('exact');
    const third = E.lift(Rational.of(1, 3));
    const near = gridRound(E, third, 'nearest');
    const up = gridRound(E, third, 'up');
    expect(E.sign(E.sub(up, third))).toBe(1);
    expect(E.toNumber(E.sub(up, third))).toBeLessThanOrEqual(2 ** -40);
    expect(E.sign(E.sub(E.mul(up, E.lift(Rational.of(2 ** 40))), E.fromInt(366503875926)))).toBe(0); // ceil(2^40 / 3)
    expect(Math.abs(E.toNumber(E.sub(near, third)))).toBeLessThanOrEqual(2 ** -41);
    expect(fmt(gridRound(E, E.lift(Rational.of(-5, 4)), 'up'))).toBe('-5/4');
  });

  it('the Maurer-Pontil bound of constant samples is the mean minus the range term', () => {
    const E = fieldFor('exact');
    const zs = Array(8).fill(E.lift(Rational.of(1, 2)));
    const lcb = bernsteinLower(E, zs, E.zero, E.one);
    // 1/2 - 7 * 1 * 21 LN2_UP / (3 * 7) = 1/2 - 7 LN2_UP
    expect(E.toNumber(lcb)).toBeCloseTo(0.5 - 7 * 0.6931471806, 12);
  });
});

describe('Gaussian-like sketches (theory/sketch.ts)', () => {
  it('are seeded, of full rank and on the 1/8 grid', () => {
    const a = gaussianSketch(sketchStream(3), 'left', 4, 2, 2);
    const b = gaussianSketch(sketchStream(3), 'left', 4, 2, 2);
    expect(a.data.map(String)).toEqual(b.data.map(String));
    expect(a.data.every((x) => (x.den === 1n || BigInt(SKETCH_DENOMINATOR) % x.den === 0n))).toBe(true);
    const right = gaussianSketch(sketchStream(4), 'right', 2, 3, 2);
    expect([right.rows, right.cols]).toEqual([2, 3]);
    expect(Q.isZero(normSq(Q, matmul(Q, right, transpose(right))))).toBe(false);
  });
});

describe('RAC.H', () => {
  const H = claim('RAC.H');
  it('holds for a hand sketch and for a rank-deficient one (trace = rank 1 < r = 2)', () => {
    const full: SketchInput = { side: 'left', S: mat([[1, 0], [1, 2], [0, 1]]) };
    expect(verdicts(H, ALG, full)).toEqual(all(true));
    const deficient: SketchInput = { side: 'right', S: mat([[1, 2, 3], [2, 4, 6]]) };
    const e = evaluate(H, 'exact', deficient);
    expect(e.verdict).toBe(true);
    const tr = e.comparisons.at(-1)!;
    expect(fmt(tr.lhs)).toBe('1');
    expect(fmt(tr.rhs)).toBe('1');
  });
});

describe('RAC.step', () => {
  const C = claim('RAC.step');
  // f = 1/2 w^2 (L = 1), W = 1, S = [1] so H = 1, gamma = 1: decrease 1/2 = 1 (1 - 1/2) 1
  const tight: RacPointInput = { loss: scalarLoss(), W: mat([[1]]), side: 'left', S: mat([[1]]), gamma: q(1) };
  it('is attained for H = I and a quadratic of curvature L', () => {
    const e = evaluate(C, 'exact', tight);
    expect(e.decisions[0]).toMatchObject({ holds: true, slack: 0, ratio: 1 });
    expect(verdicts(C, ALG, { ...tight, gamma: q('7/2') })).toEqual(all(true)); // any gamma > 0
  });
  it('fails with a non-projection (projection dropped) and with a too small L (smooth dropped)', () => {
    const P = { ...tight, P: mat([[2]]) };
    expect(verdicts(C, ALG, P)).toEqual(all(false));
    expect(C.hypothesesHold!(P)).toEqual({ smooth: true, projection: false });
    const rough = { ...tight, loss: scalarLoss({ d: '4', L: '1' }), gamma: q('1/2') };
    expect(verdicts(C, ALG, rough)).toEqual(all(false));
    expect(C.hypothesesHold!(rough).smooth).toBe(false);
  });
});

describe('RAC.sum', () => {
  const C = claim('RAC.sum');
  const one: RacRunInput = { loss: scalarLoss(), W0: mat([[1]]), side: 'left', r: 1, T: 1, sketches: mat([[1]]), gamma: q(1) };
  it('is attained by one step with gamma = 1/L on 1/2 w^2', () => {
    expect(evaluate(C, 'exact', one).decisions[0]).toMatchObject({ holds: true, slack: 0 });
  });
  it('fails for gamma = 3/(2L) (step_le_1_over_L dropped) and for f* above the infimum', () => {
    const big = { ...one, gamma: q('3/2') };
    expect(verdicts(C, ALG, big)).toEqual(all(false));
    expect(C.hypothesesHold!(big).step_le_1_over_L).toBe(false);
    expect(verdicts(C, ALG, { ...one, loss: scalarLoss({ Lstar: '1/4' }) })).toEqual(all(false));
  });
  it('checks every prefix of a longer run with several sketches', () => {
    const run: RacRunInput = { loss: identityLoss([[1, 2], [3, 4]]), W0: mat([[0, 0], [0, 0]]), side: 'right', r: 1, T: 3, sketches: mat([[1, 0], [1, 1], [0, 1]]), gamma: q(1) };
    const e = evaluate(C, 'exact', run);
    expect(e.verdict).toBe(true);
    expect(e.comparisons.map((c) => c.label!.slice(0, 5))).toEqual(['T = 1', 'T = 2', 'T = 3']);
  });
});

describe('ASYM.subspace', () => {
  const C = claim('ASYM.subspace');
  // f = 1/2 ||W - [1, 1]||^2, W0 = 0, A = [1, 0]: min_B f(W0 + B A) = 1/2, reached by B = 1 in one step of size 1
  const base: AsymRunInput = { loss: identityLoss([[1, 1]]), W0: mat([[0, 0]]), A: mat([[1, 0]]), B0: mat([[0]]), etas: mat([[1]]) };
  it('reaches the subspace minimum exactly (tight) and never goes below it', () => {
    const e = evaluate(C, 'exact', base);
    expect(fmt(e.comparisons[0]!.rhs)).toBe('1/2');
    expect(e.decisions[0]).toMatchObject({ holds: true, slack: 0 });
    expect(verdicts(C, ALG, { ...base, etas: mat([[3, '1/2', 7]]) })).toEqual(all(true)); // any step sizes
  });
  it('fails when A is trained as well (frozen_A dropped): plain LoRA leaves the subspace', () => {
    const lora = { ...base, B0: mat([[1]]), trainA: true };
    expect(verdicts(C, ALG, lora)).toEqual(all(false));
    expect(C.hypothesesHold!(lora)).toEqual({ frozen_A: false });
  });
  it('uses the exact minimum for a coupled quadratic (H != I)', () => {
    const loss = quadraticLoss({ m: 1, n: 2, d: [q(1), q(3)], u: [[q(1), q(1)]], C: mat([[1, 1]]) });
    expect(evaluate(C, 'exact', { ...base, loss, etas: mat([['1/4', '1/4', '1/4']]) }).verdict).toBe(true);
  });
});

describe('LORA.rank', () => {
  const C = claim('LORA.rank');
  // C - W0 = diag(2, 1), r = 1: the rank-1 optimum leaves 1/2 * 1^2
  const base: LoraRankRunInput = { W0: mat([[0, 0], [0, 0]]), uLeft: [], uRight: [], s: mat([[2, 1]]), B0: mat([[1], [0]]), A0: mat([[1, 0]]), etas: mat([['1/2']]) };
  it('holds along a LoRA run (f(W_1) = 17/32 >= 1/2), also with reflections and large steps', () => {
    const e = evaluate(C, 'exact', base);
    expect(fmt(e.comparisons[0]!.lhs)).toBe('17/32');
    expect(fmt(e.comparisons[0]!.rhs)).toBe('1/2');
    expect(verdicts(C, ALG, { ...base, uLeft: [[q(1), q(1)]], uRight: [[q(1), q(-2)]], etas: mat([['1/4', 2, '1/8']]) })).toEqual(all(true));
  });
  it('fails for full-parameter GD (low_rank_update dropped): one step of size 1 reaches C', () => {
    const fpft = { ...base, etas: mat([[1]]), full: true };
    const e = evaluate(C, 'exact', fpft);
    expect(e.verdict).toBe(false);
    expect(fmt(e.comparisons[0]!.lhs)).toBe('0');
    expect(C.hypothesesHold!(fpft)).toEqual({ low_rank_update: false });
  });
});

describe('the statistical claims on hand inputs', () => {
  it('RAC.EH: the Monte-Carlo mean of 128 sketches lies in the band', () => {
    const e = evaluate(claim('RAC.EH'), 'exact', { side: 'left', m: 3, n: 1, r: 1, samples: 128, seed: 5 });
    expect(e.verdict).toBe(true);
    expect(e.comparisons).toHaveLength(6); // the 3 x 4 / 2 distinct entries
  });

  const quad: RacRunsInput = { loss: identityLoss([[1], [2], [0], [1]]), W0: mat([[0], [0], [0], [0]]), side: 'left', r: 1, steps: 2, gamma: q(1), samples: 512, seed: 9, mu: q(1) };
  it('RAC.T55: H = I, gamma = 1/L attains the rate in expectation; the lower confidence bound stays below', () => {
    const e = evaluate(claim('RAC.T55'), 'exact', quad);
    expect(e.verdict).toBe(true);
    // E[f(W^2)] = (3/4)^2 f(W^0): the sample lower bound is close below it
    expect(e.decisions[0]!.ratio!).toBeGreaterThan(0.5);
    expect(e.decisions[0]!.ratio!).toBeLessThan(1);
  });
  it('RAC.T53 and RAC.T55 reject a step above 2/L', () => {
    const wild = { ...quad, gamma: q(3) };
    expect(evaluate(claim('RAC.T55'), 'exact', wild).verdict).toBe(false);
    expect(evaluate(claim('RAC.T53'), 'exact', { ...wild, steps: 3 }).verdict).toBe(false);
  });
});
