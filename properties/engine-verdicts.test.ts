/**
 * The verdict and the counts of the check engine (properties/engine.ts) against answers taken
 * from outside it: toy claims whose outcome on every input is known by construction, inputs
 * drawn by a counting arbitrary (case i is the integer i, so which cases are undecided, throw or
 * fail is fixed by hand), and the values fast-check drew recorded as they are drawn, so that the
 * expected counts (non-trivial cases, float64 false alarms) are recomputed here in plain
 * JavaScript. Each verdict rule is tested on both sides of its boundary (the 10% undecided share:
 * exactly at it and one case above).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Field, Num } from '../numeric/field.ts';
import { fieldFor } from '../numeric/fields.ts';
import { Rational } from '../numeric/rational.ts';
import type { Claim } from '../theory/claim.ts';
import { decode, type JSONValue } from '../theory/codec.ts';
import type { BlockInput } from '../theory/inputs.ts';
import { checkClaim, defaultRuns, type Progress } from './engine.ts';
import { toyClaim } from './_internals/toy-claim.ts';

type X1 = BlockInput;

/** A toy claim over one-entry inputs X = [x] (non-trivial iff x != 0 unless told otherwise). */
const toy = toyClaim;

/** The entry x of X = [x] as a double (inputs here are integers or short dyadics). */
function xOf(input: X1): number {
  const v = input.X.data[0]!;
  return typeof v === 'number' ? v : v.toNumber();
}

const one = (x: number): X1 => ({ X: { rows: 1, cols: 1, data: [x] } });

/** Case i of a run is the input [i] (i = 0, 1, 2, ...), counted outside the engine. */
function counting(): fc.Arbitrary<X1> {
  let next = 0;
  return fc.constant(0).map(() => one(next++));
}

/** An arbitrary that records every value it hands out (search draws and shrink candidates alike). */
function recorded(arb: fc.Arbitrary<number>): { arbitrary: fc.Arbitrary<X1>; drawn: number[] } {
  const drawn: number[] = [];
  return { arbitrary: arb.map((x) => (drawn.push(x), one(x))), drawn };
}

/** In precise arithmetic sqrt(2) sqrt(2) = 2 cannot be certified (the enclosures overlap): undecided. */
function sqrt2Sq<T>(F: Field<T>, label: string) {
  const s = F.sqrt(F.fromInt(2));
  return { label, lhs: F.mul(s, s), rel: '=' as const, rhs: F.fromInt(2) };
}

/** Cases 0..k-1 have two undecided comparisons each, the others one comparison that holds. */
const undecidedBelow = (k: number) =>
  toy(`toy.undecided-below-${k}`, {
    comparisons: (F, x) => (xOf(x) < k ? [sqrt2Sq(F, 'a'), sqrt2Sq(F, 'b')] : [{ label: '0 <= 1', lhs: F.zero, rel: '<=', rhs: F.one }]),
  });

describe('the undecided share (verdict undecided only above maxUndecidedShare of the cases)', () => {
  it('100 cases: 10 undecided (exactly 10%) verify, 11 do not; counts are the hand counts', () => {
    const at = checkClaim(undecidedBelow(10), { mode: 'precise', runs: 100, seed: 1, arbitrary: counting() });
    expect([at.verdict, at.cases, at.undecided, at.undecidedComparisons, at.nonTrivial]).toEqual(['verified', 100, 10, 20, 99]);
    const above = checkClaim(undecidedBelow(11), { mode: 'precise', runs: 100, seed: 1, arbitrary: counting() });
    expect([above.verdict, above.cases, above.undecided, above.undecidedComparisons]).toEqual(['undecided', 100, 11, 22]);
    expect(above.counterexample).toBeUndefined();
    const none = checkClaim(undecidedBelow(0), { mode: 'precise', runs: 30, seed: 1, arbitrary: counting() });
    expect([none.verdict, none.undecided, none.undecidedComparisons]).toEqual(['verified', 0, 0]);
  });

  it('honours maxUndecidedShare: 5 of 20 at 0.25 verify, 6 of 20 do not; at share 0 one undecided case is enough', () => {
    const r = (k: number, share: number) => checkClaim(undecidedBelow(k), { mode: 'precise', runs: 20, seed: 1, arbitrary: counting(), maxUndecidedShare: share }).verdict;
    expect([r(5, 0.25), r(6, 0.25), r(1, 0), r(0, 0)]).toEqual(['verified', 'undecided', 'undecided', 'verified']);
  });

  it('no case run at all is undecided, never verified', () => {
    const r = checkClaim(undecidedBelow(0), { mode: 'precise', runs: 50, seed: 1, arbitrary: counting(), shouldStop: () => true });
    expect([r.verdict, r.cases, r.interrupted]).toEqual(['undecided', 0, true]);
  });
});

