/**
 * `loracheck tighten`: for each selected inequality, the worst ratio of its two sides that a
 * targeted search finds (restarts plus local ascent in float64, the best point re-evaluated
 * exactly), beside the paper's constant 1. PEPit sets the worst case beside the theory the
 * same way. Writes results/tighten.json after every claim.
 */
import { join } from 'node:path';
import type { Command } from '../command.ts';
import { TIGHTEN_EXAMPLES } from '../help-examples.ts';
import { environment, resultsDir } from '../io.ts';
import { rowsJob, tightnessViolates } from '../../properties/index.ts';
import { progressPrinter } from '../../runtime/progress.ts';
import type { SmtBracket, TightnessRow } from '../../theory/results.ts';
import { TIGHTEN_ROWS, tightnessDoc, type TightnessDoc } from '../../properties/index.ts';
import { freshSeed, lossSkipReason } from '../../properties/index.ts';
import { applyLossFlags } from '../loss.ts';
import { isInequality } from '../../properties/index.ts';
import { tightenClaims } from '../../properties/index.ts';
import { COMMON_FLAGS, claimsOrUsage, stopLine, workersFlag } from '../claim-flags.ts';
import { betterConstantText, witnessLines } from '../claim-text.ts';
import { UsageError } from '../args.ts';
import { stoppedExit } from '../../runtime/interrupt.ts';

/** "worst ratio in [1/3 (witness, m = n = r = 1 quadratics), 171/512 (proved, all inputs)]" */
export function bracketText(b: SmtBracket): string {
  const lo = b.lower ? `${b.lower.ratio} (witness, ${b.lower.class})` : 'no witness';
  const hi = b.upper ? `${b.upper.ratio} (proved, ${b.upper.class})` : 'no bound proved';
  return `worst ratio in [${lo}, ${hi}]${b.stoppedAt ? `; stopped at ${b.stoppedAt}` : ''} (${(b.timeMs / 1000).toFixed(1)} s)`;
}


