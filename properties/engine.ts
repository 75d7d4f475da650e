/**
 * The check engine: runs one claim as a fast-check property and returns a ClaimCheckResult
 * (theory/results.ts) with honest counts.
 *
 * Each case evaluates the claim's own comparisons over the field of the mode and decides
 * each with numeric/compare.ts. A case fails only when some comparison is certainly false:
 * in exact and precise mode that is already certified; in float64 a failing case is only a
 * candidate and is re-checked on the very same input in exact arithmetic (precise where the
 * claim or its loss needs exp/log); it counts as a counterexample only if confirmed, as a
 * float64 false alarm if the re-check does not confirm it, and as an undecided case if the re-check
 * cannot run (it throws, or the claim has no exact or precise mode); the search goes on. Undecided comparisons are neither passes nor
 * failures: they are counted and reported.
 *
 * A failure is shrunk by fast-check (the property itself re-confirms every shrink step, so
 * the shrunk witness is certified too), with its own time budget; the seed and path replay it.
 *
 * Verdict: 'counterexample' on a confirmed failure; else 'error' when a claim threw on some
 * input (the first such input is shrunk and kept); else 'undecided' when no case ran or more
 * than `maxUndecidedShare` (default 10%) of the cases had an undecided comparison; else
 * 'verified' (the count of undecided cases is still reported beside it), or 'statistical' for a
 * statistical claim (a Monte-Carlo test per case; the result carries its level).
 */
import fc from 'fast-check';
import type { Decision } from '../numeric/compare.ts';
import type { Mode } from '../numeric/field.ts';
import { fieldFor } from '../numeric/fields.ts';
import type { Claim, HypothesisName } from '../theory/claim.ts';
import type { ClaimCheckResult, Verdict, Witness } from '../theory/results.ts';
import { droppedSet } from './_internals/dropped.ts';
import { confirm, confirmModeFor, evaluateCase, failingFamilies, tighter, type CaseOutcome } from './_internals/evaluate.ts';
import { freshSeed } from '../numeric/random.ts';
import { SlackHistogram } from './_internals/stats.ts';
import { stopPlugin, type StopCondition } from './_internals/stop.ts';
import { describeSizes, makeWitness, replayCommand, sizeParts } from './_internals/witness.ts';
import { encode, type JSONValue } from '../theory/codec.ts';
import { claimArbitrary } from './inputs.ts';
import { defaultMode } from './user-loss.ts';
import { profileFor, type Profile } from './sizes.ts';

export interface Progress {
  claim: string;
  mode: Mode;
  phase: 'search' | 'shrink';
  cases: number;
  nonTrivial: number;
  undecided: number;
  falseAlarms: number;
  shrinkSteps: number;
  elapsedMs: number;
  /** Largest ratio seen so far (tightness), when the claim defines ratios. */
  worstRatio?: number;
}

export interface FailureSnapshot {
  claim: string;
  input: unknown;
  /** The certified outcome (exact/precise) that makes it a failure. */
  outcome: CaseOutcome;
  evaluatedIn: Mode;
  /** 0 for the first failure, then one more for every successful shrink step. */
  shrinkStep: number;
}

interface CheckOptions {
  /** Arithmetic mode; default claim.modes[0]. */
  mode?: Mode;
  /** Budget: number of cases (default: defaultRuns(claim, mode)) or seconds (then runs is unbounded). */
  runs?: number;
  seconds?: number;
  seed?: number;
  /** fast-check path of a failure to replay (with its seed): replays it and finishes shrinking. */
  path?: string;
  /** Hypotheses dropped (ablation): the arbitrary widens for each. */
  dropped?: Iterable<HypothesisName>;
  /** Overrides of the generation profile (sizes, steps). */
  profile?: Partial<Omit<Profile, 'mode'>>;
  /** Replaces the claim's arbitrary (tests, tightness restarts). */
  arbitrary?: fc.Arbitrary<unknown>;
  /** Checks exactly this input, once (the replay of a witness, e.g. one found by `prove`). */
  input?: unknown;
  /** Time for shrinking a failure, in seconds (default: defaultShrinkSeconds(seconds)). */
  shrinkSeconds?: number;
  /** Share of cases with an undecided comparison above which the verdict is 'undecided' (default 0.1). */
  maxUndecidedShare?: number;
  /** Polled before every case and shrink step: true interrupts and keeps what was found. */
  shouldStop?: () => boolean;
  onProgress?: (p: Progress) => void;
  /** Called with every confirmed failing input: the first, then each smaller one the shrinker finds. */
  onFailure?: (f: FailureSnapshot) => void;
  /** CLI command for replay strings ('check'; properties/search/ passes 'search'). */
  command?: string;
  /** An earlier run of this claim with the same seed and mode that ended after `cases` cases
   *  without a failure: this run goes on from case `cases` (the same case stream) and its result
   *  covers both (counts, worst slack, histogram, time; the replay reruns them all). */
  continueFrom?: EarlierRun;
}

