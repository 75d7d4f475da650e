/**
 * The engine's parts (properties/_internals/evaluate.ts, stats.ts, seeds.ts, stop.ts,
 * witness.ts) on hand-made inputs whose answers are worked out here: which comparison of a case
 * is the tightest, which status a mix of decisions gives, when a float64 candidate is re-checked
 * in precise arithmetic, which histogram bin a ratio or a slack lands in (log10 by hand), which
 * seeds and replay strings come out, and what a witness records.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { Decision } from '../numeric/compare.ts';
import { ModeError, type Field, type Num } from '../numeric/field.ts';
import { fieldFor } from '../numeric/fields.ts';
import type { Claim } from '../theory/claim.ts';
import type { BlockInput } from '../theory/inputs.ts';
import { decode } from '../theory/codec.ts';
import { claimById } from '../theory/index.ts';
import { confirm, confirmModeFor, evaluateCase, failingFamilies, labelFamily, tighter } from './_internals/evaluate.ts';
import { bin, LOG_RATIO_EDGES, SlackHistogram } from './_internals/stats.ts';
import { deriveSeed, parseShard, seedFromEnv, shardSeed } from './_internals/seeds.ts';
import { stopPlugin } from './_internals/stop.ts';
import { describeSizes, makeWitness, replayCommand, violated } from './_internals/witness.ts';

type Cmp = { label?: string; lhs: number; rel: '<=' | '>=' | '='; rhs: number } | 'undecided' | 'throw';

/** A claim whose comparisons are the listed numbers (exact over Q), 'undecided' (sqrt2^2 = 2 in
 *  precise), or a throw; exact mode throws a ModeError when `exactModeError` is set. */
function listed(cmps: Cmp[], opts: { modes?: Claim['modes']; exactModeError?: boolean; throwWith?: unknown } = {}): Claim<BlockInput> {
  return {
    id: 'toy.listed',
    paper: 'toy',
    title: 'toy',
    latex: '',
    hypotheses: [],
    inputKind: 'block',
    modes: opts.modes ?? ['exact', 'float64', 'precise'],
    nonTrivial: () => true,
    comparisons<T>(F: Field<T>) {
      if (opts.exactModeError && F.mode === 'exact') throw new ModeError('toy: no exp in exact');
      return cmps.map((c, i) => {
        if (c === 'throw') throw opts.throwWith ?? new RangeError('toy: boom');
        if (c === 'undecided') {
          const s = F.sqrt(F.fromInt(2));
          return { label: `u${i}`, lhs: F.mul(s, s), rel: '=' as const, rhs: F.fromInt(2) };
        }
        return { label: c.label, lhs: F.fromInt(c.lhs), rel: c.rel, rhs: F.fromInt(c.rhs) };
      });
    },
  };
}

const X = { X: { rows: 1, cols: 1, data: [1 as Num] } };
const exact = fieldFor('exact');
const precise = fieldFor('precise');
const le = (lhs: number, rhs: number, label?: string): Cmp => ({ label, lhs, rel: '<=', rhs });

describe('tighter: which of two decisions is closer to failing', () => {
  const d = (holds: Decision['holds'], slack: number, ratio?: number): Decision => (ratio === undefined ? { holds, slack } : { holds, slack, ratio });
  it('a false decision first, then a non-vacuous one, then the larger ratio, then a ratio at all, then the smaller slack', () => {
    expect([tighter(d(false, -1), d(true, 0, 0.99)), tighter(d(true, 0, 0.99), d(false, -1))]).toEqual([true, false]);
    expect([tighter(d('undecided', 0), d(false, -1)), tighter(d(false, 5), d('undecided', -5))]).toEqual([false, true]);
    // a false vacuous one still beats a holding one; between holding ones the non-vacuous wins
    expect(tighter(d(false, -1), d(true, 0), true, false)).toBe(true);
    expect([tighter(d(true, 9), d(true, 0), false, true), tighter(d(true, 0), d(true, 9), true, false)]).toEqual([true, false]);
    expect([tighter(d(true, 1, 0.5), d(true, 1, 0.25)), tighter(d(true, 1, 0.25), d(true, 1, 0.5)), tighter(d(true, 1, 0.5), d(true, 1, 0.5))]).toEqual([true, false, false]);
    expect([tighter(d(true, 9, 0.1), d(true, 0)), tighter(d(true, 0), d(true, 9, 0.1))]).toEqual([true, false]);
    expect([tighter(d(true, 1), d(true, 2)), tighter(d(true, 2), d(true, 1)), tighter(d(true, 1), d(true, 1))]).toEqual([true, false, false]);
  });
});

