/**
 * Tightness: how close can an inequality come to equality? PEPit computes a method's worst
 * case and sets it beside the theory; we search for it.
 *
 * For each comparison `lhs <= rhs` the ratio is lhs/rhs (rhs/lhs for `>=`), as
 * numeric/compare.ts defines it: 1 is the paper's constant, > 1 a violation. The objective
 * of an input is the largest ratio over the claim's comparisons. Search: random restarts
 * (the claim's own arbitrary in float64 at small sizes, every hypothesis honoured) and from
 * each a local ascent (ascent.ts) on the free entries (slots.ts; sizes and loss stay fixed
 * per restart); the best few restarts get longer ascents. A new best is re-evaluated in
 * certified arithmetic before it counts, because an ascent on float64 values also climbs
 * rounding error (a float64 optimum the certified value does not bear out is dropped). The
 * best input is then snapped to simple values where that costs nothing (a near-zero entry to
 * 0, a uniform rescale) and its ratio re-evaluated in exact (or precise) arithmetic: that
 * certified value is what the report shows beside 1.
 */
import fc from 'fast-check';
import { decide } from '../../numeric/compare.ts';
import type { Mode, Num } from '../../numeric/field.ts';
import { fieldFor } from '../../numeric/fields.ts';
import { float64 } from '../../numeric/float64.ts';
import { Rational } from '../../numeric/rational.ts';
import { isRational, toRational as realToRational } from '../../numeric/real.ts';
import type { Claim } from '../../theory/claim.ts';
import { encode } from '../../theory/codec.ts';
import { claimArbitrary } from '../inputs.ts';
import type { Profile } from '../sizes.ts';
import { ascend, gaussian, mulberry32 } from './ascent.ts';
import { batchSeed } from './seeds.ts';
import { coordinates, getCoord, setCoords, type Coord } from './slots.ts';
import { complexity, simplerValues, smallerSizes } from './simplify.ts';

/** Small sizes for restarts: the worst cases of these statements live at small sizes, and an
 *  ascent step costs one float64 evaluation. Runs (GV, T10, T35) take T <= 12 steps: T10's
 *  worst ratio grows with T, so its value is "the worst up to 12 steps". */
export const TIGHTEN_PROFILE: Partial<Omit<Profile, 'mode'>> = { maxM: 3, maxN: 3, maxR: 2, maxT: 12 };

export interface RatioValue {
  /** Largest ratio over the comparisons (-Infinity when none is defined). */
  value: number;
  label?: string;
}

/** The objective: the largest lhs/rhs (<=) or rhs/lhs (>=) over the claim's comparisons, in float64. */
export function ratioOf(claim: Claim, input: unknown): RatioValue {
  let best: RatioValue = { value: -Infinity };
  let cmps;
  try {
    cmps = claim.comparisons(float64, input);
  } catch {
    return best;
  }
  for (const c of cmps) {
    if (c.rel === '=') continue;
    const r = decide(float64, c).ratio;
    if (r !== undefined && Number.isFinite(r) && r > best.value) best = c.label === undefined ? { value: r } : { value: r, label: c.label };
  }
  return best;
}

/** Whether a claim has an inequality to tighten (checked on a few sample inputs). */
export function isInequality(claim: Claim, seed = 1): boolean {
  const arb = claimArbitrary(claim, { mode: 'float64', profile: TIGHTEN_PROFILE });
  for (const input of fc.sample(arb, { seed, numRuns: 5 })) {
    try {
      if (claim.comparisons(float64, input).some((c) => c.rel !== '=')) return true;
    } catch {
      /* try the next sample */
    }
  }
  return false;
}

export function enforcedOf(claim: Claim): Set<string> {
  return new Set(claim.hypotheses);
}

/** Each hypothesis the claim names holds on the input (where the claim can tell). */
export function hypothesesKept(claim: Claim, input: unknown): boolean {
  if (!claim.hypothesesHold) return true;
  try {
    const h = claim.hypothesesHold(input) as Record<string, boolean | undefined>;
    return claim.hypotheses.every((name) => h[name] !== false);
  } catch {
    return false;
  }
}

