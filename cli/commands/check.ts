/**
 * `loracheck check`: runs claims as properties at a budget (properties/check-run.ts) and prints,
 * per claim, the verdict (verified / statistical / counterexample / undecided / error), cases,
 * non-trivial cases, undecided cases, the worst slack, the seed and a replay command. Writes
 * results/check.json after every claim; Ctrl-C stops the claim in progress at its next case and
 * keeps it as a partial entry, merged with the claims of the earlier file not redone.
 * Exit 0: every selected claim verified (a statistical claim: statistical), or failing as already
 * recorded in the corpus where a failure may be known at all (a printed line the catalogue
 * corrects; properties/corpus.ts knownFailure); 1: a new counterexample (saved), any
 * counterexample to a claim stated as true, or a claim undecided or in error; 2: bad input (a
 * corpus file that does not match its name, a results folder that cannot be written included);
 * 130 (143) interrupted by Ctrl-C (SIGTERM) with no new counterexample.
 */
import { join } from 'node:path';
import type { Command } from '../command.ts';
import { CHECK_EXAMPLES } from '../help-examples.ts';
import { SEED_MAX, UsageError, type Parsed } from '../args.ts';
import { asUsage, environment, resultsDir } from '../io.ts';
import { LOSS_FLAGS, applyLossFlags } from '../loss.ts';
import { CORPUS_FLAG, corpusDirOf, stopLine } from '../claim-flags.ts';
import { MODES, type Mode } from '../../numeric/field.ts';
import type { JSONValue } from '../../theory/codec.ts';
import { decode } from '../../theory/codec.ts';
import type { Claim } from '../../theory/claim.ts';
import { inputFieldError } from '../../theory/inputs.ts';
import type { ClaimCheckResult } from '../../theory/results.ts';
import { freshSeed, readCorpus, type EngineResult } from '../../properties/index.ts';
import { readProofs } from '../../properties/index.ts';
import { SelectionError, runCheck, selectClaims, type CheckEntry } from '../../properties/index.ts';
import { progressPrinter } from '../../runtime/progress.ts';
import { SIGNAL_EXIT, type StopSignal } from '../../runtime/interrupt.ts';
import { safeText } from '../../runtime/escape.ts';

function fmtNum(x: number | undefined): string {
  if (x === undefined) return '-';
  if (x === 0 || (Math.abs(x) >= 1e-3 && Math.abs(x) < 1e6)) return String(Number(x.toPrecision(6)));
  return x.toExponential(3);
}

function worstText(r: ClaimCheckResult): string {
  const w = r.worstSlack;
  if (!w) return 'worst -';
  return w.ratio !== undefined ? `worst ratio ${fmtNum(w.ratio)} (slack ${fmtNum(w.slack)})` : `worst slack ${fmtNum(w.slack)}`;
}

/** A statistical claim's verdict with its level (theory/results.ts StatisticalConfidence). */
function statisticalText(r: EngineResult): string {
  const s = r.statistical!;
  if (r.verdict === 'counterexample') return ` (statistical: rejected at level ${s.deltaText})`;
  if (r.verdict !== 'statistical') return '';
  return ` (confidence 1 - ${s.deltaText} per case; if the claim holds, all ${r.cases} cases pass with probability >= ${fmtNum(1 - s.familywiseDelta)})`;
}

function summaryLine(r: EngineResult, replayed: boolean): string {
  const base = r.verdict === 'counterexample' ? `counterexample${replayed ? ' (the input given)' : r.known ? ' (known)' : ' (NEW)'}` : r.verdict;
  let verdict = r.statistical ? `${base}${statisticalText(r)}` : base;
  // the strongest verdict first: a proof beats sampling (README, "Verdicts")
  if (r.proof?.verdict === 'proved') verdict = `${r.proof.text} (SMT, prove.json); sampling: ${verdict}`;
  else if (r.proof?.verdict === 'refuted') verdict = `${verdict}; SMT: refuted`;
  const pct = r.cases ? ` (${Math.round((100 * r.nonTrivial) / r.cases)}%)` : '';
  const fa = r.mode === 'float64' ? `, float64 false alarms ${r.falseAlarms}` : '';
  return `${r.id} [${r.mode}] ${verdict}${r.partial ? ' (partial: interrupted)' : ''}: cases ${r.cases}, non-trivial ${r.nonTrivial}${pct}, undecided ${r.undecided}${fa}, ${worstText(r)}, seed ${r.seed}, ${(r.timeMs / 1000).toFixed(1)}s`;
}

