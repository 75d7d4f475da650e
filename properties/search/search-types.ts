/**
 * The types of one counterexample search (search.ts runs it; smt-first.ts answers before it):
 * kept apart so that the two import them without importing each other.
 */
import type { Mode } from '../../numeric/field.ts';
import type { Claim, HypothesisName } from '../../theory/claim.ts';
import type { SmtNote } from '../../theory/results.ts';
import type { Shard } from '../_internals/seeds.ts';
import type { Counts } from './loop.ts';
import type { Found } from './handler.ts';
import type { WorkerPool } from './pool.ts';

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
  /** Seconds after the budget (or a stop) before a worker that does not answer is replaced. */
  graceSeconds?: number;
  /** A worker silent this long (one case that never ends) is replaced and its batch skipped. */
  stallSeconds?: number;
  /** Interleave ascent batches (violation.ts: optimisation of the claim's score) with the case
   *  batches, one in `every`; default: every other batch for a claim with an inequality, none
   *  for equalities. `false` turns them off. */
  ascent?: false | { every: number; restarts: number; evals: number };
  /** Solver time (s) for the SMT engine before sampling (properties/prove/; 0 or absent: none).
   *  A refutation is the search's counterexample (confirmed exactly, minimal by construction)
   *  and a proof for every input ends the search: no counterexample exists. */
  smtSeconds?: number;
  /** `seconds` is the wall clock of the whole search, the SMT engine's share (at most half)
   *  included (the search command); otherwise the solver's time comes before it (ablate). */
  withinBudget?: boolean;
}

export interface SearchProgress extends Counts {
  elapsedMs: number;
  casesPerSecond: number;
  /** Confirmed failures found so far (0 or 1: the search stops at the first). */
  failures: number;
  /** A worker is shrinking a confirmed failure. */
  shrinking: boolean;
  /** Largest ratio of the two sides seen so far (lhs/rhs for <=; > 1 is a violation). */
  worstRatio?: number;
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
  /** Ordinal of the batch (in its shard) that found it: the lowest failing one (loop.ts). */
  foundBatch?: number;
  timeToFirstMs?: number;
  interrupted: boolean;
  error?: string;
  /** Fast-check seeds each worker ran (disjointness across shards is testable). */
  seeds: number[][];
  /** Batches abandoned because one case did not finish (their worker was replaced). */
  stalledSeeds?: number[];
  /** Largest ratio of the two sides seen (lhs/rhs for <=). */
  worstRatio?: number;
  /** What the SMT engine said first (smtSeconds > 0 and the claim has an encoding). */
  smt?: SmtNote;
}

