import { claimById } from '../../theory/index.ts';
import { WorkerPool } from './pool.ts';
import { HANDLER, search } from './search.ts';
const claim = claimById(process.argv[2] ?? 'A2.sym')!;
const drop = (process.argv[3] ?? 'symmetric') as any;
const pool = new WorkerPool({ workers: 2, handler: HANDLER });
const t0 = Date.now();
await pool.started();
console.log('pool', Date.now() - t0);
for (const seed of [1, 2, 3, 4, 5]) {
  const r = await search({ claim, dropped: [drop], seconds: 30, workers: 2, seed, pool });
  console.log(seed, r.timeToFirstMs, r.cases, r.found?.witness.sizes, r.found?.simplifySteps, r.found?.batchCases);
}
await pool.close();
