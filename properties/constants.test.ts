/**
 * Worst cases by optimisation, on every inequality of the catalogue: the ascent on the claim's
 * normalised quantity (properties/search/violation.ts; the constants of SPEC "Constants
 * (tightness)") must not find a confirmed failure of a claim the paper states as true, and
 * must find one of each printed line the catalogue corrects. Random sampling cannot tell a
 * lemma from one with a constant off by a small factor (a descent lemma whose ||G|| ||d||^2
 * term is divided by 4 passes hundreds of sampled cases); this budget can (planted-l33.test.ts
 * and planted-eta.test.ts show it, with the same budget).
 */
import { describe, expect, it } from 'vitest';
import { CATALOGUE } from '../theory/index.ts';
import { failureTest } from './search/handler.ts';
import { ascentSearch } from './search/violation.ts';
import { isInequality } from './search/tighten.ts';
import { confirmModeFor } from './_internals/evaluate.ts';
import { BASE_SEED, PLANTED_BUDGET, printedFalse } from './_internals/claim-suite.ts';
import { deriveSeed } from './_internals/seeds.ts';

describe('worst cases by optimisation (the ascent of each claim\'s quantity)', () => {
  CATALOGUE.forEach((claim, index) => {
    if (!isInequality(claim) || claim.statistical) return; // a statistical case is a Monte-Carlo experiment
    const corrected = printedFalse(claim);
    it(`${claim.id}: ${corrected ? 'false as printed: the ascent finds a confirmed failure' : 'no confirmed failure'}`, () => {
      const mode = confirmModeFor(claim)!;
      const r = ascentSearch({ claim, dropped: [], ...PLANTED_BUDGET.spec }, deriveSeed(BASE_SEED, 1000 + index), PLANTED_BUDGET.batches, failureTest(claim, [], mode));
      console.log(`${claim.id}: ${r.batches} batches, ${r.ascents} restarts (${r.nonTrivial} non-trivial), ${r.evaluations} evaluations, best score ${r.bestScore.toPrecision(8)}, ${r.falseAlarms} float64 false alarms`);
      expect(r.nonTrivial / r.ascents, `${claim.id}: restarts mostly trivial`).toBeGreaterThanOrEqual(0.5);
      if (corrected) expect(r.failure, `${claim.id} is false as printed`).toBeDefined();
      else expect(r.failure, `${claim.id}: ${JSON.stringify(r.failure)}`).toBeUndefined();
    });
  });
});
