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
import { checkClaim, type EngineResult } from '../engine.ts';
import { confirm, confirmModeFor, failingFamilies } from '../_internals/evaluate.ts';
import { makeWitness } from '../_internals/witness.ts';
import type { EarlierRun, Progress } from '../engine.ts';
import type { ReplaySpec } from '../_internals/witness.ts';
import type { HandlerContext } from './worker-harness.ts';
import { runLoop, type Batcher, type Counts, type LoopJob, type LoopResult } from './loop.ts';
import { ascentBatch, repairer } from './violation.ts';
import { simplify } from './simplify.ts';
import { certifyConstant, certifyRatio, isInequality, ratioOf, snap, tightenLoop, type Certified, type CertifiedConstant, type TightenJob, type TightenWorkerResult } from './tighten.ts';

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
  /** Work of one ascent batch (violation.ts), when the job interleaves them (LoopJob.ascentEvery). */
  ascent?: { restarts: number; evals: number };
  /** The command that replays the whole search (a witness found by an ascent has no fast-check path). */
  replay?: string;
}

/** One claim of `check` (check-run.ts): the engine in a worker, so that the main thread sees a
 *  Ctrl-C at once and the engine stops at its next case (shouldStop), keeping its counts. */
export interface CheckJob extends Omit<ReplaySpec, 'command' | 'dropped'> {
  kind: 'check';
  /** JSON-encoded input to check once (theory/codec.ts). */
  input?: JSONValue;
  shrinkSeconds?: number;
  /** Go on from an earlier run of the claim (engine.ts continueFrom; plain JSON). */
  continueFrom?: EarlierRun;
}

/** What a check job posts while it runs. */
export interface CheckProgressMsg {
  type: 'check-progress';
  progress: Progress;
}

function checkJob(job: CheckJob, ctx: HandlerContext): EngineResult {
  const r = checkClaim(lookupClaim(job.claim), {
    mode: job.mode,
    seed: job.seed,
    ...(job.runs !== undefined ? { runs: job.runs } : {}),
    ...(job.seconds !== undefined ? { seconds: job.seconds } : {}),
    ...(job.path !== undefined ? { path: job.path } : {}),
    ...(job.input !== undefined ? { input: decode(job.input) } : {}),
    ...(job.shrinkSeconds !== undefined ? { shrinkSeconds: job.shrinkSeconds } : {}),
    ...(job.continueFrom !== undefined ? { continueFrom: job.continueFrom } : {}),
    shouldStop: ctx.shouldStop,
    onProgress: (progress) => ctx.post({ type: 'check-progress', progress } satisfies CheckProgressMsg),
  });
  // the raw input holds class instances that do not cross threads; the witness has it encoded
  const { counterexampleInput: _raw, ...rest } = r;
  return rest;
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
  /** float64 score of the snapped input (objective.ts). */
  score: number;
  /** float64 ratio of the two sides as printed there. */
  ratio: number;
  label?: string;
  /** The side ratio, certified. */
  certified?: Certified;
  /** The claim's quantity, certified. */
  constant?: CertifiedConstant;
  witness?: Witness;
  error?: string;
}

