/**
 * `loracheck search`: a counterexample search for one claim across worker threads, with
 * hypotheses dropped on request, sharding, shrinking, exact confirmation, the corpus and a
 * replay command (properties/search/search-run.ts does the work; this file parses and prints).
 */
import { join } from 'node:path';
import type { Command } from '../command.ts';
import { SEARCH_EXAMPLES } from '../help-examples.ts';
import { SEED_MAX, UsageError } from '../args.ts';
import { asUsage, environment, resultsDir } from '../io.ts';
import { defaultMode, freshSeed, parseShard, readCorpus, type Shard } from '../../properties/index.ts';
import { applyLossFlags, claimForLoss } from '../loss.ts';
import { shardText } from '../../properties/index.ts';
import { mergeSearchFiles, runSearch, searchFileName, type SearchRun } from '../../properties/index.ts';
import { writeJSONAtomic } from '../../runtime/atomic.ts';
import { stoppedExit, withInterrupt, type Interrupt } from '../../runtime/interrupt.ts';
import { progressPrinter } from '../../runtime/progress.ts';
import { safeText } from '../../runtime/escape.ts';
import { COMMON_FLAGS, CORPUS_FLAG, SMT_FLAG, claimOrUsage, corpusDirOf, droppedOrUsage, modeOrUsage, stopLine, workersFlag } from '../claim-flags.ts';
import { searchCountsText, searchProgressText, witnessLines } from '../claim-text.ts';

function merge(files: string[], dir: string, json: boolean): number {
  const merged = asUsage(() => mergeSearchFiles(files, environment()), 'search --merge: ');
  const file = join(dir, searchFileName(merged.claim, merged.dropped));
  writeJSONAtomic(file, merged);
  if (json) console.log(JSON.stringify(merged, null, 2));
  else {
    console.log(`merged ${files.length} shard files of ${safeText(merged.claim)}: ${merged.cases} cases, ${merged.counterexample ? 'a counterexample' : 'no counterexample'}`);
    if (merged.counterexample) for (const l of witnessLines(merged.counterexample)) console.log(l);
    console.log(`written: ${file}`);
  }
  return 0;
}

function report(r: SearchRun, file: string): void {
  const { out, corpus } = r;
  const w = out.found?.witness;
  if (out.smt) console.log(`SMT first: ${out.smt.text}${out.smt.verdict === 'unknown' ? '' : ` (${(out.smt.timeMs / 1000).toFixed(1)} s)`}${out.smt.verdict === 'proved' && out.smt.class === 'all inputs' ? ': no counterexample exists, nothing to sample' : ''}`);
  if (w) {
    const how = `${w.confirmedIn ? `confirmed in ${w.confirmedIn}` : 'not confirmed'}, ${w.shrunk ? 'shrunk' : 'not fully shrunk (stopped)'}`;
    console.log(`counterexample (${how})${w.sizes ? `: ${w.sizes}` : ''}`);
    for (const l of witnessLines(w)) console.log(l);
    if (out.timeToFirstMs !== undefined) console.log(`first confirmed failure after ${(out.timeToFirstMs / 1000).toFixed(2)} s`);
  } else console.log(`no counterexample in ${out.cases} cases${out.interrupted ? ' (interrupted)' : ''}`);
  console.log(searchCountsText(out));
  if (out.stalledSeeds?.length) console.log(`note: ${out.stalledSeeds.length} batch(es) abandoned: one case did not finish (seeds ${out.stalledSeeds.join(', ')})`);
  if (out.error) console.log(`error: ${safeText(out.error)}`);
  if (corpus?.stored) console.log(`already in the corpus${corpus.known ? '' : ' (a counterexample to the claim as stated is never known)'}: ${corpus.path}`);
  else if (corpus?.saved) console.log(`saved in the corpus: ${corpus.path}`);
  if (!r.writeError) console.log(`written: ${file}`);
}

