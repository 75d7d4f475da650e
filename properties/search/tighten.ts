/**
 * Tightness: how close can an inequality come to its constant? PEPit computes a method's worst
 * case and sets it beside the theory; we search for it.
 *
 * Each inequality claim pins a constant and names the normalised quantity whose worst case
 * measures it (its `constant`, theory/_internals/constant.ts; "as printed": lhs / rhs against
 * 1). The search maximises the claim's score (objective.ts: q / c for a sup, c / q for an inf):
 * random restarts (the claim's own arbitrary in float64 at small sizes, every hypothesis
 * honoured) and from each a local ascent on the free entries and the loss's numbers (climb.ts);
 * the best few restarts get longer ascents, and stalled ones are replaced by hops from the
 * best (basin hopping). A new best is re-evaluated in certified arithmetic before it counts,
 * because an ascent on float64 values also climbs rounding error. The best input is then
 * snapped to simple values where that costs nothing and its quantity certified in exact (or
 * precise) arithmetic: that value is what the report shows beside the printed constant.
 */
import fc from 'fast-check';
import { decide } from '../../numeric/compare.ts';
import type { Mode } from '../../numeric/field.ts';
import { fieldFor } from '../../numeric/fields.ts';
import { float64 } from '../../numeric/float64.ts';
import { enclose, isRational, toRational as realToRational } from '../../numeric/real.ts';
import { Rational } from '../../numeric/rational.ts';
import type { Interval } from '../../numeric/precise.ts';
import type { Claim } from '../../theory/claim.ts';
import { encode } from '../../theory/codec.ts';
import { constantOf } from '../../theory/index.ts';
import { claimArbitrary } from '../inputs.ts';
import { mulberry32 } from './ascent.ts';
import { CLIMB_PROFILE, climbRestart, hop, inputOf, keptHold, restartAt, startPoints, type Restart } from './climb.ts';
import { printedValue, scoreOf, scoreOfQ } from './objective.ts';
import { batchSeed } from './seeds.ts';
import { coordinates, getCoord, setCoords } from './slots.ts';
import { complexity, simplerValues, smallerSizes } from './simplify.ts';

/** The restart profile (climb.ts). */
const TIGHTEN_PROFILE = CLIMB_PROFILE;

interface RatioValue {
  /** Largest ratio over the comparisons (-Infinity when none is defined). */
  value: number;
  label?: string;
}

/** The ratio of the two sides as printed: the largest lhs/rhs (<=) or rhs/lhs (>=), in float64. */
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

/** Each hypothesis the claim names holds on the input (where the claim can tell). */
function hypothesesKept(claim: Claim, input: unknown): boolean {
  return keptHold(claim, claim.hypotheses, input);
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
  /** The claim's score there (objective.ts; 1 = the printed constant). */
  score: number;
  /** The normalised quantity there (float64, or certified when the float64 value was off). */
  q?: number;
  label?: string;
  /** The input, JSON-encoded (theory/codec.ts). */
  input: unknown;
}

export interface TightenWorkerResult {
  best?: TightenBest;
  restarts: number;
  evaluations: number;
  /** Candidates whose float64 score the certified re-evaluation did not bear out. */
  artefacts: number;
  /** The largest score of any point evaluated (float64): everything the search tried. */
  worstTried: number;
}

/** float64 and certified values agree to 1e-9 (relative). */
function agrees(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));
}

/** The score in certified arithmetic, as a double: precise where the claim has it (bounded
 *  cost), else exact; undefined when neither can evaluate the input. */
function trustedScore(claim: Claim, input: unknown): { score: number; q: number } | undefined {
  // a statistical claim's case is a whole Monte-Carlo experiment: too costly to certify at every
  // new best (its float64 score repeats the same seeded samples); the final point is certified
  if (claim.statistical) return undefined;
  const mode: Mode | undefined = claim.modes.includes('precise') ? 'precise' : claim.modes.includes('exact') ? 'exact' : undefined;
  const c = mode ? certifyConstant(claim, input, [mode]) : undefined;
  return c ? { score: c.score, q: c.value } : undefined;
}

