/**
 * How an ascent batch (violation.ts) counts the float64 candidates it re-checks: a confirmed
 * failure ends the batch, a candidate that does not fail is a float64 false alarm, and one whose
 * certified re-check is undecided or cannot run is counted as undecided (neither a failure nor a
 * false alarm). The claim is L34.s22.amgm1 as printed, which the ascent drives past its target
 * (properties/constants.test.ts); the re-check is stubbed to give each answer in turn.
 */
import { describe, expect, it } from 'vitest';
import { claimById } from '../../theory/index.ts';
import { candidateCheck } from './handler.ts';
import { ascentBatch } from './violation.ts';

const claim = claimById('L34.s22.amgm1')!;
const spec = { claim, dropped: [] as string[], restarts: 8, evals: 80 };
const SEED = 0x2f1a;

describe('ascentBatch: the re-check of a candidate', () => {
  it('a confirmed failure ends the batch with the candidate', () => {
    let calls = 0;
    const out = ascentBatch(spec, SEED, () => (calls++, true));
    expect(calls).toBe(1);
    expect(out.failure).toBeDefined();
    expect(out.falseAlarms + out.undecided).toBe(0);
  });

  it('a candidate that does not fail when re-checked is a float64 false alarm', () => {
    let calls = 0;
    const out = ascentBatch(spec, SEED, () => (calls++, false));
    console.log(`L34.s22.amgm1: ${out.ascents} restarts (${out.nonTrivial} non-trivial), ${calls} candidates`);
    expect(calls).toBeGreaterThanOrEqual(2); // most restarts reach the target: the counts below are not vacuous
    expect(out.failure).toBeUndefined();
    expect(out.falseAlarms).toBe(calls);
    expect(out.undecided).toBe(0);
  });

  it('an undecided re-check, or one that throws, is counted as undecided, not as a false alarm', () => {
    let calls = 0;
    const out = ascentBatch(spec, SEED, () => {
      calls++;
      if (calls % 2) return 'undecided';
      throw new Error('the certified field cannot evaluate this input');
    });
    expect(calls).toBeGreaterThanOrEqual(2);
    expect(out.failure).toBeUndefined();
    expect(out.undecided).toBe(calls);
    expect(out.falseAlarms).toBe(0);
  });

  it('candidateCheck answers true for a confirmed failure, false for a passing input', () => {
    const check = candidateCheck(claim, [], 'exact');
    const failing = ascentBatch(spec, SEED, check);
    expect(failing.failure).toBeDefined();
    expect(check(failing.failure)).toBe(true);
    const corrected = claimById('L34.s22.amgm1.corrected')!;
    expect(candidateCheck(corrected, [], 'exact')(failing.failure)).toBe(false);
  });
});
