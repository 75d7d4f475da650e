/**
 * What `loracheck check` does below the CLI: which claims run in which mode, each claim's
 * engine run in a worker thread (search/handler.ts, job `check`: the main thread sees Ctrl-C
 * at once and the engine stops at its next case), the proof beside the sampling verdict
 * (prove.json), new confirmed counterexamples into the corpus (corpus-save.ts), and
 * results/check.json through rows-job.ts (rewritten after every claim; an interrupted run
 * keeps the claims it did not redo, marked `fromEarlierRun`, and the claim it was in as a
 * `partial` entry with the cases it ran).
 */
import type { Mode } from '../numeric/field.ts';
import { HYPOTHESES, claimInfo, type Claim } from '../theory/claim.ts';
import { decode } from '../theory/codec.ts';
import { CATALOGUE, claimById } from '../theory/index.ts';
import { RESULT_SCHEMA_VERSION, type CheckResultFile, type ClaimCheckResult, type Environment, type UserLossInfo } from '../theory/results.ts';
import type { StopSignal } from '../runtime/interrupt.ts';
import type { CorpusFile } from './corpus.ts';
import { saveFailure, type CorpusSave } from './corpus-save.ts';
import type { EarlierRun, EngineResult, Progress } from './engine.ts';
import { FIRST_SHARE, topUps } from './check-share.ts';
import { proofOf } from './prove/file.ts';
import { replayInput } from './prove/witness.ts';
import { rowsJob } from './rows-job.ts';
import type { CheckJob, CheckProgressMsg } from './search/handler.ts';
import { defaultMode, lossSkipReason } from './user-loss.ts';
import type { ClaimProofResult } from '../theory/results.ts';

interface Selection {
  claims: { claim: Claim; mode: Mode }[];
  skipped: { id: string; reason: string }[];
}

/** Why a named claim cannot run (unknown id, no such mode, not on the user's loss). */
export class SelectionError extends Error {}

/** Which claims run in which mode: the named ones (each must run in `mode`), or every claim
 *  that can (the others skipped with the reason). */
export function selectClaims(ids: readonly string[], mode: Mode | undefined): Selection {
  const out: Selection = { claims: [], skipped: [] };
  if (ids.length) {
    for (const id of new Set(ids)) {
      const claim = claimById(id);
      if (!claim) throw new SelectionError(`unknown claim "${id}" (run 'loracheck claims' for the list of ids)`);
      if (mode && !claim.modes.includes(mode)) throw new SelectionError(`claim ${id} does not run in mode ${mode} (it supports ${claim.modes.join(', ')})`);
      const noLoss = lossSkipReason(claim);
      if (noLoss) throw new SelectionError(`claim ${id} cannot run with --loss: it ${noLoss}`);
      out.claims.push({ claim, mode: mode ?? defaultMode(claim) });
    }
    return out;
  }
  for (const claim of CATALOGUE) {
    const noLoss = lossSkipReason(claim);
    if (noLoss) out.skipped.push({ id: claim.id, reason: `it ${noLoss}` });
    else if (mode && !claim.modes.includes(mode)) out.skipped.push({ id: claim.id, reason: `no ${mode} mode (supports ${claim.modes.join(', ')})` });
    else out.claims.push({ claim, mode: mode ?? defaultMode(claim) });
  }
  return out;
}

/** A claim's result as the run has it: the engine's (with its internal counts, printed by the
 *  CLI), `partial` when Ctrl-C stopped it, `fromEarlierRun` when an interrupted run carried it
 *  over from the file it replaced. check.json holds `forFile` of it. */
export type CheckEntry = ClaimCheckResult & Partial<Omit<EngineResult, keyof ClaimCheckResult>>;

/** The entry as check.json has it (theory/results.ts ClaimCheckResult): the engine's internal
 *  counts stay out; the input a claim threw on (errorWitness) stays in. */
function forFile(r: CheckEntry): ClaimCheckResult {
  const { dropped: _d, falseAlarms: _f, undecidedComparisons: _u, errors: _e, shrinkSteps: _s, interrupted: _i, confirmMode: _c, failing: _g, counterexampleInput: _r, ...rest } = r;
  return rest;
}

type CheckDoc = CheckResultFile & { skipped?: { id: string; reason: string }[] };

