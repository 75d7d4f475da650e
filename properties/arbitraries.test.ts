/**
 * The arbitraries: ranges, kept hypotheses hold exactly (also after rounding to doubles),
 * dropped ones are violated often (and only they), and sizes and entries shrink independently.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Mode, Num } from '../numeric/field.ts';
import type { LossDesc, TwoMatrixLoss } from '../numeric/loss.ts';
import { infimum, trueSmoothness } from '../numeric/losses/index.ts';
import { Rational } from '../numeric/rational.ts';
import type { HypothesisName } from '../theory/claim.ts';
import type { AmGmInput, LoraInput, SquareInput, TwoLoraInput } from '../theory/inputs.ts';
import { encode } from '../theory/codec.ts';
import { amgmInput, loraInput, loraRunInput, squareInput, twoLoraInput, twoPairInput } from './inputs.ts';
import { profileFor, sizes } from './sizes.ts';
import { simpleRational } from './scalars.ts';

const R = (x: Num): Rational => (typeof x === 'number' ? Rational.fromNumber(x) : x);
const cmp = (a: Num, b: Num) => R(a).cmp(R(b));
const sample = <T>(arb: fc.Arbitrary<T>, n = 300, seed = 11): T[] => fc.sample(arb, { numRuns: n, seed });
const share = <T>(xs: T[], f: (x: T) => boolean) => xs.filter(f).length / xs.length;

/** Which loss hypotheses a descriptor satisfies, from what the loss really has. */
function lossHolds(desc: LossDesc | TwoMatrixLoss): Record<'smooth' | 'L_ge_1' | 'lower_bound', boolean> {
  const inf = infimum(desc);
  return {
    smooth: cmp(desc.L, trueSmoothness(desc)) >= 0,
    L_ge_1: cmp(desc.L, 1) >= 0,
    lower_bound: inf !== null && cmp(desc.Lstar, inf) <= 0,
  };
}

describe('sizes', () => {
  it('draws 1 <= r <= min(m, n) within the profile', () => {
    for (const mode of ['exact', 'float64'] as Mode[]) {
      const p = profileFor(mode);
      for (const s of sample(sizes(p))) {
        expect(s.m).toBeGreaterThanOrEqual(1);
        expect(s.m).toBeLessThanOrEqual(p.maxM);
        expect(s.n).toBeLessThanOrEqual(p.maxN);
        expect(s.r).toBeGreaterThanOrEqual(1);
        expect(s.r).toBeLessThanOrEqual(Math.min(s.m, s.n, p.maxR));
      }
    }
  });
});

describe('entries', () => {
  it('are simple fractions: mostly |p| <= 9 over q in {1, 2, 4, 3, 8}', () => {
    const xs = sample(simpleRational(), 1000);
    const simple = share(xs, (x) => x.num >= -9n && x.num <= 9n && [1n, 2n, 3n, 4n, 8n].includes(x.den));
    expect(simple).toBeGreaterThan(0.8);
    expect(xs.every((x) => x.den <= 64n && x.num >= -99n && x.num <= 99n)).toBe(true);
  });
});

describe('losses: kept hypotheses hold exactly, a dropped one is violated often', () => {
  const hyps = ['smooth', 'L_ge_1', 'lower_bound'] as const;
  for (const mode of ['exact', 'precise', 'float64'] as Mode[]) {
    it(`${mode}: nothing dropped`, () => {
      const xs = sample(loraInput(profileFor(mode), { hypotheses: ['smooth', 'L_ge_1', 'lower_bound'] }), 200);
      for (const x of xs) expect(lossHolds(x.loss)).toEqual({ smooth: true, L_ge_1: true, lower_bound: true });
    });
    for (const h of hyps)
      it(`${mode}: ${h} dropped`, () => {
        const dropped = new Set<HypothesisName>([h]);
        const xs = sample(loraInput(profileFor(mode), { hypotheses: ['smooth', 'L_ge_1', 'lower_bound'], dropped }), 200);
        const held = xs.map((x) => lossHolds(x.loss));
        const violated = share(held, (s) => !s[h]);
        console.log(`${mode}, drop ${h}: violated in ${(100 * violated).toFixed(0)}% of 200 losses`);
        expect(violated).toBeGreaterThan(0.3);
        for (const s of held) for (const k of hyps) if (k !== h) expect(s[k]).toBe(true);
      });
  }

  it('two-matrix losses follow the same rules', () => {
    const p = profileFor('exact');
    for (const x of sample(twoPairInput(p, {}), 100)) expect(lossHolds(x.loss)).toEqual({ smooth: true, L_ge_1: true, lower_bound: true });
    const xs = sample(twoPairInput(p, { dropped: new Set(['L_ge_1'] as const) }), 200);
    expect(share(xs, (x) => !lossHolds(x.loss).L_ge_1)).toBeGreaterThan(0.3);
  });
});