export interface TightenJob {
  claim: string;
  seed: number;
  /** Epoch ms (Date.now()) deadline: workers share it across threads. */
  deadline: number;
  /** Cap on restarts (tests, reproducible runs). */
  maxRestarts?: number;
  /** Share of the time spent continuing the best restarts (elites) at the end (default 0.5). */
  polishShare?: number;
}

export interface TightenBest {
  type: 'best';
  ratio: number;
  label?: string;
  /** The input, JSON-encoded (theory/codec.ts). */
  input: unknown;
}

export interface TightenWorkerResult {
  best?: TightenBest;
  restarts: number;
  evaluations: number;
  /** Candidates whose float64 ratio the certified re-evaluation did not bear out. */
  artefacts: number;
}

/** float64 and certified values of a ratio agree to 1e-9 (relative). */
function agrees(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));
}

/** The ratio in certified arithmetic, as a double: precise where the claim has it (bounded
 *  cost), else exact; undefined when neither can evaluate the input. */
export function trustedRatio(claim: Claim, input: unknown): number | undefined {
  // a statistical claim's case is a whole Monte-Carlo experiment: too costly to certify at every
  // new best (its float64 ratio repeats the same seeded samples); the final point is certified
  if (claim.statistical) return undefined;
  const mode: Mode | undefined = claim.modes.includes('precise') ? 'precise' : claim.modes.includes('exact') ? 'exact' : undefined;
  return mode ? certifyRatio(claim, input, [mode])?.value : undefined;
}

/** The hypotheses the claim can certainly confirm on an input (=== true, not merely not refuted). */
function confirmed(claim: Claim, input: unknown): string[] | undefined {
  if (!claim.hypothesesHold) return undefined;
  try {
    const h = claim.hypothesesHold(input) as Record<string, boolean | undefined>;
    return claim.hypotheses.filter((name) => h[name] === true);
  } catch {
    return [];
  }
}

/** The coordinates a restart point moves: its free entries, and the loss's numbers as well when
 *  every hypothesis is confirmed there (the objective then re-confirms them at each point; a
 *  hypothesis the claim cannot decide, e.g. a bound on the smoothness, keeps the loss fixed). */
function restartCoords(claim: Claim, base: unknown, enforced: ReadonlySet<string>): Coord[] {
  const held = confirmed(claim, base);
  const loss = held !== undefined && held.length === claim.hypotheses.length;
  return coordinates(base, { enforced, loss });
}

/** The objective as a function of the coordinate vector of one restart point. A point where a
 *  hypothesis confirmed at the restart point is no longer confirmed (the loss moved) counts as
 *  -Infinity: the ascent stays among inputs the statement covers. */
function objective(claim: Claim, base: unknown, coords: Coord[]) {
  const vals: Num[] = new Array(coords.length);
  const movesLoss = coords.some((c) => c.slots.some((s) => s.path !== undefined));
  const need = movesLoss ? (confirmed(claim, base) ?? []) : [];
  const input = (x: Float64Array): unknown => {
    for (let i = 0; i < coords.length; i++) vals[i] = x[i]!;
    return setCoords(base, coords, vals);
  };
  return {
    input,
    f(x: Float64Array): number {
      const cand = input(x);
      if (need.length) {
        const now = confirmed(claim, cand) ?? [];
        if (now.length < need.length) return -Infinity;
      }
      const v = ratioOf(claim, cand).value;
      return Number.isNaN(v) ? -Infinity : v;
    },
  };
}

function toFloat(x: Num): number {
  return typeof x === 'number' ? x : x.toNumber();
}

/** A restart point under ascent, kept while it is among the best. */
interface Elite {
  base: unknown;
  coords: Coord[];
  x: Float64Array;
  value: number;
  sigma: number;
  /** Continuations in a row that found nothing better. */
  stale: number;
}

const ELITES = 8;
/** Evaluations of a first ascent from a restart; elites then get more, in rounds. */
const FIRST_EVALS = 600;
const ROUND_EVALS = 2000;

