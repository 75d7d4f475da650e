import fc from '/work/wt-12/node_modules/fast-check/lib/fast-check.js';
import { claimById } from '/work/wt-12/theory/index.ts';
import { claimArbitrary } from '/work/wt-12/properties/inputs.ts';
import { evaluateCase } from '/work/wt-12/properties/_internals/evaluate.ts';
import { float64 } from '/work/wt-12/numeric/float64.ts';
const c = claimById(process.argv[2])!;
const xs = fc.sample(claimArbitrary(c, { mode: 'float64' }), { seed: 1, numRuns: 40 });
for (const x of xs) { const o = evaluateCase(c, float64, x); if (o.status !== 'pass') { console.log(o.status, o.error, JSON.stringify(x).slice(0,300), o.decisions.slice(0,3)); break; } }