/** What a run goes on from (continueFrom): the counts of an earlier run, as its result has them. */
export type EarlierRun = Pick<EngineResult, 'cases' | 'nonTrivial' | 'undecided' | 'undecidedComparisons' | 'falseAlarms' | 'timeMs' | 'budget' | 'worstSlack' | 'slackHistogram'>;

/** ClaimCheckResult plus the counts the schema has no field for (the report may ignore them). */
export interface EngineResult extends ClaimCheckResult {
  dropped: string[];
  /** float64 candidates that the exact/precise re-check did not confirm (one it could not run
   *  on is an undecided case instead). */
  falseAlarms: number;
  /** Comparisons (not cases) that were undecided. */
  undecidedComparisons: number;
  /** Cases on which the claim threw (only the first is kept; the check stops there). */
  errors: number;
  shrinkSteps: number;
  /** The run stopped early (deadline, stop flag) in search or in shrinking. */
  interrupted: boolean;
  /** Mode float64 candidates are confirmed in. */
  confirmMode?: Mode;
  /** For a counterexample: the label families of the failing comparisons (entry indices folded). */
  failing?: string[];
  /** For verdict 'error': the (shrunk) input on which the claim threw. */
  errorWitness?: { input: unknown; error: string; sizes?: string; replay: string };
  /** The raw input of the counterexample (for corpus writers and tests). */
  counterexampleInput?: unknown;
}

/** Default number of cases per claim and mode (npm test and `loracheck check` without a budget). */
export function defaultRuns(claim: Claim, mode: Mode): number {
  const kind = claim.inputKind;
  if (kind === 'lora-run') return mode === 'float64' ? 40 : 25;
  // a case of a statistical claim is a Monte-Carlo experiment (64..256 sketches, or runs)
  if (claim.statistical) return mode === 'float64' ? 12 : 6;
  if (kind === 'rac-run' || kind === 'asym-run' || kind === 'lora-rank-run') return mode === 'float64' ? 40 : 60;
  if (kind === 'amgm' || kind === 'block' || kind === 'square') return mode === 'float64' ? 150 : 300;
  return mode === 'float64' ? 60 : 200;
}

/** Shrinking time when none is given: 30 s, or the search's own budget when that is shorter
 *  (at least 1 s), so that `--seconds S` answers within about 2 S (README, check). */
function defaultShrinkSeconds(seconds?: number): number {
  return seconds === undefined ? 30 : Math.min(30, Math.max(1, seconds));
}

/** The input is within the sizes of profile p (m, n <= max(maxM, maxN), r <= maxR, T <= maxT):
 *  a certified re-check of it is quick (the sizes the certified modes sample themselves). */
function withinSizes(input: unknown, p: Profile): boolean {
  const side = Math.max(p.maxM, p.maxN);
  const x = input as { S?: { rows: number; cols: number } } | undefined;
  if (x?.S && typeof x.S === 'object' && (x.S.rows > side || x.S.cols > side)) return false;
  return sizeParts(input).every((part) => {
    if (typeof part === 'string') return true;
    const [name, v] = part;
    if (name === 'T') return v <= p.maxT;
    if (name.startsWith('r')) return v <= p.maxR;
    if (name.startsWith('m') || name.startsWith('n')) return v <= side;
    return true;
  });
}
const PROGRESS_EVERY_MS = 250;
/** The input of a worst case that an earlier run (continueFrom) saw: its witness is that run's. */
const EARLIER = Symbol('earlier run');

