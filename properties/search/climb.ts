/**
 * The optimisation core shared by tightness (tighten.ts) and ablation by optimisation
 * (violation.ts): restart points drawn from the claim's own arbitrary in float64 at small
 * sizes, and from each a local ascent (ascent.ts) of the claim's score (objective.ts) over the
 * input's free entries (slots.ts) and, where the kept hypotheses are confirmed at the restart
 * point, the loss's numbers too (its data, its stated L and L*), re-confirming those
 * hypotheses at every point the ascent visits (a point where one no longer holds scores
 * -Infinity: the ascent stays among the inputs the statement covers).
 *
 * "Kept" hypotheses are the claim's minus the dropped ones: all of them for tightness, all but
 * one for an ablation. Nothing here decides a verdict: float64 scores only point the way, and
 * the callers certify in exact or precise arithmetic.
 */
import fc from 'fast-check';
import type { Num } from '../../numeric/field.ts';
import type { Claim, HypothesisName } from '../../theory/claim.ts';
import { claimArbitrary } from '../inputs.ts';
import type { Profile } from '../sizes.ts';
import { ascend, gaussian, type AscentResult } from './ascent.ts';
import { scoreOf, type Score } from './objective.ts';
import { coordinates, getCoord, setCoords, type Coord } from './slots.ts';

/** Small sizes for restarts: the worst cases of these statements (and their failures without a
 *  hypothesis) live at small sizes, and an ascent step costs one float64 evaluation. Runs take
 *  T <= 12 steps: T10's worst case grows with T, so its value is "the worst up to 12 steps". */
export const CLIMB_PROFILE: Partial<Omit<Profile, 'mode'>> = { maxM: 3, maxN: 3, maxR: 2, maxT: 12 };

/** The claim's hypotheses minus the dropped ones. */
export function keptOf(claim: Claim, dropped: readonly string[]): HypothesisName[] {
  return claim.hypotheses.filter((h) => !dropped.includes(h));
}

/** No kept hypothesis is refuted on the input (where the claim can tell). */
export function keptHold(claim: Claim, kept: readonly string[], input: unknown): boolean {
  if (!claim.hypothesesHold) return true;
  try {
    const h = claim.hypothesesHold(input) as Record<string, boolean | undefined>;
    return kept.every((name) => h[name] !== false);
  } catch {
    return false;
  }
}

/** The kept hypotheses the claim certainly confirms on the input (=== true, not merely not refuted). */
function confirmedKept(claim: Claim, kept: readonly string[], input: unknown): string[] | undefined {
  if (!claim.hypothesesHold) return undefined;
  try {
    const h = claim.hypothesesHold(input) as Record<string, boolean | undefined>;
    return kept.filter((name) => h[name] === true);
  } catch {
    return [];
  }
}

/** One restart point under ascent. */
export interface Restart {
  base: unknown;
  coords: Coord[];
  x: Float64Array;
  value: number;
  sigma: number;
  /** Continuations in a row that found nothing better. */
  stale: number;
}

function toFloat(x: Num): number {
  return typeof x === 'number' ? x : x.toNumber();
}

/** The coordinates a restart point moves: its free entries (a kept `symmetric` or `nonneg`
 *  constrains them, slots.ts), and the loss's numbers as well when every kept hypothesis is
 *  confirmed there (a hypothesis the claim cannot decide keeps the loss fixed). */
function restartCoords(claim: Claim, kept: readonly string[], base: unknown): Coord[] {
  const held = confirmedKept(claim, kept, base);
  const loss = held !== undefined && held.length === kept.length;
  return coordinates(base, { enforced: new Set(kept), loss });
}

/** The objective of one restart point as a function of its coordinate vector. */
function objective(claim: Claim, kept: readonly string[], base: unknown, coords: Coord[]) {
  const vals: Num[] = new Array(coords.length);
  const movesLoss = coords.some((c) => c.slots.some((s) => s.path !== undefined));
  const need = movesLoss ? (confirmedKept(claim, kept, base) ?? []) : [];
  const input = (x: Float64Array): unknown => {
    for (let i = 0; i < coords.length; i++) vals[i] = x[i]!;
    return setCoords(base, coords, vals);
  };
  return {
    input,
    score(x: Float64Array): Score {
      const cand = input(x);
      if (need.length && (confirmedKept(claim, kept, cand) ?? []).length < need.length) return { score: -Infinity };
      return scoreOf(claim, cand);
    },
    f(x: Float64Array): number {
      const s = this.score(x).score;
      return Number.isNaN(s) ? -Infinity : s;
    },
  };
}