describe('other hypotheses', () => {
  const p = profileFor('exact');
  it('symmetric: M = M^T when kept, rarely when dropped', () => {
    const isSym = (x: SquareInput) => {
      const N = x.m + x.n;
      for (let i = 0; i < N; i++) for (let j = 0; j < i; j++) if (cmp(x.M.data[i * N + j]!, x.M.data[j * N + i]!) !== 0) return false;
      return true;
    };
    expect(sample(squareInput(p, { hypotheses: ['symmetric'] })).every(isSym)).toBe(true);
    expect(share(sample(squareInput(p, { hypotheses: ['symmetric'], dropped: new Set(['symmetric'] as const) })), (x) => !isSym(x))).toBeGreaterThan(0.8);
  });

  it('eta_rule: no eta when kept; eta > 0 drawn around (8) when dropped', () => {
    const kept = sample(loraInput(p, { hypotheses: ['eta_rule'] }), 100);
    expect(kept.every((x) => x.eta === undefined)).toBe(true);
    const dropped = sample(loraInput(p, { hypotheses: ['eta_rule'], dropped: new Set(['eta_rule'] as const) }), 100);
    expect(dropped.every((x: LoraInput) => x.eta !== undefined && R(x.eta).sign() > 0)).toBe(true);
    const runs = sample(loraRunInput(p, { hypotheses: ['eta_rule'], dropped: new Set(['eta_rule'] as const) }), 50);
    expect(runs.every((x) => x.etaScale !== undefined && R(x.etaScale).sign() > 0)).toBe(true);
  });

  it('same_rank: r1 = r2 when kept, often not when dropped', () => {
    expect(sample(twoLoraInput(p, {}), 100).every((x: TwoLoraInput) => x.B1.cols === x.B2.cols)).toBe(true);
    const xs = sample(twoLoraInput(profileFor('exact', { maxM: 8, maxN: 8, maxR: 4 }), { dropped: new Set(['same_rank'] as const) }), 200);
    expect(share(xs, (x) => x.B1.cols !== x.B2.cols)).toBeGreaterThan(0.2);
  });

  it('nonneg: x, w >= 0 and x1 != x2, w != 0 when kept; signs free when dropped', () => {
    const nonneg = (x: AmGmInput) => [x.x1, x.x2, x.w1, x.w2].every((v) => R(v).sign() >= 0);
    const kept = sample(amgmInput(p, {}));
    expect(kept.every(nonneg)).toBe(true);
    expect(kept.every((x) => cmp(x.x1, x.x2) !== 0 && R(x.w1).sign() !== 0 && R(x.w2).sign() !== 0)).toBe(true);
    expect(share(sample(amgmInput(p, { dropped: new Set(['nonneg'] as const) })), (x) => !nonneg(x))).toBeGreaterThan(0.3);
  });
});

describe('shrinking', () => {
  it('shrinks sizes, loss and entries independently to the simplest failing input', () => {
    // Fails as soon as V[0][0] >= 3: everything but that entry is irrelevant and must shrink away.
    const arb = loraInput(profileFor('exact'), { hypotheses: ['smooth', 'L_ge_1', 'lower_bound'] });
    const d = fc.check(fc.property(arb, (x) => cmp(x.V.data[0]!, 3) < 0), { seed: 12, numRuns: 500 });
    expect(d.failed).toBe(true);
    const x = d.counterexample![0] as LoraInput;
    console.log('shrunk:', JSON.stringify(encode(x)));
    expect(x.loss.m).toBe(1);
    expect(x.loss.n).toBe(1);
    expect(x.V.cols).toBe(1);
    expect(encode(x.V)).toEqual({ rows: 2, cols: 1, data: ['3', '0'] });
    expect(encode(x.loss)).toEqual({ family: 'quadratic', m: 1, n: 1, d: ['1'], u: [], C: { rows: 1, cols: 1, data: ['0'] }, L: '1', Lstar: '0' });
  });

  it('is deterministic for a seed (replay)', () => {
    const arb = loraInput(profileFor('float64'), { hypotheses: ['eta_rule'], dropped: new Set(['eta_rule'] as const) });
    expect(encode(sample(arb, 20, 5))).toEqual(encode(sample(arb, 20, 5)));
  });
});
