import { claimById } from '../../theory/index.ts';
import { checkClaim } from '../engine.ts';
const c = claimById(process.argv[2])!;
const r = checkClaim(c, { mode: (process.argv[3] ?? c.modes[0]) as any, seed: Number(process.argv[5] ?? 1), runs: Number(process.argv[4] ?? 10), shrinkSeconds: 10,
  onProgress: (p) => console.error(JSON.stringify(p)), onFailure: (f) => console.error('FAIL step', f.shrinkStep) });
const { counterexampleInput, ...rest } = r as any;
console.log(JSON.stringify(rest, null, 1).slice(0, 6000));
