/**
 * The RAC-LoRA family's generators and checks: kept hypotheses hold on every input, dropped ones
 * are violated often, and planted wrong constants are caught by the engine (a confirmed, shrunk
 * counterexample in exact arithmetic, or a statistical rejection), while the true statements
 * pass on the same inputs.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Field, Num } from '../numeric/field.ts';
import { quadraticLoss } from '../numeric/losses/index.ts';
import { Rational } from '../numeric/rational.ts';
import type { Claim, Comparison, HypothesisName } from '../theory/claim.ts';
import { claimById } from '../theory/index.ts';
import type { LoraRankRunInput, RacRunsInput, SketchInput } from '../theory/inputs.ts';
import { meanAtMost, racRunsAt } from '../theory/_internals/rac-runs.ts';
import { sketchRank } from '../theory/_internals/rac-input.ts';
import { checkClaim } from './engine.ts';
import { claimArbitrary } from './inputs.ts';

const R = (x: Num): Rational => (typeof x === 'number' ? Rational.fromNumber(x) : x);
const claim = (id: string) => claimById(id)!;
const sample = (c: Claim, dropped: HypothesisName[] = [], n = 120) => fc.sample(claimArbitrary(c, { mode: 'exact', dropped }), { numRuns: n, seed: 7 });
const share = <T>(xs: T[], f: (x: T) => boolean) => xs.filter(f).length / xs.length;
const holds = (c: Claim, h: HypothesisName) => (x: unknown) => c.hypothesesHold!(x)[h] === true;

describe('generators of the RAC-LoRA family', () => {
  it('keep every named hypothesis, and break a dropped one often', () => {
    for (const [id, hs] of [
      ['RAC.step', ['smooth', 'projection']],
      ['RAC.sum', ['smooth', 'lower_bound', 'step_le_1_over_L']],
      ['RAC.T55', ['smooth', 'pl', 'step_le_1_over_L']],
      ['ASYM.subspace', ['frozen_A']],
      ['LORA.rank', ['low_rank_update']],
    ] as const) {
      const c = claim(id);
      const kept = sample(c, [], 60);
      for (const h of hs) {
        expect(kept.every(holds(c, h)), `${id}: ${h} kept`).toBe(true);
        expect(share(sample(c, [h], 60), (x) => !holds(c, h)(x)), `${id}: ${h} dropped`).toBeGreaterThan(0.3);
      }
    }
  });

  it('draw rank-deficient sketches for RAC.H, r < d for RAC.EH and a positive Eckart-Young bound for LORA.rank', () => {
    const sk = sample(claim('RAC.H')) as SketchInput[];
    expect(share(sk, (x) => sketchRank(x.side, x.S) < Math.min(x.S.rows, x.S.cols))).toBeGreaterThan(0.1);
    const lr = sample(claim('LORA.rank')) as LoraRankRunInput[];
    expect(lr.every((x) => x.B0.cols < Math.min(x.W0.rows, x.W0.cols) && x.s.data.every((v) => R(v).sign() !== 0))).toBe(true);
    expect(sample(claim('RAC.EH')).every((x) => claim('RAC.EH').nonTrivial(x))).toBe(true);
  });
});

/** The claim with every right side multiplied by `factor` (a wrong constant). */
function scaled<I>(c: Claim<I>, factor: Rational): Claim<I> {
  return {
    ...c,
    id: `${c.id}.planted`,
    comparisons<T>(F: Field<T>, input: I): Comparison<T>[] {
      return c.comparisons(F, input).map((x) => ({ ...x, rhs: F.mul(F.lift(factor), x.rhs) }));
    },
  };
}

