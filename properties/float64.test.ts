/**
 * float64 screening at larger sizes (up to 40 x 40 single points, 24 x 24 runs of up to 300
 * steps): true claims stay verified with no false alarm turned into a counterexample, and a
 * printed-false line found in float64 is confirmed in exact arithmetic and shrunk.
 */
import { describe, expect, it } from 'vitest';
import { claimById } from '../theory/index.ts';
import { fieldFor } from '../numeric/fields.ts';
import { checkClaim } from './engine.ts';
import { countLine } from './_internals/claim-suite.ts';
import { evaluateCase } from './_internals/evaluate.ts';
import { seedFromEnv } from './_internals/seeds.ts';

const SEED = seedFromEnv('LORACHECK_SEED', 9);

describe('float64 screening', () => {
  it.each([
    ['A2.sym', 150],
    ['L33', 60],
    ['E19', 30],
    ['L34', 30],
    ['GV', 20],
    ['T35', 20],
    ['L36', 60],
    ['M36', 60],
  ] as const)('%s holds at float64 sizes (%i cases)', (id, runs) => {
    const r = checkClaim(claimById(id)!, { mode: 'float64', runs, seed: SEED });
    console.log(`${countLine(r)}, false alarms ${r.falseAlarms}`);
    expect(r.verdict).toBe('verified');
    expect(r.nonTrivial / r.cases).toBeGreaterThanOrEqual(0.9);
  });

  it('a printed-false line found in float64 is confirmed exactly and shrunk; its corrected form holds there', () => {
    const r = checkClaim(claimById('L34.s22.amgm1')!, { mode: 'float64', runs: 300, seed: SEED });
    console.log(countLine(r));
    expect(r.verdict).toBe('counterexample');
    const w = r.counterexample!;
    console.log(`  witness (${w.sizes}): ${JSON.stringify(w.input)}`);
    expect(w.foundIn).toBe('float64');
    expect(w.confirmedIn).toBe('exact');
    expect(w.shrunk).toBe(true);
    expect(evaluateCase(claimById('L34.s22.amgm1.corrected')!, fieldFor('exact'), r.counterexampleInput).status).toBe('pass');
  });
});