export const command: Command = {
  spec: {
    name: 'tighten',
    summary: "Search each inequality's worst case: the largest ratio of its sides found, certified exactly, beside 1.",
    usage: "tighten [--claim ID]... [--seconds S] [--smt S] [--workers K] [--seed N] [--json] [--results DIR] [--verbose] [--loss 'f(w, c)' ...]",
    examples: TIGHTEN_EXAMPLES,
    flags: {
      claim: { type: 'string[]', arg: 'ID', help: 'claims to tighten (repeatable; default: every inequality)' },
      ...COMMON_FLAGS,
      verbose: { type: 'boolean', help: 'print each witness (input, both sides, replay command)' },
      seconds: { type: 'number', arg: 'S', duration: true, help: 'search time per claim in seconds (default 10)', gt: 0 },
      smt: { type: 'number', arg: 'S', duration: true, min: 0, default: 5, help: 'solver seconds per claim for the SMT bracket [witnessed, proved] beside the sampled best (0: none)' },
    },
    details: [
      'Ratio = lhs/rhs for <= and rhs/lhs for >= (numeric/compare.ts): 1 is the paper\'s constant, above 1 a',
      'violation. Equalities have no ratio and are skipped. The worst point is snapped to simple values where',
      'that does not lower its ratio, then re-evaluated in exact arithmetic (precise for runs and long doubles).',
      'Ctrl-C keeps the rows done and the earlier rows not redone (fromEarlierRun), with interrupted: true; the',
      'claim it stopped is shown but not recorded (its earlier, full-budget row stays), unless it exceeds 1;',
      'exit 1 when a certified ratio exceeds 1 (a counterexample to the claim as stated), else 130 (143 on SIGTERM).',
    ].join('\n'),
  },
  async run({ flags }) {
    const cmd = 'tighten';
    const ids: string[] = flags.claim;
    const selected = claimsOrUsage(cmd, ids);
    const loss = applyLossFlags(cmd, flags, flags.json);
    const claims = selected.filter((c) => isInequality(c) && !lossSkipReason(c));
    const skipped = selected
      .filter((c) => !claims.includes(c))
      .map((c) => ({ claim: c.id, reason: isInequality(c) ? `it ${lossSkipReason(c)} (--loss)` : 'an equality: no ratio to tighten' }));
    if (claims.length === 0) throw new UsageError(`${cmd}: no inequality among the selected claims (${selected.map((c) => c.id).join(', ')})`);
    const seconds: number = flags.seconds ?? 10;
    const workers = workersFlag(cmd, flags.workers);
    const seed: number = flags.seed ?? freshSeed();
    const file = join(resultsDir(flags.results), 'tighten.json');
    if (!flags.json) console.log(`tighten: ${claims.length} inequalities, ${seconds} s each, seed ${seed}, ${workers} worker${workers === 1 ? '' : 's'}`);
    const progress = progressPrinter();
    const out = await rowsJob<TightnessRow, TightnessDoc>({
      file,
      ...TIGHTEN_ROWS,
      workers,
      doc: (rows, interrupted) => tightnessDoc(rows, interrupted, { env: environment(), ...(loss ? { loss: loss.info } : {}), skipped, seed, secondsPerClaim: seconds }),
      onFirstSignal: stopLine,
      printRow: (row) => print(row),
      run: ({ pool, signal, onRow }) =>
        tightenClaims({
          claims,
          seconds,
          seed,
          smtSeconds: flags.smt,
          pool,
          signal,
          onProgress: (c, p) =>
            progress.line(`${c.id}: best score ${p.bestRatio !== undefined ? p.bestRatio.toPrecision(8) : '-'} (1 = the printed constant), ${(p.elapsedMs / 1000).toFixed(1)} s`),
          // a claim that got no evaluation in its budget has no result: its earlier row stays
          onRow: (row) => (row.evaluations > 0 || row.smt ? onRow(row) : console.error(`tighten: ${row.claim}: no evaluation within the budget; nothing recorded`)),
          onCut: (row) => {
            print(row);
            if (!flags.json) console.log(`  (stopped after ${row.seconds.toFixed(1)} s of its ${seconds} s: shown, not recorded; any earlier row of ${row.claim} stays in ${file})`);
          },
        }),
    });
    function print(row: TightnessRow): void {
      progress.done();
      if (flags.json) return;
      const k = row.constant;
      console.log(
        `${row.claim.padEnd(24)} ${k ? `constant ${k.direction} ${k.printed} printed, found ${k.found.toPrecision(10)} (gap ${k.gap !== undefined && Number.isFinite(k.gap) ? k.gap.toPrecision(4) : '-'})` : 'no constant found'}` +
          `  [${row.restarts} restarts, ${row.evaluations} evaluations${row.witness?.sizes ? `, ${row.witness.sizes}` : ''}]`,
      );
      if (k?.certified !== undefined) console.log(`  certified (${k.certifiedIn}): ${k.certified}${k.digits ? ` = ${k.digits}...` : ''}`);
      if (k?.conjecture) console.log(`  conjecture (matches to ${k.conjecture.matchedDigits} digits, not proved): ${k.direction} = ${k.conjecture.form}`);
      if (k?.better) console.log(`  ${betterConstantText(k.better)}`);
      if (k?.declared) console.log(`  quantity: ${k.quantity}; as printed, lhs/rhs ${row.worstRatio !== undefined && Number.isFinite(row.worstRatio) ? row.worstRatio.toPrecision(10) : '-'}`);
      if (row.label) console.log(`  ${row.label}`);
      if (row.smt) console.log(`  SMT bracket: ${bracketText(row.smt)}`);
      const artefacts = row.floatArtefacts;
      if (artefacts) console.log(`  (${artefacts} float64 optima were rounding artefacts: certified arithmetic did not bear them out)`);
      if (row.witness && flags.verbose) for (const l of witnessLines(row.witness, '    ')) console.log(l);
    }
    progress.done();
    if (flags.json) console.log(JSON.stringify(out.doc, null, 2));
    else {
      for (const s of skipped) console.log(`skipped ${s.claim}: ${s.reason}`);
      if (out.interrupted) console.log('interrupted: the earlier rows not redone are kept');
      console.log(`written: ${file}`);
    }
    // a certified ratio above 1 is a counterexample to the claim as stated
    const above = out.rows.some(tightnessViolates);
    return above ? 1 : out.interrupted ? stoppedExit(out.received) : 0;
  },
};
