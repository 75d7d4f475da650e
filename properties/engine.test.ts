/**
 * The engine on toy claims whose truth is known by construction: a true claim verifies, a false
 * one yields a confirmed and shrunk counterexample that replays from its seed and path, a float64
 * false alarm is not a counterexample, undecided comparisons are counted (and decide the verdict
 * only past the documented share), a throwing claim ends in 'error', and budgets stop the run.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Field, Num } from '../numeric/field.ts';
import { lift, normSq } from '../numeric/matrix.ts';
import type { Claim } from '../theory/claim.ts';
import type { BlockInput } from '../theory/inputs.ts';
import { decode, type JSONValue } from '../theory/codec.ts';
import { checkClaim, type FailureSnapshot } from './engine.ts';
import { bin, LOG_RATIO_EDGES } from './_internals/stats.ts';
import { deriveSeed, parseShard, shardSeed } from './_internals/seeds.ts';
import { toyClaim } from './_internals/toy-claim.ts';

const toy = toyClaim;

const normSqX = <T>(F: Field<T>, x: BlockInput): T => normSq(F, lift(F, x.X));

/** ||X||^2 >= 0: true. */
const TRUE_TOY = toy('toy.true', { comparisons: (F, x) => [{ label: '||X||^2 >= 0', lhs: normSqX(F, x), rel: '>=', rhs: F.zero }] });

/** ||X||^2 <= 3: false for most X; the smallest failures are 1 x 1 with |x| = 2 or 7/4. */
const FALSE_TOY = toy('toy.false', { comparisons: (F, x) => [{ label: '||X||^2 <= 3', lhs: normSqX(F, x), rel: '<=', rhs: F.fromInt(3) }] });

