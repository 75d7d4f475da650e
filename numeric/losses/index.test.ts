import { describe, expect, it } from 'vitest';
import { ModeError } from '../field.ts';
import { fieldFor } from '../fields.ts';
import { float64 } from '../float64.ts';
import type { LossDesc } from '../loss.ts';
import { MODES } from '../field.ts';
import { Rational } from '../rational.ts';
import {
  infimum,
  infimumInfo,
  LOSS_FAMILIES,
  lossOver,
  quadraticLoss,
  separableLoss,
  smoothnessInfo,
  softmaxLoss,
  trueSmoothness,
  twoLossOver,
  twoQuadraticLoss,
  validateLossDesc,
  exprLoss,
} from './index.ts';

const C = { rows: 1, cols: 2, data: [1, -1] };
const DESCS: LossDesc[] = [
  quadraticLoss({ m: 1, n: 2, d: [2, 0.5], u: [[1, 1]], C }),
  separableLoss({ family: 'pseudo-huber', m: 1, n: 2, s: 1, a: 2, C }),
  separableLoss({ family: 'log-cosh', m: 1, n: 2, s: 1, a: 2, C }),
  separableLoss({ family: 'logistic', m: 1, n: 2, s: 1, a: 2, C }),
  softmaxLoss({ X: { rows: 3, cols: 2, data: [1, 0, 0, 1, 1, 1] }, y: [0, 1, 0], classes: 2 }),
  exprLoss({ expr: 'log(cosh(2 * (w - c)))', m: 1, n: 2, C, L: 4, Lstar: 0 }),
];

describe('lossOver / trueSmoothness / infimum', () => {
  it('covers every family, and every family runs in every mode it supports (exp/log families refuse exact)', () => {
    expect(DESCS.map((d) => d.family)).toEqual([...LOSS_FAMILIES]);
    for (const mode of MODES) {
      const F = fieldFor(mode);
      for (const desc of DESCS) {
        const needsExp = desc.family !== 'quadratic' && desc.family !== 'pseudo-huber';
        if (mode === 'exact' && needsExp) {
          expect(() => lossOver(F, desc)).toThrow(ModeError);
          continue;
        }
        const f = lossOver(F, desc);
        const W = { rows: f.m, cols: f.n, data: new Array(f.m * f.n).fill(F.lift(Rational.of(1, 2))) };
        // value at C equals 0 for quadratic / pseudo-Huber / log-cosh; > 0 at W = 1/2 everywhere
        expect(F.sign(F.sub(f.value(W), f.Lstar))).toBe(1);
        expect(f.grad(W).data.length).toBe(f.m * f.n);
      }
    }
  });

  it('stated L / Lstar are kept apart from the true smoothness and infimum', () => {
    const stated = quadraticLoss({ m: 1, n: 2, d: [2, 0.5], u: [], C, L: 0.5, Lstar: 7 });
    expect(trueSmoothness(stated)).toBe(2);
    expect(infimum(stated)).toBe(0);
    const f = lossOver(float64, stated);
    expect([f.L, f.Lstar]).toEqual([0.5, 7]);
    expect(smoothnessInfo(stated).kind).toBe('exact');
    expect(infimumInfo(DESCS[3]!)).toMatchObject({ value: 0, kind: 'exact', attained: false });
    expect(infimumInfo(DESCS[1]!)).toMatchObject({ value: 0, kind: 'exact', attained: true });
    const two = twoQuadraticLoss({ m1: 1, n1: 1, m2: 1, n2: 1, d: [Rational.of(-3), Rational.ONE], u: [], C1: { rows: 1, cols: 1, data: [0] }, C2: { rows: 1, cols: 1, data: [0] } });
    expect((trueSmoothness(two) as Rational).eq(Rational.of(3))).toBe(true);
    expect(infimumInfo(two).kind).toBe('unbounded');
    // the user's log cosh(2x), same function as DESCS[2]: certified sup |f''| = 4, exactly as KAPPA gives s a^2 = 4
    expect(smoothnessInfo(DESCS[5]!)).toMatchObject({ kind: 'exact' });
    expect(String(smoothnessInfo(DESCS[5]!).value)).toBe('4');
    expect(String(trueSmoothness(DESCS[2]!))).toBe('4');
    expect(infimumInfo(DESCS[5]!)).toMatchObject({ kind: 'exact', attained: true });
  });

  it('unknown families and invalid descriptors throw errors naming the field', () => {
    const bogus = { ...DESCS[0]!, family: 'cubic' } as unknown as LossDesc;
    expect(() => lossOver(float64, bogus)).toThrow('lossOver: field family must be one of quadratic, pseudo-huber, log-cosh, logistic, softmax-ce, expr, got "cubic"');
    expect(() => trueSmoothness(bogus)).toThrow(/smoothnessInfo: field family/);
    expect(() => infimum(bogus)).toThrow(/infimumInfo: field family/);
    expect(() => lossOver(float64, { ...DESCS[1]!, L: 0 })).toThrow('lossOver(pseudo-huber): field L must be > 0, got 0');
    expect(() => lossOver(float64, { ...DESCS[4]!, y: [0, 1] } as LossDesc)).toThrow(/lossOver\(softmax-ce\): field y must have one label per row of X \(3\), got 2/);
    expect(() => twoLossOver(float64, DESCS[0] as never)).toThrow(/twoLossOver: field family must be two-quadratic/);
    expect(() => validateLossDesc({ ...DESCS[2]!, s: -1 } as LossDesc, 'decode')).toThrow('decode: field s must be > 0, got -1');
    expect(() => validateLossDesc(bogus, 'decode')).toThrow(/decode: field family must be one of/);
    for (const d of DESCS) expect(validateLossDesc(d)).toBe(d);
  });
});
