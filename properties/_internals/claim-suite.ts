/**
 * One vitest property per catalogue claim (used by properties/claims-*.test.ts, split in two
 * files so that vitest runs them on both cores). A true claim must verify (a statistical one:
 * come out 'statistical'); a printed line that
 * has a `.corrected` form must be shown false by a confirmed, shrunk counterexample, on which the
 * corrected form holds. Every claim's generator must leave >= 90% non-trivial cases.
 * LORACHECK_SEED overrides the base seed (each claim derives its own from it).
 */
import { expect, it } from 'vitest';
import { fieldFor } from '../../numeric/fields.ts';
import type { Claim } from '../../theory/claim.ts';
import { CATALOGUE } from '../../theory/index.ts';
import { checkClaim, type EngineResult } from '../engine.ts';
import { evaluateCase } from './evaluate.ts';
import { deriveSeed, seedFromEnv } from './seeds.ts';

export const BASE_SEED = seedFromEnv('LORACHECK_SEED', 20250611);

/** The optimisation budget of the suite's worst-case checks (properties/constants.test.ts) and of
 *  the planted-bug tests that show it bites: ascent batches of 16 restarts x 80 evaluations. */
export const PLANTED_BUDGET = { spec: { restarts: 16, evals: 80 }, batches: 4 };

/** The claims whose printed form the catalogue corrects: they must be shown false. */
export function printedFalse(claim: Claim): Claim | undefined {
  return CATALOGUE.find((c) => c.correctedOf === claim.id);
}

export function countLine(r: EngineResult): string {
  const w = r.worstSlack;
  const worst = w ? (w.ratio !== undefined ? `worst ratio ${w.ratio.toPrecision(6)}` : `worst slack ${w.slack.toPrecision(4)}`) : 'worst -';
  return `${r.id} [${r.mode}] ${r.verdict}: cases ${r.cases}, non-trivial ${r.nonTrivial}, undecided ${r.undecided}, ${worst}, seed ${r.seed}, ${(r.timeMs / 1000).toFixed(1)}s`;
}

export function claimSuite(part: number, parts: number): void {
  CATALOGUE.forEach((claim, index) => {
    if (index % parts !== part) return;
    const corrected = printedFalse(claim);
    const mode = claim.modes[0]!;
    it(`${claim.id} [${mode}] ${corrected ? 'is false as printed: shrunk counterexample' : 'holds'}`, () => {
      const r = checkClaim(claim, { mode, seed: deriveSeed(BASE_SEED, index), shrinkSeconds: 30 });
      console.log(countLine(r));
      expect(r.error, r.error).toBeUndefined();
      expect(r.cases).toBeGreaterThan(0);
      expect(r.nonTrivial / r.cases, `${claim.id}: only ${r.nonTrivial} of ${r.cases} cases are non-trivial`).toBeGreaterThanOrEqual(0.9);
      if (!corrected) {
        // a statistical claim passes as 'statistical' (a Monte-Carlo test per case), never 'verified'
        expect(r.verdict, `${claim.id}: ${r.counterexample ? JSON.stringify(r.counterexample.input) : ''}`).toBe(claim.statistical ? 'statistical' : 'verified');
        return;
      }
      expect(r.verdict).toBe('counterexample');
      const w = r.counterexample!;
      console.log(`  witness (${w.sizes}): ${JSON.stringify(w.input)}`);
      for (const c of w.comparisons.filter((c) => c.holds === false)) console.log(`  false: ${c.label}: ${c.lhs} ${c.rel} ${c.rhs}`);
      console.log(`  replay: ${w.replay}`);
      expect(w.confirmedIn === 'exact' || w.confirmedIn === 'precise').toBe(true);
      expect(w.shrunk).toBe(true);
      // The corrected form holds on the very input that refutes the printed one.
      const fixed = evaluateCase(corrected, fieldFor(w.confirmedIn!), r.counterexampleInput);
      expect(fixed.status, `${corrected.id} on the witness: ${fixed.error ?? ''}`).toBe('pass');
    });
  });
}
