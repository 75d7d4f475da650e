/**
 * Search by optimisation: ascend the claim's score (objective.ts; > 1 means the claim fails)
 * from restart points drawn with the dropped hypotheses widened, and confirm a point that
 * passes 1 in exact (or precise) arithmetic. Random sampling rarely lands where the failures
 * of a dropped hypothesis live (L34 without L >= 1 fails only where ||G|| is large against
 * the step (8) allows for L < 1; L33 with its ||G|| ||d||^2 term halved fails only near V1 = 0
 * with d aligned to G); an ascent walks there.
 *
 * One call is one "ascent batch" of the search loop (loop.ts): a fixed number of restarts with
 * a fixed number of evaluations each, all drawn from the batch seed, so that a batch gives the
 * same result whatever the thread or the machine (no clock inside, only the stop request).
 */
import type { Num } from '../../numeric/field.ts';
import { Rational } from '../../numeric/rational.ts';
import type { Claim } from '../../theory/claim.ts';
import { gaussian, mulberry32 } from './ascent.ts';
import { CLIMB_PROFILE, climbRestart, inputOf, keptHold, keptOf, restartAt, signProjection, startPoints, type Restart } from './climb.ts';
import { confirm, confirmModeFor } from '../_internals/evaluate.ts';
import { coordinates, getCoord, setCoords } from './slots.ts';
import type { Profile } from '../sizes.ts';
import { fmix32 } from './seeds.ts';

/** Size caps of the ascent's restart points: small matrices (climb.ts), and runs up to 40 steps
 *  (the precise profile's), since a run claim can need many steps to fail without a hypothesis
 *  ((10) without L >= 1 fails at T = 40 with L = 1/50, C = 100, V_0 = [2; -2], not at T <= 12). */
const VIOLATION_PROFILE: Partial<Omit<Profile, 'mode'>> = { ...CLIMB_PROFILE, maxT: 40 };

/** float64 score a point must pass to be confirmed: above 1 by more than rounding. */
const VIOLATION_TARGET = 1 + 1e-9;

interface AscentSpec {
  claim: Claim;
  dropped: readonly string[];
  /** Restart points per batch. */
  restarts: number;
  /** Evaluations per restart's ascent. */
  evals: number;
  /** Size caps of the restart points (default VIOLATION_PROFILE). */
  profile?: Partial<Omit<Profile, 'mode'>>;
}

interface AscentOutcome {
  ascents: number;
  evaluations: number;
  /** Restarts whose start point exercises the claim (claim.nonTrivial). */
  nonTrivial: number;
  /** Points that passed the target in float64 but do not fail when re-checked (rounding). */
  falseAlarms: number;
  /** Points that passed the target in float64 whose certified re-check was undecided or could
   *  not run: not failures, and not false alarms either. */
  undecided: number;
  /** The largest float64 score reached. */
  bestScore: number;
  /** A confirmed failing input (exact entries), when one was found. */
  failure?: unknown;
}

/** The input with every movable number (entries and the loss's numbers) as an exact rational:
 *  a double is a dyadic rational, so nothing changes but the type, and the shrinker may then
 *  move entries to any simple fraction (not only those a double holds). */
function exactInput(input: unknown): unknown {
  const coords = coordinates(input, { enforced: new Set(), loss: true });
  const values: Num[] = coords.map((c) => {
    const v = getCoord(input, c);
    return typeof v === 'number' ? Rational.fromNumber(v) : v;
  });
  return setCoords(input, coords, values);
}

/** A candidate's certified re-check: true (a confirmed failure), false (it does not fail: a
 *  float64 false alarm), 'undecided' (the re-check could not decide or could not run). */
type Confirms = (input: unknown) => boolean | 'undecided';

/**
 * One ascent batch. `confirms(input)` re-checks a candidate exactly (the failure test of the
 * search: fails in the confirmation mode and keeps every hypothesis that was not dropped).
 */
export function ascentBatch(
  spec: AscentSpec,
  seed: number,
  confirms: Confirms,
  shouldStop: () => boolean = () => false,
): AscentOutcome {
  const { claim } = spec;
  const kept = keptOf(claim, spec.dropped);
  const out: AscentOutcome = { ascents: 0, evaluations: 0, nonTrivial: 0, falseAlarms: 0, undecided: 0, bestScore: -Infinity };
  const profile = spec.profile ?? VIOLATION_PROFILE;
  const starts = startPoints(claim, spec.dropped, seed, spec.restarts, profile);
  for (const [i, start] of starts.entries()) {
    if (shouldStop()) break;
    out.ascents++;
    try {
      if (claim.nonTrivial(start)) out.nonTrivial++;
    } catch {
      /* counts as trivial */
    }
    const e = restartAt(claim, kept, start, false, profile.maxT);
    if (!e) continue;
    const rng = mulberry32(fmix32((seed ^ Math.imul(i + 1, 0x9e3779b9)) >>> 0));
    const res = climbRestart(claim, kept, e, { rng, maxEvals: spec.evals, target: VIOLATION_TARGET });
    out.evaluations += res.evals;
    if (res.value > out.bestScore) out.bestScore = res.value;
    if (!(res.value > VIOLATION_TARGET)) continue;
    const cand = exactInput(inputOf(claim, kept, e));
    let ok: boolean | 'undecided';
    try {
      ok = confirms(cand);
    } catch {
      ok = 'undecided';
    }
    if (ok === true) {
      out.failure = cand;
      return out;
    }
    if (ok === 'undecided') out.undecided++;
    else out.falseAlarms++;
  }
  return out;
}

