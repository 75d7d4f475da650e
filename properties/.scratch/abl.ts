import { CATALOGUE } from '../../theory/index.ts';
import { checkClaim } from '../engine.ts';
for (const c of CATALOGUE) for (const h of c.hypotheses) {
  const r = checkClaim(c, { dropped: [h], seed: 3, runs: 300, shrinkSeconds: 10 });
  console.log(c.id.padEnd(26), ('-' + h).padEnd(14), r.verdict.padEnd(14), r.cases, (r.timeMs/1000).toFixed(1)+'s', r.counterexample ? `${r.counterexample.sizes} violates=${r.counterexample.violates} ${JSON.stringify(r.counterexample.input).slice(0, 200)}` : '');
}
