import fc from 'fast-check';
import { claimById } from '../../theory/index.ts';
import { claimArbitrary } from '../inputs.ts';
import { evaluateCase, confirm } from '../_internals/evaluate.ts';
import { fieldFor } from '../../numeric/fields.ts';
import { describeSizes } from '../_internals/witness.ts';
const c = claimById(process.argv[2])!;
const mode = (process.argv[3] ?? c.modes[0]) as any;
const xs = fc.sample(claimArbitrary(c, { mode }), { numRuns: Number(process.argv[4] ?? 5), seed: 3 });
for (const x of xs) {
  let t = performance.now();
  const o = evaluateCase(c, fieldFor(mode), x);
  const t1 = performance.now() - t; t = performance.now();
  const nt = c.nonTrivial(x);
  const t2 = performance.now() - t;
  let t3 = 0, cs = '';
  if (o.status === 'fail') { t = performance.now(); cs = confirm(c, x).status; t3 = performance.now() - t; }
  console.log(describeSizes(x), 'eval', t1.toFixed(0), o.status, 'nonTrivial', t2.toFixed(0), nt, 'confirm', t3.toFixed(0), cs);
}