/**
 * One worker's share. Explore (the first `1 - polishShare` of the time): restarts from its
 * own seeds (seed, worker), each with a short ascent; the best few stay as elites. Exploit
 * (the rest): continue the elites' ascents in rounds, best first, dropping those that stall.
 * A short first ascent per restart and longer ones for the few that look best spends the
 * time where the worst case is likely, whatever a claim's landscape. `post` receives each
 * new best (throttled), so that a stopped run keeps it.
 */
export function tightenLoop(
  claim: Claim,
  job: TightenJob,
  worker: number,
  workers: number,
  post: (b: TightenBest) => void,
  shouldStop: () => boolean,
): TightenWorkerResult {
  const now = () => Date.now();
  const perfDeadline = (epoch: number) => performance.now() + (epoch - now());
  const start = now();
  const exploreUntil = job.deadline - (job.deadline - start) * (job.polishShare ?? 0.5);
  const arb = claimArbitrary(claim, { mode: 'float64', profile: TIGHTEN_PROFILE });
  const enforced = enforcedOf(claim);
  let best: { ratio: number; label?: string; input: unknown } | undefined;
  let restarts = 0;
  let evaluations = 0;
  let lastPost = 0;
  const message = (): TightenBest => ({ type: 'best', ratio: best!.ratio, ...(best!.label !== undefined ? { label: best!.label } : {}), input: encode(best!.input) });
  let artefacts = 0;
  /** A candidate for the best: its float64 ratio is checked in certified arithmetic first (the
   *  ascent maximises float64 rounding error too, e.g. where J(V_0) - L* cancels). Returns
   *  false when the float64 value was an artefact of rounding. */
  const offer = (ratio: number, input: unknown): boolean => {
    if (best && !(ratio > best.ratio)) return true;
    const certified = trustedRatio(claim, input);
    if (certified !== undefined && !agrees(ratio, certified)) {
      artefacts++;
      if (!(certified > (best?.ratio ?? -Infinity))) return false;
      ratio = certified;
    }
    const r = ratioOf(claim, input);
    best = { ratio, input, ...(r.label !== undefined ? { label: r.label } : {}) };
    if (now() - lastPost > 250) {
      lastPost = now();
      post(message());
    }
    return certified === undefined || agrees(ratio, certified);
  };
  let pool: unknown[] = [];
  let poolIdx = 0;
  let batch = 0;
  const nextStart = (): unknown => {
    if (poolIdx >= pool.length) {
      // restart seeds: worker w of W takes every W-th batch (seeds.ts), so workers never repeat one another
      pool = fc.sample(arb, { seed: batchSeed(job.seed, batch * workers + worker), numRuns: 50 });
      batch++;
      poolIdx = 0;
    }
    return pool[poolIdx++];
  };
  const rng = mulberry32(batchSeed(job.seed ^ 0x5bd1e995, worker));
  const elites: Elite[] = [];
  const hop = (from: Elite): Elite => {
    const rel = 1e-3 * Math.pow(300, rng());
    let rms = 0;
    for (const v of from.x) rms += v * v;
    const floor = Math.max(0.1 * Math.sqrt(rms / Math.max(1, from.x.length)), 1e-12);
    const x = from.x.map((v) => v + rel * Math.max(Math.abs(v), floor) * gaussian(rng));
    signProjection(from.coords)?.(x);
    return { base: from.base, coords: from.coords, x, value: -Infinity, sigma: Math.max(rel, 0.01), stale: 0 };
  };
  const climb = (e: Elite, until: number, maxEvals: number) => {
    const obj = objective(claim, e.base, e.coords);
    const project = signProjection(e.coords);
    const res = ascend(obj.f, e.x, {
      deadline: perfDeadline(until),
      rng,
      sigma0: e.sigma,
      maxEvals,
      ...(project ? { project } : {}),
    });
    evaluations += res.evals;
    e.stale = res.value > e.value ? 0 : e.stale + 1;
    e.x = res.x;
    e.value = res.value;
    // a collapsed step restarts larger next round (the ascent may have stopped on a ridge)
    e.sigma = res.reason === 'converged' ? 0.05 : res.sigma;
    // an elite whose float64 value is a rounding artefact is left (its neighbourhood misleads)
    if (Number.isFinite(res.value) && !offer(res.value, obj.input(res.x))) e.stale = Infinity;
  };
  // explore
  while (now() < exploreUntil && !shouldStop() && (job.maxRestarts === undefined || restarts < job.maxRestarts)) {
    const base = longestRun(claim, nextStart());
    restarts++;
    if (!hypothesesKept(claim, base)) continue;
    const coords = restartCoords(claim, base, enforced);
    const e: Elite = { base, coords, x: Float64Array.from(coords.map((c) => toFloat(getCoord(base, c)))), value: -Infinity, sigma: 0.3, stale: 0 };
    climb(e, exploreUntil, FIRST_EVALS);
    if (!Number.isFinite(e.value) || e.stale === Infinity) continue;
    elites.push(e);
    elites.sort((a, b) => b.value - a.value);
    if (elites.length > ELITES) elites.pop();
  }
  // exploit: rounds over the elites, best first, until the deadline. An elite that stalls is
  // replaced by a hop from the best one (basin hopping): its point with every coordinate
  // perturbed by a relative amount drawn log-uniformly in [1e-3, 0.3], so that the share of
  // the time spent refining around the incumbent grows as the other basins run dry.
  while (elites.length && now() < job.deadline && !shouldStop()) {
    for (const e of [...elites]) {
      if (now() >= job.deadline || shouldStop()) break;
      climb(e, job.deadline, ROUND_EVALS);
      if (e.stale >= 3 || !Number.isFinite(e.value)) {
        elites.splice(elites.indexOf(e), 1);
        const top = elites.reduce<Elite | undefined>((a, b) => (!a || b.value > a.value ? b : a), undefined) ?? (e.stale === Infinity ? undefined : e);
        if (top) elites.push(hop(top));
      }
    }
    elites.sort((a, b) => b.value - a.value);
  }
  if (best) post(message());
  return { ...(best ? { best: message() } : {}), restarts, evaluations, artefacts };
}