describe('precedence: counterexample and error over undecided', () => {
  it('a claim that throws on case 30 ends in error even with every case undecided; the error input is case 30', () => {
    const thrower = toy('toy.throws-at-30', {
      comparisons: (F, x) => {
        if (xOf(x) === 30) throw new RangeError('toy: case 30');
        return [sqrt2Sq(F, 'a')];
      },
    });
    const r = checkClaim(thrower, { mode: 'precise', runs: 100, seed: 3, arbitrary: counting() });
    expect(r.verdict).toBe('error');
    expect([r.cases, r.undecided, r.errors]).toEqual([31, 30, 1]);
    expect(r.error).toBe('claim toy.throws-at-30 threw on an input: RangeError: toy: case 30');
    expect(r.errorWitness!.error).toBe('RangeError: toy: case 30');
    expect(xOf(decode(r.errorWitness!.input as JSONValue) as X1)).toBe(30);
    expect(r.errorWitness!.replay).toBe('npx loracheck check --claim toy.throws-at-30 --mode precise --seed 3 --runs 31 --path 30');
    expect(r.errorWitness!.sizes).toBe('m=1, n=1');
    expect(r.counterexample).toBeUndefined();
  });

  it('a failure on case 40 is a counterexample even with every earlier case undecided', () => {
    const failsAt40 = toy('toy.fails-at-40', {
      comparisons: (F, x) => (xOf(x) === 40 ? [{ label: '1 <= 0', lhs: F.one, rel: '<=', rhs: F.zero }] : [sqrt2Sq(F, 'a')]),
    });
    const r = checkClaim(failsAt40, { mode: 'precise', runs: 100, seed: 4, arbitrary: counting() });
    expect([r.verdict, r.cases, r.undecided, r.errors]).toEqual(['counterexample', 41, 40, 0]);
    expect(xOf(decode(r.counterexample!.input as JSONValue) as X1)).toBe(40);
    expect(r.failing).toEqual(['1 <= 0']);
    expect(r.counterexample!.confirmedIn).toBe('precise');
  });

  it('shrinks towards the same kind of failure: an input that throws is not taken as a smaller counterexample', () => {
    // fails (x <= 5 false) for x >= 6, throws on x = 7 and 6: the smallest failing input is 8, never a thrower
    const holes = toy('toy.holes', {
      comparisons: (F, x) => {
        const v = xOf(x);
        if (v === 6 || v === 7) throw new RangeError('toy: hole');
        return [{ label: 'x <= 5', lhs: F.lift(v as Num), rel: '<=', rhs: F.fromInt(5) }];
      },
    });
    const { arbitrary } = recorded(fc.integer({ min: 0, max: 1000 }));
    const r = checkClaim(holes, { mode: 'exact', runs: 200, seed: 5, arbitrary });
    expect(r.verdict).toBe('counterexample');
    expect(r.errors).toBe(0);
    expect(xOf(decode(r.counterexample!.input as JSONValue) as X1)).toBe(8);
    expect(r.error).toBeUndefined();
    // the path points at that failure, not at a thrower the shrinker passed by
    const again = checkClaim(holes, { mode: 'exact', runs: 200, seed: 5, arbitrary, path: r.counterexample!.path! });
    expect([again.verdict, xOf(decode(again.counterexample!.input as JSONValue) as X1)]).toEqual(['counterexample', 8]);
  });
});

