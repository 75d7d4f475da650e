/**
 * One counterexample search across worker threads (main-thread side).
 *
 * K workers each run the seed loop on their own slice of the (shard's) seed space (loop.ts);
 * the failure returned is the one of the lowest-numbered failing batch, so that the same seed
 * gives the same witness whatever K (a failure stops only the batches numbered above it). The
 * budget is a time (every worker searches until the shared deadline) or a number of cases
 * (cut into batches in order, whatever K).
 * Everything that comes back is kept as it arrives: per-worker counts, and every confirmed
 * failing input a worker met while shrinking, so that a stopped search (Ctrl-C) still
 * returns its best failure, marked not fully shrunk.
 */
import { defaultMode, lossFlags } from '../user-loss.ts';
import type { Mode } from '../../numeric/field.ts';
import type { Claim, HypothesisName } from '../../theory/claim.ts';
import { decode } from '../../theory/codec.ts';
import type { Witness } from '../../theory/results.ts';
import { confirm, confirmModeFor, failingFamilies } from '../_internals/evaluate.ts';
import { makeWitness } from '../_internals/witness.ts';
import type { Shard } from '../_internals/seeds.ts';
import { defaultRuns } from '../engine.ts';
import { NO_BOUND, ZERO, newBound, plus, type Counts, type LoopCandidate, type LoopFound, type LoopProgress, type LoopResult } from './loop.ts';
import type { Found, SearchJob } from './handler.ts';
import { WorkerPool } from './pool.ts';
import { WHOLE, shardText } from './seeds.ts';
import { isInequality } from './tighten.ts';
import { smtFirst } from './smt-first.ts';
import type { SearchOptions, SearchOutcome } from './search-types.ts';

export type { SearchOutcome, SearchProgress } from './search-types.ts';

export const HANDLER = new URL('./handler.ts', import.meta.url);

/** One ascent batch in two: 16 restarts of 80 evaluations (bench/search.ts measured 16 x 80 fastest
 *  to the first failure of L34 without L >= 1, against 8 x 150, 4 x 300 and 2 x 600). */
const DEFAULT_ASCENT = { every: 2, restarts: 16, evals: 80 };

/** Cases per batch: short batches (a quarter of the engine's default run), because a failure
 *  waits for the batches numbered below it to finish (loop.ts: the lowest failing batch wins). */
function defaultBatchRuns(claim: Claim, mode: Mode): number {
  return Math.max(4, Math.ceil(defaultRuns(claim, mode) / 4));
}

interface WorkerState {
  /** Counts of finished jobs of this worker (a replaced thread's last progress included). */
  base: Counts;
  /** Latest progress of the running job. */
  last: Counts;
  batch: number;
  seed: number;
  lastActivity: number;
  shrinkingSince?: number;
  seeds: number[];
  stalled: number[];
  replacing: boolean;
  done: boolean;
  worstRatio?: number;
}

function countsOf(c: Counts): Counts {
  const out: Counts = { cases: c.cases, nonTrivial: c.nonTrivial, undecided: c.undecided, falseAlarms: c.falseAlarms };
  if (c.ascents || c.evaluations) Object.assign(out, { ascents: c.ascents ?? 0, evaluations: c.evaluations ?? 0 });
  return out;
}

/** The SMT engine first, then sampling (unless the solver settled it). */
export async function search(opts: SearchOptions): Promise<SearchOutcome> {
  const t0 = Date.now();
  // within the budget: the solver gets at most half of a time budget, sampling the rest
  const smtSeconds = opts.smtSeconds && opts.withinBudget && opts.seconds !== undefined ? Math.min(opts.smtSeconds, opts.seconds / 2) : opts.smtSeconds;
  const smt = smtSeconds ? await smtFirst(opts.claim, opts.dropped ?? [], smtSeconds, opts.mode, opts.signal) : undefined;
  if (smt?.settled) return smt.settled(opts);
  const left = opts.withinBudget && opts.seconds !== undefined ? Math.max(0.01, opts.seconds - (Date.now() - t0) / 1000) : undefined;
  // the sampling gets what the solver left; the result and its replay commands name the budget asked for
  const out = await sampleSearch(left !== undefined ? { ...opts, seconds: left } : opts, budgetOf(opts));
  return smt ? { ...out, smt: smt.verdict } : out;
}

