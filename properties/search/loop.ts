/**
 * The search loop one worker runs: batch after batch from its own slice of the seed space
 * (seeds.ts), until a confirmed failure, the budget, or a stop request. It knows nothing
 * of claims: a `Batcher` runs one batch and reports what it saw.
 *
 * Same seed, same outcome, whatever the number of workers: the batches of a shard are
 * numbered 0, 1, 2, ... (their *ordinal*); worker w of W runs the ordinals o = w (mod W), each
 * from the fast-check seed of its global batch number and with a case count that depends on o
 * alone (a case budget is cut into batches in ordinal order, the last one partial). The
 * failure a search returns is the one of the LOWEST failing ordinal: a failure at ordinal o
 * stops only the batches above o (a shared `bound`), and the batches below o run to their end.
 * So the set of batches run and the failure kept are those of a single worker running the
 * ordinals in order; only the wall time differs. (With a time budget the same holds as long
 * as the failing batch is reached before the deadline.)
 */
import { batchIndex, batchSeed, type Shard } from './seeds.ts';

/** Counts of one batch (or of a whole worker run). `cases` are the property's cases (fast-check,
 *  each decided in the search's mode); `ascents` are restarts of the optimiser and `evaluations`
 *  its float64 evaluations (violation.ts). nonTrivial and falseAlarms count both kinds. */
export interface Counts {
  cases: number;
  nonTrivial: number;
  undecided: number;
  falseAlarms: number;
  ascents?: number;
  evaluations?: number;
}

/** Callbacks a batcher calls while its batch runs. */
interface BatchHooks {
  /** The counts of the running batch so far (absolute within the batch), and the largest
   *  ratio of the two sides seen in it (> 1 is a violation), when the claim has ratios. */
  report(batch: Counts, worstRatio?: number): void;
  /** True when the batch should end early (a stop request; the search deadline is passed
   *  to the batcher separately, so that shrinking is not cut by it). */
  shouldStop(): boolean;
  /** A confirmed failing input seen (the first, then each smaller one during shrinking):
   *  posted at once, so that an interrupted search still has it. */
  onCandidate(candidate: unknown): void;
}

interface BatchOutcome<W> {
  counts: Counts;
  /** A failure, shrunk and confirmed in exact or precise arithmetic. */
  confirmed?: W;
  /** The batch ended on an error (the claim threw): reported, and the search ends. */
  error?: string;
}

export interface Batcher<W> {
  /** Runs up to `runs` cases from fast-check seed `seed`, the search phase ending at the
   *  epoch-ms `deadline` when given. `info.kind` says which kind of batch this is: 'cases'
   *  (the property's cases) or 'ascent' (the optimiser, a fixed amount of work). */
  runBatch(seed: number, runs: number, deadline: number | undefined, hooks: BatchHooks, info: BatchInfo): BatchOutcome<W>;
}

interface BatchInfo {
  /** The batch's number in its shard (0, 1, 2, ...). */
  ordinal: number;
  kind: 'cases' | 'ascent';
}

/**
 * What batch `ordinal` is when every `every`-th batch is an ascent batch (`every` = 0: none):
 * its kind, and for a case batch its index among the case batches (which fixes its share of a
 * case budget); an ascent batch runs while the case batch before it still had cases to run.
 */
function batchPlan(ordinal: number, every: number | undefined): { kind: 'cases' | 'ascent'; caseIndex: number } {
  if (!every || every < 2) return { kind: 'cases', caseIndex: ordinal };
  const ascentsBefore = Math.floor((ordinal + 1) / every);
  // an ascent batch: caseIndex is the index of the case batch just before it
  if ((ordinal + 1) % every === 0) return { kind: 'ascent', caseIndex: ordinal - ascentsBefore };
  return { kind: 'cases', caseIndex: ordinal - ascentsBefore };
}

/** No failure yet: the initial value of a shared bound. */
export const NO_BOUND = 0x7fffffff;

/** A shared "lowest failing ordinal so far" (one Int32 in a SharedArrayBuffer, posted to every worker). */
export function newBound(): Int32Array {
  const b = new Int32Array(new SharedArrayBuffer(4));
  b[0] = NO_BOUND;
  return b;
}

/** Lowers the bound to `ordinal` unless it is already lower (atomic). */
function lowerBound(bound: Int32Array, ordinal: number): void {
  for (;;) {
    const cur = Atomics.load(bound, 0);
    if (cur <= ordinal || Atomics.compareExchange(bound, 0, cur, ordinal) === cur) return;
  }
}

/** Cases of the batch with this ordinal under a case budget (batches of `batchRuns`, the last one partial). */
function casesOfBatch(ordinal: number, batchRuns: number, totalRuns: number | undefined): number {
  if (totalRuns === undefined) return batchRuns;
  return Math.max(0, Math.min(batchRuns, totalRuns - ordinal * batchRuns));
}

export interface LoopJob {
  seed: number;
  shard: Shard;
  /** The case budget of the whole shard, over all workers (undefined: time only). */
  runs?: number;
  /** Shared lowest failing ordinal (newBound()); batches above it do not run. */
  bound?: Int32Array;
  /** Every `ascentEvery`-th batch is an ascent batch (batchPlan); 0 or absent: none. */
  ascentEvery?: number;
  /** Epoch ms (Date.now(); shared across threads) after which no new batch starts and the
   *  running batch's search phase ends. */
  deadline?: number;
  /** Cases per fast-check batch. */
  batchRuns: number;
  /** Progress message period. */
  progressMs?: number;
  /** Number of this worker's first batch (a restarted worker resumes after a stalled batch). */
  firstBatch?: number;
}

