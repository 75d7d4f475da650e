/**
 * The catalogue as reviewed: every claim's statement (LaTeX as printed, paper reference, title,
 * note, hypotheses, the constant it pins and its quantity, the reasons a hypothesis cannot
 * fail) and the relations it checks (labels and relation signs, on two fixed sample inputs) are
 * pinned in properties/__snapshots__/. The report, the result files and the corpus show these
 * texts as "what the paper says" (the corpus matches failures by label), so a change to one
 * must be deliberate: rerun with `npx vitest run properties/catalogue-snapshot.test.ts -u`
 * and review the diff.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { float64 } from '../numeric/float64.ts';
import { claimArbitrary } from './inputs.ts';
import { claimInfo } from '../theory/claim.ts';
import { CATALOGUE } from '../theory/index.ts';

describe('catalogue snapshot', () => {
  it('every claim reads as reviewed', async () => {
    await expect(JSON.stringify(CATALOGUE.map(claimInfo), null, 2) + '\n').toMatchFileSnapshot('./__snapshots__/catalogue.json');
  });

  it('every claim checks the relations it was reviewed with', async () => {
    const relations = CATALOGUE.map((claim) => {
      const inputs = fc.sample(claimArbitrary(claim, { mode: 'float64', profile: { maxM: 2, maxN: 2, maxR: 1, maxT: 2 } }), { seed: 42, numRuns: 2 });
      return { id: claim.id, relations: inputs.map((x) => claim.comparisons(float64, x).map((c) => `${c.label ?? ''} [${c.rel}]`)) };
    });
    await expect(JSON.stringify(relations, null, 2) + '\n').toMatchFileSnapshot('./__snapshots__/relations.json');
  });
});