function budgetOf(opts: SearchOptions): { runs: number } | { seconds: number } {
  return opts.runs !== undefined ? { runs: opts.runs } : { seconds: opts.seconds ?? 10 };
}

/** Sampling and the ascent until `opts`' budget is spent; `asked` is the budget the result and
 *  its replay commands report (the whole search's, when the solver took its share first). */
async function sampleSearch(opts: SearchOptions, asked: { runs: number } | { seconds: number }): Promise<SearchOutcome> {
  const p = planSearch(opts, asked);
  const run = new SampleRun(p, openPool(p));
  await run.collect();
  return run.outcome();
}

/** One sampling search's fixed plan: the options' defaults filled in once, before any worker
 *  starts (the budget, its deadline, the shrinking and watchdog times, and what every job shares). */
interface SearchPlan {
  opts: SearchOptions;
  asked: { runs: number } | { seconds: number };
  claim: Claim;
  mode: Mode;
  dropped: HypothesisName[];
  shard: Shard;
  /** Worker threads (one slice of the seed space each). */
  W: number;
  budget: { runs?: number; seconds?: number };
  start: number;
  deadline: number | undefined;
  shrinkSeconds: number;
  simplifySeconds: number;
  stallMs: number;
  graceMs: number;
  batchRuns: number;
  ascent: { every: number; restarts: number; evals: number } | undefined;
  /** The command that reruns the whole search (each job's witnesses name it). */
  replayAll: string;
}

/** Fills in the defaults; the clock starts here, so a time budget counts the pool's start-up. */
function planSearch(opts: SearchOptions, asked: { runs: number } | { seconds: number }): SearchPlan {
  const { claim } = opts;
  const mode = opts.mode ?? defaultMode(claim);
  const dropped = opts.dropped ?? [];
  const shard = opts.shard ?? WHOLE;
  const W = opts.workers;
  const budget: { runs?: number; seconds?: number } = budgetOf(opts);
  const start = Date.now();
  const deadline = budget.seconds !== undefined ? start + budget.seconds * 1000 : undefined;
  // shrinking gets its own time, in proportion to a short budget (ablate runs many short searches):
  // fast-check's shrinking briefly (it re-evaluates the whole property at each step), then the
  // structural pass (simplify.ts), which deletes rows, columns, ranks and steps and finds the
  // simplest entries directly
  const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));
  const shrinkSeconds = opts.shrinkSeconds ?? (budget.seconds !== undefined ? clamp(budget.seconds / 4, 0.5, 5) : 5);
  const simplifySeconds = opts.simplifySeconds ?? (budget.seconds !== undefined ? clamp(budget.seconds, 2, 10) : 10);
  const stallMs = (opts.stallSeconds ?? 20) * 1000;
  const graceMs = (opts.graceSeconds ?? 3) * 1000;
  const batchRuns = opts.batchRuns ?? defaultBatchRuns(claim, mode);
  // a statistical claim's case is a Monte-Carlo experiment: no float64 ascent over it
  const ascent = opts.ascent === false || claim.statistical ? undefined : (opts.ascent ?? (isInequality(claim) ? DEFAULT_ASCENT : undefined));
  const replayAll = searchCommand({ claim: claim.id, mode, dropped, seed: opts.seed, shard, workers: W, budget: asked });
  return { opts, asked, claim, mode, dropped, shard, W, budget, start, deadline, shrinkSeconds, simplifySeconds, stallMs, graceMs, batchRuns, ascent, replayAll };
}