describe('planted wrong constants are caught', () => {
  it('RAC.sum with (f(W^0) - f*) / gamma (the factor 2 lost): a confirmed, shrunk counterexample', () => {
    const r = checkClaim(scaled(claim('RAC.sum'), Rational.of(1, 2)), { mode: 'exact', seed: 3, runs: 60, shrinkSeconds: 10 });
    expect(r.verdict).toBe('counterexample');
    expect(r.counterexample!.confirmedIn).toBe('exact');
    expect(r.counterexample!.shrunk).toBe(true);
    console.log(`RAC.sum planted: ${r.counterexample!.sizes}: ${JSON.stringify(r.counterexample!.input)}`);
  });

  it('RAC.step claiming twice the decrease, found in float64 and confirmed exactly', () => {
    const r = checkClaim(scaled(claim('RAC.step'), Rational.of(2)), { mode: 'float64', seed: 3, runs: 60, shrinkSeconds: 10, profile: { maxM: 6, maxN: 6, maxR: 3 } });
    expect(r.verdict).toBe('counterexample');
    expect(r.counterexample!.confirmedIn).toBe('exact');
  });

  it('LORA.rank with the tail sum from i >= r (off by one): a counterexample', () => {
    const c = claim('LORA.rank') as Claim<LoraRankRunInput>;
    const offByOne: Claim<LoraRankRunInput> = {
      ...c,
      id: 'LORA.rank.planted',
      comparisons<T>(F: Field<T>, input: LoraRankRunInput) {
        // the r-th largest s_i joins the tail: move one more square into the bound
        const sorted = [...input.s.data].map(R).sort((a, b) => b.abs().cmp(a.abs()));
        const extra = sorted[input.B0.cols - 1]!;
        return c.comparisons(F, input).map((x) => ({ ...x, rhs: F.add(x.rhs, F.lift(extra.mul(extra).div(Rational.of(2)))) }));
      },
    };
    const r = checkClaim(offByOne, { mode: 'exact', seed: 3, runs: 60, shrinkSeconds: 10 });
    expect(r.verdict).toBe('counterexample');
  });

  // H = I quadratics 1/2 ||W - C||^2 (mu = L = 1), gamma = 1: E[f(W^T)] = (1 - r/m)^T f(W^0) exactly
  const identityRuns = fc
    .tuple(fc.integer({ min: 2, max: 3 }), fc.integer({ min: 1, max: 2 }), fc.array(fc.integer({ min: -3, max: 3 }), { minLength: 3, maxLength: 3 }), fc.nat({ max: 1000 }))
    .map(([m, T, c, seed]): RacRunsInput => {
      const C = { rows: m, cols: 1, data: c.slice(0, m).map((x, i) => Rational.of(i === 0 && x === 0 ? 1 : x)) };
      const loss = quadraticLoss({ m, n: 1, d: Array(m).fill(Rational.ONE), u: [], C });
      return { loss, W0: { rows: m, cols: 1, data: Array(m).fill(Rational.ZERO) }, side: 'left', r: 1, steps: T, gamma: Rational.ONE, samples: 256, seed, mu: Rational.ONE };
    });

  it('RAC.T55 without lambda_min^H in the rate is rejected statistically; the reported form is not', () => {
    const T55 = claim('RAC.T55') as Claim<RacRunsInput>;
    const noLambda: Claim<RacRunsInput> = {
      ...T55,
      id: 'RAC.T55.planted',
      comparisons<T>(F: Field<T>, input: RacRunsInput) {
        const { loss, runs } = racRunsAt(F, input);
        const gap0 = F.sub(runs[0]![0]!.f, loss.Lstar);
        const bound = F.mul(F.powInt(F.sub(F.one, F.mul(F.lift(input.gamma), F.lift(input.mu!))), input.steps), gap0);
        return [meanAtMost(F, 'planted: (1 - gamma mu)^T', runs.map((rec) => F.sub(rec[input.steps]!.f, loss.Lstar)), F.zero, bound, gap0)];
      },
    };
    const bad = checkClaim(noLambda, { mode: 'exact', seed: 5, runs: 4, arbitrary: identityRuns, shrinkSeconds: 5 });
    expect(bad.verdict).toBe('counterexample');
    expect(bad.statistical?.deltaText).toBe('2^-20');
    const good = checkClaim(T55, { mode: 'exact', seed: 5, runs: 4, arbitrary: identityRuns });
    expect(good.verdict).toBe('statistical');
    // the rate is attained for H = I, gamma = 1/L: the lower confidence bound comes close
    expect(good.worstSlack!.ratio!).toBeGreaterThan(0.5);
  });
});
