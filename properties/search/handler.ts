/**
 * What a search worker thread does (loaded by worker-harness.ts): a `search` job runs the
 * seed loop (loop.ts) with fast-check batches of the claim's property (properties/engine.ts:
 * the claim's own sides, float64 candidates confirmed exactly, fast-check shrinking), then
 * the greedy second pass (simplify.ts) on the first confirmed failure; a `tighten` job runs
 * restarts plus ascent (tighten.ts). The same functions run on the main thread for replays.
 */
import type { Mode } from '../../numeric/field.ts';
import type { Claim, HypothesisName } from '../../theory/claim.ts';
import { decode, encode, type JSONValue } from '../../theory/codec.ts';
import { claimById } from '../../theory/index.ts';
import type { Witness } from '../../theory/results.ts';
import { checkClaim, confirm, failingFamilies, makeWitness, type EngineResult } from '../index.ts';
import type { HandlerContext } from './worker-harness.ts';
import { runLoop, type Batcher, type Counts, type LoopJob, type LoopResult } from './loop.ts';
import { simplify } from './simplify.ts';
import { certifyRatio, ratioOf, snap, tightenLoop, type Certified, type TightenJob, type TightenWorkerResult } from './tighten.ts';

export interface ClaimSearchSpec {
  claim: string;
  mode: Mode;
  dropped: HypothesisName[];
  /** Time fast-check may spend shrinking the first failure (seconds). */
  shrinkSeconds: number;
  /** Time for the greedy second pass (seconds; 0 skips it). */
  simplifySeconds: number;
}

export interface SearchJob extends LoopJob, ClaimSearchSpec {
  kind: 'search';
}

export interface TightenJobMsg extends TightenJob {
  kind: 'tighten';
}

/** Snap and certify the best input of a tightness search (exact arithmetic may be slow on
 *  some inputs, so it runs in a worker the main thread can replace). */
export interface CertifyJob {
  kind: 'certify';
  claim: string;
  /** JSON-encoded input. */
  input: JSONValue;
  /** Modes allowed for the certified value (default: exact, then precise). */
  modes?: Mode[];
  replay: string;
  seed: number;
}

export interface CertifyResult {
  input: JSONValue;
  /** float64 ratio of the snapped input. */
  ratio: number;
  label?: string;
  certified?: Certified;
  witness?: Witness;
  error?: string;
}

export function certifyJob(job: CertifyJob): CertifyResult {
  const claim = lookupClaim(job.claim);
  const s = snap(claim, decode(job.input));
  const label = ratioOf(claim, s.input).label;
  const certified = certifyRatio(claim, s.input, job.modes);
  const out: CertifyResult = { input: encode(s.input), ratio: s.ratio, ...(label !== undefined ? { label } : {}) };
  if (certified) out.certified = certified;
  try {
    out.witness = makeWitness({
      claim,
      input: s.input,
      foundIn: 'float64',
      evaluatedIn: certified?.mode ?? 'float64',
      confirmed: certified !== undefined,
      dropped: [],
      seed: job.seed,
      shrunk: false,
      replay: job.replay,
    });
  } catch (e) {
    out.error = `could not evaluate the witness: ${e instanceof Error ? e.message : String(e)}`;
  }
  return out;
}

/** A confirmed, shrunk failure as a worker reports it. */
export interface Found {
  witness: Witness;
  /** The final input (JSON-encoded), after both shrinking passes. */
  input: JSONValue;
  /** Entries the greedy pass simplified after fast-check's shrinking. */
  simplifySteps: number;
  /** Cases this batch had run when it failed (for the report). */
  batchCases: number;
  /** Label families of the failing comparisons (the corpus's identity of "the same failure"). */
  failing: string[];
}

export function lookupClaim(id: string): Claim {
  const c = claimById(id);
  if (!c) throw new RangeError(`unknown claim "${id}"`);
  return c;
}