const ELITES = 8;
/** Evaluations of a first ascent from a restart; elites then get more, in rounds. */
const FIRST_EVALS = 600;
const ROUND_EVALS = 2000;

/**
 * One worker's share. Explore (the first `1 - polishShare` of the time): restarts from its
 * own seeds (seed, worker), each with a short ascent; the best few stay as elites. Exploit
 * (the rest): continue the elites' ascents in rounds, best first; an elite that stalls is
 * replaced by a hop from the best one (basin hopping), so that the share of the time spent
 * refining around the incumbent grows as the other basins run dry. `post` receives each new
 * best (throttled), so that a stopped run keeps it.
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
  const kept = claim.hypotheses;
  let best: { score: number; q?: number; label?: string; input: unknown } | undefined;
  let restarts = 0;
  let evaluations = 0;
  let worstTried = -Infinity;
  let lastPost = 0;
  const message = (): TightenBest => ({
    type: 'best',
    score: best!.score,
    ...(best!.q !== undefined ? { q: best!.q } : {}),
    ...(best!.label !== undefined ? { label: best!.label } : {}),
    input: encode(best!.input),
  });
  let artefacts = 0;
  /** A candidate for the best: its float64 score is checked in certified arithmetic first (the
   *  ascent maximises float64 rounding error too, e.g. where J(V_0) - L* cancels). Returns
   *  false when the float64 value was an artefact of rounding. */
  const offer = (score: number, input: unknown): boolean => {
    if (best && !(score > best.score)) return true;
    const s = scoreOf(claim, input);
    let q = s.q;
    const certified = trustedScore(claim, input);
    if (certified !== undefined && !agrees(score, certified.score)) {
      artefacts++;
      if (!(certified.score > (best?.score ?? -Infinity))) return false;
      score = certified.score;
      q = certified.q;
    }
    best = { score, input, ...(q !== undefined ? { q } : {}), ...(s.label !== undefined ? { label: s.label } : {}) };
    if (now() - lastPost > 250) {
      lastPost = now();
      post(message());
    }
    return certified === undefined || agrees(score, certified.score);
  };
  let pool: unknown[] = [];
  let poolIdx = 0;
  let batch = 0;
  const nextStart = (): unknown => {
    if (poolIdx >= pool.length) {
      // restart seeds: worker w of W takes every W-th batch (seeds.ts), so workers never repeat one another
      pool = startPoints(claim, [], batchSeed(job.seed, batch * workers + worker), 50);
      batch++;
      poolIdx = 0;
    }
    return pool[poolIdx++];
  };
  const rng = mulberry32(batchSeed(job.seed ^ 0x5bd1e995, worker));
  const elites: Restart[] = [];
  const climb = (e: Restart, until: number, maxEvals: number) => {
    const res = climbRestart(claim, kept, e, { rng, maxEvals, deadline: perfDeadline(until) });
    evaluations += res.evals;
    if (res.value > worstTried) worstTried = res.value;
    // a restart whose float64 value is a rounding artefact is left (its neighbourhood misleads)
    if (Number.isFinite(res.value) && !offer(res.value, inputOf(claim, kept, e))) e.stale = Infinity;
  };
  // explore
  while (now() < exploreUntil && !shouldStop() && (job.maxRestarts === undefined || restarts < job.maxRestarts)) {
    const e = restartAt(claim, kept, nextStart());
    restarts++;
    if (!e) continue;
    climb(e, exploreUntil, FIRST_EVALS);
    if (!Number.isFinite(e.value) || e.stale === Infinity) continue;
    elites.push(e);
    elites.sort((a, b) => b.value - a.value);
    if (elites.length > ELITES) elites.pop();
  }
  // exploit: rounds over the elites, best first, until the deadline
  while (elites.length && now() < job.deadline && !shouldStop()) {
    for (const e of [...elites]) {
      if (now() >= job.deadline || shouldStop()) break;
      climb(e, job.deadline, ROUND_EVALS);
      if (e.stale >= 3 || !Number.isFinite(e.value)) {
        elites.splice(elites.indexOf(e), 1);
        const top = elites.reduce<Restart | undefined>((a, b) => (!a || b.value > a.value ? b : a), undefined) ?? (e.stale === Infinity ? undefined : e);
        if (top) elites.push(hop(top, rng));
      }
    }
    elites.sort((a, b) => b.value - a.value);
  }
  if (best) post(message());
  return { ...(best ? { best: message() } : {}), restarts, evaluations, artefacts, worstTried };
}