/** The caller's pool (ablate reuses one across searches), or one of our own, closed at the end. */
function openPool(p: SearchPlan): { pool: WorkerPool; own: boolean } {
  const pool = p.opts.pool ?? new WorkerPool({ workers: p.W, handler: HANDLER });
  if (pool.size !== p.W) throw new RangeError(`search: pool has ${pool.size} workers, expected ${p.W}`);
  return { pool, own: !p.opts.pool };
}

/**
 * The mutable state of one sampling search (per-worker counts, the failure of the lowest batch,
 * a shrinking candidate, the stop) and the steps that change it: the workers' messages and
 * results arrive in any order, so everything lives here rather than in locals.
 */
class SampleRun {
  readonly st: WorkerState[];
  found: Found | undefined;
  foundOrdinal = NO_BOUND;
  /** The lowest failing batch ordinal, shared with the workers (they poll it: loop.ts). */
  readonly bound = newBound();
  timeToFirstMs: number | undefined;
  candidate: { input: unknown; seed: number } | undefined;
  interrupted = false;
  interruptedAt: number | undefined;
  error: string | undefined;
  private readonly pool: WorkerPool;
  private readonly ownPool: boolean;

  constructor(
    private readonly p: SearchPlan,
    opened: { pool: WorkerPool; own: boolean },
  ) {
    this.pool = opened.pool;
    this.ownPool = opened.own;
    this.st = Array.from({ length: p.W }, () => ({
      base: ZERO,
      last: ZERO,
      batch: 0,
      seed: 0,
      lastActivity: Date.now(),
      seeds: [],
      stalled: [],
      replacing: false,
      done: false,
    }));
  }

  /** Keeps the failure of the lowest batch ordinal (loop.ts). */
  take(f: Found, ordinal: number): void {
    if (ordinal >= this.foundOrdinal) return;
    this.found = f;
    this.foundOrdinal = ordinal;
    this.timeToFirstMs ??= Date.now() - this.p.start;
  }

  total(): Counts {
    return this.st.reduce((a, w) => plus(a, plus(w.base, w.last)), ZERO);
  }

  worstRatio(): number | undefined {
    const r = this.st.map((w) => w.worstRatio).filter((x): x is number => x !== undefined);
    return r.length ? Math.max(...r) : undefined;
  }

  report(): void {
    const t = this.total();
    const elapsedMs = Date.now() - this.p.start;
    this.p.opts.onProgress?.({
      ...t,
      elapsedMs,
      casesPerSecond: t.cases / Math.max(1e-3, elapsedMs / 1000),
      failures: this.found ? 1 : 0,
      shrinking: this.st.some((w) => w.shrinkingSince !== undefined && !w.done),
      ...(this.worstRatio() !== undefined ? { worstRatio: this.worstRatio()! } : {}),
    });
  }

  /** Ctrl-C (the signal): every worker is told to stop and keeps what it has. */
  readonly onAbort = (): void => {
    if (this.interrupted) return;
    this.interrupted = true;
    this.interruptedAt = Date.now();
    this.pool.stopAll();
  };

  /** Runs every worker to its end, with the watchdog and the progress ticks alongside; the
   *  pool is closed (when it is ours) whatever happens. */
  async collect(): Promise<void> {
    const { opts } = this.p;
    if (opts.signal?.aborted) this.onAbort();
    opts.signal?.addEventListener('abort', this.onAbort);
    const watchdog = setInterval(() => this.watch(), 100);
    const ticker = opts.onProgress ? setInterval(() => this.report(), 500) : undefined;
    try {
      await Promise.all(this.st.map((_, w) => this.supervise(w)));
    } finally {
      clearInterval(watchdog);
      if (ticker) clearInterval(ticker);
      opts.signal?.removeEventListener('abort', this.onAbort);
      if (this.ownPool) await this.pool.close();
    }
  }