export function checkClaim(claim: Claim, opts: CheckOptions = {}): EngineResult {
  const s = setUp(claim, opts);
  const run = new CheckRun(s);
  const passes = runPasses(s, run);
  run.progress();
  return assembleResult(s, run, passes);
}

/** One run's fixed set-up: the options checked and their defaults filled in, once, before any
 *  case runs (the seed, arbitrary and budgets every later step reads). */
interface RunSetup {
  claim: Claim;
  opts: CheckOptions;
  mode: Mode;
  F: ReturnType<typeof fieldFor>;
  seed: number;
  dropped: string[];
  arb: fc.Arbitrary<unknown>;
  /** Cases of the whole run (one for an input; unbounded under a time budget). */
  runs: number;
  /** Mode float64 candidates are re-checked in (the mode itself in exact and precise). */
  confirmMode: Mode | undefined;
  maxUndecidedShare: number;
  shrinkSeconds: number;
  start: number;
  /** The stop plugin's condition: its deadline is the search's, then the shrink's own. */
  stop: StopCondition;
  earlier: EarlierRun | undefined;
}

/** Checks the options and fills in the defaults (in this order: the seed is drawn before the
 *  arbitrary is built, and the clock starts after both). */
function setUp(claim: Claim, opts: CheckOptions): RunSetup {
  const mode = opts.mode ?? defaultMode(claim);
  if (!claim.modes.includes(mode))
    throw new RangeError(`checkClaim: claim ${claim.id} cannot run in mode ${mode} (it supports ${claim.modes.join(', ')})`);
  if (opts.runs !== undefined && !(Number.isInteger(opts.runs) && opts.runs >= 1))
    throw new RangeError(`checkClaim: option runs must be an integer >= 1, got ${opts.runs}`);
  if (opts.seconds !== undefined && !(opts.seconds > 0)) throw new RangeError(`checkClaim: option seconds must be > 0, got ${opts.seconds}`);
  const F = fieldFor(mode);
  const seed = opts.seed ?? freshSeed();
  const dropped = [...droppedSet(opts.dropped)] as string[];
  const arb = opts.input !== undefined ? fc.constant(opts.input) : (opts.arbitrary ?? claimArbitrary(claim, { mode, dropped, profile: opts.profile }));
  const runs = opts.input !== undefined ? 1 : (opts.runs ?? (opts.seconds !== undefined ? 0x7fffffff : defaultRuns(claim, mode)));
  const confirmMode = mode === 'float64' ? confirmModeFor(claim) : mode;
  const maxUndecidedShare = opts.maxUndecidedShare ?? 0.1;
  const shrinkSeconds = opts.shrinkSeconds ?? defaultShrinkSeconds(opts.seconds);
  const start = performance.now();
  const stop: StopCondition = { shouldStop: opts.shouldStop };
  if (opts.seconds !== undefined) stop.deadline = start + opts.seconds * 1000;

  const earlier = opts.continueFrom;
  if (earlier && (opts.path !== undefined || opts.input !== undefined)) throw new RangeError('checkClaim: option continueFrom goes on from a run, not from a path or an input');
  return { claim, opts, mode, F, seed, dropped, arb, runs, confirmMode, maxUndecidedShare, shrinkSeconds, start, stop, earlier };
}

/** One failure fast-check accepted, with its outcome (float64 alone when it was screened). */
interface ChainEntry {
  input: unknown;
  out: CaseOutcome;
}

/**
 * The mutable state of one run (counts, worst case, histogram, the failure and its shrink chain)
 * and the steps that change it. fast-check calls `predicate` on every case and shrink step, so
 * the counts live here rather than in locals of checkClaim; a continued run (continueFrom)
 * starts from the earlier run's counts.
 */
class CheckRun {
  phase: 'search' | 'shrink' = 'search';
  cases: number;
  nonTrivial: number;
  undecidedCases: number;
  undecidedComparisons: number;
  falseAlarms: number;
  shrinkSteps = 0;
  failKind: 'fail' | 'error' | undefined;
  failure: FailureSnapshot | undefined;
  /** The worst case so far; the earlier run's worst case stands until a tighter one is seen
   *  (its witness is kept as is). */
  tight: { d: Decision; input: unknown; vacuous: boolean } | undefined;
  readonly hist: SlackHistogram;
  private lastProgress: number;
  /** The failures fast-check accepted in this pass, in order (its path has one segment per
   *  entry), with their outcomes. In float64 the entries before the first confirmed one (or all
   *  of them) were accepted on float64 alone (screened: too large to re-check at once) and are
   *  settled after the pass (settleScreened). */
  chain: ChainEntry[] = [];
  /** The search's candidate of this pass when it was screened: recorded once its fate is known. */
  unrecorded: ChainEntry | undefined;
  private readonly confirmProfile: Profile | undefined;
  private readonly s: RunSetup;

