import fc from 'fast-check';
import { claimById } from '../../theory/index.ts';
import { claimArbitrary } from '../inputs.ts';
import { evaluateCase } from '../_internals/evaluate.ts';
import { fieldFor } from '../../numeric/fields.ts';
import { describeSizes } from '../_internals/witness.ts';
const c = claimById(process.argv[2])!;
const mode = (process.argv[3] ?? c.modes[0]) as any;
let i = 0;
fc.check(fc.property(claimArbitrary(c, { mode }), (x: any) => {
  let t = performance.now();
  const o = evaluateCase(c, fieldFor(mode), x);
  const t1 = performance.now() - t; t = performance.now();
  const nt = c.nonTrivial(x);
  const t2 = performance.now() - t;
  if (t1 + t2 > 500) console.log(i, describeSizes(x), x.loss?.family, 'eval', t1.toFixed(0), o.status, 'nt', t2.toFixed(0), 'scale', JSON.stringify(x.V?.data.slice(0,3)));
  i++;
  return true;
}), { seed: Number(process.argv[5] ?? 1), numRuns: Number(process.argv[4] ?? 30) });
