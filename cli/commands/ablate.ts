/**
 * `loracheck ablate`: for every selected claim and every hypothesis it names, drop that one
 * hypothesis and search (properties/search/ablate.ts). Writes results/ablate.json after
 * every (claim, hypothesis) pair (properties/rows-job.ts), so that Ctrl-C keeps every row so far
 * and the earlier file's rows not redone.
 */
import { join } from 'node:path';
import type { Command } from '../command.ts';
import { ABLATE_EXAMPLES } from '../help-examples.ts';
import { UsageError } from '../args.ts';
import { asUsage, environment, resultsDir } from '../io.ts';
import { CATALOGUE } from '../../theory/index.ts';
import type { AblationRow } from '../../theory/results.ts';
import { ablate, ablationPlan } from '../../properties/index.ts';
import { ABLATE_ROWS, ablationDoc, type AblationDoc } from '../../properties/index.ts';
import { freshSeed, lossSkipReason, readCorpus } from '../../properties/index.ts';
import { rowsJob } from '../../properties/index.ts';
import { progressPrinter } from '../../runtime/progress.ts';
import { applyLossFlags } from '../loss.ts';
import { COMMON_FLAGS, CORPUS_FLAG, SMT_FLAG, claimsOrUsage, corpusDirOf, stopLine, workersFlag } from '../claim-flags.ts';
import { searchProgressText, witnessLines } from '../claim-text.ts';
import { stoppedExit } from '../../runtime/interrupt.ts';

function rowText(row: AblationRow, verbose: boolean): string[] {
  const found = row.foundBy === 'smt' || row.witness?.foundBy === 'smt' ? 'SMT' : `found by ${row.foundBy ?? 'sampling'}`;
  const what =
    row.status === 'load-bearing'
      ? `load-bearing${row.witness?.sizes ? ` (witness ${row.witness.sizes}, ${found})` : ''}`
      : row.status === 'not-needed'
        ? 'not needed (SMT: proved for every input without it)'
        : `${row.status}${row.smt ? ` (SMT: ${row.smt.text})` : ''}`;
  const out = [`${row.claim.padEnd(24)} ${row.hypothesis.padEnd(12)} ${what}  [${row.cases} cases${row.ascents ? `, ${row.ascents} ascents` : ''}, ${row.seconds.toFixed(1)} s]`];
  if (row.status === 'cannot-fail' && row.reason) out.push(`  ${row.reason}`);
  if (row.error) out.push(`  ${row.error}`);
  if (row.witness && verbose) out.push(...witnessLines(row.witness, '    '));
  return out;
}

export const command: Command = {
  spec: {
    name: 'ablate',
    summary: 'Drop each hypothesis of each claim in turn and search: load-bearing (with a witness) or not shown.',
    usage: "ablate [--claim ID]... [--seconds S] [--smt S] [--workers K] [--seed N] [--mode M] [--json] [--results DIR] [--verbose] [--loss 'f(w, c)' ...]",
    examples: ABLATE_EXAMPLES,
    flags: {
      claim: { type: 'string[]', arg: 'ID', help: 'claims to ablate (repeatable; default: all)' },
      ...COMMON_FLAGS,
      verbose: { type: 'boolean', help: 'print each witness (input, both sides, replay command)' },
      smt: SMT_FLAG,
      corpus: CORPUS_FLAG,
      seconds: { type: 'number', arg: 'S', duration: true, help: 'search budget per (claim, hypothesis) in seconds (default 5)', gt: 0 },
      mode: { type: 'string', arg: 'M', help: "arithmetic where a claim supports it (default: each claim's first mode)", choices: ['exact', 'precise', 'float64'] },
    },
    details: [
      'A claim false as printed (one that a .corrected claim corrects) is skipped: any input breaks it, so',
      'a counterexample says nothing about a hypothesis; its .corrected form is ablated instead. Claims that',
      'name no hypothesis are skipped too. Both are listed under "skipped" in results/ablate.json.',
      'A counterexample that still satisfies the dropped hypothesis is an error row: the claim fails as stated.',
      'Ctrl-C stops the search in progress; ablate.json keeps the rows done and the earlier rows not redone',
      '(fromEarlierRun), with interrupted: true; exit 130 (143 on SIGTERM).',
    ].join('\n'),
  },
  async run({ flags }) {
    const cmd = 'ablate';
    const ids: string[] = flags.claim;
    const selected = claimsOrUsage(cmd, ids);
    const loss = applyLossFlags(cmd, flags, flags.json);
    const claims = selected.filter((c) => !lossSkipReason(c));
    const seconds: number = flags.seconds ?? 5;
    const workers = workersFlag(cmd, flags.workers);
    const seed: number = flags.seed ?? freshSeed();
    const { pairs, skipped } = ablationPlan(claims, CATALOGUE);
    for (const c of selected) if (!claims.includes(c)) skipped.push({ claim: c.id, reason: `it ${lossSkipReason(c)} (--loss)` });
    if (ids.length && pairs.length === 0) throw new UsageError(`${cmd}: nothing to ablate: ${skipped.map((s) => `${s.claim} ${s.reason}`).join('; ')}`);
    const corpusDir = corpusDirOf(flags.corpus, loss !== undefined, resultsDir(flags.results));
    // the corpus files the rows may fall back on, checked before any work (a bad file is bad input)
    for (const id of new Set(pairs.map((p) => p.claim.id))) asUsage(() => readCorpus(id, corpusDir), `${cmd}: `);
    const file = join(resultsDir(flags.results), 'ablate.json');
    if (!flags.json) {
      console.log(`ablate: ${pairs.length} (claim, hypothesis) pairs, ${seconds} s each, seed ${seed}, ${workers} worker${workers === 1 ? '' : 's'}`);
      for (const s of skipped) console.log(`  skipped ${s.claim}: ${s.reason}`);
    }
    const progress = progressPrinter();
    const out = await rowsJob<AblationRow, AblationDoc>({
      file,
      ...ABLATE_ROWS,
      workers,
      doc: (rows, interrupted) => ablationDoc(rows, interrupted, { env: environment(), ...(loss ? { loss: loss.info } : {}), skipped, seed, secondsPerPair: seconds }),
      onFirstSignal: stopLine,
      printRow: (row) => {
        progress.done();
        if (!flags.json) for (const l of rowText(row, flags.verbose)) console.log(l);
      },
      run: ({ pool, signal, onRow }) =>
        ablate({
          pairs,
          seconds,
          workers,
          seed,
          smtSeconds: flags.smt,
          corpusDir,
          ...(flags.mode ? { mode: flags.mode } : {}),
          pool,
          signal,
          onProgress: (e, p) => progress.line(searchProgressText(`${e.claim.id} without ${e.hypothesis}`, p)),
          onRow,
        }),
    });
    progress.done();
    if (flags.json) console.log(JSON.stringify(out.doc, null, 2));
    else {
      const n = (s: string) => out.rows.filter((r) => r.status === s).length;
      console.log(
        `${n('load-bearing')} load-bearing, ${n('not-needed')} not needed, ${n('cannot-fail')} cannot fail (reason given), ${n('not-shown')} not shown, ${n('error')} errors${out.interrupted ? ' (interrupted; the earlier rows not redone are kept)' : ''}`,
      );
      console.log(`written: ${file}`);
    }
    return out.interrupted ? stoppedExit(out.received) : 0;
  },
};