/**
 * Snaps the best input to simple values where the float64 score does not drop (beyond
 * rounding, relative 1e-12): smaller sizes where the input alone carries them, a uniform
 * rescale to make the largest entry 1 (most of these quantities are homogeneous), then entry
 * by entry (0, +-1, small fractions). The certified value is then of a witness one can read.
 */
export function snap(claim: Claim, input: unknown, deadlineMs = 2000): { input: unknown; score: number } {
  const until = performance.now() + deadlineMs;
  const enforced = new Set<string>(claim.hypotheses);
  let cur = input;
  let r = scoreOf(claim, cur).score;
  const tol = (v: number) => v - 1e-12 * Math.max(1, Math.abs(v));
  const accept = (cand: unknown): boolean => {
    if (!hypothesesKept(claim, cand)) return false;
    const v = scoreOf(claim, cand).score;
    if (Number.isFinite(v) && v >= tol(r)) {
      cur = cand;
      r = Math.max(r, v);
      return true;
    }
    return false;
  };
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
        if (performance.now() > until) return { input: cur, score: r };
        if (accept(setCoords(cur, [c], [v]))) {
          changed = true;
          break;
        }
      }
    }
    if (!changed) break;
  }
  return { input: cur, score: r };
}

function toFloat(x: number | Rational): number {
  return typeof x === 'number' ? x : x.toNumber();
}

/** The certified quantity of an input: its worst part (by score), exactly or as an enclosure. */
export interface CertifiedConstant {
  mode: Mode;
  /** Exact text ("1/4", "p/q", a closed form of radicals) or an enclosure "[lo, hi]". */
  text: string;
  /** Its double value. */
  value: number;
  /** Score of that value against the printed constant (> 1: the claim fails). */
  score: number;
  /** True when the quantity certainly equals the printed constant (the constant is attained). */
  attained: boolean;
  /** An enclosure [lo, hi] to about 50 digits, for closed forms (absent when unknown). */
  enclosure?: [string, string];
  label?: string;
}

/** Re-evaluates the claim's quantity at an input in exact (else precise) arithmetic. */
export function certifyConstant(claim: Claim, input: unknown, allowed?: readonly Mode[]): CertifiedConstant | undefined {
  const spec = constantOf(claim);
  const c = printedValue(spec);
  const modes = certifyModes(claim).filter((m) => !allowed || allowed.includes(m));
  for (const mode of modes) {
    try {
      const F = fieldFor(mode);
      const cR = Rational.parse(spec.printed);
      let best: CertifiedConstant | undefined;
      for (const p of spec.parts(F, input)) {
        if (!p || F.sign(p.den) !== 1) continue;
        const R = F.div(p.num, p.den);
        const value = F.toNumber(R);
        const score = F.sign(R) === 1 || spec.direction === 'sup' ? scoreOfQ(spec, c, value) : Infinity;
        if (best && !(score > best.score)) continue;
        const attained = F.sign(F.sub(R, F.lift(cR))) === 0;
        const enc = enclosureOf(mode, R);
        best = { mode, text: exactText(F, R, mode), value, score, attained, ...(enc ? { enclosure: enc } : {}), ...(p.label !== undefined ? { label: p.label } : {}) };
      }
      return best;
    } catch {
      /* ModeError (exp/log) or an evaluation the field cannot do: try the next mode */
    }
  }
  return undefined;
}

function enclosureOf(mode: Mode, R: unknown): [string, string] | undefined {
  try {
    const iv: Interval = mode === 'exact' ? enclose(R as never, 50) : (R as Interval);
    if (!iv.lo.isFinite() || !iv.hi.isFinite()) return undefined;
    return [iv.lo.toString(), iv.hi.toString()];
  } catch {
    return undefined;
  }
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
