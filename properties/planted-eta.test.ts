/**
 * Planted bug: the step size (8) with 0.4 sqrt2 L in place of 4 sqrt2 L, i.e. ten times the
 * step the paper allows. (A 4x step is NOT a bug: the worst decrease of a step of (8) that the
 * tightness search finds is about 0.91 eta ||grad J||^2, close to 1 - 1/(8 sqrt2), against the
 * promised eta/4 ||grad J||^2; a 4x step keeps about 0.65 of it and an 8x step about 0.29 (the
 * same ascent finds no failure of either with this budget). 10x breaks (9).) Sampling at the
 * suite's budget verifies the 10x mutant (its count line is printed); the ascent on L34's
 * quantity (the 1/4 of (9)) must find a confirmed exact witness with the suite's budget.
 * theory/trace-sides.ts is mocked (its eta8, which theory/lora.ts uses for (8)). (Separate file:
 * the mock must not leak.)
 */
import { describe, expect, it, vi } from 'vitest';
import type { Field } from '../numeric/field.ts';

vi.mock('../theory/trace-sides.ts', async (importOriginal) => {
  const orig = await importOriginal<typeof import('../theory/trace-sides.ts')>();
  return {
    ...orig,
    eta8: <T>(F: Field<T>, s: { Vsq: T; Gnorm: T; L: T }): T => {
      const first = orig.eta8FirstTerm(F, s);
      return first === undefined ? F.one : F.min(F.mul(F.fromInt(10), first), F.one);
    },
  };
});

const { claimById } = await import('../theory/index.ts');
const { ascentSearch } = await import('./search/violation.ts');
const { failureTest } = await import('./search/handler.ts');
const { confirm } = await import('./_internals/evaluate.ts');
const { checkClaim } = await import('./engine.ts');
const { PLANTED_BUDGET, BASE_SEED, countLine } = await import('./_internals/claim-suite.ts');

describe('planted bug: (8) with 0.4 sqrt2 L for 4 sqrt2 L (a 10x step)', () => {
  it('the ascent finds a confirmed exact counterexample (sampling at the suite budget is printed beside it)', () => {
    const L34 = claimById('L34')!;
    const sampled = checkClaim(L34, { mode: 'exact', seed: BASE_SEED, shrinkSeconds: 5 });
    console.log(`sampling: ${countLine(sampled)}`);
    const r = ascentSearch({ claim: L34, dropped: [], ...PLANTED_BUDGET.spec }, 11, PLANTED_BUDGET.batches, failureTest(L34, [], 'exact'));
    console.log(`ascent: ${r.batches} batches, ${r.ascents} restarts, ${r.evaluations} evaluations, best score ${r.bestScore.toPrecision(6)}`);
    expect(r.failure, 'a confirmed failure of L34 with the 10x step').toBeDefined();
    expect(confirm(L34, r.failure, 'exact').status).toBe('fail');
  });
});
