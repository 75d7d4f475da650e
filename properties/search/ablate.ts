/**
 * Ablation: for each claim and each hypothesis it names, drop that one hypothesis (the
 * arbitraries widen for it) and search, by sampling and by optimisation (search.ts interleaves
 * ascent batches: violation.ts maximises the claim's normalised violation, moving the loss's
 * numbers too). A confirmed, shrunk counterexample makes the hypothesis load-bearing; where the
 * claim states why dropping it cannot break it (theory/claim.ts cannotFail, e.g. M36's
 * same_rank) and the search found nothing, the row says so ("cannot fail", with the reason);
 * a pair the search did not show but whose witness the corpus holds (replayed exactly now) is
 * load-bearing "from the corpus"; otherwise none within the budget is "not shown", with the
 * budget spent (absence of evidence).
 *
 * Claims already false as printed are skipped: any input breaks them, dropped hypothesis
 * or not, so a counterexample says nothing about the hypothesis. Which are they: the
 * claims that a `.corrected` claim corrects (theory/, `correctedOf`). Their corrected
 * forms are ablated in their place when selected.
 */
import type { Mode } from '../../numeric/field.ts';
import type { Claim, HypothesisName } from '../../theory/claim.ts';
import { decode } from '../../theory/codec.ts';
import type { AblationRow, Witness } from '../../theory/results.ts';
import { readCorpus, replayEntry } from '../corpus.ts';
import type { WorkerPool } from './pool.ts';
import { search, type SearchOutcome, type SearchProgress } from './search.ts';

interface AblationPlanEntry {
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

/** The SMT engine proved the claim for every input without the hypothesis. */
function provedWithout(out: SearchOutcome): boolean {
  return out.smt?.verdict === 'proved' && out.smt.class === 'all inputs';
}

/** The row of one (claim, hypothesis) search. */
export function ablationRow(claim: Claim, hypothesis: HypothesisName, out: SearchOutcome): AblationRow {
  const seconds = out.timeMs / 1000;
  const base = {
    claim: claim.id,
    hypothesis,
    cases: out.cases,
    ...(out.ascents ? { ascents: out.ascents, evaluations: out.evaluations ?? 0 } : {}),
    seconds,
    ...(out.smt ? { smt: out.smt } : {}),
  };
  if (!out.found && provedWithout(out)) return { ...base, status: 'not-needed' };
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
    const foundBy = w.foundBy === 'smt' ? 'smt' : w.foundIn === 'float64' && !w.path ? 'ascent' : 'sampling';
    return { ...base, status: 'load-bearing', witness: w, foundBy };
  }
  if (out.error) return { ...base, status: 'error', error: out.error };
  const spent = `${out.cases} cases${out.ascents ? `, ${out.ascents} ascents (${out.evaluations ?? 0} float64 evaluations)` : ''} in ${seconds.toFixed(1)} s`;
  const why = claim.cannotFail?.[hypothesis];
  if (why) return { ...base, status: 'cannot-fail', reason: `${why} (and the search found none: ${spent})` };
  return { ...base, status: 'not-shown', reason: `no counterexample in ${spent}` };
}

function decodeSafe(input: unknown): unknown {
  try {
    return decode(input as never);
  } catch {
    return undefined;
  }
}

interface AblateOptions {
  pairs: AblationPlanEntry[];
  /** Budget per pair; the time a pair leaves unspent (found early) goes to the pairs not shown
   *  in a second round (see ablate). */
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
  /** Corpus folder for pairs the search did not show (default properties/corpus). */
  corpusDir?: string;
}

/** Second-round shares below this are not worth a search (worker start-up and shrinking). */
const MIN_SECOND_ROUND = 1;

/** Counts of two searches of one pair, added (the second round continues the first). */
function combined(a: SearchOutcome, b: SearchOutcome): SearchOutcome {
  return {
    ...b,
    cases: a.cases + b.cases,
    nonTrivial: a.nonTrivial + b.nonTrivial,
    undecided: a.undecided + b.undecided,
    falseAlarms: a.falseAlarms + b.falseAlarms,
    ascents: (a.ascents ?? 0) + (b.ascents ?? 0),
    evaluations: (a.evaluations ?? 0) + (b.evaluations ?? 0),
    timeMs: a.timeMs + b.timeMs,
  };
}