export const command: Command = {
  spec: {
    name: 'search',
    summary: 'Search one claim for a counterexample across worker threads; shrink, confirm exactly, save to the corpus.',
    usage:
      "search --claim ID [--drop HYP]... [--seconds S | --runs N] [--smt S] [--workers K] [--seed N] [--shard i/k] [--mode M] [--json] [--results DIR] [--loss 'f(w, c)' ...]\n" +
      '       loracheck search --merge FILE...',
    examples: SEARCH_EXAMPLES,
    flags: {
      claim: { type: 'string', arg: 'ID', help: "claim id (see 'loracheck claims')" },
      drop: { type: 'string[]', arg: 'HYP', help: 'drop a hypothesis of the claim (repeatable); the generators widen for it' },
      ...COMMON_FLAGS,
      seconds: { type: 'number', arg: 'S', duration: true, help: 'time budget in seconds, worker start-up included (default 10)', gt: 0 },
      seed: { type: 'int', arg: 'N', help: 'seed, 0..2^32-1 (printed; the same seed replays the run); with --path, the fast-check batch seed a replay prints (-2^31..2^31-1)', min: -(2 ** 31), max: SEED_MAX },
      runs: { type: 'int', arg: 'N', help: 'case budget instead of time (per shard, split over the workers)', min: 1 },
      shard: { type: 'string', arg: 'i/k', help: 'search slice i of k of the seed space (k machines split one search)' },
      mode: { type: 'string', arg: 'M', help: "arithmetic (default: the claim's first mode)", choices: ['exact', 'precise', 'float64'] },
      path: { type: 'string', arg: 'P', help: 'replay: with --seed S, rerun the fast-check batch S along path P (as a witness replay prints)' },
      'no-corpus': { type: 'boolean', help: 'do not read or save the corpus' },
      'shrink-seconds': { type: 'number', arg: 'S', duration: true, gt: 0, help: 'time for shrinking a failure (default: from the budget, at most 15 s)' },
      smt: SMT_FLAG,
      corpus: CORPUS_FLAG,
      merge: { type: 'boolean', help: 'merge the result files of the shards of one search (FILE...)' },
    },
    positionals: 'FILE...',
    details: [
      'Stops at the first confirmed counterexample or at the end of the budget. Ctrl-C stops early and keeps',
      'everything found so far (the result file says interrupted: true; exit 130, 143 on SIGTERM, unless a',
      'counterexample sets exit 1); a second Ctrl-C exits at once after writing the counts so far.',
      'Shards: run `--shard i/k` with the same --seed on k machines; each writes',
      'results/search-<claim>[-no-<hyp>]-shard-<i>of<k>.json. `loracheck search --merge FILE...` merges them',
      'into search-<claim>[-no-<hyp>].json (cases add up, the simplest counterexample wins).',
      'Exit: 0 no counterexample, or one found with hypotheses dropped, or a printed line the catalogue',
      'corrects failing as already recorded in the corpus; 1 any counterexample to a claim stated as true',
      '(with all its hypotheses: never "known", whatever the corpus holds) or a new one to a printed line;',
      '2 bad input (a results folder that cannot be written, a malformed corpus file included), before any work.',
      'Budget: --seconds is the wall clock of the whole search, worker start-up included: the SMT engine gets at',
      'most min(--smt, S/2) of it, sampling the rest; shrinking a failure comes after it (--shrink-seconds).',
      '--workers above the cores is capped at the cores (one line says so).',
      'A result file or corpus that cannot be written loses nothing: the witness is printed in full with its replay',
      'line, and the exit is 1.',
    ].join('\n'),
  },
  async run({ flags, positionals }) {
    const cmd = 'search';
    if (flags.merge) {
      if (flags.claim !== undefined) throw new UsageError(`${cmd}: --merge takes result files, not --claim`);
      if (positionals.length === 0) throw new UsageError(`${cmd}: --merge needs the result files of the shards (FILE...)`);
      return merge(positionals, resultsDir(flags.results), flags.json);
    }
    if (positionals.length) throw new UsageError(`${cmd}: unexpected argument "${safeText(positionals[0]!)}" (files only with --merge)`);
    if (flags.claim === undefined) throw new UsageError(`${cmd}: --claim ID is required (see 'loracheck claims')`);
    const claim = claimOrUsage(cmd, flags.claim);
    const loss = applyLossFlags(cmd, flags, flags.json);
    if (loss) claimForLoss(cmd, claim);
    const dropped = droppedOrUsage(cmd, claim, flags.drop);
    if (flags.seed !== undefined && flags.seed < 0 && flags.path === undefined)
      throw new UsageError(`${cmd}: --seed ${flags.seed}: a negative seed is a fast-check batch seed, for --path replays only (use 0..${SEED_MAX})`);
    const mode = modeOrUsage(cmd, claim, flags.mode);
    if (flags.seconds !== undefined && flags.runs !== undefined) throw new UsageError(`${cmd}: give --seconds or --runs, not both`);
    let shard: Shard = { index: 1, count: 1 };
    if (flags.shard !== undefined) {
      if (!/^\s*\d+\/\d+\s*$/.test(flags.shard)) throw new UsageError(`${cmd}: --shard must look like i/k (e.g. 1/4), got "${safeText(flags.shard)}"`);
      const s = parseShard(flags.shard);
      if (!s) throw new UsageError(`${cmd}: --shard ${flags.shard}: need 1 <= i <= k`);
      shard = s;
    }
    if (flags.path !== undefined && flags.seed === undefined) throw new UsageError(`${cmd}: --path needs --seed (the batch seed the replay command prints)`);
    if (flags.path !== undefined && !/^\d+(:\d+)*$/.test(flags.path)) throw new UsageError(`${cmd}: --path must look like 3:2:0 (a fast-check path), got "${safeText(flags.path)}"`);
    // before any work: a results folder that cannot be written and a bad corpus file are bad input
    const results = resultsDir(flags.results);
    const file = join(results, searchFileName(claim.id, dropped, shard));
    const corpusDir = corpusDirOf(flags.corpus, loss !== undefined, results);
    const corpus = flags['no-corpus'] ? undefined : { file: asUsage(() => readCorpus(claim.id, corpusDir), `${cmd}: `), dir: corpusDir, write: true };
    const workers = workersFlag(cmd, flags.workers);
    const seed: number = flags.seed ?? freshSeed();
    const label = `${claim.id}${dropped.length ? ` without ${dropped.join(', ')}` : ''}`;
    const budget = flags.runs !== undefined ? { runs: flags.runs as number } : { seconds: (flags.seconds ?? 10) as number };
    if (!flags.json && flags.path === undefined)
      console.log(
        `search ${label}: mode ${mode ?? defaultMode(claim)}, seed ${seed}, ${workers} worker${workers === 1 ? '' : 's'}, ` +
          `budget ${'runs' in budget ? `${budget.runs} cases` : `${budget.seconds} s`}${shard.count > 1 ? `, shard ${shardText(shard)}` : ''}`,
      );
    const progress = progressPrinter();
    const checkpoint: { now?: () => void } = {};
    let stop: Interrupt | undefined;
    const r = await withInterrupt(
      (it) => {
        stop = it;
        return runSearch({
          claim,
          dropped,
          ...(mode ? { mode } : {}),
          budget,
          workers,
          seed,
          shard,
          ...(flags.path !== undefined ? { path: flags.path } : {}),
          ...(flags['shrink-seconds'] !== undefined ? { shrinkSeconds: flags['shrink-seconds'] } : {}),
          smtSeconds: flags.smt,
          signal: it.signal,
          file,
          env: environment(),
          ...(loss ? { loss: loss.info } : {}),
          ...(corpus ? { corpus } : {}),
          onProgress: (p) => progress.line(searchProgressText(label, p)),
          checkpoint,
        });
      },
      { onFirst: stopLine, onSecond: () => checkpoint.now?.() },
    );
    progress.done();
    if (flags.json) console.log(JSON.stringify(r.doc, null, 2));
    else report(r, file);
    // never lose a witness: when a file could not be written, it is on the terminal in full
    if (r.writeError || r.corpus?.error) {
      console.error(`loracheck: search: ${[r.writeError, r.corpus?.error].filter(Boolean).join('; ')}`);
      const w = r.out.found?.witness;
      if (w && flags.json) for (const l of witnessLines(w)) console.error(l);
      if (r.writeError) return 1;
    }
    if (r.out.found && r.out.found.witness.dropped.length === 0 && !r.corpus?.known) return 1;
    return r.out.interrupted ? stoppedExit(stop?.received) : 0;
  },
};