/** Keeps coordinates that must be >= 0 (nonneg) or > 0 (step sizes) feasible. */
export function signProjection(coords: Coord[]): ((x: Float64Array) => void) | undefined {
  const nonneg = coords.flatMap((c, i) => (c.nonneg ? [i] : []));
  const positive = coords.flatMap((c, i) => (c.positive ? [i] : []));
  if (nonneg.length === 0 && positive.length === 0) return undefined;
  return (x) => {
    for (const i of nonneg) if (x[i]! < 0) x[i] = 0;
    for (const i of positive) if (!(x[i]! > 0)) x[i] = Number.MIN_VALUE;
  };
}

/** A run input is also tried at the longest run the profile allows (the claims are checked at
 *  every prefix, so the longer run contains the shorter one's comparisons); kept where its score
 *  is not smaller. */
function longestRun(claim: Claim, base: unknown, maxT = CLIMB_PROFILE.maxT): unknown {
  const T = (base as { T?: unknown } | undefined)?.T;
  if (typeof T !== 'number' || maxT === undefined || T >= maxT) return base;
  const longer = { ...(base as object), T: maxT };
  return scoreOf(claim, longer).score >= scoreOf(claim, base).score ? longer : base;
}

/** The restart points of one seed: the claim's arbitrary with the dropped hypotheses widened. */
export function startPoints(claim: Claim, dropped: readonly string[], seed: number, n: number, profile: Partial<Omit<Profile, 'mode'>> = CLIMB_PROFILE): unknown[] {
  const arb = claimArbitrary(claim, { mode: 'float64', dropped, profile });
  return fc.sample(arb, { seed, numRuns: n });
}

/** A restart at a start point (a run tried at the longest run the profile allows, unless
 *  `sameSize`); undefined where a kept hypothesis is refuted there. */
export function restartAt(claim: Claim, kept: readonly string[], start: unknown, sameSize = false, maxT = CLIMB_PROFILE.maxT): Restart | undefined {
  const base = sameSize ? start : longestRun(claim, start, maxT);
  if (!keptHold(claim, kept, base)) return undefined;
  const coords = restartCoords(claim, kept, base);
  return { base, coords, x: Float64Array.from(coords.map((c) => toFloat(getCoord(base, c)))), value: -Infinity, sigma: 0.3, stale: 0 };
}

/** Continues the ascent of a restart for at most `maxEvals` evaluations (and until `deadline`,
 *  a performance.now() time); updates it in place. `target`: stop as soon as the score passes it. */
export function climbRestart(
  claim: Claim,
  kept: readonly string[],
  e: Restart,
  opts: { rng: () => number; maxEvals: number; deadline?: number; target?: number },
): AscentResult {
  const obj = objective(claim, kept, e.base, e.coords);
  const project = signProjection(e.coords);
  const res = ascend(obj.f.bind(obj), e.x, {
    deadline: opts.deadline ?? Infinity,
    rng: opts.rng,
    sigma0: e.sigma,
    maxEvals: opts.maxEvals,
    ...(project ? { project } : {}),
    ...(opts.target !== undefined ? { target: opts.target } : {}),
  });
  e.stale = res.value > e.value ? 0 : e.stale + 1;
  e.x = res.x;
  e.value = res.value;
  // a collapsed step restarts larger next round (the ascent may have stopped on a ridge)
  e.sigma = res.reason === 'converged' ? 0.05 : res.sigma;
  return res;
}

/** The input at a restart's current point. */
export function inputOf(claim: Claim, kept: readonly string[], e: Restart): unknown {
  return objective(claim, kept, e.base, e.coords).input(e.x);
}

/** Basin hopping: a restart at the point of `from` with every coordinate perturbed by a relative
 *  amount drawn log-uniformly in [1e-3, 0.3]. */
export function hop(from: Restart, rng: () => number): Restart {
  const rel = 1e-3 * Math.pow(300, rng());
  let rms = 0;
  for (const v of from.x) rms += v * v;
  const floor = Math.max(0.1 * Math.sqrt(rms / Math.max(1, from.x.length)), 1e-12);
  const x = from.x.map((v) => v + rel * Math.max(Math.abs(v), floor) * gaussian(rng));
  signProjection(from.coords)?.(x);
  return { base: from.base, coords: from.coords, x, value: -Infinity, sigma: Math.max(rel, 0.01), stale: 0 };
}