describe('float64: candidates re-checked exactly, false alarms counted by hand', () => {
  // (x + 2^60) - 2^60 = x holds over Q; in doubles the left side is 0 for |x| < 64, so every x != 0 is a candidate.
  const big = 2 ** 60;
  const roundoff = (extra?: (F: Field<any>, v: any) => { label: string; lhs: any; rel: '<='; rhs: any }) =>
    toy('toy.roundoff', {
      comparisons: (F, x) => {
        const v = F.lift(x.X.data[0]!);
        const B = F.lift(big as Num);
        const cmps = [{ label: '(x + 2^60) - 2^60 = x', lhs: F.sub(F.add(v, B), B), rel: '=' as const, rhs: v }];
        return extra ? [...cmps, extra(F, v)] : cmps;
      },
    });

  it('every x != 0 is a false alarm (not a counterexample), and its statistics are those of the exact re-check', () => {
    const { arbitrary, drawn } = recorded(fc.noBias(fc.integer({ min: -4, max: 4 })));
    const r = checkClaim(roundoff(), { mode: 'float64', runs: 60, seed: 6, arbitrary });
    expect(drawn).toHaveLength(60);
    const nonzero = drawn.filter((x) => x !== 0).length;
    // sanity of the hand count: in doubles the left side really is 0
    expect(drawn.filter((x) => x + big - big !== x).length).toBe(nonzero);
    expect(nonzero).toBeGreaterThan(30);
    expect([r.verdict, r.cases, r.falseAlarms, r.nonTrivial, r.undecided]).toEqual(['verified', 60, nonzero, nonzero, 0]);
    expect(r.confirmMode).toBe('exact');
    // over Q every case is a tie (slack 0): all 60 in the bin (-1e-12, 0], none with the double's slack -|x|
    const h = r.slackHistogram!;
    const zeroBin = h.edges.indexOf(0) - 1;
    expect(h.counts[zeroBin]).toBe(60);
    expect(h.counts.reduce((a, b) => a + b, 0)).toBe(60);
    expect(r.worstSlack!.slack).toBe(0);
  });

  it('a real failure is confirmed and shrunk through confirmed steps only: the witness is x = 6, not a false alarm', () => {
    const claim = roundoff((F, v) => ({ label: 'x <= 5', lhs: v, rel: '<=', rhs: F.fromInt(5) }));
    const { arbitrary, drawn } = recorded(fc.noBias(fc.integer({ min: -9, max: 9 })));
    const r = checkClaim(claim, { mode: 'float64', runs: 200, seed: 7, arbitrary });
    expect(r.verdict).toBe('counterexample');
    const first = drawn.findIndex((x) => x >= 6);
    expect(first).toBeGreaterThanOrEqual(0);
    const search = drawn.slice(0, first + 1);
    expect(r.cases).toBe(search.length);
    // false alarms: the search's draws x != 0 before the first real failure (which is confirmed, not an alarm)
    expect(r.falseAlarms).toBe(search.slice(0, -1).filter((x) => x !== 0).length);
    const w = r.counterexample!;
    expect(xOf(decode(w.input as JSONValue) as X1)).toBe(6);
    expect([w.foundIn, w.confirmedIn, w.shrunk]).toEqual(['float64', 'exact', true]);
    // the witness's comparisons are the exact ones: the roundoff identity holds there, x <= 5 does not
    expect(w.comparisons.map((c) => [c.label, c.holds, c.lhs, c.rhs])).toEqual([
      ['(x + 2^60) - 2^60 = x', true, '6', '6'],
      ['x <= 5', false, '6', '5'],
    ]);
    expect(r.failing).toEqual(['x <= 5']);
  });

  it('a candidate whose certified re-check cannot run is undecided, neither a false alarm nor a pass', () => {
    // fails in float64 (1 <= 0) on x != 0; the exact re-check throws on those inputs; the two
    // comparisons that hold stay decided (one undecided comparison per such case, not three)
    const unconfirmable = toy('toy.unconfirmable', {
      comparisons: (F, x) => {
        if (F.mode !== 'float64' && xOf(x) !== 0) throw new RangeError('toy: no exact re-check');
        return [
          { label: '1 <= 0 unless x = 0', lhs: xOf(x) === 0 ? F.zero : F.one, rel: '<=', rhs: F.zero },
          { label: '0 <= 1', lhs: F.zero, rel: '<=', rhs: F.one },
          { label: '0 <= 2', lhs: F.zero, rel: '<=', rhs: F.fromInt(2) },
        ];
      },
    });
    const { arbitrary, drawn } = recorded(fc.noBias(fc.integer({ min: -4, max: 4 })));
    const r = checkClaim(unconfirmable, { mode: 'float64', runs: 40, seed: 8, arbitrary });
    const nonzero = drawn.filter((x) => x !== 0).length;
    expect(nonzero).toBeGreaterThan(4); // > 10% of 40
    expect([r.verdict, r.cases, r.undecided, r.undecidedComparisons, r.falseAlarms]).toEqual(['undecided', 40, nonzero, nonzero, 0]);
    // a claim with no certified mode at all: every float64 failure stays undecided
    const floatOnly = toy('toy.float-only', {
      modes: ['float64'],
      comparisons: (F) => [{ label: '1 <= 0', lhs: F.one, rel: '<=', rhs: F.zero }],
    });
    const f = checkClaim(floatOnly, { mode: 'float64', runs: 10, seed: 8, arbitrary: counting() });
    expect([f.verdict, f.cases, f.undecided, f.falseAlarms, f.confirmMode]).toEqual(['undecided', 10, 10, 0, undefined]);
  });

  it('while shrinking a real failure, candidates that cannot be re-checked are skipped and not counted', () => {
    // x >= 6 fails (x <= 5) in both fields; 1 <= x <= 5 fails in float64 only and cannot be re-checked
    const claim = toy('toy.shrink-unconfirmable', {
      comparisons: (F, x) => {
        const v = xOf(x);
        if (F.mode !== 'float64' && v >= 1 && v <= 5) throw new RangeError('toy: no exact re-check');
        return [{ label: 'x <= 5 (and x < 1 in float64)', lhs: F.lift(v as Num), rel: '<=', rhs: F.mode === 'float64' ? F.zero : F.fromInt(5) }];
      },
      nonTrivial: () => true,
    });
    const { arbitrary, drawn } = recorded(fc.noBias(fc.integer({ min: 0, max: 9 })));
    const r = checkClaim(claim, { mode: 'float64', runs: 100, seed: 24, arbitrary });
    const first = drawn.findIndex((x) => x >= 6);
    const search = drawn.slice(0, first + 1);
    expect(r.verdict).toBe('counterexample');
    expect(xOf(decode(r.counterexample!.input as JSONValue) as X1)).toBe(6);
    expect([r.cases, r.undecided, r.falseAlarms]).toEqual([search.length, search.filter((x) => x >= 1 && x <= 5).length, 0]);
    expect(drawn.length).toBeGreaterThan(search.length); // the shrinker did try more inputs
  });
});