function details(r: EngineResult, replayed: boolean): string[] {
  const lines: string[] = [];
  const w = r.counterexample;
  if (w) {
    lines.push(`  counterexample (${w.sizes ?? 'sizes ?'}; confirmed in ${w.confirmedIn ?? '?'}; ${replayed ? 'the input given' : w.shrunk ? 'shrunk' : 'NOT fully shrunk'}):`);
    lines.push(`    input: ${JSON.stringify(w.input)}`);
    for (const c of w.comparisons.filter((c) => c.holds === false).slice(0, 4))
      lines.push(`    false: ${c.label ?? ''}: ${c.lhs} ${c.rel} ${c.rhs}`);
    if (w.violates?.length) lines.push(`    violates: ${w.violates.join(', ')} (a hypothesis of the claim: not a counterexample to it as stated)`);
    lines.push(`  replay: ${w.replay}`);
  } else lines.push(`  replay: ${r.replay}`);
  if (r.errorWitness) {
    lines.push(`  error: ${r.errorWitness.error}`);
    lines.push(`    input: ${JSON.stringify(r.errorWitness.input)}`);
    lines.push(`  replay: ${r.errorWitness.replay}`);
  } else if (r.error) lines.push(`  note: ${r.error}`);
  return lines;
}

function inputOrUsage(text: string, claims: readonly { claim: Claim }[]): JSONValue {
  if (claims.length !== 1) throw new UsageError('check: --input replays one input: name exactly one --claim');
  let json: JSONValue;
  try {
    json = JSON.parse(text) as JSONValue;
  } catch (e) {
    throw new UsageError(`check: flag --input must be the JSON of a claim input: ${e instanceof Error ? e.message : String(e)}`);
  }
  const { claim } = claims[0]!;
  const err = inputFieldError(claim.inputKind, decode(json));
  if (err) throw new UsageError(`check: flag --input is not an input of ${claim.id}: ${safeText(err)}`);
  return json;
}

async function run({ flags }: Parsed): Promise<number> {
  if (flags.runs !== undefined && flags.seconds !== undefined) throw new UsageError('check: give either --runs or --seconds, not both');
  const mode = flags.mode as Mode | undefined;
  const loss = applyLossFlags('check', flags);
  if (loss && mode === 'exact' && loss.resolved.precise)
    throw new UsageError(`check: --loss ${loss.resolved.expr} uses exp/log/trig: the exact mode cannot evaluate it (use --mode precise or float64)`);
  let sel;
  try {
    sel = selectClaims(flags.claim as string[], mode);
  } catch (e) {
    if (e instanceof SelectionError) throw new UsageError(`check: ${e.message}`);
    throw e;
  }
  if (flags.path !== undefined) {
    if (sel.claims.length !== 1) throw new UsageError('check: --path replays one failure: name exactly one --claim');
    if (flags.seed === undefined) throw new UsageError('check: --path needs the --seed it was found with');
    if (!/^\d+(:\d+)*$/.test(flags.path)) throw new UsageError(`check: flag --path must look like 12:0:3 (a fast-check path), got "${safeText(flags.path)}"`);
  }
  const input = flags.input !== undefined ? inputOrUsage(flags.input, sel.claims) : undefined;
  const seed: number = flags.seed ?? freshSeed();
  const dir = resultsDir(flags.results); // writable, before any work
  const corpusDir = corpusDirOf(flags.corpus, loss !== undefined, dir);
  const file = join(dir, 'check.json');
  // every corpus file read and checked before any case runs (a bad file is bad input)
  const corpora = new Map(sel.claims.map(({ claim }) => [claim.id, asUsage(() => readCorpus(claim.id, corpusDir), 'check: ')]));
  for (const s of sel.skipped) process.stderr.write(`check: skipping ${s.id}: ${s.reason}\n`);
  let signal: StopSignal | undefined;
  const bar = progressPrinter();
  const out = await runCheck({
    selection: sel,
    seed,
    ...(flags.runs !== undefined ? { runs: flags.runs } : {}),
    ...(flags.seconds !== undefined ? { seconds: flags.seconds } : {}),
    ...(flags.path !== undefined ? { path: flags.path } : {}),
    ...(input !== undefined ? { input } : {}),
    ...(flags['shrink-seconds'] !== undefined ? { shrinkSeconds: flags['shrink-seconds'] } : {}),
    corpora,
    corpusDir,
    proofs: readProofs(dir),
    ...(loss ? { loss: { info: loss.info, expr: loss.resolved.expr } } : {}),
    file,
    env: environment(),
    onProgress: (i, total, p) => {
      const ratio = p.worstRatio !== undefined ? `, worst ratio ${fmtNum(p.worstRatio)}` : '';
      bar.line(`[${i + 1}/${total}] ${p.claim} ${p.mode} ${p.phase}: ${p.cases} cases, ${p.undecided} undecided${p.shrinkSteps ? `, ${p.shrinkSteps} shrink steps` : ''}${ratio}, ${(p.elapsedMs / 1000).toFixed(1)}s`);
    },
    onClaim: (r, corpus) => {
      bar.done();
      if (flags.json) return;
      console.log(summaryLine(r as EngineResult & CheckEntry, input !== undefined));
      if (r.verdict !== 'verified' || r.undecided > 0) for (const l of details(r as EngineResult, input !== undefined)) console.log(l);
      else console.log(`  replay: ${r.replay}`);
      if (corpus?.error) console.log(`  NOT saved in the corpus: ${corpus.error}; the witness is above and in ${file}`);
    },
    onShare: (given) => {
      if (!flags.json) console.log(`\nThe time the claims above did not use, to those with the fewest non-trivial cases (each goes on with its cases): ${given.map((g) => `${g.id} ${g.seconds.toFixed(2)}s`).join(', ')}`);
    },
    onFirstSignal: (s) => {
      signal = s;
      stopLine();
    },
  });
  bar.done();
  if (flags.json) console.log(JSON.stringify(out.doc, null, 2));
  else {
    const rs = out.results;
    const by = (v: string) => rs.filter((r) => r.verdict === v).length;
    const known = rs.filter((r) => r.verdict === 'counterexample' && r.known).length;
    const carried = out.doc.results.length - rs.length;
    console.log(
      `\n${rs.length} claims: ${by('verified')} verified, ${by('statistical') ? `${by('statistical')} statistical, ` : ''}${by('counterexample')} counterexample (${known} known), ${by('undecided')} undecided, ${by('error')} error` +
        `${out.interrupted ? ` (interrupted${rs.some((r) => r.partial) ? `; ${rs.find((r) => r.partial)!.id} partial` : ''}${carried ? `; ${carried} claims kept from the earlier file` : ''})` : ''}. Results: ${file}`,
    );
  }
  if (out.failed) return 1;
  return out.interrupted ? SIGNAL_EXIT[signal ?? 'SIGINT'] : 0;
}