/**
 * A repair for the structural shrinker (simplify.ts): short ascents from a smaller input that
 * lost the failure, with a fixed seed (no clock: the same input gives the same repair): from
 * the input itself, then from wide jumps of it (every coordinate scaled by e^N(0, 2), zeros
 * set to +-10^U(-2, 3) times the typical size), since the entries that must now carry the failure
 * may need to move by orders of magnitude (a far C entry that a deleted column held). Returns
 * the point reached, with exact entries, when its float64 score passes the target.
 */
export function repairer(claim: Claim, dropped: readonly string[], opts: { evals?: number; attempts?: number } = {}): (input: unknown) => unknown | undefined {
  const kept = keptOf(claim, dropped);
  const runs = claim.inputKind === 'lora-run';
  const evals = opts.evals ?? (runs ? 200 : 500);
  const attempts = opts.attempts ?? (runs ? 2 : 12);
  const confirms = (x: unknown) => {
    try {
      return confirm(claim, x, confirmModeFor(claim)).status === 'fail' && keptHold(claim, kept, x);
    } catch {
      return false;
    }
  };
  return (input) => {
    const first = restartAt(claim, kept, input, true); // the candidate's own sizes and steps
    if (!first) return undefined;
    const rng = mulberry32(0x5eed);
    for (let a = 0; a < attempts; a++) {
      const e = a === 0 ? first : wideJump(first, rng);
      const res = climbRestart(claim, kept, e, { rng, maxEvals: evals, target: VIOLATION_TARGET });
      if (res.value > VIOLATION_TARGET) return exactInput(inputOf(claim, kept, e));
    }
    // a search afresh at the smaller sizes: a failure there need not be near this one
    const sizes = sizeCaps(input);
    if (!sizes) return undefined;
    return ascentSearch({ claim, dropped, restarts: 16, evals: 80, profile: sizes }, 0x5eed, runs ? 1 : 3, confirms).failure;
  };
}

/** Size caps at an input's own sizes (so that a search finds nothing larger). */
function sizeCaps(input: unknown): Partial<Omit<Profile, 'mode'>> | undefined {
  const x = input as { loss?: { m?: number; n?: number }; V?: { cols: number }; V1?: { cols: number }; V0?: { cols: number }; T?: number; W?: unknown };
  const m = x.loss?.m;
  const n = x.loss?.n;
  if (typeof m !== 'number' || typeof n !== 'number') return undefined;
  const r = (x.V ?? x.V1 ?? x.V0)?.cols ?? 1;
  return { maxM: m, maxN: n, maxR: r, ...(typeof x.T === 'number' ? { maxT: x.T } : {}) };
}

/** A restart at `from`'s start point with every coordinate scaled by e^N(0, 2) (zeros set to
 *  +-10^U(-2, 3) times the typical size), sign constraints kept. */
function wideJump(from: Restart, rng: () => number): Restart {
  let rms = 0;
  for (const v of from.x) rms += v * v;
  rms = Math.sqrt(rms / Math.max(1, from.x.length)) || 1;
  const x = from.x.map((v) => (v === 0 ? (rng() < 0.5 ? -1 : 1) * rms * Math.pow(10, -2 + 5 * rng()) : v * Math.exp(2 * gaussian(rng))));
  signProjection(from.coords)?.(x);
  return { base: from.base, coords: from.coords, x, value: -Infinity, sigma: 0.3, stale: 0 };
}

/** Several ascent batches in a row from one seed (tests, and `check`-like uses without workers):
 *  stops at the first confirmed failure. */
export function ascentSearch(spec: AscentSpec, seed: number, batches: number, confirms: Confirms): AscentOutcome & { batches: number } {
  const total: AscentOutcome & { batches: number } = { ascents: 0, evaluations: 0, nonTrivial: 0, falseAlarms: 0, undecided: 0, bestScore: -Infinity, batches: 0 };
  for (let b = 0; b < batches; b++) {
    const out = ascentBatch(spec, fmix32((seed + Math.imul(b, 0x85ebca6b)) >>> 0), confirms);
    total.batches++;
    total.ascents += out.ascents;
    total.evaluations += out.evaluations;
    total.nonTrivial += out.nonTrivial;
    total.falseAlarms += out.falseAlarms;
    total.undecided += out.undecided;
    total.bestScore = Math.max(total.bestScore, out.bestScore);
    if (out.failure !== undefined) return { ...total, failure: out.failure };
  }
  return total;
}