describe('evaluateCase', () => {
  const status = (cmps: Cmp[], F = exact) => evaluateCase(listed(cmps), F, X).status;
  it('fail beats undecided whatever the order; undecided beats pass; no comparison passes', () => {
    expect(status(['undecided', le(1, 0)], precise)).toBe('fail');
    expect(status([le(1, 0), 'undecided'], precise)).toBe('fail');
    expect(status([le(0, 1), 'undecided', le(0, 1)], precise)).toBe('undecided');
    expect(status(['undecided', le(0, 1)], precise)).toBe('undecided');
    expect(status([le(0, 1), le(1, 1)])).toBe('pass');
    const none = evaluateCase(listed([]), exact, X);
    expect(none).toEqual({ status: 'pass', decisions: [], labels: [] });
    expect(Object.keys(none)).toEqual(['status', 'decisions', 'labels']);
  });

  it('picks the tightest comparison by hand: the largest ratio, a false one over all, a non-vacuous one over a vacuous tie', () => {
    const o = evaluateCase(listed([le(1, 10, 'a'), le(5, 10, 'b'), le(2, 10, 'c')]), exact, X);
    expect([o.tightest, o.tightestVacuous, o.labels]).toEqual([1, false, ['a', 'b', 'c']]);
    expect(evaluateCase(listed([le(1, 10), le(11, 10), le(9, 10)]), exact, X).tightest).toBe(1);
    expect(evaluateCase(listed([le(9, 10), le(1, 10), le(3, 2)]), exact, X).tightest).toBe(2);
    // 0 <= 0 tagged vacuous (slack 0, no ratio) against 1 <= 100 (ratio 0.01, slack 99): the real one is the tightest
    const v = evaluateCase(listed([le(0, 0, 'P [vacuous] because'), le(1, 100, 'Q')]), exact, X);
    expect([v.tightest, v.tightestVacuous]).toEqual([1, false]);
    const v2 = evaluateCase(listed([le(1, 100, 'Q'), le(0, 0, 'P [vacuous] because')]), exact, X);
    expect([v2.tightest, v2.tightestVacuous]).toEqual([0, false]);
    const alone = evaluateCase(listed([le(0, 0, 'P [vacuous] because')]), exact, X);
    expect([alone.tightest, alone.tightestVacuous]).toEqual([0, true]);
  });

  it('never throws: an error names its type and message', () => {
    expect(evaluateCase(listed([le(0, 1), 'throw']), exact, X)).toEqual({ status: 'error', decisions: [], labels: [], error: 'RangeError: toy: boom' });
    expect(evaluateCase(listed(['throw'], { throwWith: 'plain text' }), exact, X).error).toBe('plain text');
  });
});

