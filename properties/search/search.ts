/**
 * One counterexample search across worker threads (main-thread side).
 *
 * K workers each run the seed loop on their own slice of the (shard's) seed space; the
 * first confirmed, shrunk failure stops the others. The budget is a time (every worker
 * searches until the shared deadline) or a number of cases (split evenly over the workers).
 * Everything that comes back is kept as it arrives: per-worker counts, and every confirmed
 * failing input a worker met while shrinking, so that a stopped search (Ctrl-C) still
 * returns its best failure, marked not fully shrunk.
 */
import type { Mode } from '../../numeric/field.ts';
import type { Claim, HypothesisName } from '../../theory/claim.ts';
import { decode } from '../../theory/codec.ts';
import type { Witness } from '../../theory/results.ts';
import { defaultRuns } from '../engine.ts';
import { confirmModeFor } from '../_internals/evaluate.ts';
import { makeWitness } from '../_internals/witness.ts';
import type { Counts, LoopCandidate, LoopFound, LoopProgress, LoopResult } from './loop.ts';
import type { Found, SearchJob } from './handler.ts';
import { WorkerPool } from './pool.ts';
import { WHOLE, shardText, type Shard } from './seeds.ts';

export const HANDLER = new URL('./handler.ts', import.meta.url);

export interface SearchOptions {
  claim: Claim;
  dropped?: HypothesisName[];
  mode?: Mode;
  seconds?: number;
  runs?: number;
  workers: number;
  seed: number;
  shard?: Shard;
  /** Reuse a pool (ablate); else one is started and closed here. */
  pool?: WorkerPool;
  /** Cases per fast-check batch (default 4 x the engine's default runs for the claim). */
  batchRuns?: number;
  shrinkSeconds?: number;
  simplifySeconds?: number;
  onProgress?: (p: SearchProgress) => void;
  /** Aborting stops every worker at its next case and keeps what was found (Ctrl-C). */
  signal?: AbortSignal;
  /** Extra seconds after the budget before workers that do not answer are terminated. */
  graceSeconds?: number;
}

export interface SearchProgress extends Counts {
  elapsedMs: number;
  casesPerSecond: number;
  /** Confirmed failures found so far (0 or 1: the search stops at the first). */
  failures: number;
  /** A worker is shrinking a confirmed failure. */
  shrinking: boolean;
}

export interface SearchOutcome extends Counts {
  claim: string;
  mode: Mode;
  dropped: HypothesisName[];
  seed: number;
  shard: Shard;
  workers: number;
  budget: { runs?: number; seconds?: number };
  timeMs: number;
  casesPerSecond: number;
  found?: Found;
  timeToFirstMs?: number;
  interrupted: boolean;
  error?: string;
  /** Fast-check seeds each worker ran (disjointness across shards is testable). */
  seeds: number[][];
  /** The pool was terminated (a worker did not answer in time): do not reuse it. */
  poolClosed: boolean;
}

export function defaultBatchRuns(claim: Claim, mode: Mode): number {
  return 4 * defaultRuns(claim, mode);
}

/** Splits a case budget over workers: the first (runs mod W) get one more. */
export function shareOf(runs: number, workers: number, w: number): number {
  return Math.floor(runs / workers) + (w < runs % workers ? 1 : 0);
}

