/**
 * Local ascent on a black-box objective f: R^d -> R (here: the ratio of the two sides of an
 * inequality, which has no gradient we could trust at kinks: norms, min, max).
 *
 * A (1+1) evolution strategy: from x, try x + sigma * s * u, where u is one coordinate
 * (half the steps) or a random Gaussian direction, and s scales each coordinate to its size;
 * keep the step when f grows. sigma grows by 1.5 on success and shrinks by 0.85 on failure
 * (about the one-fifth success rule), so it settles at the scale where progress is made and
 * collapses at a local maximum, which ends the ascent.
 */

interface AscentOptions {
  /** performance.now() deadline. */
  deadline: number;
  /** Uniform random numbers in [0, 1). */
  rng: () => number;
  maxEvals?: number;
  /** Initial relative step. */
  sigma0?: number;
  /** Ends the ascent when sigma falls below this. */
  minSigma?: number;
  /** Maps a trial point back into the feasible set (e.g. clamps entries that must be >= 0). */
  project?: (x: Float64Array) => void;
  /** Ends the ascent as soon as f exceeds this (a candidate counterexample to confirm). */
  target?: number;
}

export interface AscentResult {
  x: Float64Array;
  value: number;
  evals: number;
  /** The step size it ended with (to continue the ascent later). */
  sigma: number;
  /** Why it ended. */
  reason: 'converged' | 'deadline' | 'evals' | 'target';
}

import { gaussian } from '../../numeric/random.ts';

export { gaussian, mulberry32 } from '../../numeric/random.ts';

function better(a: number, b: number): boolean {
  return !Number.isNaN(a) && (Number.isNaN(b) || a > b);
}

export function ascend(f: (x: Float64Array) => number, x0: Float64Array, opts: AscentOptions): AscentResult {
  const d = x0.length;
  const x = Float64Array.from(x0);
  opts.project?.(x);
  let fx = f(x);
  let evals = 1;
  const maxEvals = opts.maxEvals ?? Infinity;
  const minSigma = opts.minSigma ?? 1e-13;
  let sigma = opts.sigma0 ?? 0.3;
  if (d === 0) return { x, value: fx, evals, sigma, reason: 'converged' };
  const target = opts.target ?? Infinity;
  const y = new Float64Array(d);
  for (;;) {
    if (fx > target) return { x, value: fx, evals, sigma, reason: 'target' };
    if (sigma < minSigma) return { x, value: fx, evals, sigma, reason: 'converged' };
    if (evals >= maxEvals) return { x, value: fx, evals, sigma, reason: 'evals' };
    if ((evals & 7) === 0 && performance.now() >= opts.deadline) return { x, value: fx, evals, sigma, reason: 'deadline' };
    // per-coordinate scale: its own size, floored by a share of the typical size
    let rms = 0;
    for (let i = 0; i < d; i++) rms += x[i]! * x[i]!;
    rms = Math.sqrt(rms / d);
    const floor = Math.max(0.1 * rms, 1e-12);
    y.set(x);
    const move = opts.rng();
    if (move < 0.05) {
      // bounds are often attained with some entries exactly 0 (e.g. (15) at M = [[0, X], [X^T, 0]])
      y[Math.floor(opts.rng() * d)] = 0;
    } else if (move < 0.5) {
      const i = Math.floor(opts.rng() * d);
      const s = Math.max(Math.abs(x[i]!), floor);
      y[i] = x[i]! + (opts.rng() < 0.5 ? -1 : 1) * sigma * s;
    } else {
      for (let i = 0; i < d; i++) y[i] = x[i]! + sigma * Math.max(Math.abs(x[i]!), floor) * gaussian(opts.rng) / Math.sqrt(d);
    }
    opts.project?.(y);
    const fy = f(y);
    evals++;
    if (better(fy, fx)) {
      x.set(y);
      fx = fy;
      sigma *= 1.5;
    } else sigma *= 0.85;
  }
}
