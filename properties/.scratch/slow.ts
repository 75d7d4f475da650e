import fc from 'fast-check';
import { claimById } from '../../theory/index.ts';
import { claimArbitrary } from '../inputs.ts';
import { evaluateCase } from '../_internals/evaluate.ts';
import { fieldFor } from '../../numeric/fields.ts';
import { encode } from '../../theory/codec.ts';
const c = claimById(process.argv[2])!;
const mode = (process.argv[3] ?? c.modes[0]) as any;
const n = Number(process.argv[4] ?? 100);
let i = 0;
fc.check(fc.property(claimArbitrary(c, { mode }), (x) => {
  const t = performance.now();
  console.error('start', i, JSON.stringify(encode(x)).slice(0, 3000));
  const o = evaluateCase(c, fieldFor(mode), x);
  const dt = performance.now() - t;
  console.error('case', i++, dt.toFixed(1), o.status, o.error ?? '');
  return true;
}), { seed: Number(process.argv[5] ?? 1), numRuns: n });
