/**
 * `loracheck check`: runs claims as properties at a budget and prints, per claim, the verdict
 * (verified / statistical / counterexample / undecided / error), cases, non-trivial cases, undecided cases,
 * the worst slack, the seed and a replay command. Writes results/check.json (atomically, after
 * every claim, so an interrupted run keeps what it finished) and saves NEW confirmed
 * counterexamples to the corpus (properties/corpus/<id>.json).
 * Exit 0: every selected claim verified (a statistical claim: statistical), or failing as already
 * recorded in the corpus where a failure may be known at all (a printed line the catalogue
 * corrects; properties/corpus.ts knownFailure); 1: a new counterexample (saved), any
 * counterexample to a claim stated as true, or a claim undecided or in error; 2: bad input (a
 * corpus file that does not match its name included).
 */
import { join } from 'node:path';
import type { Command } from '../main.ts';
import { SEED_MAX, UsageError, type Parsed } from '../args.ts';
import { environment, resultsDir, writeJSONAtomic } from '../io.ts';
import { LOSS_FLAGS, applyLossFlags, claimForLoss } from '../loss.ts';
import { MODES, type Mode } from '../../numeric/field.ts';
import { CATALOGUE, claimById } from '../../theory/index.ts';
import { HYPOTHESES, claimInfo, type Claim } from '../../theory/claim.ts';
import { decode, type JSONValue } from '../../theory/codec.ts';
import { proofOf, readProofs } from '../../properties/prove/file.ts';
import { replayInput } from '../../properties/prove/witness.ts';
import { RESULT_SCHEMA_VERSION, type CheckResultFile, type ClaimCheckResult } from '../../theory/results.ts';
import {
  CORPUS_DIR,
  CorpusError,
  checkClaim,
  corpusPath,
  entryFromResult,
  freshSeed,
  knownFailure,
  readCorpus,
  withEntry,
  defaultMode,
  lossSkipReason,
  type EngineResult,
  type Progress,
} from '../../properties/index.ts';

interface Selection {
  claims: { claim: Claim; mode: Mode }[];
  skipped: { id: string; reason: string }[];
}