describe('counts and witnesses against hand counts and independent re-evaluation', () => {
  it('non-trivial count: the odd cases, a nonTrivial that throws counting as trivial', () => {
    const claim = toy('toy.odd', {
      comparisons: (F) => [{ label: '0 <= 1', lhs: F.zero, rel: '<=', rhs: F.one }],
      nonTrivial: (x) => {
        if (xOf(x) % 3 === 0) throw new RangeError('toy: multiple of 3');
        return xOf(x) % 2 === 1;
      },
    });
    const r = checkClaim(claim, { mode: 'exact', runs: 60, seed: 9, arbitrary: counting() });
    // odd numbers in 0..59 not divisible by 3: 1, 5, 7, 11, ... = 30 odd - 10 odd multiples of 3
    expect([r.verdict, r.cases, r.nonTrivial]).toEqual(['verified', 60, 20]);
  });

  it('a shrunk witness fails when re-evaluated in plain rationals, and seed + path from its replay string reproduce it', () => {
    const FALSE_TOY = toy('toy.false', {
      comparisons: (F, x) => {
        const s = x.X.data.map((v) => F.lift(v)).reduce((a, b) => F.add(a, F.mul(b, b)), F.zero);
        return [{ label: '||X||^2 <= 3', lhs: s, rel: '<=', rhs: F.fromInt(3) }];
      },
      nonTrivial: () => true,
    });
    const arbitrary = fc
      .tuple(fc.integer({ min: 1, max: 3 }), fc.array(fc.integer({ min: -20, max: 20 }), { minLength: 9, maxLength: 9 }))
      .map(([n, d]) => ({ X: { rows: 1, cols: n, data: d.slice(0, n).map((k) => Rational.of(k, 4)) } }));
    const r = checkClaim(FALSE_TOY, { mode: 'exact', runs: 100, seed: 10, arbitrary });
    expect(r.verdict).toBe('counterexample');
    const w = r.counterexample!;
    const X = (decode(w.input as JSONValue) as X1).X;
    // independent re-evaluation: sum of p^2 / 16 over the entries, in BigInt
    const sum16 = X.data.reduce((a: bigint, v) => {
      const q = v instanceof Rational ? v : Rational.of(v as number, 1);
      const p = BigInt(q.mul(Rational.of(4, 1)).toString());
      return a + p * p;
    }, 0n);
    expect(sum16 > 48n).toBe(true);
    // shrunk as far as a quarter-integer grid allows: one entry, |x| = 7/4 (49/16 > 3 >= 36/16)
    expect([X.cols, sum16]).toEqual([1, 49n]);
    expect(w.comparisons[0]).toMatchObject({ holds: false, lhs: '49/16', rhs: '3' });
    const m = /--seed (\d+) --runs (\d+) --path (\S+)$/.exec(w.replay)!;
    expect(m).not.toBeNull();
    expect(Number(m[1])).toBe(10);
    expect(Number(m[2])).toBe(r.cases);
    const again = checkClaim(FALSE_TOY, { mode: 'exact', seed: Number(m[1]), runs: Number(m[2]), path: m[3], arbitrary });
    expect(again.counterexample!.input).toEqual(w.input);
    // the run's replay (no path) reruns the search: same cases, same first failure
    const rerun = checkClaim(FALSE_TOY, { mode: 'exact', seed: 10, runs: r.cases, arbitrary, shrinkSeconds: 0.001 });
    expect([rerun.verdict, rerun.cases]).toEqual(['counterexample', r.cases]);
  });

  it('input: checks exactly that input, once', () => {
    const seen: number[] = [];
    const claim = toy('toy.once', { comparisons: (F, x) => (seen.push(xOf(x)), [{ label: 'x <= 5', lhs: F.lift(x.X.data[0]!), rel: '<=', rhs: F.fromInt(5) }]) });
    const r = checkClaim(claim, { mode: 'exact', input: one(9), seed: 11 });
    expect([r.verdict, r.cases, seen[0]]).toEqual(['counterexample', 1, 9]);
    expect(r.budget).toEqual({ runs: 1 });
  });

  it('a witness whose sides cannot be evaluated again keeps its verdict and input, and says why', () => {
    // the claim evaluates once (the run), then throws: the witnesses of the worst case and of the counterexample
    let calls = 0;
    const flaky = toy('toy.flaky', {
      comparisons: (F, x) => {
        if (++calls > 1) throw new RangeError('toy: second evaluation');
        return [{ label: 'x <= 5', lhs: F.lift(x.X.data[0]!), rel: '<=', rhs: F.fromInt(5) }];
      },
    });
    const r = checkClaim(flaky, { mode: 'exact', input: one(9), seed: 15 });
    expect(r.verdict).toBe('counterexample');
    expect(r.error).toBe('could not format the witness of toy.flaky: toy: second evaluation');
    expect(r.counterexample).toMatchObject({ claim: 'toy.flaky', foundIn: 'exact', comparisons: [], shrunk: true, seed: 15 });
    expect(xOf(decode(r.counterexample!.input as JSONValue) as X1)).toBe(9);
    expect(r.counterexampleInput).toEqual(one(9));
    expect(r.worstSlack!.slack).toBe(-4);
    // calls: 1 the run, 2 the worst case's witness, 3 the counterexample's; one of them throws
    const throwingOn = (n: number) => {
      let k = 0;
      return toy(`toy.flaky-${n}`, {
        comparisons: (F, x) => {
          if (++k === n) throw new RangeError(`toy: call ${n}`);
          return [{ label: 'x <= 5', lhs: F.lift(x.X.data[0]!), rel: '<=', rhs: F.fromInt(5) }];
        },
      });
    };
    const second = checkClaim(throwingOn(2), { mode: 'exact', input: one(9), seed: 15 });
    expect(second.error).toBe('could not format the witness of toy.flaky-2: toy: call 2');
    expect(second.counterexample!.comparisons).toHaveLength(1);
    const third = checkClaim(throwingOn(3), { mode: 'exact', input: one(9), seed: 15 });
    expect(third.error).toBe('could not format the witness of toy.flaky-3: toy: call 3');
    expect(third.worstSlack!.witness.comparisons).toHaveLength(1);
    // an input that cannot even be encoded: the witness says so with input null
    const odd = checkClaim(throwingOn(2), { mode: 'exact', input: { ...one(9), hook: () => 0 }, seed: 15 });
    expect(odd.counterexample!.input).toBeNull();
    expect(odd.verdict).toBe('counterexample');
    // a run whose witnesses format fine carries no error at all
    const fine = checkClaim(throwingOn(99), { mode: 'exact', input: one(1), seed: 15 });
    expect([fine.verdict, 'error' in fine]).toEqual(['verified', false]);
  });

  it('reports progress with the final counts, and the worst ratio seen (its first case)', () => {
    // (x mod 10) <= 100 on x = 0..49: the worst ratio 9/100 is first met at x = 9 (and again at 19, 29, ...)
    const claim = toy('toy.ratio', { comparisons: (F, x) => [{ label: 'x mod 10 <= 100', lhs: F.fromInt(xOf(x) % 10), rel: '<=', rhs: F.fromInt(100) }] });
    const seen: Progress[] = [];
    const r = checkClaim(claim, { mode: 'exact', runs: 50, seed: 12, arbitrary: counting(), onProgress: (p) => seen.push(p) });
    const last = seen.at(-1)!;
    expect(last).toMatchObject({ claim: 'toy.ratio', mode: 'exact', phase: 'search', cases: 50, nonTrivial: 49, undecided: 0, falseAlarms: 0, shrinkSteps: 0 });
    expect(last.worstRatio).toBe(0.09);
    expect(last.elapsedMs).toBeGreaterThanOrEqual(0);
    expect(last.elapsedMs).toBeLessThanOrEqual(r.timeMs);
    expect(r.worstSlack).toMatchObject({ slack: 91, ratio: 0.09 });
    expect(xOf(decode(r.worstSlack!.witness.input as JSONValue) as X1)).toBe(9);
  });

  it('reports progress during a run longer than the 250 ms cadence', () => {
    // 30 cases of at least 10 ms each: at least one report before the final one
    const slow = toy('toy.slow', {
      comparisons: (F) => {
        const t = performance.now();
        while (performance.now() - t < 10);
        return [{ label: '0 <= 1', lhs: F.zero, rel: '<=', rhs: F.one }];
      },
    });
    const seen: Progress[] = [];
    checkClaim(slow, { mode: 'exact', runs: 30, seed: 25, arbitrary: counting(), onProgress: (p) => seen.push(p) });
    expect(seen.length).toBeGreaterThanOrEqual(2);
    expect(seen[0]!.cases).toBeLessThan(30);
  });
});

