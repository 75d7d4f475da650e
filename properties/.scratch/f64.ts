import { claimById } from '../../theory/index.ts';
import { checkClaim } from '../engine.ts';
for (const [id, runs] of [['A2.sym', 150], ['L33', 60], ['E19', 30], ['L34', 30], ['GV', 20], ['T10', 20], ['M36', 60], ['L36', 60], ['L34.s22.amgm1', 200], ['L34.s22.amgm2', 100], ['S1', 20], ['G7', 20]] as const) {
  const r = checkClaim(claimById(id)!, { mode: 'float64', runs, seed: 9 });
  console.log(id, r.verdict, r.cases, r.nonTrivial, 'fa', r.falseAlarms, (r.timeMs/1000).toFixed(1)+'s', r.counterexample?.sizes ?? '', r.counterexample ? JSON.stringify(r.counterexample.input).slice(0,250) : '');
}
