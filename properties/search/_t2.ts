import { claimById } from '../../theory/index.ts';
import { search } from './search.ts';
const claim = claimById(process.argv[2]!)!;
const t0 = Date.now();
const out = await search({ claim, dropped: process.argv[3] ? [process.argv[3] as any] : [], workers: Number(process.argv[5] ?? 2), seed: Number(process.argv[6] ?? 7), seconds: Number(process.argv[4] ?? 5), onProgress: (p) => process.stderr.write(`\r${p.cases} cases ${p.casesPerSecond.toFixed(0)}/s fail ${p.failures} ${p.elapsedMs}ms   `) });
console.log();
const f = out.found;
console.log(out.cases, out.casesPerSecond.toFixed(1), out.timeMs, out.timeToFirstMs, f?.witness.sizes, JSON.stringify(f?.input), f?.simplifySteps, out.error, out.interrupted, out.stalledSeeds, f?.witness.shrunk, f?.witness.violates);