describe('confirm: the certified re-check of a float64 candidate', () => {
  it('re-checks in exact, falls back to precise on a ModeError only, and says when it cannot re-check', () => {
    const failing = [le(2, 1, 'f')];
    expect(confirm(listed(failing), X)).toMatchObject({ status: 'fail', mode: 'exact' });
    expect(confirm(listed([le(1, 2)]), X)).toMatchObject({ status: 'pass', mode: 'exact' });
    expect(confirm(listed(failing, { exactModeError: true }), X)).toMatchObject({ status: 'fail', mode: 'precise' });
    expect(confirm(listed(failing, { exactModeError: true }), X, 'exact').outcome.decisions[0]!.holds).toBe(false);
    // no precise mode to fall back to: an error, in exact
    const noPrecise = confirm(listed(failing, { exactModeError: true, modes: ['exact', 'float64'] }), X);
    expect([noPrecise.status, noPrecise.mode]).toEqual(['error', 'exact']);
    expect(noPrecise.outcome.error).toBe('ModeError: toy: no exp in exact');
    // an error that is not a ModeError is not retried in precise
    expect(confirm(listed(['throw']), X)).toMatchObject({ status: 'error', mode: 'exact' });
    expect(confirm(listed(failing), X, 'precise')).toMatchObject({ status: 'fail', mode: 'precise' });
    const none = confirm(listed(failing, { modes: ['float64'] }), X);
    expect([none.status, none.mode]).toEqual(['error', 'float64']);
    expect(none.outcome).toEqual({ status: 'error', decisions: [], labels: [], error: 'claim toy.listed has no exact or precise mode to confirm in' });
  });

  it('confirmModeFor: exact when supported, else precise, else none', () => {
    const m = (modes: Claim['modes']) => confirmModeFor(listed([], { modes }));
    expect([m(['float64', 'precise', 'exact']), m(['float64', 'precise']), m(['float64'])]).toEqual(['exact', 'precise', undefined]);
  });
});

describe('failingFamilies', () => {
  it('folds entry indices and E_ij subscripts, keeps only false comparisons, sorted, unlabelled as #i', () => {
    const o = evaluateCase(listed([le(2, 1, 'entry (1, 2)'), le(3, 1, 'entry (0, 3)'), le(0, 1, 'holds (0, 0)'), le(5, 1), le(2, 1, 'B E_{0,1} = 0')]), exact, X);
    expect(failingFamilies(o)).toEqual(['#3', 'B E_ij = 0', 'entry (i, j)']);
    expect([labelFamily('E_12 and E_{3, 4} and E_{5,6}'), labelFamily('x (10, 200) y'), labelFamily('E_{10,11} = E_{12, 130}')]).toEqual([
      'E_ij and E_ij and E_ij',
      'x (i, j) y',
      'E_ij = E_ij',
    ]);
  });
});