export const command: Command = {
  spec: {
    name: 'check',
    summary: 'Run claims as randomized properties (exact, precise or float64) and report verdicts.',
    usage: "check [--claim ID]... [--mode exact|precise|float64] [--runs N | --seconds S] [--seed N] [--path P | --input JSON] [--json] [--results DIR] [--loss 'f(w, c)' [--L V] [--Lstar V]]",
    examples: CHECK_EXAMPLES,
    flags: {
      claim: { type: 'string[]', arg: 'ID', help: 'claim to check (repeatable; default: every claim)' },
      mode: { type: 'string', arg: 'MODE', choices: MODES, help: 'arithmetic (default: each claim\'s first mode; claims without it are skipped)' },
      runs: { type: 'int', arg: 'N', min: 1, help: 'cases per claim (default: per claim, see properties/ENGINE.md)' },
      seconds: { type: 'number', arg: 'S', duration: true, gt: 0, help: 'time budget per claim instead of --runs (several claims share N x S: each runs S/2, the rest goes to those with the fewest non-trivial cases)' },
      seed: { type: 'int', arg: 'N', min: 0, max: SEED_MAX, help: 'fast-check seed, 0..2^32-1 (default: fresh, printed)' },
      path: { type: 'string', arg: 'P', help: 'replay a failure: the fast-check path printed with it (needs --seed, one --claim)' },
      'shrink-seconds': { type: 'number', arg: 'S', duration: true, gt: 0, help: 'time for shrinking a failure (default: --seconds, between 1 and 30; 30 without --seconds)' },
      json: { type: 'boolean', help: 'print one JSON document (CheckResultFile) on stdout' },
      results: { type: 'string', arg: 'DIR', help: 'results folder (default ./results or $LORACHECK_RESULTS)' },
      corpus: CORPUS_FLAG,
      ...LOSS_FLAGS,
      input: { type: 'string', arg: 'JSON', help: "check exactly this input once (a witness's input, as `prove` prints it); one --claim" },
    },
    details:
      'Ctrl-C stops the claim in progress at its next case; results/check.json then keeps it as a partial entry and keeps the claims of the earlier file not redone (fromEarlierRun), with interrupted: true. Exit codes: 0 every claim verified (statistical claims: statistical), or a printed line the catalogue corrects failing as recorded in the corpus; 1 a new counterexample (saved to the corpus), any counterexample to a claim stated as true (never "known", whatever the corpus holds), or a claim undecided or in error; 2 bad input (a corpus file whose claim does not match its name, a results folder that cannot be written included); 130 interrupted.',
  },
  run,
};