describe('statistical claims, budgets, defaults', () => {
  it('a statistical claim that passes is statistical (never verified), with its familywise level min(1, cases x delta)', () => {
    const stat = (runs: number) =>
      checkClaim(toy('toy.stat', { statistical: { delta: 0.01, deltaText: '1/100', method: 'toy' }, comparisons: (F) => [{ label: '0 <= 1', lhs: F.zero, rel: '<=', rhs: F.one }] }), {
        mode: 'exact',
        runs,
        seed: 13,
        arbitrary: counting(),
      });
    const a = stat(30);
    expect(a.verdict).toBe('statistical');
    expect(a.statistical).toEqual({ delta: 0.01, deltaText: '1/100', confidence: 0.99, familywiseDelta: 0.3, method: 'toy' });
    expect(stat(150).statistical!.familywiseDelta).toBe(1);
  });

  it('rejects bad budgets and accepts the smallest good ones', () => {
    const t = toy('toy.budget', { comparisons: (F) => [{ label: '0 <= 1', lhs: F.zero, rel: '<=', rhs: F.one }] });
    expect(() => checkClaim(t, { runs: 1.5 })).toThrow(/runs must be an integer >= 1, got 1.5/);
    expect(() => checkClaim(t, { seconds: 0 })).toThrow(/seconds must be > 0, got 0/);
    expect(() => checkClaim(t, { seconds: Number.NaN })).toThrow(/seconds must be > 0/);
    const r = checkClaim(t, { mode: 'exact', runs: 1, seed: 14 });
    expect([r.cases, r.verdict]).toEqual([1, 'verified']);
    expect(r.budget).toEqual({ runs: 1 });
    expect(r.mode).toBe('exact');
    // without a mode: the claim's first
    expect(checkClaim({ ...t, modes: ['precise', 'exact'] }, { runs: 2, seed: 14 }).mode).toBe('precise');
    // without a budget: the default count, 300 for a block claim in exact mode
    const d = checkClaim(t, { mode: 'exact', seed: 14, arbitrary: counting() });
    expect([d.cases, d.budget]).toEqual([300, { runs: 300 }]);
    expect(() => checkClaim({ ...t, modes: ['exact', 'precise'] }, { mode: 'float64' })).toThrow('checkClaim: claim toy.budget cannot run in mode float64 (it supports exact, precise)');
  });

  it('default case counts: the ones ENGINE.md documents (and engine.ts for run, rac and statistical kinds)', () => {
    const c = (inputKind: Claim['inputKind'], statistical?: Claim['statistical']) => ({ inputKind, statistical }) as Claim;
    const table = (['exact', 'precise', 'float64'] as const).map((m) => [
      defaultRuns(c('amgm'), m),
      defaultRuns(c('square'), m),
      defaultRuns(c('block'), m),
      defaultRuns(c('lora'), m),
      defaultRuns(c('lora-run'), m),
      defaultRuns(c('rac-run'), m),
      defaultRuns(c('asym-run'), m),
      defaultRuns(c('lora-rank-run'), m),
      defaultRuns(c('lora', { delta: 0.01, deltaText: '', method: '' }), m),
    ]);
    expect(table).toEqual([
      [300, 300, 300, 200, 25, 60, 60, 60, 6],
      [300, 300, 300, 200, 25, 60, 60, 60, 6],
      [150, 150, 150, 60, 40, 40, 40, 40, 12],
    ]);
  });
});