describe('checkClaim on toy claims', () => {
  it('verifies a true claim and counts every case', () => {
    const r = checkClaim(TRUE_TOY, { mode: 'exact', runs: 80, seed: 1 });
    console.log(`toy.true: ${r.verdict}, cases ${r.cases}, non-trivial ${r.nonTrivial}, undecided ${r.undecided}`);
    expect(r.verdict).toBe('verified');
    expect(r.cases).toBe(80);
    expect(r.nonTrivial).toBeGreaterThan(70);
    expect(r.counterexample).toBeUndefined();
    expect(r.replay).toBe('npx loracheck check --claim toy.true --mode exact --seed 1 --runs 80');
    expect(r.slackHistogram!.counts.reduce((a, b) => a + b, 0)).toBe(80);
    expect(r.worstSlack!.witness.input).not.toBeNull();
  });

  it('finds, confirms and shrinks a counterexample of a false claim, and replays it from seed and path', () => {
    const snaps: FailureSnapshot[] = [];
    const r = checkClaim(FALSE_TOY, { mode: 'exact', runs: 200, seed: 2, onFailure: (f) => snaps.push(f) });
    expect(r.verdict).toBe('counterexample');
    const w = r.counterexample!;
    console.log(`toy.false: shrunk to ${JSON.stringify(w.input)} after ${r.shrinkSteps} steps; replay: ${w.replay}`);
    expect(w.confirmedIn).toBe('exact');
    expect(w.shrunk).toBe(true);
    const X = (decode(w.input as JSONValue) as BlockInput).X;
    expect([X.rows, X.cols]).toEqual([1, 1]);
    expect(['2', '-2', '7/4', '-7/4']).toContain(String(X.data[0]));
    expect(w.comparisons[0]!.holds).toBe(false);
    expect(r.failing).toEqual(['||X||^2 <= 3']);
    expect(snaps[0]!.shrinkStep).toBe(0);
    expect(snaps.at(-1)!.shrinkStep).toBe(r.shrinkSteps);
    // Replay: the same seed and path give the same witness.
    const again = checkClaim(FALSE_TOY, { mode: 'exact', seed: 2, path: w.path! });
    expect(again.counterexample!.input).toEqual(w.input);
    expect(w.replay).toContain(`--path ${w.path}`);
  });

  it('re-checks float64 candidates exactly: a rounding artefact is a false alarm, not a counterexample', () => {
    // ((x + 2^60) - 2^60) = x is exact over Q and loses x in doubles.
    const big = 2 ** 60;
    const roundoff = toy('toy.roundoff', {
      comparisons: (F, x) => {
        const v = F.lift(x.X.data[0]!);
        const B = F.lift(big as Num);
        return [{ label: '(x + 2^60) - 2^60 = x', lhs: F.sub(F.add(v, B), B), rel: '=', rhs: v }];
      },
    });
    const r = checkClaim(roundoff, { mode: 'float64', runs: 60, seed: 3 });
    console.log(`toy.roundoff float64: ${r.verdict}, cases ${r.cases}, false alarms ${r.falseAlarms}`);
    expect(r.verdict).toBe('verified');
    expect(r.falseAlarms).toBeGreaterThan(10);
    expect(r.cases).toBe(60);
    // ... while a real failure found in float64 is confirmed in exact arithmetic.
    const f = checkClaim(FALSE_TOY, { mode: 'float64', runs: 200, seed: 4 });
    expect(f.verdict).toBe('counterexample');
    expect(f.counterexample!.foundIn).toBe('float64');
    expect(f.counterexample!.confirmedIn).toBe('exact');
  });

  it('counts undecided comparisons and turns the verdict to undecided only past 10% of the cases', () => {
    // In precise arithmetic sqrt(2)^2 = 2 cannot be certified (the enclosures overlap): undecided.
    const sometimes = (share: number): Claim<BlockInput> =>
      toy(`toy.undecided.${share}`, {
        comparisons: (F, x) => {
          const v = F.toNumber(F.lift(x.X.data[0]!));
          const s = F.sqrt(F.fromInt(2));
          return v < share ? [{ label: 'sqrt2^2 = 2', lhs: F.mul(s, s), rel: '=', rhs: F.fromInt(2) }] : [{ label: '0 <= 1', lhs: F.zero, rel: '<=', rhs: F.one }];
        },
      });
    const arbitrary = fc.noBias(fc.integer({ min: 0, max: 99 })).map((k) => ({ X: { rows: 1, cols: 1, data: [k] } }));
    const few = checkClaim(sometimes(5), { mode: 'precise', runs: 200, seed: 5, arbitrary });
    const many = checkClaim(sometimes(50), { mode: 'precise', runs: 200, seed: 5, arbitrary });
    console.log(`undecided: ${few.undecided}/${few.cases} -> ${few.verdict}; ${many.undecided}/${many.cases} -> ${many.verdict}`);
    expect(few.undecided).toBeGreaterThan(0);
    expect(few.undecided).toBeLessThanOrEqual(20);
    expect(few.verdict).toBe('verified');
    expect(many.undecided).toBeGreaterThan(20);
    expect(many.verdict).toBe('undecided');
    expect(many.counterexample).toBeUndefined();
  });

  it('ends in error, with a shrunk input, when the claim throws', () => {
    const thrower = toy('toy.throws', {
      comparisons: (F, x) => {
        if (x.X.rows * x.X.cols > 3) throw new RangeError('toy: more than 3 entries');
        return [{ lhs: F.zero, rel: '<=', rhs: F.one }];
      },
    });
    const r = checkClaim(thrower, { mode: 'exact', runs: 100, seed: 6 });
    expect(r.verdict).toBe('error');
    expect(r.error).toContain('more than 3 entries');
    const X = (decode(r.errorWitness!.input as JSONValue) as BlockInput).X;
    expect(X.rows * X.cols).toBe(4);
  });

  it('stops on the stop flag and on a seconds budget, keeping the counts', () => {
    let n = 0;
    const r = checkClaim(TRUE_TOY, { mode: 'exact', runs: 10_000, seed: 7, shouldStop: () => ++n > 25 });
    expect(r.interrupted).toBe(true);
    expect(r.cases).toBeGreaterThan(0);
    expect(r.cases).toBeLessThan(30);
    const t = checkClaim(TRUE_TOY, { mode: 'exact', seconds: 0.3, seed: 7 });
    expect(t.budget).toEqual({ seconds: 0.3 });
    expect(t.cases).toBeGreaterThan(0);
    expect(t.timeMs).toBeLessThan(3000);
    expect(t.replay).toContain(`--runs ${t.cases}`);
  });

  it('keeps the best failure so far when shrinking runs out of time (shrunk: false)', () => {
    let calls = 0;
    const r = checkClaim(FALSE_TOY, { mode: 'exact', runs: 200, seed: 2, shouldStop: () => calls > 0, onFailure: () => calls++ });
    expect(r.verdict).toBe('counterexample');
    expect(r.counterexample!.shrunk).toBe(false);
    expect(r.interrupted).toBe(true);
    expect(r.counterexample!.comparisons[0]!.holds).toBe(false);
  });

  it('rejects a mode the claim does not support and a bad budget', () => {
    const exactOnly = { ...TRUE_TOY, modes: ['exact'] as const };
    expect(() => checkClaim(exactOnly, { mode: 'float64' })).toThrow(/cannot run in mode float64/);
    expect(() => checkClaim(TRUE_TOY, { runs: 0 })).toThrow(/runs must be an integer >= 1/);
  });
});

describe('seeds and shards', () => {
  it('derives distinct seeds, and disjoint streams per shard and worker', () => {
    const seen = new Set<number>();
    for (let k = 1; k <= 3; k++) for (let i = 1; i <= k; i++) for (let w = 0; w < 4; w++) seen.add(shardSeed(77, { index: i, count: k }, w) + k * 1e10);
    expect(seen.size).toBe(4 * (1 + 2 + 3));
    const k3 = [1, 2, 3].flatMap((i) => [0, 1, 2, 3].map((w) => shardSeed(77, { index: i, count: 3 }, w)));
    expect(new Set(k3).size).toBe(12);
    expect(shardSeed(77, undefined, 0)).toBe(deriveSeed(77, 0));
    expect(parseShard('2/3')).toEqual({ index: 2, count: 3 });
    expect(parseShard('3/2')).toBeUndefined();
    expect(parseShard('0/2')).toBeUndefined();
    expect(parseShard('x')).toBeUndefined();
  });
});

describe('slack histogram bins', () => {
  it('are right-closed and clamp to the end bins', () => {
    const zero = LOG_RATIO_EDGES.indexOf(0);
    expect(bin(LOG_RATIO_EDGES, 0)).toBe(zero - 1); // ratio 1 (tight) lands in (-0.001, 0]
    expect(bin(LOG_RATIO_EDGES, 1e-9)).toBe(zero); // just violated
    expect(bin(LOG_RATIO_EDGES, -Infinity)).toBe(0);
    expect(bin(LOG_RATIO_EDGES, 1e9)).toBe(LOG_RATIO_EDGES.length - 2);
  });
});
