import fc from 'fast-check';
import { claimById } from '../../theory/index.ts';
import { claimArbitrary } from '../inputs.ts';
import { evaluateCase } from '../_internals/evaluate.ts';
import { fieldFor } from '../../numeric/fields.ts';
const c = claimById('L34.s22.amgm3')!;
const xs: any[] = fc.sample(claimArbitrary(c, { mode: 'exact' }), { numRuns: 60, seed: 5 });
const tally: Record<string, number[]> = {};
for (const x of xs) { const s = evaluateCase(c, fieldFor('exact'), x).status; (tally[x.loss.family] ??= [0, 0])[s === 'undecided' ? 1 : 0]++; }
console.log('family: [decided, undecided]', tally);