/** A run input ('lora-run': a number of steps T) is also tried at the longest run the profile
 *  allows: where the claim is checked at every prefix the longer run contains the shorter
 *  one's comparisons. The longer one is kept only where its ratio is not smaller. */
function longestRun(claim: Claim, base: unknown): unknown {
  const T = (base as { T?: unknown } | undefined)?.T;
  const maxT = TIGHTEN_PROFILE.maxT;
  if (typeof T !== 'number' || maxT === undefined || T >= maxT) return base;
  const longer = { ...(base as object), T: maxT };
  return ratioOf(claim, longer).value >= ratioOf(claim, base).value ? longer : base;
}

/** Keeps coordinates that must be >= 0 (nonneg) or > 0 (step sizes) feasible. */
function signProjection(coords: Coord[]): ((x: Float64Array) => void) | undefined {
  const nonneg = coords.flatMap((c, i) => (c.nonneg ? [i] : []));
  const positive = coords.flatMap((c, i) => (c.positive ? [i] : []));
  if (nonneg.length === 0 && positive.length === 0) return undefined;
  return (x) => {
    for (const i of nonneg) if (x[i]! < 0) x[i] = 0;
    for (const i of positive) if (!(x[i]! > 0)) x[i] = Number.MIN_VALUE;
  };
}

/**
 * Snaps the best input to simple values where the float64 ratio does not drop (beyond
 * rounding, relative 1e-12): first a uniform rescale to make the largest entry 1 (most of
 * these inequalities are homogeneous), then entry by entry (0, +-1, small fractions).
 * The certified value is then of a witness one can read.
 */