  /** Worker w's job from batch `firstBatch` on (after a replaced thread: the batch after the stalled one). */
  private jobFor(w: number, firstBatch: number): SearchJob {
    const p = this.p;
    return {
      kind: 'search',
      claim: p.claim.id,
      mode: p.mode,
      dropped: p.dropped,
      shrinkSeconds: p.shrinkSeconds,
      simplifySeconds: p.simplifySeconds,
      seed: p.opts.seed,
      shard: p.shard,
      batchRuns: p.batchRuns,
      firstBatch,
      bound: this.bound,
      replay: p.replayAll,
      ...(p.ascent ? { ascentEvery: p.ascent.every, ascent: { restarts: p.ascent.restarts, evals: p.ascent.evals } } : {}),
      ...(p.budget.runs !== undefined ? { runs: p.budget.runs } : {}),
      ...(p.deadline !== undefined ? { deadline: p.deadline } : {}),
    };
  }

  /** A worker's message while its job runs: progress counts, the start of shrinking (with the
   *  candidate kept for a stopped search), or a found failure. */
  private onMessage(w: number, m: unknown): void {
    const s = this.st[w]!;
    const msg = m as LoopProgress | LoopCandidate | LoopFound<Found>;
    s.lastActivity = Date.now();
    if (msg.type === 'progress') {
      s.last = countsOf(msg);
      if (msg.worstRatio !== undefined && !(s.worstRatio !== undefined && s.worstRatio >= msg.worstRatio)) s.worstRatio = msg.worstRatio;
      s.batch = msg.batch;
      s.seed = msg.seed;
    } else if (msg.type === 'candidate') {
      s.shrinkingSince ??= Date.now();
      if (!this.found) this.candidate = { input: (msg.candidate as { input: unknown }).input, seed: msg.seed };
    } else if (msg.type === 'found') this.take(msg.witness, msg.ordinal);
  }

  /** One supervisor per worker: runs its job; when the thread was replaced because a case
   *  never ended, the batch's seed is recorded and the worker resumes with its next batch. */
  private async supervise(w: number): Promise<void> {
    const s = this.st[w]!;
    const { deadline } = this.p;
    let firstBatch = 0;
    // stopped before its first batch (Ctrl-C during the SMT engine's turn): no job at all, for a
    // job posted after pool.stopAll would not hear the stop
    while (!this.interrupted) {
      s.lastActivity = Date.now();
      s.shrinkingSince = undefined;
      const job = this.pool.submit<LoopResult<Found>>(w, this.jobFor(w, firstBatch), (m) => this.onMessage(w, m));
      try {
        const r = await job.result;
        s.base = plus(s.base, countsOf(r));
        s.last = ZERO;
        s.seeds.push(...r.seeds);
        if (r.found && r.foundOrdinal !== undefined) this.take(r.found, r.foundOrdinal);
        if (r.error && !this.error) this.error = r.error;
        break;
      } catch (e) {
        if (!s.replacing) {
          if (!this.error) this.error = e instanceof Error ? e.message : String(e);
          break;
        }
        s.replacing = false;
        s.base = plus(s.base, s.last);
        s.last = ZERO;
        s.stalled.push(s.seed);
        s.seeds.push(...(s.seeds.includes(s.seed) ? [] : [s.seed]));
        firstBatch = s.batch + 1;
        const over = deadline !== undefined && Date.now() >= deadline;
        if (this.interrupted || over || this.pool.closed) break;
      }
    }
    s.done = true;
  }

  /** The watchdog's tick: threads that stopped answering (a stall outside shrinking, or still
   *  running after a stop, the deadline or a lower failure) are replaced. */
  private watch(): void {
    const { W, start, deadline, shrinkSeconds, simplifySeconds, stallMs, graceMs } = this.p;
    const now = Date.now();
    this.st.forEach((s, w) => {
      if (s.done || s.replacing) return;
      const shrinkEnd = s.shrinkingSince !== undefined ? s.shrinkingSince + (shrinkSeconds + simplifySeconds) * 1000 + graceMs : 0;
      const stalled = now - s.lastActivity > stallMs && now > shrinkEnd;
      const lateAfterStop = this.interruptedAt !== undefined && now > this.interruptedAt + graceMs;
      const lateAfterDeadline = deadline !== undefined && now > Math.max(deadline + graceMs, shrinkEnd);
      // a worker on a batch above the lowest failure should have stopped (it polls the shared bound)
      const above = s.batch * W + w > Atomics.load(this.bound, 0);
      const lateAfterFound = above && this.timeToFirstMs !== undefined && now > start + this.timeToFirstMs + graceMs;
      if (stalled || lateAfterStop || lateAfterDeadline || lateAfterFound) {
        s.replacing = true;
        void this.pool.replace(w, `worker ${w}: no answer for ${((now - s.lastActivity) / 1000).toFixed(0)} s (seed ${s.seed})`);
      }
    });
  }