/** The budget and replay fields of a check job (seed, runs or seconds, path, input: one input
 *  to check, replayed and never saved to the corpus, shrinkSeconds). */
interface CheckRunOptions extends Omit<CheckJob, 'kind' | 'claim' | 'mode'> {
  selection: Selection;
  /** The corpus file of each selected claim, read before the run (a bad one is bad input). */
  corpora: Map<string, CorpusFile>;
  corpusDir: string;
  proofs: readonly ClaimProofResult[];
  loss?: { info: UserLossInfo; expr: string };
  file: string;
  env: Environment;
  onStart?: (index: number, total: number) => void;
  onProgress?: (index: number, total: number, p: Progress) => void;
  /** After each claim (written to the file first); again for a claim given more time. */
  onClaim?: (r: CheckEntry, corpus: CorpusSave | undefined) => void;
  /** --seconds over several claims: the claims the first pass's unused time goes to, and how much. */
  onShare?: (given: { id: string; seconds: number }[]) => void;
  onFirstSignal?: (s: StopSignal) => void;
}

interface CheckRunResult {
  doc: CheckDoc;
  /** The claims run now (the last one partial when interrupted). */
  results: CheckEntry[];
  interrupted: boolean;
  /** A new counterexample, any to a claim as stated, a replayed input failing, or a claim undecided or in error. */
  failed: boolean;
}

export async function runCheck(o: CheckRunOptions): Promise<CheckRunResult> {
  const sel = o.selection;
  const total = sel.claims.length;
  const doc = (results: CheckEntry[], interrupted: boolean): CheckDoc => {
    const ids = new Set(results.map((r) => r.id));
    return {
      kind: 'check',
      schema: RESULT_SCHEMA_VERSION,
      env: o.env,
      claims: CATALOGUE.filter((c) => ids.has(c.id)).map(claimInfo),
      hypotheses: { ...HYPOTHESES },
      ...(o.loss ? { loss: o.loss.info } : {}),
      results: results.map(forFile),
      ...(sel.skipped.length ? { skipped: sel.skipped } : {}),
      seed: o.seed,
      ...(interrupted ? { interrupted: true as const } : {}),
    };
  };
  const fails = new Map<string, boolean>();
  // --seconds over several claims: the time is shared (check-share.ts), else each claim runs its budget
  const shared = o.seconds !== undefined && total > 1 && o.input === undefined && o.path === undefined;
  const first: (EngineResult | undefined)[] = [];
  const job = await rowsJob<CheckEntry, CheckDoc>({
    file: o.file,
    kind: 'check',
    rowsField: 'results',
    key: (r) => (typeof r.id === 'string' ? r.id : undefined),
    doc,
    workers: 1,
    ...(o.onFirstSignal ? { onFirstSignal: o.onFirstSignal } : {}),
    run: async ({ pool, signal, onRow }) => {
      const runOne = async (i: number, claim: Claim, mode: Mode, extra: Partial<CheckJob>): Promise<EngineResult | undefined> => {
        if (signal.aborted) return undefined;
        o.onStart?.(i, total);
        const p = pool();
        const submitted = p.submit<EngineResult>(0, { ...checkJob(o, claim, mode), ...extra }, (m) => {
          const msg = m as CheckProgressMsg;
          if (msg?.type === 'check-progress') o.onProgress?.(i, total, msg.progress);
        });
        const stop = () => p.stopAll();
        signal.addEventListener('abort', stop);
        let r: EngineResult;
        try {
          r = await submitted.result;
        } finally {
          signal.removeEventListener('abort', stop);
        }
        const { entry, corpus, fails: f } = settle(o, claim, r, signal.aborted);
        fails.set(claim.id, f);
        onRow(entry);
        o.onClaim?.(entry, corpus);
        return r;
      };
      for (const [i, { claim, mode }] of sel.claims.entries()) {
        // a statistical claim keeps its whole S: it takes no part in the sharing
        first[i] = await runOne(i, claim, mode, shared && !claim.statistical ? { seconds: o.seconds! * FIRST_SHARE } : {});
        if (signal.aborted) return { interrupted: true };
      }
      if (!shared) return { interrupted: false };
      // the time the first pass did not use, to the claims with the fewest non-trivial cases
      const sharing = sel.claims.filter(({ claim }) => !claim.statistical).length;
      const spent = first.reduce((a, r, i) => a + (sel.claims[i]!.claim.statistical ? 0 : Math.min(o.seconds!, (r?.timeMs ?? 0) / 1000)), 0);
      // to the claims that say verified (or undecided): a statistical claim never does (its level per case is fixed)
      const open = first.map((r) => (r && (r.verdict === 'verified' || r.verdict === 'undecided') ? { nonTrivial: r.nonTrivial, cases: r.cases, seconds: r.timeMs / 1000 } : undefined));
      const more = topUps(open, sharing * o.seconds! - spent);
      const given = sel.claims.map(({ claim }, i) => ({ id: claim.id, seconds: more[i]! })).filter((x) => x.seconds > 0);
      if (given.length) o.onShare?.(given);
      for (const [i, { claim, mode }] of sel.claims.entries()) {
        if (!(more[i]! > 0)) continue;
        await runOne(i, claim, mode, { seconds: more[i]!, continueFrom: earlierRun(first[i]!) });
        if (signal.aborted) return { interrupted: true };
      }
      return { interrupted: false };
    },
  });
  const failed = [...fails.values()].some((f) => f);
  return { doc: job.doc, results: job.rows, interrupted: job.interrupted, failed };
}