describe('slack histogram', () => {
  // bins of LOG_RATIO_EDGES: (-12,-6] 0, ..., (-0.5,-0.2] 6, ..., (-0.001,0] 11, (0,0.001] 12, (0.001,0.01] 13, (0.01,0.1] 14, (0.1,1] 15, (1,12] 16
  // bins of the slack edges: (-1e6,-1e3] 0, (-1e3,-1] 1, (-1,-1e-3] 2, ..., (-1e-12,0] 5, (0,1e-12] 6, (1e-12,1e-6] 7, ..., (1e-3,1] 9, (1,1e3] 10, (1e3,1e6] 11
  it('bins ratios by log10 by hand, ratio 0 in the first bin, beyond the ends clamped', () => {
    const h = new SlackHistogram();
    for (const ratio of [0.5, 1, 0, 2, 1e20, 1.005]) h.add({ holds: true, slack: 1, ratio });
    const r = h.result()!;
    r.counts[0] = 99; // a copy: the histogram itself is unchanged
    r.counts = h.result()!.counts;
    expect(r.edges).toEqual(LOG_RATIO_EDGES);
    const expected = new Array(LOG_RATIO_EDGES.length - 1).fill(0);
    // log10 0.5 = -0.30 -> 6; log10 1 = 0 -> 11; 0 -> 0; log10 2 = 0.30 -> 15; 20 -> 16 (clamped); log10 1.005 = 0.0022 -> 13
    for (const i of [6, 11, 0, 15, 16, 13]) expected[i]++;
    expect(r.counts).toEqual(expected);
    expect(r.of).toMatch(/^log10\(ratio\)/);
  });

  it('bins slacks where there is no usable ratio (none, negative, infinite); skips a NaN slack', () => {
    const h = new SlackHistogram();
    h.add({ holds: true, slack: -0.5 }); // 2
    h.add({ holds: true, slack: 0 }); // 5
    h.add({ holds: true, slack: 2e6 }); // beyond 1e6: 11 (clamped)
    h.add({ holds: true, slack: -1e7 }); // below -1e6: 0 (clamped)
    h.add({ holds: true, slack: 1e-9, ratio: -2 }); // 7
    h.add({ holds: true, slack: 5, ratio: Infinity }); // 10
    h.add({ holds: 'undecided', slack: Number.NaN });
    const r = h.result()!;
    expect(r.of).toMatch(/^slack/);
    expect(r.counts).toEqual([1, 0, 1, 0, 0, 1, 0, 1, 0, 0, 1, 1]);
    expect(r.edges).toHaveLength(13);
  });

  it('reports the kind most cases had (ratios win a tie), nothing when empty, and a copy of its counts', () => {
    const h = new SlackHistogram();
    expect(h.result()).toBeUndefined();
    h.add({ holds: 'undecided', slack: Number.NaN });
    expect(h.result()).toBeUndefined();
    h.add({ holds: true, slack: 1 });
    expect(h.result()!.of).toMatch(/^slack/);
    h.add({ holds: true, slack: 1, ratio: 0.5 });
    expect(h.result()!.of).toMatch(/^log10/);
    h.add({ holds: true, slack: 2 });
    const r = h.result()!;
    expect(r.of).toMatch(/^slack/);
    // slack 1 -> bin 9, slack 2 -> bin 10
    r.counts[9] = 99;
    expect(h.result()!.counts).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0]);
    expect(h.result()!.counts.reduce((a, b) => a + b, 0)).toBe(2);
  });

  it('bin: right-closed on [0, 1, 2], clamped, NaN in the first', () => {
    const e = [0, 1, 2];
    expect([0, 0.5, 1, 1.5, 2, 3, -1, Number.NaN].map((x) => bin(e, x))).toEqual([0, 0, 0, 1, 1, 1, 0, 0]);
  });
});

describe('seeds', () => {
  const NAME = 'LORACHECK_TEST_ENGINE_SEED';
  afterEach(() => {
    delete process.env[NAME];
  });
  it('seedFromEnv: the fallback when unset or empty, a 32-bit word, else a RangeError naming the variable', () => {
    expect(seedFromEnv(NAME, 5)).toBe(5);
    process.env[NAME] = '';
    expect(seedFromEnv(NAME, 5)).toBe(5);
    for (const [text, x] of [['0', 0], ['4294967295', 2 ** 32 - 1], ['123', 123]] as const) {
      process.env[NAME] = text;
      expect(seedFromEnv(NAME, 5)).toBe(x);
    }
    for (const text of ['4294967296', '-1', '1.5', 'abc']) {
      process.env[NAME] = text;
      expect(() => seedFromEnv(NAME, 5)).toThrow(`environment variable ${NAME} must be an integer in 0..2^32-1, got "${text}"`);
    }
  });

  it('deriveSeed: 31-bit, distinct over 4096 streams and over 4096 bases, both halves of the range used', () => {
    const byIndex = Array.from({ length: 4096 }, (_, i) => deriveSeed(20250611, i));
    const byBase = Array.from({ length: 4096 }, (_, b) => deriveSeed(b, 0));
    for (const s of [...byIndex, ...byBase]) expect(Number.isInteger(s) && s >= 0 && s <= 0x7fffffff).toBe(true);
    expect(new Set(byIndex).size).toBe(4096);
    expect(new Set(byBase).size).toBe(4096);
    const high = byIndex.filter((s) => s >= 2 ** 30).length;
    const odd = byIndex.filter((s) => s % 2 === 1).length;
    expect(Math.abs(high - 2048)).toBeLessThan(200);
    expect(Math.abs(odd - 2048)).toBeLessThan(200);
  });

  it('parseShard and shardSeed: worker w of shard i/k is stream (i - 1) + k w', () => {
    expect([parseShard(' 1/1 '), parseShard('2/2'), parseShard('03/4'), parseShard('10/12')]).toEqual([
      { index: 1, count: 1 },
      { index: 2, count: 2 },
      { index: 3, count: 4 },
      { index: 10, count: 12 },
    ]);
    for (const bad of ['0/0', '1/0', '11/10', '0/1', '3/2', '1/2/3', '-1/2', '1/', '/2', 'a/b']) expect(parseShard(bad)).toBeUndefined();
    expect(shardSeed(77, { index: 2, count: 3 }, 1)).toBe(deriveSeed(77, 4));
    expect(shardSeed(77, { index: 3, count: 3 }, 0)).toBe(deriveSeed(77, 2));
    expect(shardSeed(77, undefined, 3)).toBe(deriveSeed(77, 3));
  });
});

