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
  const ownPool = !opts.pool;
  const pool = opts.pool ?? new WorkerPool({ workers: W, handler: HANDLER });
  if (pool.size !== W) throw new RangeError(`search: pool has ${pool.size} workers, expected ${W}`);
  const st: WorkerState[] = Array.from({ length: W }, () => ({
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
  let found: Found | undefined;
  let foundOrdinal = NO_BOUND;
  const bound = newBound();
  let timeToFirstMs: number | undefined;
  let candidate: { input: unknown; seed: number } | undefined;
  let interrupted = false;
  let interruptedAt: number | undefined;
  let error: string | undefined;
  const stopping = () => interrupted;
  /** Keeps the failure of the lowest batch ordinal (loop.ts). */
  const take = (f: Found, ordinal: number) => {
    if (ordinal >= foundOrdinal) return;
    found = f;
    foundOrdinal = ordinal;
    timeToFirstMs ??= Date.now() - start;
  };

  const total = (): Counts => st.reduce((a, w) => plus(a, plus(w.base, w.last)), ZERO);
  const worstRatio = (): number | undefined => {
    const r = st.map((w) => w.worstRatio).filter((x): x is number => x !== undefined);
    return r.length ? Math.max(...r) : undefined;
  };
  const report = () => {
    const t = total();
    const elapsedMs = Date.now() - start;
    opts.onProgress?.({
      ...t,
      elapsedMs,
      casesPerSecond: t.cases / Math.max(1e-3, elapsedMs / 1000),
      failures: found ? 1 : 0,
      shrinking: st.some((w) => w.shrinkingSince !== undefined && !w.done),
      ...(worstRatio() !== undefined ? { worstRatio: worstRatio()! } : {}),
    });
  };
  const onAbort = () => {
    if (interrupted) return;
    interrupted = true;
    interruptedAt = Date.now();
    pool.stopAll();
  };
  if (opts.signal?.aborted) onAbort();
  opts.signal?.addEventListener('abort', onAbort);

  const batchRuns = opts.batchRuns ?? defaultBatchRuns(claim, mode);
  // a statistical claim's case is a Monte-Carlo experiment: no float64 ascent over it
  const ascent = opts.ascent === false || claim.statistical ? undefined : (opts.ascent ?? (isInequality(claim) ? DEFAULT_ASCENT : undefined));
  const replayAll = searchCommand({ claim: claim.id, mode, dropped, seed: opts.seed, shard, workers: W, budget: asked });
  const jobFor = (w: number, firstBatch: number): SearchJob => ({
    kind: 'search',
    claim: claim.id,
    mode,
    dropped,
    shrinkSeconds,
    simplifySeconds,
    seed: opts.seed,
    shard,
    batchRuns,
    firstBatch,
    bound,
    replay: replayAll,
    ...(ascent ? { ascentEvery: ascent.every, ascent: { restarts: ascent.restarts, evals: ascent.evals } } : {}),
    ...(budget.runs !== undefined ? { runs: budget.runs } : {}),
    ...(deadline !== undefined ? { deadline } : {}),
  });
  const onMessage = (w: number, m: unknown) => {
    const s = st[w]!;
    const msg = m as LoopProgress | LoopCandidate | LoopFound<Found>;
    s.lastActivity = Date.now();
    if (msg.type === 'progress') {
      s.last = countsOf(msg);
      if (msg.worstRatio !== undefined && !(s.worstRatio !== undefined && s.worstRatio >= msg.worstRatio)) s.worstRatio = msg.worstRatio;
      s.batch = msg.batch;
      s.seed = msg.seed;
    } else if (msg.type === 'candidate') {
      s.shrinkingSince ??= Date.now();
      if (!found) candidate = { input: (msg.candidate as { input: unknown }).input, seed: msg.seed };
    } else if (msg.type === 'found') take(msg.witness, msg.ordinal);
  };

  // One supervisor per worker: runs its job; when the thread was replaced because a case
  // never ended, the batch's seed is recorded and the worker resumes with its next batch.
  const supervise = async (w: number): Promise<void> => {
    const s = st[w]!;
    let firstBatch = 0;
    // stopped before its first batch (Ctrl-C during the SMT engine's turn): no job at all, for a
    // job posted after pool.stopAll would not hear the stop
    while (!stopping()) {
      s.lastActivity = Date.now();
      s.shrinkingSince = undefined;
      const job = pool.submit<LoopResult<Found>>(w, jobFor(w, firstBatch), (m) => onMessage(w, m));
      try {
        const r = await job.result;
        s.base = plus(s.base, countsOf(r));
        s.last = ZERO;
        s.seeds.push(...r.seeds);
        if (r.found && r.foundOrdinal !== undefined) take(r.found, r.foundOrdinal);
        if (r.error && !error) error = r.error;
        break;
      } catch (e) {
        if (!s.replacing) {
          if (!error) error = e instanceof Error ? e.message : String(e);
          break;
        }
        s.replacing = false;
        s.base = plus(s.base, s.last);
        s.last = ZERO;
        s.stalled.push(s.seed);
        s.seeds.push(...(s.seeds.includes(s.seed) ? [] : [s.seed]));
        firstBatch = s.batch + 1;
        const over = deadline !== undefined && Date.now() >= deadline;
        if (stopping() || over || pool.closed) break;
      }
    }
    s.done = true;
  };

  // The watchdog: progress ticks, and threads that stopped answering are replaced.
  const watchdog = setInterval(() => {
    const now = Date.now();
    st.forEach((s, w) => {
      if (s.done || s.replacing) return;
      const shrinkEnd = s.shrinkingSince !== undefined ? s.shrinkingSince + (shrinkSeconds + simplifySeconds) * 1000 + graceMs : 0;
      const stalled = now - s.lastActivity > stallMs && now > shrinkEnd;
      const lateAfterStop = interruptedAt !== undefined && now > interruptedAt + graceMs;
      const lateAfterDeadline = deadline !== undefined && now > Math.max(deadline + graceMs, shrinkEnd);
      // a worker on a batch above the lowest failure should have stopped (it polls the shared bound)
      const above = s.batch * W + w > Atomics.load(bound, 0);
      const lateAfterFound = above && timeToFirstMs !== undefined && now > start + timeToFirstMs + graceMs;
      if (stalled || lateAfterStop || lateAfterDeadline || lateAfterFound) {
        s.replacing = true;
        void pool.replace(w, `worker ${w}: no answer for ${((now - s.lastActivity) / 1000).toFixed(0)} s (seed ${s.seed})`);
      }
    });
  }, 100);
  const ticker = opts.onProgress ? setInterval(report, 500) : undefined;
  try {
    await Promise.all(st.map((_, w) => supervise(w)));
  } finally {
    clearInterval(watchdog);
    if (ticker) clearInterval(ticker);
    opts.signal?.removeEventListener('abort', onAbort);
    if (ownPool) await pool.close();
  }

  if (!found && candidate) {
    // not fully shrunk and without a fast-check path: the replay reruns the whole search
    const replay = searchCommand({ claim: claim.id, mode, dropped, seed: opts.seed, shard, workers: W, budget: asked });
    found = fromCandidate(claim, mode, dropped, candidate, replay);
  }
  const t = total();
  const timeMs = Date.now() - start;
  report();
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
    ...(worstRatio() !== undefined ? { worstRatio: worstRatio()! } : {}),
  };
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