export function snap(claim: Claim, input: unknown, deadlineMs = 2000): { input: unknown; ratio: number } {
  const until = performance.now() + deadlineMs;
  const enforced = enforcedOf(claim);
  let cur = input;
  let r = ratioOf(claim, cur).value;
  const tol = (v: number) => v - 1e-12 * Math.max(1, Math.abs(v));
  const accept = (cand: unknown): boolean => {
    if (!hypothesesKept(claim, cand)) return false;
    const v = ratioOf(claim, cand).value;
    if (Number.isFinite(v) && v >= tol(r)) {
      cur = cand;
      r = Math.max(r, v);
      return true;
    }
    return false;
  };
  // smaller sizes first, where the input alone carries them (Lemma A.2's M, X)
  for (let shrunk = true; shrunk && performance.now() < until; ) {
    shrunk = false;
    for (const cand of smallerSizes(cur)) if ((shrunk = accept(cand))) break;
  }
  const coords = coordinates(cur, { enforced });
  const xs = coords.map((c) => toFloat(getCoord(cur, c)));
  const big = Math.max(0, ...xs.map(Math.abs));
  if (big > 0 && big !== 1) accept(setCoords(cur, coords, xs.map((x) => x / big)));
  for (let sweep = 0; sweep < 2; sweep++) {
    let changed = false;
    for (const c of coords) {
      const x = toFloat(getCoord(cur, c));
      for (const v of simplerValues(x, c.nonneg, c.positive)) {
        if (performance.now() > until) return { input: cur, ratio: r };
        if (accept(setCoords(cur, [c], [v]))) {
          changed = true;
          break;
        }
      }
    }
    if (!changed) break;
  }
  return { input: cur, ratio: r };
}

export interface Certified {
  /** Mode the ratio was re-evaluated in. */
  mode: Mode;
  /** Exact text ("1", "p/q", a closed form) or a certified enclosure "[lo, hi]". */
  text: string;
  /** Its double value. */
  value: number;
  /** True when the ratio is certainly exactly 1 (the bound is attained). */
  attained: boolean;
  label?: string;
}

/** Re-evaluates the worst comparison's ratio of an input in exact (else precise) arithmetic. */
export function certifyRatio(claim: Claim, input: unknown, allowed?: readonly Mode[]): Certified | undefined {
  const modes = certifyModes(claim).filter((m) => !allowed || allowed.includes(m));
  for (const mode of modes) {
    try {
      const F = fieldFor(mode);
      let best: Certified | undefined;
      for (const c of claim.comparisons(F, input)) {
        if (c.rel === '=') continue;
        const [num, den] = c.rel === '<=' ? [c.lhs, c.rhs] : [c.rhs, c.lhs];
        if (F.sign(den) !== 1) continue;
        const R = F.div(num, den);
        const value = F.toNumber(R);
        if (best && !(value > best.value)) continue;
        const one = F.sign(F.sub(R, F.one)) === 0;
        best = { mode, text: exactText(F, R, mode), value, attained: one, ...(c.label !== undefined ? { label: c.label } : {}) };
      }
      return best;
    } catch {
      /* ModeError (exp/log) or an evaluation the field cannot do: try the next mode */
    }
  }
  return undefined;
}

function exactText(F: ReturnType<typeof fieldFor>, R: unknown, mode: Mode): string {
  if (mode === 'exact') {
    if (isRational(R as never)) return (R as Rational).toString();
    const q = realToRational(R as never);
    if (q) return q.toString();
    // an algebraic value equal to a simple rational (e.g. sqrt2 * (1/sqrt2)): say so exactly
    const approx = F.toNumber(R);
    if (Number.isFinite(approx)) {
      for (const cand of [Rational.fromNumber(Math.round(approx)), ...nearbySimple(approx)]) {
        if (F.sign(F.sub(R, F.lift(cand))) === 0) return cand.toString();
      }
    }
  }
  return F.format(R);
}

function nearbySimple(x: number): Rational[] {
  const r = Rational.fromNumber(x);
  return simplerValues(r, false)
    .map((v) => (typeof v === 'number' ? Rational.fromNumber(v) : v))
    .filter((v) => complexity(v) < 16 && Math.abs(v.toNumber() - x) <= 1e-9 * Math.max(1, Math.abs(x)));
}

/** exact where the claim supports it, else precise (runs over many steps: precise only).
 *  The caller bounds the time (exact arithmetic on some inputs is slow) and falls back. */
function certifyModes(claim: Claim): Mode[] {
  const order: Mode[] = ['exact', 'precise'];
  return order.filter((m) => claim.modes.includes(m));
}
