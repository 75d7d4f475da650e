/**
 * The SMT engine's turn before a sampling search (search.ts) and so before each ablation row:
 * where the claim has an encoding (properties/prove/), the solver either refutes it with an
 * exact, confirmed, minimal witness (the search's counterexample, no sampling needed), proves it
 * for every input (no counterexample exists: nothing to sample), or leaves it to sampling
 * (unknown, or proved only for a fixed-size class: larger inputs may still fail).
 */
import type { Mode } from '../../numeric/field.ts';
import type { Claim, HypothesisName } from '../../theory/claim.ts';
import type { SmtNote } from '../../theory/results.ts';
import { confirm, failingFamilies } from '../_internals/evaluate.ts';
import { decode } from '../../theory/codec.ts';
import { hasEncoding, proveClaim } from '../prove/index.ts';
import type { SearchOptions, SearchOutcome } from './search-types.ts';
import { WHOLE } from './seeds.ts';
import { userLoss } from '../user-loss.ts';

type SmtVerdict = SmtNote;

export async function smtFirst(
  claim: Claim,
  dropped: readonly HypothesisName[],
  seconds: number,
  mode: Mode | undefined,
  signal?: AbortSignal,
): Promise<{ verdict: SmtVerdict; settled?: (opts: SearchOptions) => SearchOutcome } | undefined> {
  // the encodings are the built-in losses' (quadratic classes): a model is no input on a loss
  // of the user's (--loss), so the solver is not asked then; sampling draws the user's loss
  if (!hasEncoding(claim) || userLoss()) return undefined;
  let r;
  try {
    r = await proveClaim(claim, { dropped, budgetMs: seconds * 1000, ...(signal ? { signal } : {}) });
  } catch {
    return undefined; // the solver could not be loaded or failed: sampling alone decides
  }
  const verdict: SmtVerdict = { verdict: r.verdict, text: r.text, ...(r.class ? { class: r.class } : {}), timeMs: r.timeMs };
  const outcome = (opts: SearchOptions, extra: Partial<SearchOutcome>): SearchOutcome => ({
    cases: 0,
    nonTrivial: 0,
    undecided: 0,
    falseAlarms: 0,
    claim: claim.id,
    mode: mode ?? claim.modes[0]!,
    dropped: [...dropped],
    seed: opts.seed,
    shard: opts.shard ?? WHOLE,
    workers: opts.workers,
    budget: opts.runs !== undefined ? { runs: opts.runs } : { seconds: opts.seconds ?? 10 },
    timeMs: r.timeMs,
    casesPerSecond: 0,
    interrupted: false,
    seeds: [],
    smt: verdict,
    ...extra,
  });
  if (r.verdict === 'refuted' && r.witness) {
    const w = r.witness;
    const input = decode(w.input as never);
    const failing = failingFamilies(confirm(claim, input, w.confirmedIn ?? 'exact').outcome);
    return { verdict, settled: (opts) => outcome(opts, { found: { witness: w, input: w.input, simplifySteps: 0, batchCases: 0, failing }, timeToFirstMs: r.timeMs }) };
  }
  if (r.verdict === 'proved' && r.class === 'all inputs') return { verdict, settled: (opts) => outcome(opts, {}) };
  return { verdict };
}