describe('stopPlugin', () => {
  const runs = (c: Parameters<typeof stopPlugin>[0]) => {
    let n = 0;
    const d = fc.check(
      fc.property(fc.nat(), () => {
        n++;
        return true;
      }),
      { numRuns: 20, seed: 1, plugins: [stopPlugin(c)] },
    );
    return [n, d.interrupted];
  };
  it('runs everything without a condition or before the deadline, nothing past it, and stops on the flag', () => {
    expect(runs({})).toEqual([20, false]);
    expect(runs({ deadline: performance.now() + 60_000, shouldStop: () => false })).toEqual([20, false]);
    expect(runs({ deadline: performance.now() - 1 })).toEqual([0, true]);
    let polls = 0;
    expect(runs({ shouldStop: () => ++polls > 5 })).toEqual([5, true]);
  });
});

describe('witness records', () => {
  it('replayCommand: the CLI line, --drop per hypothesis, runs before seconds, path last', () => {
    expect(replayCommand({ claim: 'L33', mode: 'exact', seed: 1 })).toBe('npx loracheck check --claim L33 --mode exact --seed 1');
    expect(replayCommand({ command: 'search', claim: 'L34', mode: 'float64', seed: 2, runs: 5, seconds: 9, path: '3:0:1', dropped: ['smooth', 'L_ge_1'] })).toBe(
      'npx loracheck search --claim L34 --mode float64 --drop smooth --drop L_ge_1 --seed 2 --runs 5 --path 3:0:1',
    );
    expect(replayCommand({ claim: 'T10', mode: 'precise', seed: 3, seconds: 9 })).toBe('npx loracheck check --claim T10 --mode precise --seed 3 --seconds 9');
  });

  it('describeSizes: the sizes by hand for each input shape', () => {
    const M = (rows: number, cols: number) => ({ rows, cols, data: [] });
    expect([describeSizes(undefined), describeSizes(null), describeSizes(3), describeSizes({})]).toEqual([undefined, undefined, undefined, undefined]);
    // a RAC run has a side but no sketch matrix; a bare sketch matrix without a side names no side
    expect(describeSizes({ loss: { m: 2, n: 3 }, W0: M(2, 3), side: 'left', r: 1, T: 3 })).toBe('m=2, n=3, r=1, T=3');
    expect(describeSizes({ S: M(2, 1), side: 7 })).toBeUndefined();
    expect(describeSizes({ loss: { m: 2, n: 3 }, V: M(5, 1) })).toBe('m=2, n=3, r=1');
    expect(describeSizes({ loss: { m: 2, n: 3 }, V1: M(5, 2) })).toBe('m=2, n=3, r=2');
    expect(describeSizes({ loss: { m: 1, n: 1 }, V0: M(2, 1), T: 4 })).toBe('m=1, n=1, r=1, T=4');
    expect(describeSizes({ loss: { m1: 1, n1: 2, m2: 3, n2: 4 }, B1: M(1, 1), B2: M(3, 2) })).toBe('m1=1, n1=2, m2=3, n2=4, r1=1, r2=2');
    expect(describeSizes({ W0: M(2, 3), r: 1, S: M(2, 1), side: 'left', samples: 64, steps: 4 })).toBe('m=2, n=3, r=1, left sketch 2x1, K=64, T=4');
    expect(describeSizes({ W0: M(2, 3), B0: M(2, 1) })).toBe('m=2, n=3, r=1');
    expect(describeSizes({ W0: M(2, 3), A: M(2, 3) })).toBe('m=2, n=3, r=2');
    expect(describeSizes({ m: 2, n: 3, r: 1 })).toBe('r=1, m=2, n=3');
    expect(describeSizes({ X: M(4, 5) })).toBe('m=4, n=5');
  });

  it('violated: the hypotheses of the claim the input breaks, else nothing (also when the check throws)', () => {
    const c = { ...listed([]), hypotheses: ['smooth', 'L_ge_1', 'symmetric'] as const };
    expect(violated(c, X)).toBeUndefined();
    expect(violated({ ...c, hypothesesHold: () => ({ smooth: false, L_ge_1: true, symmetric: false }) }, X)).toEqual(['smooth', 'symmetric']);
    // a hypothesis the claim does not name is none of its hypotheses, whatever the input kind reports
    expect(violated({ ...c, hypotheses: ['L_ge_1'], hypothesesHold: () => ({ smooth: false, L_ge_1: true, symmetric: false }) }, X)).toBeUndefined();
    expect(violated({ ...c, hypothesesHold: () => ({ smooth: true }) }, X)).toBeUndefined();
    expect(
      violated(
        {
          ...c,
          hypothesesHold: () => {
            throw new Error('x');
          },
        },
        X,
      ),
    ).toBeUndefined();
  });

  it('makeWitness: comparisons in the evaluation mode, confirmedIn only when confirmed, path, sizes, violations', () => {
    const c = { ...listed([le(3, 2, 'f')]), hypotheses: ['smooth'] as const, hypothesesHold: () => ({ smooth: false }) };
    const input = { X: { rows: 1, cols: 2, data: [1, 2] as Num[] } };
    const dropped = ['smooth'];
    const w = makeWitness({ claim: c, input, foundIn: 'float64', evaluatedIn: 'exact', confirmed: true, dropped, seed: 4, path: '7', shrunk: true, replay: 'R' });
    expect(w).toEqual({
      claim: 'toy.listed',
      foundIn: 'float64',
      input: { X: { rows: 1, cols: 2, data: [1, 2] } },
      comparisons: [{ label: 'f', lhs: '3', rel: '<=', rhs: '2', holds: false, slack: -1, ratio: 1.5 }],
      dropped: ['smooth'],
      seed: 4,
      shrunk: true,
      replay: 'R',
      confirmedIn: 'exact',
      violates: ['smooth'],
      path: '7',
      sizes: 'm=1, n=2',
    });
    expect(w.dropped).not.toBe(dropped);
    const u = makeWitness({ claim: listed([le(1, 2)]), input: 5, foundIn: 'exact', evaluatedIn: 'exact', confirmed: false, dropped: [], seed: 4, shrunk: false, replay: 'R' });
    expect(Object.keys(u).sort()).toEqual(['claim', 'comparisons', 'dropped', 'foundIn', 'input', 'replay', 'seed', 'shrunk']);
  });

  it('a printed AM-GM line of (22), which names no hypothesis, is violated as printed whatever L and eta are', () => {
    // L = 1/2 < 1 and a free eta: L_ge_1 and eta_rule are hypotheses of L34, not of this line
    const input = decode({ loss: { family: 'quadratic', m: 1, n: 1, d: ['1/2'], u: [], C: { rows: 1, cols: 1, data: ['0'] }, L: '1/2', Lstar: '0' }, V: { rows: 2, cols: 1, data: ['1/4', '1/4'] }, eta: '5' });
    const amgm1 = claimById('L34.s22.amgm1')!;
    expect(amgm1.hypothesesHold!(input)).toMatchObject({ L_ge_1: false, eta_rule: false });
    expect(violated(amgm1, input)).toBeUndefined();
    expect(violated(claimById('L34')!, input)).toEqual(['L_ge_1', 'eta_rule']);
  });
});