  constructor(s: RunSetup) {
    this.s = s;
    const earlier = s.earlier;
    this.cases = earlier?.cases ?? 0;
    this.nonTrivial = earlier?.nonTrivial ?? 0;
    this.undecidedCases = earlier?.undecided ?? 0;
    this.undecidedComparisons = earlier?.undecidedComparisons ?? 0;
    this.falseAlarms = earlier?.falseAlarms ?? 0;
    const earlierWorst = earlier?.worstSlack;
    if (earlierWorst) this.tight = { d: { holds: true, slack: earlierWorst.slack, ...(earlierWorst.ratio !== undefined ? { ratio: earlierWorst.ratio } : {}) }, input: EARLIER, vacuous: false };
    this.hist = new SlackHistogram();
    if (earlier?.slackHistogram) this.hist.addCounts(earlier.slackHistogram);
    this.lastProgress = s.start;
    this.confirmProfile = s.confirmMode ? profileFor(s.confirmMode) : undefined;
  }

  /** A float64 candidate too large for its certified mode's sizes, while no failure is known yet:
   *  it is shrunk on float64 alone first (see predicate). */
  private screenFirst(input: unknown): boolean {
    return this.s.mode === 'float64' && this.confirmProfile !== undefined && this.failure === undefined && !withinSizes(input, this.confirmProfile);
  }

  progress(): void {
    const { claim, mode, opts, start } = this.s;
    opts.onProgress?.({
      claim: claim.id,
      mode,
      phase: this.phase,
      cases: this.cases,
      nonTrivial: this.nonTrivial,
      undecided: this.undecidedCases,
      falseAlarms: this.falseAlarms,
      shrinkSteps: this.shrinkSteps,
      elapsedMs: performance.now() - start,
      ...(this.tight?.d.ratio !== undefined ? { worstRatio: this.tight.d.ratio } : {}),
    });
  }

  /** Reports progress at most every PROGRESS_EVERY_MS. */
  private throttledProgress(): void {
    const now = performance.now();
    if (now - this.lastProgress >= PROGRESS_EVERY_MS) {
      this.lastProgress = now;
      this.progress();
    }
  }

  /** Counts one search case (shrink steps are not cases) and keeps the tightest slack seen. */
  record(input: unknown, out: CaseOutcome): void {
    this.cases++;
    let nt = false;
    try {
      nt = this.s.claim.nonTrivial(input);
    } catch {
      nt = false;
    }
    if (nt) this.nonTrivial++;
    if (out.status === 'undecided') {
      this.undecidedCases++;
    }
    this.undecidedComparisons += out.decisions.filter((d) => d.holds === 'undecided').length;
    if (out.tightest !== undefined) {
      const d = out.decisions[out.tightest]!;
      const vacuous = out.tightestVacuous ?? false;
      if (!vacuous) this.hist.add(d); // a relation that holds because a side is +infinity has no slack to speak of
      if (!this.tight || tighter(d, this.tight.d, vacuous, this.tight.vacuous)) this.tight = { d, input, vacuous };
    }
  }

  /** Adds a failure fast-check will shrink to the chain; a certified one becomes the failure. */
  private accept(input: unknown, out: CaseOutcome, evaluatedIn: Mode, screened: boolean): void {
    this.chain.push({ input, out });
    if (screened) return;
    this.failure = { claim: this.s.claim.id, input, outcome: out, evaluatedIn, shrinkStep: this.chain.length - 1 };
    this.s.opts.onFailure?.(this.failure);
  }

