import { claimById } from '../../theory/index.ts';
import { WorkerPool } from './pool.ts';
import { HANDLER, search } from './search.ts';
const claim = claimById(process.argv[2] ?? 'A2.sym')!;
for (const W of [1, 2, 1, 2]) {
  const pool = new WorkerPool({ workers: W, handler: HANDLER });
  await pool.started();
  await search({ claim, seconds: 0.5, workers: W, seed: 77, pool });
  const r = await search({ claim, seconds: 4, workers: W, seed: 7, pool });
  console.log(W, r.cases, r.casesPerSecond.toFixed(0));
  await pool.close();
}
