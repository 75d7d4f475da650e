import { CATALOGUE } from '../../theory/index.ts';
import { checkClaim } from '../engine.ts';
const only = process.argv[2] ? new RegExp(process.argv[2]) : undefined;
const mode = process.argv[3] as any;
const runs = process.argv[4] ? Number(process.argv[4]) : undefined;
for (const c of CATALOGUE) {
  if (only && !only.test(c.id)) continue;
  const m = mode ?? c.modes[0];
  if (!c.modes.includes(m)) { console.log(c.id, 'skip', m); continue; }
  const t = Date.now();
  try {
    const r = checkClaim(c, { mode: m, seed: 1, runs, shrinkSeconds: 20 });
    console.log(`${c.id.padEnd(28)} ${r.mode} ${r.verdict.padEnd(14)} cases=${r.cases} nt=${r.nonTrivial} und=${r.undecided} fa=${r.falseAlarms} shr=${r.shrinkSteps} worst=${r.worstSlack?.ratio ?? r.worstSlack?.slack} ${Date.now()-t}ms ${r.error ?? ''}`);
    if (r.counterexample) console.log('   CE', r.counterexample.sizes, JSON.stringify(r.counterexample.input).slice(0, 400), r.failing);
  } catch (e) { console.log(c.id, 'THREW', e); }
}