  /** fast-check's predicate: evaluates one case (or shrink step), re-checks a float64 candidate
   *  in its certified mode, records a search case, and says false only for a failure to shrink. */
  readonly predicate = (input: unknown): boolean => {
    const { claim, F, mode } = this.s;
    let out = evaluateCase(claim, F, input);
    let evaluatedIn: Mode = mode;
    // A float64 candidate larger than the sizes its certified mode samples is taken on float64
    // alone and shrunk first: its re-check (seconds to minutes at float64 sizes) waits for the
    // smallest failure the shrinker finds (settleScreened), which every run re-checks.
    const screened = out.status === 'fail' && this.screenFirst(input);
    if (out.status === 'fail' && mode === 'float64' && !screened) {
      const c = this.recheck(input, out);
      if (!c) return true;
      out = c.outcome;
      evaluatedIn = c.mode;
    }
    // a screened candidate is recorded once its re-check is known (settleScreened)
    if (this.phase === 'search' && !screened) this.record(input, out);
    this.throttledProgress();
    if (out.status !== 'fail' && out.status !== 'error') return true;
    if (this.phase === 'shrink' && out.status !== this.failKind) return true; // shrink towards the same kind of failure
    if (this.phase === 'search') this.startShrinking(input, out, out.status, screened);
    else this.shrinkSteps++;
    this.accept(input, out, evaluatedIn, screened);
    return false;
  };

  /** Re-checks a float64 candidate in its certified mode, at once: the confirmed outcome, or
   *  undefined when it is not confirmed (the case passes; a search case is recorded here). */
  private recheck(input: unknown, out: CaseOutcome): { outcome: CaseOutcome; mode: Mode } | undefined {
    const c = confirm(this.s.claim, input, this.s.confirmMode);
    if (c.status === 'error') {
      // The certified re-check could not run (the claim threw there, or it has no exact or
      // precise mode): the candidate is neither confirmed nor refuted, so the case is undecided.
      if (this.phase === 'search') this.record(input, unconfirmed(out));
      return undefined;
    }
    if (c.status !== 'fail') {
      // Not confirmed (the re-check holds, or is undecided: then the case is undecided too): a
      // float64 false alarm. Its statistics come from the certified re-check.
      if (this.phase === 'search') {
        this.falseAlarms++;
        this.record(input, c.outcome);
      }
      return undefined;
    }
    return { outcome: c.outcome, mode: c.mode };
  }

  /** The search's first failure: shrinking starts, towards failures of the same kind. */
  private startShrinking(input: unknown, out: CaseOutcome, kind: 'fail' | 'error', screened: boolean): void {
    this.failKind = kind;
    this.phase = 'shrink';
    if (screened) this.unrecorded = { input, out };
    // Shrinking gets its own budget, whatever was left of the search's.
    this.s.stop.deadline = performance.now() + this.s.shrinkSeconds * 1000;
  }

  /** The pass ended on float64 failures none of which was re-checked yet (all screened). */
  onlyScreened(): boolean {
    return this.failKind === 'fail' && this.failure === undefined && this.chain.length > 0;
  }

  /**
   * After a pass whose failures were all screened (none re-checked yet): re-check the smallest,
   * then, if that is not confirmed, the first (the search's candidate). The first confirmed one
   * is the failure, at chain index `at`; none confirmed makes the candidate a false alarm (or an
   * undecided case when its re-check cannot run), and the search goes on after it.
   */
  settleScreened(): { at: number } | undefined {
    const { claim, confirmMode } = this.s;
    const chain = this.chain;
    const first = chain[0]!;
    let firstCheck: ReturnType<typeof confirm> | undefined;
    let at: number | undefined;
    for (const j of chain.length > 1 ? [chain.length - 1, 0] : [0]) {
      const c = confirm(claim, chain[j]!.input, confirmMode);
      if (j === 0) firstCheck = c;
      if (c.status === 'fail') {
        at = j;
        this.failure = { claim: claim.id, input: chain[j]!.input, outcome: c.outcome, evaluatedIn: c.mode, shrinkStep: j };
        break;
      }
    }
    // the candidate's statistics: its certified re-check where it was run, else its float64 outcome
    this.unrecorded = undefined;
    if (!firstCheck) this.record(first.input, first.out);
    else if (firstCheck.status === 'error') this.record(first.input, unconfirmed(first.out));
    else {
      if (firstCheck.status !== 'fail') this.falseAlarms++;
      this.record(first.input, firstCheck.outcome);
    }
    if (at === undefined) return undefined;
    this.s.opts.onFailure?.(this.failure!);
    return { at };
  }

