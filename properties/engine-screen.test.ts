/**
 * float64 candidates larger than the sizes the certified modes sample (properties/engine.ts,
 * screenFirst): shrunk in float64 first, re-checked exactly once shrunk. The work is counted,
 * not timed: every certified (exact / precise) evaluation of a claim's sides is recorded by a
 * wrapper around the claim, with the sizes of the input it ran on.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Num } from '../numeric/field.ts';
import type { Claim } from '../theory/claim.ts';
import { decode, type JSONValue } from '../theory/codec.ts';
import type { BlockInput } from '../theory/inputs.ts';
import { claimById } from '../theory/index.ts';
import { checkClaim } from './engine.ts';
import { profileFor } from './sizes.ts';
import { describeSizes, sizeParts } from './_internals/witness.ts';
import { toyClaim } from './_internals/toy-claim.ts';

/** The claim with every evaluation recorded: its mode and the input's sizes. */
function counted<I>(claim: Claim<I>): { claim: Claim<I>; calls: { mode: string; input: I }[] } {
  const calls: { mode: string; input: I }[] = [];
  return { claim: { ...claim, comparisons: (F, x) => (calls.push({ mode: F.mode, input: x }), claim.comparisons(F, x)) }, calls };
}

/** The largest of m, n and r of an input (sizeParts), 0 for none. */
function largest(input: unknown): number {
  return Math.max(0, ...sizeParts(input).flatMap((p) => (typeof p === 'string' ? [] : [p[1]])));
}

const exactSide = Math.max(profileFor('exact').maxM, profileFor('exact').maxN, profileFor('exact').maxR);

/** X = a k x 1 column of zeros (k = rows shrinks towards 1). */
const column = (k: number): BlockInput => ({ X: { rows: k, cols: 1, data: Array.from({ length: k }, () => 0 as Num) } });
const rowsOf = (x: BlockInput) => x.X.rows;

/** An arbitrary that records every row count it hands out (search draws and shrink candidates alike). */
function recordedRows(max: number): { arbitrary: fc.Arbitrary<BlockInput>; drawn: number[] } {
  const drawn: number[] = [];
  return { arbitrary: fc.noBias(fc.integer({ min: 1, max })).map((k) => (drawn.push(k), column(k))), drawn };
}