  /** The search's result: a stopped search without a finished failure falls back on its shrinking
   *  candidate; the counts add up over the workers; a last progress report goes out first. */
  outcome(): SearchOutcome {
    const { claim, mode, dropped, shard, W, asked, opts, start } = this.p;
    if (!this.found && this.candidate) {
      // not fully shrunk and without a fast-check path: the replay reruns the whole search
      const replay = searchCommand({ claim: claim.id, mode, dropped, seed: opts.seed, shard, workers: W, budget: asked });
      this.found = fromCandidate(claim, mode, dropped, this.candidate, replay);
    }
    const { found, foundOrdinal, timeToFirstMs, interrupted, error, st } = this;
    const t = this.total();
    const timeMs = Date.now() - start;
    this.report();
    const stalled = st.flatMap((s) => s.stalled);
    return {
      ...t,
      claim: claim.id,
      mode,
      dropped,
      seed: opts.seed,
      shard,
      workers: W,
      budget: asked,
      timeMs,
      casesPerSecond: t.cases / Math.max(1e-3, timeMs / 1000),
      ...(found ? { found } : {}),
      ...(found && foundOrdinal !== NO_BOUND ? { foundBatch: foundOrdinal } : {}),
      ...(timeToFirstMs !== undefined ? { timeToFirstMs } : {}),
      interrupted,
      ...(error ? { error } : {}),
      seeds: st.map((s) => s.seeds),
      ...(stalled.length ? { stalledSeeds: stalled } : {}),
      ...(this.worstRatio() !== undefined ? { worstRatio: this.worstRatio()! } : {}),
    };
  }
}

/** A stopped search's best failure: confirmed (the engine confirms every shrink step) but not
 *  fully shrunk. */
function fromCandidate(claim: Claim, mode: Mode, dropped: HypothesisName[], c: { input: unknown; seed: number }, replay: string): Found | undefined {
  try {
    const input = decode(c.input as never);
    const evaluatedIn = mode === 'float64' ? (confirmModeFor(claim) ?? 'exact') : mode;
    const witness: Witness = makeWitness({
      claim,
      input,
      foundIn: mode,
      evaluatedIn,
      confirmed: true,
      dropped,
      seed: c.seed,
      shrunk: false,
      replay,
    });
    const failing = failingFamilies(confirm(claim, input, evaluatedIn).outcome);
    return { witness, input: c.input as never, simplifySteps: 0, batchCases: 0, failing };
  } catch {
    return undefined;
  }
}

/** The command line that reruns a whole search (same seed, shard, workers and budget). */
function searchCommand(s: {
  claim: string;
  mode: Mode;
  dropped: readonly string[];
  seed: number;
  shard: Shard;
  workers: number;
  budget: { runs?: number; seconds?: number };
}): string {
  const parts = ['npx loracheck search', `--claim ${s.claim}`, `--mode ${s.mode}`];
  for (const h of s.dropped) parts.push(`--drop ${h}`);
  parts.push(`--seed ${s.seed}`, `--workers ${s.workers}`);
  if (s.shard.count > 1) parts.push(`--shard ${shardText(s.shard)}`);
  parts.push(s.budget.runs !== undefined ? `--runs ${s.budget.runs}` : `--seconds ${s.budget.seconds}`);
  return parts.join(' ') + lossFlags();
}