  /** After a false alarm: the next pass searches again, with the search's own deadline. */
  restartSearch(searchDeadline: number | undefined): void {
    this.phase = 'search';
    this.failKind = undefined;
    this.chain = [];
    this.shrinkSteps = 0;
    this.s.stop.deadline = searchDeadline;
  }
}

/** What the passes leave for the result: fast-check's last run, the failure's path, and whether
 *  the failure is the end of its shrink chain. */
interface PassesOutcome {
  details: fc.RunDetails<unknown>;
  path: string | undefined;
  shrunkToEnd: boolean;
}

/** The case a pass starts at: its fast-check path when that is one case index (no shrink segments), else 0. */
function startOf(passPath: string | undefined): number {
  return passPath && !passPath.includes(':') ? Number(passPath) : 0;
}

/**
 * Runs fast-check passes until one ends without screened failures, settles on a confirmed one,
 * or ends on a false alarm with no case left to go on to (a replayed path, an input, the budget
 * spent, a stop). A pass starts at a fast-check path: the user's, or the case after a float64 false alarm
 * found by a screened shrink (fast-check's runs continue from a one-segment path).
 */
function runPasses(s: RunSetup, run: CheckRun): PassesOutcome {
  const { opts, runs, seed, arb, stop, earlier } = s;
  const searchDeadline = stop.deadline;
  let passPath = earlier ? String(earlier.cases) : opts.path;
  const end = startOf(passPath) + runs;
  let details: fc.RunDetails<unknown>;
  let path: string | undefined;
  let shrunkToEnd = true;
  for (;;) {
    const startAt = startOf(passPath);
    details = fc.check(fc.property(arb, run.predicate), {
      seed,
      numRuns: passPath && !passPath.includes(':') ? end - startAt : runs,
      ...(passPath ? { path: passPath } : {}),
      plugins: [stopPlugin(stop)],
    });
    path = details.counterexamplePath ?? undefined;
    if (!run.onlyScreened()) {
      // a screened candidate whose shrink reached a confirmed failure: its float64 statistics
      if (run.unrecorded) run.record(run.unrecorded.input, run.unrecorded.out);
      break;
    }
    const settled = run.settleScreened();
    if (settled) {
      // the path of chain entry `at`: fast-check's path to the last entry, less one segment per later entry
      const segments = path!.split(':');
      path = segments.slice(0, segments.length - (run.chain.length - 1 - settled.at)).join(':');
      run.shrinkSteps = settled.at;
      shrunkToEnd = settled.at === run.chain.length - 1;
      break;
    }
    // a false alarm: search on from the next case, unless the run was a replay of one path, or ended
    const next = Number(path!.split(':')[0]) + 1;
    run.restartSearch(searchDeadline);
    if ((opts.path && opts.path.includes(':')) || next >= end || (opts.input !== undefined) || stop.shouldStop?.() || (searchDeadline !== undefined && performance.now() >= searchDeadline)) {
      path = undefined;
      break;
    }
    passPath = String(next);
  }
  return { details, path, shrunkToEnd };
}

/** The result of the run: its counts and budget (added to an earlier run's), the worst case's
 *  witness, and the verdict with its witness. */
function assembleResult(s: RunSetup, run: CheckRun, passes: PassesOutcome): EngineResult {
  const { claim, opts, mode, seed, runs, dropped, confirmMode, earlier, start } = s;
  const { details } = passes;
  const timeMs = performance.now() - start + (earlier?.timeMs ?? 0);
  const budget = opts.runs !== undefined || opts.seconds === undefined ? { runs: runs + (earlier?.budget.runs ?? 0) } : { seconds: opts.seconds + (earlier?.budget.seconds ?? 0) };
  const runReplay = replayCommand({ command: opts.command, claim: claim.id, mode, seed, runs: run.cases, dropped });

  const result: EngineResult = {
    id: claim.id,
    mode,
    verdict: 'verified',
    cases: run.cases,
    nonTrivial: run.nonTrivial,
    undecided: run.undecidedCases,
    seed,
    budget,
    timeMs,
    replay: runReplay,
    dropped,
    falseAlarms: run.falseAlarms,
    undecidedComparisons: run.undecidedComparisons,
    errors: run.failKind === 'error' ? 1 : 0,
    shrinkSteps: run.shrinkSteps,
    interrupted: details.interrupted,
    ...(confirmMode ? { confirmMode } : {}),
  };
  const h = run.hist.result();
  if (h) result.slackHistogram = h;
  addWorstSlack(s, run, result, runReplay);
  result.verdict = addVerdict(s, run, passes, result);
  if (claim.statistical) {
    const { delta, deltaText, method } = claim.statistical;
    result.statistical = { delta, deltaText, confidence: 1 - delta, familywiseDelta: Math.min(1, run.cases * delta), method };
  }
  return result;
}