/** A confirmed failure stays one (in the confirmation mode) and keeps every hypothesis that was not dropped. */
export function failureTest(claim: Claim, dropped: readonly string[], confirmMode: Mode): (input: unknown) => boolean {
  const kept = claim.hypotheses.filter((h) => !dropped.includes(h));
  return (input) => {
    if (confirm(claim, input, confirmMode).status !== 'fail') return false;
    if (!claim.hypothesesHold || kept.length === 0) return true;
    const h = claim.hypothesesHold(input) as Record<string, boolean | undefined>;
    return kept.every((name) => h[name] !== false);
  };
}

/** After fast-check's shrinking: the greedy pass, and the witness of the final input. */
export function finishFailure(claim: Claim, spec: ClaimSearchSpec, r: EngineResult): Found | undefined {
  if (r.verdict !== 'counterexample' || !r.counterexample || r.counterexampleInput === undefined) return undefined;
  const confirmMode: Mode = r.confirmMode ?? (spec.mode === 'float64' ? 'exact' : spec.mode);
  let input: unknown = r.counterexampleInput;
  let steps = 0;
  if (spec.simplifySeconds > 0) {
    const s = simplify(input, {
      enforced: new Set(claim.hypotheses.filter((h) => !spec.dropped.includes(h))),
      stillFails: failureTest(claim, spec.dropped, confirmMode),
      deadline: performance.now() + spec.simplifySeconds * 1000,
    });
    input = s.input;
    steps = s.steps;
  }
  const base = r.counterexample;
  const witness =
    steps === 0
      ? base
      : makeWitness({
          claim,
          input,
          foundIn: base.foundIn,
          evaluatedIn: base.confirmedIn ?? confirmMode,
          confirmed: true,
          dropped: spec.dropped,
          seed: base.seed,
          ...(base.path ? { path: base.path } : {}),
          shrunk: base.shrunk,
          replay: base.replay,
        });
  const failing = failingFamilies(confirm(claim, input, confirmMode).outcome);
  return { witness, input: encode(input), simplifySteps: steps, batchCases: r.cases, failing };
}

function countsOf(r: { cases: number; nonTrivial: number; undecided: number; falseAlarms: number }): Counts {
  return { cases: r.cases, nonTrivial: r.nonTrivial, undecided: r.undecided, falseAlarms: r.falseAlarms };
}

/** One fast-check batch of the claim's property per call (engine.ts does the case work). */
export function claimBatcher(spec: ClaimSearchSpec): Batcher<Found> {
  const claim = lookupClaim(spec.claim);
  return {
    runBatch(seed, runs, deadline, hooks) {
      const seconds = deadline === undefined ? undefined : (deadline - Date.now()) / 1000;
      if (seconds !== undefined && seconds <= 0) return { counts: { cases: 0, nonTrivial: 0, undecided: 0, falseAlarms: 0 } };
      const r = checkClaim(claim, {
        mode: spec.mode,
        runs,
        ...(seconds !== undefined ? { seconds } : {}),
        seed,
        dropped: spec.dropped,
        shrinkSeconds: spec.shrinkSeconds,
        shouldStop: hooks.shouldStop,
        onProgress: (p) => hooks.report(countsOf(p), p.worstRatio),
        onFailure: (f) => hooks.onCandidate({ input: encode(f.input), evaluatedIn: f.evaluatedIn, shrinkStep: f.shrinkStep }),
        command: 'search',
      });
      const counts = countsOf(r);
      if (r.verdict === 'error') return { counts, error: r.error ?? 'the claim threw on an input' };
      const found = finishFailure(claim, spec, r);
      return found ? { counts, confirmed: found } : { counts };
    },
  };
}

export function handle(job: SearchJob | TightenJobMsg | CertifyJob, ctx: HandlerContext): LoopResult<Found> | TightenWorkerResult | CertifyResult {
  if (job.kind === 'certify') return certifyJob(job);
  if (job.kind === 'search') return runLoop(job, claimBatcher(job), ctx);
  if (job.kind === 'tighten') {
    const claim = lookupClaim(job.claim);
    return tightenLoop(claim, job, ctx.worker, ctx.workers, (b) => ctx.post(b), ctx.shouldStop);
  }
  throw new RangeError(`unknown job kind ${(job as { kind: string }).kind}`);
}
