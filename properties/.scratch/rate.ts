import fc from 'fast-check';
import { claimById } from '../../theory/index.ts';
import { claimArbitrary } from '../inputs.ts';
import { evaluateCase } from '../_internals/evaluate.ts';
import { fieldFor } from '../../numeric/fields.ts';
for (const id of process.argv.slice(2)) {
  const c = claimById(id)!;
  const xs = fc.sample(claimArbitrary(c, { mode: 'exact' }), { numRuns: 1500, seed: 5 });
  const F = fieldFor('exact');
  let f = 0;
  for (const x of xs) if (evaluateCase(c, F, x).status === 'fail') f++;
  console.log(id, 'fail rate', (f / xs.length).toFixed(4));
}