/** The counts a continued run starts from (plain JSON for the worker). */
function earlierRun(r: EngineResult): EarlierRun {
  const { cases, nonTrivial, undecided, undecidedComparisons, falseAlarms, timeMs, budget, worstSlack, slackHistogram } = r;
  return { cases, nonTrivial, undecided, undecidedComparisons, falseAlarms, timeMs, budget, ...(worstSlack ? { worstSlack } : {}), ...(slackHistogram ? { slackHistogram } : {}) };
}

function checkJob(o: CheckRunOptions, claim: Claim, mode: Mode): CheckJob {
  const job: CheckJob = { kind: 'check', claim: claim.id, mode, seed: o.seed };
  for (const k of ['runs', 'seconds', 'path', 'input', 'shrinkSeconds'] as const) if (o[k] !== undefined) Object.assign(job, { [k]: o[k] });
  return job;
}

/** A claim's entry: the proof beside it, the corpus verdict (known or new, saved), partial or not. */
function settle(o: CheckRunOptions, claim: Claim, r: EngineResult, stopped: boolean): { entry: CheckEntry; corpus?: CorpusSave; fails: boolean } {
  const entry: CheckEntry = { ...r };
  if (stopped) entry.partial = true;
  if (o.input !== undefined) {
    // one input checked: every replay command is that input's (the engine wrote seed forms)
    entry.replay = replayInput(claim.id, decode(o.input));
    // the input as given: nothing was shrunk
    if (entry.counterexample) entry.counterexample = { ...entry.counterexample, replay: entry.replay, shrunk: false };
    if (entry.errorWitness) entry.errorWitness = { ...entry.errorWitness, replay: entry.replay };
    if (entry.worstSlack?.witness) entry.worstSlack = { ...entry.worstSlack, witness: { ...entry.worstSlack.witness, replay: entry.replay } };
  }
  const proof = proofOf(o.proofs, claim.id);
  // on a loss of the user's only a proof for every input applies: a class proof or a solver
  // model is about the built-in quadratics
  if (proof && !(o.loss && !(proof.verdict === 'proved' && proof.class === 'all inputs'))) entry.proof = { verdict: proof.verdict, text: proof.text };
  if (r.verdict === 'counterexample' && o.input !== undefined) return { entry, fails: true }; // a replayed input: nothing goes to the corpus
  if (r.verdict === 'counterexample') {
    const corpus = r.counterexample
      ? saveFailure(
          claim,
          { witness: r.counterexample, failing: r.failing ?? [], ...(o.loss ? { loss: o.loss.expr } : {}) },
          { write: true, dir: o.corpusDir, corpus: o.corpora.get(claim.id)! },
        )
      : undefined;
    if (corpus) o.corpora.set(claim.id, corpus.file);
    entry.known = corpus?.known ?? false;
    return { entry, ...(corpus ? { corpus } : {}), fails: !entry.known };
  }
  // a claim stopped part way is not a failure; its verdict covers the cases it ran
  return { entry, fails: !stopped && r.verdict !== 'verified' && r.verdict !== 'statistical' };
}