export function certifyJob(job: CertifyJob): CertifyResult {
  const claim = lookupClaim(job.claim);
  const s = snap(claim, decode(job.input));
  const r = ratioOf(claim, s.input);
  const certified = certifyRatio(claim, s.input, job.modes);
  const constant = certifyConstant(claim, s.input, job.modes);
  const out: CertifyResult = { input: encode(s.input), score: s.score, ratio: r.value, ...(r.label !== undefined ? { label: r.label } : {}) };
  if (certified) out.certified = certified;
  if (constant) out.constant = constant;
  try {
    out.witness = makeWitness({
      claim,
      input: s.input,
      foundIn: 'float64',
      evaluatedIn: constant?.mode ?? certified?.mode ?? 'float64',
      confirmed: (constant ?? certified) !== undefined,
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
  const check = candidateCheck(claim, dropped, confirmMode);
  return (input) => check(input) === true;
}

/** failureTest with a third answer for a float64 candidate: 'undecided' where its certified
 *  re-check could not decide or could not run (an error), which is neither a failure nor a
 *  float64 false alarm (violation.ts counts it apart). */
export function candidateCheck(claim: Claim, dropped: readonly string[], confirmMode: Mode): (input: unknown) => boolean | 'undecided' {
  const kept = claim.hypotheses.filter((h) => !dropped.includes(h));
  return (input) => {
    const status = confirm(claim, input, confirmMode).status;
    if (status === 'undecided' || status === 'error') return 'undecided';
    if (status !== 'fail') return false;
    if (!claim.hypothesesHold || kept.length === 0) return true;
    const h = claim.hypothesesHold(input) as Record<string, boolean | undefined>;
    return kept.every((name) => h[name] !== false);
  };
}

/** A failure an ascent batch found and confirmed: shrunk (simplify.ts) and made a witness. */
export function finishAscentFailure(claim: Claim, spec: ClaimSearchSpec, failing: unknown, seed: number, replay: string): Found {
  const confirmMode: Mode = confirmModeFor(claim) ?? 'exact';
  let input = failing;
  let steps = 0;
  let complete = true;
  if (spec.simplifySeconds > 0) {
    const s = simplify(input, {
      enforced: new Set(claim.hypotheses.filter((h) => !spec.dropped.includes(h))),
      stillFails: failureTest(claim, spec.dropped, confirmMode),
      deadline: performance.now() + (spec.shrinkSeconds + spec.simplifySeconds) * 1000,
      repair: repairer(claim, spec.dropped),
    });
    input = s.input;
    steps = s.steps;
    complete = !s.timedOut;
  }
  // the mode the failure is certified in: exact, or precise where exact cannot evaluate the input
  // (a log-cosh or logistic loss needs exp/log: confirm falls back, and so must the witness)
  const c = confirm(claim, input, confirmMode);
  const witness = makeWitness({ claim, input, foundIn: 'float64', evaluatedIn: c.mode, confirmed: true, dropped: spec.dropped, seed, shrunk: complete, replay });
  return { witness, input: encode(input), simplifySteps: steps, batchCases: 0, failing: failingFamilies(c.outcome) };
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
      ...(isInequality(claim) ? { repair: repairer(claim, spec.dropped) } : {}),
    });
    input = s.input;
    steps = s.steps;
  }
  const base = r.counterexample;
  const c = confirm(claim, input, confirmMode);
  const witness =
    steps === 0
      ? base
      : makeWitness({
          claim,
          input,
          foundIn: base.foundIn,
          evaluatedIn: c.mode,
          confirmed: true,
          dropped: spec.dropped,
          seed: base.seed,
          ...(base.path ? { path: base.path } : {}),
          shrunk: base.shrunk,
          replay: base.replay,
        });
  return { witness, input: encode(input), simplifySteps: steps, batchCases: r.cases, failing: failingFamilies(c.outcome) };
}

function countsOf(r: { cases: number; nonTrivial: number; undecided: number; falseAlarms: number }): Counts {
  return { cases: r.cases, nonTrivial: r.nonTrivial, undecided: r.undecided, falseAlarms: r.falseAlarms };
}

/** One batch per call: a fast-check batch of the claim's property (engine.ts does the case work),
 *  or an ascent batch (violation.ts) where the job interleaves them. */
export function claimBatcher(spec: ClaimSearchSpec & Pick<SearchJob, 'ascent' | 'replay'>): Batcher<Found> {
  const claim = lookupClaim(spec.claim);
  return {
    runBatch(seed, runs, deadline, hooks, info) {
      if (info?.kind === 'ascent' && spec.ascent) {
        const confirmMode = confirmModeFor(claim) ?? 'exact';
        const out = ascentBatch({ claim, dropped: spec.dropped, ...spec.ascent }, seed, candidateCheck(claim, spec.dropped, confirmMode), hooks.shouldStop);
        const counts: Counts = { cases: 0, nonTrivial: out.nonTrivial, undecided: out.undecided, falseAlarms: out.falseAlarms, ascents: out.ascents, evaluations: out.evaluations };
        hooks.report(counts);
        if (out.failure === undefined) return { counts };
        hooks.onCandidate({ input: encode(out.failure), evaluatedIn: confirmMode, shrinkStep: 0 });
        return { counts, confirmed: finishAscentFailure(claim, spec, out.failure, seed, spec.replay ?? `npx loracheck search --claim ${claim.id}`) };
      }
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

export function handle(job: SearchJob | TightenJobMsg | CertifyJob | CheckJob, ctx: HandlerContext): LoopResult<Found> | TightenWorkerResult | CertifyResult | EngineResult {
  if (job.kind === 'certify') return certifyJob(job);
  if (job.kind === 'check') return checkJob(job, ctx);
  if (job.kind === 'search') return runLoop(job, claimBatcher(job), ctx);
  if (job.kind === 'tighten') {
    const claim = lookupClaim(job.claim);
    return tightenLoop(claim, job, ctx.worker, ctx.workers, (b) => ctx.post(b), ctx.shouldStop);
  }
  throw new RangeError(`unknown job kind ${(job as { kind: string }).kind}`);
}