describe('float64: a large candidate is shrunk in float64 and re-checked once shrunk', () => {
  it('L34.s22.amgm2 (false as printed): confirmed exactly at m = n = r = 1, no certified evaluation above the exact sizes', () => {
    const { claim, calls } = counted(claimById('L34.s22.amgm2')!);
    // seed 7: the first float64 candidate is 120 x 128, r = 9 (a certified re-check there takes 20-30 s)
    const r = checkClaim(claim, { mode: 'float64', runs: 50, seed: 7 });
    expect(r.verdict).toBe('counterexample');
    const w = r.counterexample!;
    expect([w.foundIn, w.confirmedIn, w.shrunk, w.sizes]).toEqual(['float64', 'exact', true, 'm=1, n=1, r=1']);
    const certified = calls.filter((c) => c.mode !== 'float64');
    const firstFail = calls.find((c) => c.mode === 'float64' && largest(c.input) > exactSide);
    console.log(
      `amgm2 float64 seed 7: first candidate ${describeSizes(firstFail?.input)}, ${r.shrinkSteps} shrink steps, ` +
        `${calls.length - certified.length} float64 and ${certified.length} certified evaluations, the largest certified at ${Math.max(...certified.map((c) => largest(c.input)))}`,
    );
    expect(firstFail).toBeDefined(); // the run did meet a candidate too large to re-check at once
    // the work: certified evaluations only at the sizes the exact mode samples, at most one per
    // accepted shrink step plus the rejected ones around the last (no re-check of the 120 x 128 candidate)
    expect(certified.length).toBeGreaterThan(0);
    expect(certified.every((c) => largest(c.input) <= exactSide)).toBe(true);
    expect(certified.length).toBeLessThanOrEqual(4 * (r.shrinkSteps + 1));
    // the replay of the witness path gives the same witness
    const again = checkClaim(claimById('L34.s22.amgm2')!, { mode: 'float64', runs: 50, seed: 7, path: w.path! });
    expect(again.counterexample!.input).toEqual(w.input);
  });

  it('a toy failing for k >= 6 rows: one certified evaluation, on the shrunk k = 6', () => {
    const { claim, calls } = counted(
      toyClaim('toy.rows', { comparisons: (F, x) => [{ label: 'rows <= 5', lhs: F.fromInt(rowsOf(x)), rel: '<=', rhs: F.fromInt(5) }], nonTrivial: () => true }),
    );
    const { arbitrary, drawn } = recordedRows(40);
    const r = checkClaim(claim, { mode: 'float64', runs: 100, seed: 3, arbitrary });
    expect(drawn.findIndex((k) => k >= 6)).toBe(r.cases - 1);
    expect(rowsOf(decode(r.counterexample!.input as JSONValue) as BlockInput)).toBe(6);
    expect([r.verdict, r.counterexample!.confirmedIn, r.counterexample!.shrunk, r.falseAlarms]).toEqual(['counterexample', 'exact', true, 0]);
    // one certified evaluation in the run (the makeWitness re-evaluation comes after it, in exact too)
    const certified = calls.filter((c) => c.mode !== 'float64').map((c) => rowsOf(c.input));
    expect(certified.slice(0, 1)).toEqual([6]);
    expect(certified.every((k) => k === 6)).toBe(true);
  });

  it('float64 and exact disagree: the shrunk candidate is a false alarm, the first is re-checked; a false first lets the search go on', () => {
    // float64 fails for k >= 6, exact only for k >= 9 (k = 6..8 are float64 false alarms, all above the exact sizes)
    const { claim, calls } = counted(
      toyClaim('toy.rows-disagree', {
        comparisons: (F, x) => [{ label: 'rows <= 5 (8 over Q)', lhs: F.fromInt(rowsOf(x)), rel: '<=', rhs: F.fromInt(F.mode === 'float64' ? 5 : 8) }],
        nonTrivial: () => true,
      }),
    );
    const { arbitrary } = recordedRows(12);
    const seed = 11;
    // the search's draws, as fast-check generates them for this seed (shrink candidates aside)
    const search = fc.sample(fc.property(arbitrary, () => true), { seed, numRuns: 200 }).map(([x]) => rowsOf(x as BlockInput));
    const real = search.findIndex((k) => k >= 9);
    expect(real).toBeGreaterThan(0);
    const alarms = search.slice(0, real).filter((k) => k >= 6).length;
    expect(alarms).toBeGreaterThan(0); // the seed meets float64 false alarms before the real failure
    calls.length = 0;
    const r = checkClaim(claim, { mode: 'float64', runs: 200, seed, arbitrary });
    const certified = calls.filter((c) => c.mode !== 'float64').map((c) => rowsOf(c.input));
    const witness = rowsOf(decode(r.counterexample!.input as JSONValue) as BlockInput);
    console.log(`toy.rows-disagree: ${r.verdict}, cases ${r.cases}, false alarms ${r.falseAlarms}, witness k = ${witness}, certified evaluations at k = ${certified.join(', ')}`);
    // the first real failure, unshrunk: its float64 shrink ended on a false alarm (k = 6)
    expect([r.verdict, r.cases, r.falseAlarms, witness]).toEqual(['counterexample', real + 1, alarms, search[real]]);
    expect([r.counterexample!.confirmedIn, r.counterexample!.shrunk]).toEqual(['exact', false]);
    // each false alarm is re-checked twice (its float64-shrunk k = 6, then itself), the real one
    // likewise, then the witness is evaluated once more: nothing else in exact, nothing below 6
    expect(certified.slice(0, 2 * alarms + 2)).toEqual(
      [...search.slice(0, real).filter((k) => k >= 6), search[real]!].flatMap((k) => (k === 6 ? [6] : [6, k])).slice(0, 2 * alarms + 2),
    );
    expect(certified.every((k) => k >= 6)).toBe(true);
    // the witness replays from its path (one segment: the case itself)
    const again = checkClaim(claim, { mode: 'float64', runs: 200, seed, arbitrary, path: r.counterexample!.path! });
    expect(rowsOf(decode(again.counterexample!.input as JSONValue) as BlockInput)).toBe(witness);
  });
});
