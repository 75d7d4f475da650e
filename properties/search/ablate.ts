/**
 * Ablation: for each claim and each hypothesis it names, drop that one hypothesis (the
 * arbitraries widen for it) and search. A confirmed, shrunk counterexample makes the
 * hypothesis load-bearing; none within the budget is "not shown" (absence of evidence).
 *
 * Claims already false as printed are skipped: any input breaks them, dropped hypothesis
 * or not, so a counterexample says nothing about the hypothesis. Which are they: the
 * claims that a `.corrected` claim corrects (theory/, `correctedOf`). Their corrected
 * forms are ablated in their place when selected.
 */
import type { Mode } from '../../numeric/field.ts';
import type { Claim, HypothesisName } from '../../theory/claim.ts';
import { decode } from '../../theory/codec.ts';
import type { AblationRow } from '../../theory/results.ts';
import type { WorkerPool } from './pool.ts';
import { search, type SearchOutcome, type SearchProgress } from './search.ts';

export interface AblationPlanEntry {
  claim: Claim;
  hypothesis: HypothesisName;
}

export interface Skipped {
  claim: string;
  reason: string;
}

/** The (claim, hypothesis) pairs to search, and the claims skipped with the reason. */
export function ablationPlan(claims: readonly Claim[], catalogue: readonly Claim[]): { pairs: AblationPlanEntry[]; skipped: Skipped[] } {
  const pairs: AblationPlanEntry[] = [];
  const skipped: Skipped[] = [];
  for (const claim of claims) {
    const correction = catalogue.find((c) => c.correctedOf === claim.id);
    if (correction) {
      skipped.push({ claim: claim.id, reason: `false as printed (corrected by ${correction.id}): a counterexample would not depend on any hypothesis` });
      continue;
    }
    if (claim.hypotheses.length === 0) {
      skipped.push({ claim: claim.id, reason: 'names no hypothesis' });
      continue;
    }
    for (const h of claim.hypotheses) pairs.push({ claim, hypothesis: h });
  }
  return { pairs, skipped };
}

/** The row of one (claim, hypothesis) search. */
export function ablationRow(claim: Claim, hypothesis: HypothesisName, out: SearchOutcome): AblationRow {
  const seconds = out.timeMs / 1000;
  const base = { claim: claim.id, hypothesis, cases: out.cases, seconds, ...(out.smt ? { smt: out.smt } : {}) };
  if (!out.found && out.smt?.verdict === 'proved' && out.smt.class === 'all inputs') return { ...base, status: 'not-needed' };
  const w = out.found?.witness;
  if (w) {
    // The witness must break the dropped hypothesis; if the claim can tell that it does not,
    // the claim fails with every hypothesis in place, which is not an ablation result.
    const holds = claim.hypothesesHold?.(decodeSafe(out.found!.input));
    if (holds && holds[hypothesis] === true)
      return {
        ...base,
        status: 'error',
        witness: w,
        error: `the counterexample satisfies ${hypothesis}: ${claim.id} fails with all its hypotheses (see loracheck search --claim ${claim.id})`,
      };
    return { ...base, status: 'load-bearing', witness: w };
  }
  if (out.error) return { ...base, status: 'error', error: out.error };
  return { ...base, status: 'not-shown' };
}

function decodeSafe(input: unknown): unknown {
  try {
    return decode(input as never);
  } catch {
    return undefined;
  }
}

export interface AblateOptions {
  pairs: AblationPlanEntry[];
  seconds: number;
  workers: number;
  seed: number;
  mode?: Mode;
  /** Solver time per pair before sampling (search.ts smtSeconds). */
  smtSeconds?: number;
  pool: () => WorkerPool;
  signal?: AbortSignal;
  onStart?: (e: AblationPlanEntry, index: number) => void;
  onProgress?: (e: AblationPlanEntry, p: SearchProgress) => void;
  /** Called after each row (the CLI rewrites the result file, so a stop keeps every row). */
  onRow?: (row: AblationRow, out: SearchOutcome) => void;
}

export async function ablate(opts: AblateOptions): Promise<{ rows: AblationRow[]; interrupted: boolean }> {
  const rows: AblationRow[] = [];
  let pool = opts.pool();
  for (const [i, e] of opts.pairs.entries()) {
    if (opts.signal?.aborted) return { rows, interrupted: true };
    opts.onStart?.(e, i);
    if (pool.closed) pool = opts.pool();
    const mode = opts.mode && e.claim.modes.includes(opts.mode) ? opts.mode : undefined;
    const out = await search({
      claim: e.claim,
      dropped: [e.hypothesis],
      ...(mode ? { mode } : {}),
      seconds: opts.seconds,
      workers: opts.workers,
      seed: opts.seed,
      ...(opts.smtSeconds ? { smtSeconds: opts.smtSeconds } : {}),
      pool,
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(opts.onProgress ? { onProgress: (p: SearchProgress) => opts.onProgress!(e, p) } : {}),
    });
    // a stopped search that found nothing has not searched its budget: no "not shown" row for it
    if (out.interrupted && !out.found) return { rows, interrupted: true };
    const row = ablationRow(e.claim, e.hypothesis, out);
    rows.push(row);
    opts.onRow?.(row, out);
    if (out.interrupted) return { rows, interrupted: true };
  }
  return { rows, interrupted: false };
}
