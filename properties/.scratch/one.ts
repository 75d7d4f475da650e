import fc from 'fast-check';
import { claimById } from '../../theory/index.ts';
import { claimArbitrary } from '../inputs.ts';
import { evaluateCase } from '../_internals/evaluate.ts';
import { fieldFor } from '../../numeric/fields.ts';
import { encode } from '../../theory/codec.ts';
const c = claimById(process.argv[2])!;
const mode = (process.argv[3] ?? c.modes[0]) as any;
const n = Number(process.argv[4] ?? 10);
const xs = fc.sample(claimArbitrary(c, { mode }), { numRuns: n, seed: Number(process.argv[5] ?? 1) });
for (const x of xs) {
  const t = performance.now();
  const o = evaluateCase(c, fieldFor(mode), x);
  const dt = performance.now() - t;
  console.log(dt.toFixed(1), 'ms', o.status, o.error ?? '', o.decisions.filter(d => d.holds === 'undecided').length, '/', o.decisions.length, JSON.stringify(encode(x)).slice(0, 160));
}