/**
 * Round 1: every pair searches its `seconds`. Most load-bearing hypotheses fall in a fraction
 * of that; the time they leave is pooled and shared equally by the pairs still not shown (a
 * second search each, from the next seed), so that the hard pairs get the budget the easy ones
 * did not need while the whole run stays within pairs x seconds. Rows of pairs found in round 1
 * are reported at once; the others after their second search.
 */
export async function ablate(opts: AblateOptions): Promise<{ rows: AblationRow[]; interrupted: boolean }> {
  const rows: AblationRow[] = [];
  let pool = opts.pool();
  const started = Date.now();
  const run = async (e: AblationPlanEntry, seconds: number, seed: number) => {
    if (pool.closed) pool = opts.pool();
    const mode = opts.mode && e.claim.modes.includes(opts.mode) ? opts.mode : undefined;
    return search({
      claim: e.claim,
      dropped: [e.hypothesis],
      ...(mode ? { mode } : {}),
      seconds,
      workers: opts.workers,
      seed,
      // the solver once per pair (its verdict does not depend on the seed)
      ...(opts.smtSeconds && seed === opts.seed ? { smtSeconds: opts.smtSeconds } : {}),
      pool,
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(opts.onProgress ? { onProgress: (p: SearchProgress) => opts.onProgress!(e, p) } : {}),
    });
  };
  const emit = (e: AblationPlanEntry, out: SearchOutcome) => {
    const row = ablationRow(e.claim, e.hypothesis, out);
    rows.push(row);
    opts.onRow?.(row, out);
  };
  /** The row of a pair whose searches are done: not shown by them, but stored in the corpus and
   *  replayed exactly now, it is load-bearing "from the corpus". */
  const settle = (e: AblationPlanEntry, out: SearchOutcome) => {
    const stored = out.found || out.error || e.claim.cannotFail?.[e.hypothesis] || provedWithout(out) ? undefined : storedWitness(e, opts.corpusDir);
    if (!stored) return emit(e, out);
    const row: AblationRow = { ...ablationRow(e.claim, e.hypothesis, out), status: 'load-bearing', witness: stored, foundBy: 'corpus' };
    delete row.reason;
    rows.push(row);
    opts.onRow?.(row, out);
  };
  const pending: { e: AblationPlanEntry; out: SearchOutcome }[] = [];
  const flush = () => {
    for (const p of pending.splice(0)) emit(p.e, p.out);
  };
  for (const [i, e] of opts.pairs.entries()) {
    if (opts.signal?.aborted) return (flush(), { rows, interrupted: true });
    opts.onStart?.(e, i);
    const out = await run(e, opts.seconds, opts.seed);
    // a stopped search that found nothing has not searched its budget: no "not shown" row for it
    if (out.interrupted && !out.found) return (flush(), { rows, interrupted: true });
    // found, failed, stopped, or a pair the claim says cannot fail: its row is final
    if (out.found || out.error || out.interrupted || e.claim.cannotFail?.[e.hypothesis] || provedWithout(out)) emit(e, out);
    else pending.push({ e, out });
    if (out.interrupted) return (flush(), { rows, interrupted: true });
  }
  const left = opts.pairs.length * opts.seconds - (Date.now() - started) / 1000;
  const share = pending.length ? left / pending.length : 0;
  if (share >= MIN_SECOND_ROUND)
    for (const p of [...pending]) {
      if (opts.signal?.aborted) break;
      opts.onStart?.(p.e, opts.pairs.indexOf(p.e));
      const second = await run(p.e, share, (opts.seed + 1) >>> 0);
      if (second.interrupted && !second.found) break;
      pending.splice(pending.indexOf(p), 1);
      settle(p.e, combined(p.out, second));
    }
  const interrupted = opts.signal?.aborted ?? false;
  for (const p of pending.splice(0)) (interrupted ? emit : settle)(p.e, p.out);
  return { rows, interrupted };
}

/** A corpus witness of the claim found with exactly this hypothesis dropped that still fails as
 *  recorded (replayed exactly now), if any. */
function storedWitness(e: AblationPlanEntry, dir?: string): Witness | undefined {
  try {
    const file = readCorpus(e.claim.id, dir);
    for (const entry of file.entries) {
      if (entry.witness.dropped.length !== 1 || entry.witness.dropped[0] !== e.hypothesis) continue;
      if (replayEntry(e.claim, entry).ok) return entry.witness;
    }
  } catch {
    /* an unreadable corpus file is reported by check and search; here it only means no stored witness */
  }
  return undefined;
}