export async function search(opts: SearchOptions): Promise<SearchOutcome> {
  const { claim } = opts;
  const mode = opts.mode ?? claim.modes[0]!;
  const dropped = opts.dropped ?? [];
  const shard = opts.shard ?? WHOLE;
  const W = opts.workers;
  const budget = opts.runs !== undefined ? { runs: opts.runs } : { seconds: opts.seconds ?? 10 };
  const start = Date.now();
  const deadline = budget.seconds !== undefined ? start + budget.seconds * 1000 : undefined;
  const shrinkSeconds = opts.shrinkSeconds ?? 20;
  const simplifySeconds = opts.simplifySeconds ?? 5;
  const pool = opts.pool ?? new WorkerPool({ workers: W, handler: HANDLER });
  if (pool.size !== W) throw new RangeError(`search: pool has ${pool.size} workers, expected ${W}`);
  const perWorker: Counts[] = Array.from({ length: W }, () => ({ cases: 0, nonTrivial: 0, undecided: 0, falseAlarms: 0 }));
  let found: Found | undefined;
  let timeToFirstMs: number | undefined;
  let candidate: { input: unknown; seed: number } | undefined;
  let shrinking = false;
  let interrupted = false;
  let poolClosed = false;
  const total = (): Counts =>
    perWorker.reduce((a, c) => ({
      cases: a.cases + c.cases,
      nonTrivial: a.nonTrivial + c.nonTrivial,
      undecided: a.undecided + c.undecided,
      falseAlarms: a.falseAlarms + c.falseAlarms,
    }));
  const report = () => {
    const t = total();
    const elapsedMs = Date.now() - start;
    opts.onProgress?.({ ...t, elapsedMs, casesPerSecond: t.cases / Math.max(1e-3, elapsedMs / 1000), failures: found ? 1 : 0, shrinking });
  };
  const ticker = opts.onProgress ? setInterval(report, 500) : undefined;
  const onAbort = () => {
    interrupted = true;
    pool.stopAll();
  };
  if (opts.signal?.aborted) onAbort();
  opts.signal?.addEventListener('abort', onAbort);

  const batchRuns = opts.batchRuns ?? defaultBatchRuns(claim, mode);
  const jobFor = (w: number): SearchJob => ({
    kind: 'search',
    claim: claim.id,
    mode,
    dropped,
    shrinkSeconds,
    simplifySeconds,
    seed: opts.seed,
    shard,
    batchRuns,
    ...(budget.runs !== undefined ? { runs: shareOf(budget.runs, W, w) } : {}),
    ...(deadline !== undefined ? { deadline } : {}),
  });
  const onMessage = (w: number, m: unknown) => {
    const msg = m as LoopProgress | LoopCandidate | LoopFound<Found>;
    if (msg.type === 'progress') perWorker[w] = { cases: msg.cases, nonTrivial: msg.nonTrivial, undecided: msg.undecided, falseAlarms: msg.falseAlarms };
    else if (msg.type === 'candidate') {
      shrinking = true;
      candidate = { input: (msg.candidate as { input: unknown }).input, seed: msg.seed };
    } else if (msg.type === 'found' && !found) {
      found = msg.witness;
      timeToFirstMs = Date.now() - start;
      pool.stopAll(); // the first confirmed failure ends the search
    }
  };

  let results: (LoopResult<Found> | undefined)[] = [];
  let error: string | undefined;
  const jobs = Array.from({ length: W }, (_, w) => pool.submit<LoopResult<Found>>(w, jobFor(w), (m) => onMessage(w, m)));
  // Workers stop by themselves at the deadline (shrinking may run on); past a generous grace,
  // or soon after an interrupt, threads that do not answer are terminated.
  const grace = (opts.graceSeconds ?? 5) * 1000;
  const hardLimit = (deadline ?? Infinity) + (shrinkSeconds + simplifySeconds) * 1000 + grace;
  let watchdog: NodeJS.Timeout | undefined;
  const limit = new Promise<'timeout'>((resolve) => {
    const check = () => {
      const now = Date.now();
      if (now >= hardLimit || (interrupted && now >= (interruptedAt ??= now) + Math.min(grace, 3000))) resolve('timeout');
      else watchdog = setTimeout(check, 100);
    };
    let interruptedAt: number | undefined;
    check();
  });
  const settled = Promise.allSettled(jobs.map((j) => j.result));
  const winner = await Promise.race([settled, limit]);
  if (watchdog) clearTimeout(watchdog);
  if (winner === 'timeout') {
    poolClosed = true;
    interrupted = true;
    await pool.close();
    results = [];
  } else {
    results = winner.map((s) => (s.status === 'fulfilled' ? s.value : undefined));
    const failed = winner.find((s) => s.status === 'rejected') as PromiseRejectedResult | undefined;
    if (failed) error = failed.reason instanceof Error ? failed.reason.message : String(failed.reason);
  }
  if (ticker) clearInterval(ticker);
  opts.signal?.removeEventListener('abort', onAbort);
  if (!opts.pool && !poolClosed) await pool.close();

  // Final counts: the workers' own totals where they answered, else their last progress.
  results.forEach((r, w) => {
    if (r) perWorker[w] = { cases: r.cases, nonTrivial: r.nonTrivial, undecided: r.undecided, falseAlarms: r.falseAlarms };
    if (r?.found && !found) {
      found = r.found;
      timeToFirstMs = Date.now() - start;
    }
    if (r?.error && !error) error = r.error;
  });
  if (!found && candidate) {
    // not fully shrunk and without a fast-check path: the replay reruns the whole search
    const replay = searchCommand({ claim: claim.id, mode, dropped, seed: opts.seed, shard, workers: W, budget });
    found = fromCandidate(claim, mode, dropped, candidate, replay);
  }
  const t = total();
  const timeMs = Date.now() - start;
  report();
  return {
    ...t,
    claim: claim.id,
    mode,
    dropped,
    seed: opts.seed,
    shard,
    workers: W,
    budget,
    timeMs,
    casesPerSecond: t.cases / Math.max(1e-3, timeMs / 1000),
    ...(found ? { found } : {}),
    ...(timeToFirstMs !== undefined ? { timeToFirstMs } : {}),
    interrupted,
    ...(error ? { error } : {}),
    seeds: results.map((r) => r?.seeds ?? []),
    poolClosed,
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
    return { witness, input: c.input as never, simplifySteps: 0, batchCases: 0 };
  } catch {
    return undefined;
  }
}

/** The command line that reruns a whole search (same seed, shard, workers and budget). */
export function searchCommand(s: {
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
  return parts.join(' ');
}