/** The tightest case's slack and witness (an earlier run's worst case keeps its own witness). */
function addWorstSlack(s: RunSetup, run: CheckRun, result: EngineResult, runReplay: string): void {
  const { claim, mode, dropped, seed } = s;
  const tight = run.tight;
  if (tight?.input === EARLIER) result.worstSlack = s.earlier?.worstSlack;
  else if (tight) {
    const w = safeWitness(claim, tight.input, mode, mode, false, dropped, seed, undefined, false, runReplay);
    result.worstSlack = { slack: tight.d.slack, ...(tight.d.ratio !== undefined ? { ratio: tight.d.ratio } : {}), witness: w.witness };
    if (w.error) result.error = w.error;
  }
}

/** The verdict (see the top of this file), with the counterexample's or the error's witness. */
function addVerdict(s: RunSetup, run: CheckRun, passes: PassesOutcome, result: EngineResult): Verdict {
  const { claim, opts, mode, seed, dropped, maxUndecidedShare } = s;
  const { failure, failKind, cases } = run;
  const { path } = passes;
  if (failure && failKind === 'fail') {
    const shrunk = !passes.details.interrupted && passes.shrunkToEnd;
    const replay = replayCommand({ command: opts.command, claim: claim.id, mode, seed, runs: cases, path, dropped });
    const w = safeWitness(claim, failure.input, mode, failure.evaluatedIn, true, dropped, seed, path, shrunk, replay);
    if (w.witness) result.counterexample = w.witness;
    if (w.error) result.error = w.error;
    result.failing = failingFamilies(failure.outcome);
    result.counterexampleInput = failure.input;
    return 'counterexample';
  }
  if (failure && failKind === 'error') {
    const replay = replayCommand({ command: opts.command, claim: claim.id, mode, seed, runs: cases, path, dropped });
    result.error = `claim ${claim.id} threw on an input: ${failure.outcome.error ?? 'unknown error'}`;
    const sizes = describeSizes(failure.input);
    result.errorWitness = { input: encode(failure.input), error: failure.outcome.error ?? '', replay, ...(sizes ? { sizes } : {}) };
    return 'error';
  }
  if (cases === 0 || run.undecidedCases > maxUndecidedShare * cases) return 'undecided';
  return claim.statistical ? 'statistical' : 'verified';
}

/** A float64 outcome whose failing comparisons could not be re-checked: those are undecided
 *  (no tightest: an uncertified slack says nothing about the worst case). */
function unconfirmed(out: CaseOutcome): CaseOutcome {
  const decisions = out.decisions.map((d): Decision => (d.holds === false ? { ...d, holds: 'undecided' } : d));
  return { status: 'undecided', decisions, labels: out.labels };
}

function safeWitness(
  claim: Claim,
  input: unknown,
  foundIn: Mode,
  evaluatedIn: Mode,
  confirmed: boolean,
  dropped: string[],
  seed: number,
  path: string | undefined,
  shrunk: boolean,
  replay: string,
): { witness: Witness; error?: string } {
  try {
    return { witness: makeWitness({ claim, input, foundIn, evaluatedIn, confirmed, dropped, seed, path, shrunk, replay }) };
  } catch (e) {
    // Evaluating the sides once more failed (it did not during the run): keep the input, say why.
    const error = `could not format the witness of ${claim.id}: ${e instanceof Error ? e.message : String(e)}`;
    return {
      witness: { claim: claim.id, foundIn, input: encodeOrNull(input), comparisons: [], dropped, seed, shrunk, replay },
      error,
    };
  }
}

function encodeOrNull(input: unknown): JSONValue {
  try {
    return encode(input);
  } catch {
    return null;
  }
}