export interface LoopProgress extends Counts {
  type: 'progress';
  /** The batch running now (its number in this worker's sequence) and its fast-check seed. */
  batch: number;
  seed: number;
  /** Largest ratio of the two sides seen by this worker so far. */
  worstRatio?: number;
}

export interface LoopCandidate {
  type: 'candidate';
  candidate: unknown;
  seed: number;
}

export interface LoopFound<W> {
  type: 'found';
  witness: W;
  seed: number;
  /** Ordinal of the failing batch in its shard (the lowest one wins). */
  ordinal: number;
}

export interface LoopResult<W> extends Counts {
  batches: number;
  /** Fast-check seeds of the batches this worker ran, in order (to show shards are disjoint). */
  seeds: number[];
  found?: W;
  /** Ordinal of the batch that found it. */
  foundOrdinal?: number;
  error?: string;
  stopped: boolean;
}

export interface LoopContext {
  worker: number;
  workers: number;
  post(msg: LoopProgress | LoopCandidate | LoopFound<unknown>): void;
  shouldStop(): boolean;
}

export const ZERO: Counts = { cases: 0, nonTrivial: 0, undecided: 0, falseAlarms: 0 };

export function plus(a: Counts, b: Counts): Counts {
  const out: Counts = {
    cases: a.cases + b.cases,
    nonTrivial: a.nonTrivial + b.nonTrivial,
    undecided: a.undecided + b.undecided,
    falseAlarms: a.falseAlarms + b.falseAlarms,
  };
  const ascents = (a.ascents ?? 0) + (b.ascents ?? 0);
  const evaluations = (a.evaluations ?? 0) + (b.evaluations ?? 0);
  if (ascents || evaluations) Object.assign(out, { ascents, evaluations });
  return out;
}

export function runLoop<W>(job: LoopJob, batcher: Batcher<W>, ctx: LoopContext): LoopResult<W> {
  const progressMs = job.progressMs ?? 250;
  let done: Counts = ZERO;
  const seeds: number[] = [];
  let lastPost = 0;
  let currentSeed = 0;
  let b = job.firstBatch ?? 0;
  const post = (c: Counts, force = false) => {
    const t = Date.now();
    if (!force && t - lastPost < progressMs) return;
    lastPost = t;
    ctx.post({ type: 'progress', ...c, batch: b, seed: currentSeed, ...(worst !== undefined ? { worstRatio: worst } : {}) });
  };
  let worst: number | undefined;
  let ordinal = 0;
  // a lower batch has failed: this one cannot be the search's answer
  const beaten = () => job.bound !== undefined && Atomics.load(job.bound, 0) < ordinal;
  const hooks: BatchHooks = {
    report: (batch, ratio) => {
      if (ratio !== undefined && Number.isFinite(ratio) && (worst === undefined || ratio > worst)) worst = ratio;
      post(plus(done, batch));
    },
    shouldStop: () => ctx.shouldStop() || beaten(),
    onCandidate: (candidate) => ctx.post({ type: 'candidate', candidate, seed: currentSeed }),
  };
  let emptyRun = 0;
  const timeUp = () => job.deadline !== undefined && Date.now() >= job.deadline;
  for (; ; b++) {
    if (ctx.shouldStop()) return { ...done, batches: seeds.length, seeds, stopped: true };
    if (timeUp()) break;
    ordinal = b * ctx.workers + ctx.worker;
    if (beaten()) break;
    const plan = batchPlan(ordinal, job.ascentEvery);
    // an ascent batch runs while the case batch before it (index caseIndex) had cases to run
    const left = casesOfBatch(plan.caseIndex, job.batchRuns, job.runs);
    if (left <= 0) break;
    currentSeed = batchSeed(job.seed, batchIndex(job.shard, ctx.worker, ctx.workers, b));
    seeds.push(currentSeed);
    post(done, true); // announces the batch (and its seed) before it runs
    const out = batcher.runBatch(currentSeed, left, job.deadline, hooks, { ordinal, kind: plan.kind });
    done = plus(done, out.counts);
    // a batch that ran no case (stopped or out of time before its first) ends the loop
    const empty = out.counts.cases === 0 && !out.counts.ascents;
    if (out.confirmed !== undefined && !beaten()) {
      if (job.bound) lowerBound(job.bound, ordinal);
      post(done, true);
      ctx.post({ type: 'found', witness: out.confirmed, seed: currentSeed, ordinal });
      return { ...done, batches: seeds.length, seeds, found: out.confirmed, foundOrdinal: ordinal, stopped: false };
    }
    if (beaten()) break;
    if (out.error !== undefined) {
      post(done, true);
      return { ...done, batches: seeds.length, seeds, error: out.error, stopped: false };
    }
    emptyRun = empty ? emptyRun + 1 : 0;
    if (empty && (ctx.shouldStop() || timeUp() || emptyRun >= 3)) break;
  }
  post(done, true);
  return { ...done, batches: seeds.length, seeds, stopped: ctx.shouldStop() };
}