describe('evaluateCase outcomes over a real field', () => {
  it('the precise field really leaves sqrt(2)^2 = 2 undecided (the premise of the tests above)', () => {
    const F = fieldFor('precise');
    const s = F.sqrt(F.fromInt(2));
    expect(F.sign(F.sub(F.mul(s, s), F.fromInt(2)))).toBeUndefined();
  });
});

describe('options reach the run, and the result says what was run', () => {
  const holds = toy('toy.holds', { comparisons: (F) => [{ label: '0 <= 1', lhs: F.zero, rel: '<=', rhs: F.one }] });
  const alwaysFails = toy('toy.always-fails', { comparisons: (F, x) => [{ label: 'x < x', lhs: F.lift(x.X.data[0]!), rel: '<=', rhs: F.sub(F.lift(x.X.data[0]!), F.one) }] });

  it('path replays that very case of the seed (fast-check sample of the same seed), not the search first failure', () => {
    const arb = fc.integer({ min: -1000, max: 1000 });
    const { arbitrary } = recorded(arb);
    const fourth = fc.sample(arb, { seed: 16, numRuns: 4 })[3]!;
    // shrinking is stopped at once, so the witness is the replayed case itself
    const r = checkClaim(alwaysFails, { mode: 'exact', seed: 16, path: '3', arbitrary, shrinkSeconds: 1e-9 });
    expect(xOf(decode(r.counterexample!.input as JSONValue) as X1)).toBe(fourth);
    expect([r.counterexample!.shrunk, r.interrupted]).toEqual([false, true]);
    const first = checkClaim(alwaysFails, { mode: 'exact', seed: 16, arbitrary, shrinkSeconds: 1e-9 });
    expect(xOf(decode(first.counterexample!.input as JSONValue) as X1)).toBe(fc.sample(arb, { seed: 16, numRuns: 1 })[0]);
  });

  it('shrink steps: one snapshot per step, numbered 0, 1, 2, ..., each input failing when re-evaluated by hand', () => {
    const snaps: number[] = [];
    const steps: number[] = [];
    const le5 = toy('toy.le5', { comparisons: (F, x) => [{ label: 'x <= 5', lhs: F.lift(x.X.data[0]!), rel: '<=', rhs: F.fromInt(5) }] });
    const { arbitrary } = recorded(fc.integer({ min: 0, max: 100_000 }));
    const r = checkClaim(le5, { mode: 'exact', runs: 100, seed: 17, arbitrary, onFailure: (f) => (snaps.push(xOf(f.input as X1)), steps.push(f.shrinkStep)) });
    expect(r.shrinkSteps).toBeGreaterThan(3);
    expect(steps).toEqual(Array.from({ length: r.shrinkSteps + 1 }, (_, i) => i));
    for (const x of snaps) expect(x).toBeGreaterThan(5);
    expect(snaps.at(-1)).toBe(6);
    expect(r.counterexample!.shrunk).toBe(true);
  });

  it('dropped hypotheses given as a list are kept, in the result and in the replay', () => {
    const r = checkClaim(holds, { mode: 'exact', runs: 3, seed: 18, arbitrary: counting(), dropped: ['smooth', 'L_ge_1'] });
    expect(r.dropped).toEqual(['smooth', 'L_ge_1']);
    expect(r.replay).toBe('npx loracheck check --claim toy.holds --mode exact --drop smooth --drop L_ge_1 --seed 18 --runs 3');
    expect(r.worstSlack!.witness.dropped).toEqual(['smooth', 'L_ge_1']);
  });

  it('a seconds budget is not cut to the default case count; runs and seconds together: runs is the budget', () => {
    // the default for a block claim in exact mode is 300 cases; half a second of this toy runs far more
    const t = checkClaim(holds, { mode: 'exact', seconds: 0.5, seed: 19, arbitrary: counting() });
    expect(t.cases).toBeGreaterThan(300);
    expect(t.budget).toEqual({ seconds: 0.5 });
    const both = checkClaim(holds, { mode: 'exact', runs: 7, seconds: 60, seed: 19, arbitrary: counting() });
    expect([both.cases, both.budget]).toEqual([7, { runs: 7 }]);
  });

  it('confirmMode is the run mode outside float64', () => {
    expect(checkClaim(holds, { mode: 'precise', runs: 2, seed: 20 }).confirmMode).toBe('precise');
    expect(checkClaim(holds, { mode: 'exact', runs: 2, seed: 20 }).confirmMode).toBe('exact');
  });

  it('progress: the final report always, not one per case when cases are fast', () => {
    let calls = 0;
    const r = checkClaim(holds, { mode: 'exact', runs: 200, seed: 21, arbitrary: counting(), onProgress: () => calls++ });
    expect(r.cases).toBe(200);
    expect(calls).toBeGreaterThanOrEqual(1);
    expect(calls).toBeLessThan(20); // a report every 250 ms: 20 would mean 5 s for 200 trivial cases
  });

  it('a vacuous case is left out of the histogram and of the worst case', () => {
    // case 0: only a vacuous relation (0 <= 0 tagged); cases 1..: x <= 100
    const claim = toy('toy.vacuous', {
      comparisons: (F, x) =>
        xOf(x) === 0 ? [{ label: 'x <= 100 [vacuous] x = 0', lhs: F.zero, rel: '<=', rhs: F.zero }] : [{ label: 'x <= 100', lhs: F.lift(x.X.data[0]!), rel: '<=', rhs: F.fromInt(100) }],
    });
    const r = checkClaim(claim, { mode: 'exact', runs: 10, seed: 22, arbitrary: counting() });
    expect(r.slackHistogram!.counts.reduce((a, b) => a + b, 0)).toBe(9);
    expect(r.worstSlack).toMatchObject({ slack: 91, ratio: 0.09 });
    // the worst-case witness is neither confirmed nor shrunk: it is a sample
    expect(r.worstSlack!.witness.confirmedIn).toBeUndefined();
    expect(r.worstSlack!.witness.shrunk).toBe(false);
    // all vacuous: the worst case is the vacuous one, still no histogram entry
    const all = checkClaim(toy('toy.all-vacuous', { comparisons: (F) => [{ label: 'P [vacuous] why', lhs: F.zero, rel: '<=', rhs: F.zero }] }), {
      mode: 'exact',
      runs: 5,
      seed: 22,
      arbitrary: counting(),
    });
    expect(all.slackHistogram).toBeUndefined();
    expect(all.worstSlack!.slack).toBe(0);
    expect('ratio' in all.worstSlack!).toBe(false);
  });

  it('a claim with no comparison at all: no worst case, no histogram', () => {
    const empty = toy('toy.empty', { comparisons: () => [] });
    const seen: Progress[] = [];
    const r = checkClaim(empty, { mode: 'exact', runs: 5, seed: 23, arbitrary: counting(), onProgress: (p) => seen.push(p) });
    expect(r.cases).toBe(5);
    expect('worstRatio' in seen.at(-1)!).toBe(false);
    expect('worstSlack' in r).toBe(false);
    expect('slackHistogram' in r).toBe(false);
  });
});