/** Which claims run in which mode; a named claim that cannot run in --mode is a usage error. */
export function selectClaims(ids: readonly string[], mode: Mode | undefined): Selection {
  const out: Selection = { claims: [], skipped: [] };
  if (ids.length) {
    const seen = new Set<string>();
    for (const id of ids) {
      const claim = claimById(id);
      if (!claim) throw new UsageError(`check: unknown claim "${id}" (run 'loracheck claims' for the list of ids)`);
      if (mode && !claim.modes.includes(mode))
        throw new UsageError(`check: claim ${id} does not run in mode ${mode} (it supports ${claim.modes.join(', ')})`);
      claimForLoss('check', claim);
      if (seen.has(id)) continue;
      seen.add(id);
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
  return `${r.id} [${r.mode}] ${verdict}: cases ${r.cases}, non-trivial ${r.nonTrivial}${pct}, undecided ${r.undecided}${fa}, ${worstText(r)}, seed ${r.seed}, ${(r.timeMs / 1000).toFixed(1)}s`;
}

function details(r: EngineResult): string[] {
  const lines: string[] = [];
  const w = r.counterexample;
  if (w) {
    lines.push(`  counterexample (${w.sizes ?? 'sizes ?'}; confirmed in ${w.confirmedIn ?? '?'}; ${w.shrunk ? 'shrunk' : 'NOT fully shrunk'}):`);
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

/** What a result file carries: the engine's raw input stays out (the witness has it encoded). */
function forFile(r: EngineResult): ClaimCheckResult {
  const { counterexampleInput: _raw, ...rest } = r;
  return rest;
}

function progressPrinter(index: number, total: number): { update(p: Progress): void; done(): void } {
  const tty = Boolean(process.stderr.isTTY);
  // Not a terminal (CI logs): one line every 5 s of a long claim, none for quick ones.
  let last = tty ? 0 : Date.now();
  let wrote = false;
  return {
    update(p) {
      const now = Date.now();
      if (!tty && now - last < 5000) return;
      last = now;
      const ratio = p.worstRatio !== undefined ? `, worst ratio ${fmtNum(p.worstRatio)}` : '';
      const line = `[${index + 1}/${total}] ${p.claim} ${p.mode} ${p.phase}: ${p.cases} cases, ${p.undecided} undecided${p.shrinkSteps ? `, ${p.shrinkSteps} shrink steps` : ''}${ratio}, ${(p.elapsedMs / 1000).toFixed(1)}s`;
      if (tty) {
        process.stderr.write(`\r\x1b[2K${line}`);
        wrote = true;
      } else process.stderr.write(`${line}\n`);
    },
    done() {
      if (tty && wrote) process.stderr.write('\r\x1b[2K');
    },
  };
}

/** A claim's corpus file, read and checked before any case runs (a bad file is bad input). */
function corpusOrUsage(id: string, dir: string) {
  try {
    return readCorpus(id, dir);
  } catch (e) {
    if (e instanceof CorpusError) throw new UsageError(`check: ${e.message}`);
    throw e;
  }
}

function inputOrUsage(text: string, claims: number): { value: unknown } {
  if (claims !== 1) throw new UsageError('check: --input replays one input: name exactly one --claim');
  try {
    return { value: decode(JSON.parse(text) as JSONValue) };
  } catch (e) {
    throw new UsageError(`check: flag --input must be the JSON of a claim input: ${e instanceof Error ? e.message : String(e)}`);
  }
}

async function run({ flags }: Parsed): Promise<number> {
  if (flags.runs !== undefined && flags.seconds !== undefined)
    throw new UsageError('check: give either --runs or --seconds, not both');
  const mode = flags.mode as Mode | undefined;
  const ids = flags.claim as string[];
  const loss = applyLossFlags('check', flags);
  if (loss && mode === 'exact' && loss.resolved.precise)
    throw new UsageError(`check: --loss ${loss.resolved.expr} uses exp/log/trig: the exact mode cannot evaluate it (use --mode precise or float64)`);
  const sel = selectClaims(ids, mode);
  if (flags.path !== undefined) {
    if (sel.claims.length !== 1) throw new UsageError('check: --path replays one failure: name exactly one --claim');
    if (flags.seed === undefined) throw new UsageError('check: --path needs the --seed it was found with');
    if (!/^\d+(:\d+)*$/.test(flags.path)) throw new UsageError(`check: flag --path must look like 12:0:3 (a fast-check path), got "${flags.path}"`);
  }
  const input = flags.input !== undefined ? inputOrUsage(flags.input, sel.claims.length) : undefined;
  const seed: number = flags.seed ?? freshSeed();
  const corpusDir: string = flags.corpus ?? CORPUS_DIR;
  const outPath = join(resultsDir(flags.results), 'check.json');
  const proofs = readProofs(resultsDir(flags.results));
  const file: CheckResultFile & { skipped?: { id: string; reason: string }[] } = {
    kind: 'check',
    schema: RESULT_SCHEMA_VERSION,
    env: environment(),
    claims: sel.claims.map((c) => claimInfo(c.claim)),
    hypotheses: { ...HYPOTHESES },
    ...(loss ? { loss: loss.info } : {}),
    results: [],
    ...(sel.skipped.length ? { skipped: sel.skipped } : {}),
  };
  for (const s of sel.skipped) process.stderr.write(`check: skipping ${s.id}: ${s.reason}\n`);
  const corpora = new Map(sel.claims.map(({ claim }) => [claim.id, corpusOrUsage(claim.id, corpusDir)]));

  let exit = 0;
  const total = sel.claims.length;
  for (const [i, { claim, mode: m }] of sel.claims.entries()) {
    const pp = progressPrinter(i, total);
    let r: EngineResult;
    try {
      r = checkClaim(claim, {
        mode: m,
        seed,
        ...(flags.runs !== undefined ? { runs: flags.runs } : {}),
        ...(flags.seconds !== undefined ? { seconds: flags.seconds } : {}),
        ...(flags.path !== undefined ? { path: flags.path } : {}),
        ...(input !== undefined ? { input: input.value } : {}),
        ...(flags['shrink-seconds'] !== undefined ? { shrinkSeconds: flags['shrink-seconds'] } : {}),
        onProgress: (p) => pp.update(p),
      });
    } finally {
      pp.done();
    }
    if (input) {
      r.replay = replayInput(claim.id, input.value);
      if (r.counterexample) r.counterexample.replay = r.replay;
    }
    const proof = proofOf(proofs, claim.id);
    if (proof) r.proof = { verdict: proof.verdict, text: proof.text };
    if (r.verdict === 'counterexample' && input) exit = 1; // a replayed input: nothing goes to the corpus
    else if (r.verdict === 'counterexample') {
      const corpus = corpora.get(claim.id)!;
      const v = knownFailure(claim, { dropped: r.dropped, failing: r.failing ?? [], ...(loss ? { loss: loss.resolved.expr } : {}) }, corpus);
      r.known = v.known;
      if (!v.known) {
        const entry = entryFromResult(r);
        if (entry && !v.entry) {
          const next = withEntry(corpus, entry);
          writeJSONAtomic(corpusPath(claim.id, corpusDir), next);
          corpora.set(claim.id, next);
        }
        exit = 1;
      }
    } else if (r.verdict !== 'verified' && r.verdict !== 'statistical') exit = 1;
    file.results.push(forFile(r));
    writeJSONAtomic(outPath, file);
    if (!flags.json) {
      console.log(summaryLine(r, input !== undefined));
      if (r.verdict !== 'verified' || r.undecided > 0) for (const l of details(r)) console.log(l);
      else console.log(`  replay: ${r.replay}`);
    }
    await new Promise((res) => setImmediate(res)); // let signals and output through between claims
  }
  writeJSONAtomic(outPath, file);
  if (flags.json) console.log(JSON.stringify(file, null, 2));
  else {
    const by = (v: string) => file.results.filter((r) => r.verdict === v).length;
    const known = file.results.filter((r) => r.verdict === 'counterexample' && r.known).length;
    console.log(
      `\n${file.results.length} claims: ${by('verified')} verified, ${by('statistical') ? `${by('statistical')} statistical, ` : ''}${by('counterexample')} counterexample (${known} known), ${by('undecided')} undecided, ${by('error')} error. Results: ${outPath}`,
    );
  }
  return exit;
}

export const command: Command = {
  spec: {
    name: 'check',
    summary: 'Run claims as randomized properties (exact, precise or float64) and report verdicts.',
    usage: "check [--claim ID]... [--mode exact|precise|float64] [--runs N | --seconds S] [--seed N] [--path P] [--json] [--results DIR] [--loss 'f(w, c)' [--L V] [--Lstar V]]",
    flags: {
      claim: { type: 'string[]', arg: 'ID', help: 'claim to check (repeatable; default: every claim)' },
      mode: { type: 'string', arg: 'MODE', choices: MODES, help: 'arithmetic (default: each claim\'s first mode; claims without it are skipped)' },
      runs: { type: 'int', arg: 'N', min: 1, help: 'cases per claim (default: per claim, see ENGINE.md)' },
      seconds: { type: 'number', arg: 'S', duration: true, gt: 0, help: 'time budget per claim instead of --runs' },
      seed: { type: 'int', arg: 'N', min: 0, max: SEED_MAX, help: 'fast-check seed, 0..2^32-1 (default: fresh, printed)' },
      path: { type: 'string', arg: 'P', help: 'replay a failure: the fast-check path printed with it (needs --seed, one --claim)' },
      'shrink-seconds': { type: 'number', arg: 'S', duration: true, gt: 0, help: 'time for shrinking a failure (default 30)' },
      json: { type: 'boolean', help: 'print one JSON document (CheckResultFile) on stdout' },
      results: { type: 'string', arg: 'DIR', help: 'results folder (default ./results or $LORACHECK_RESULTS)' },
      corpus: { type: 'string', arg: 'DIR', help: 'counterexample corpus folder (default properties/corpus)' },
      ...LOSS_FLAGS,
      input: { type: 'string', arg: 'JSON', help: "check exactly this input once (a witness's input, as `prove` prints it); one --claim" },
    },
    details:
      'Exit codes: 0 every claim verified (statistical claims: statistical), or a printed line the catalogue corrects failing as recorded in the corpus; 1 a new counterexample (saved to the corpus), any counterexample to a claim stated as true (never "known", whatever the corpus holds), or a claim undecided or in error; 2 bad input (a corpus file whose claim does not match its name included).',
  },
  run,
};
