/**
 * `loracheck ablate`: for every selected claim and every hypothesis it names, drop that one
 * hypothesis and search (properties/search/ablate.ts). Writes results/ablate.json after
 * every (claim, hypothesis) pair, so that Ctrl-C keeps every row so far.
 */
import { join } from 'node:path';
import type { Command } from '../main.ts';
import { UsageError } from '../args.ts';
import { environment, resultsDir } from '../io.ts';
import { CATALOGUE } from '../../theory/index.ts';
import type { Claim } from '../../theory/claim.ts';
import { RESULT_SCHEMA_VERSION, type AblationResultFile, type AblationRow } from '../../theory/results.ts';
import { ablate, ablationPlan, type Skipped } from '../../properties/search/ablate.ts';
import { defaultWorkers } from '../../properties/search/pool.ts';
import { freshSeed, lossSkipReason } from '../../properties/index.ts';
import { applyLossFlags } from '../loss.ts';
import { COMMON_FLAGS, SMT_FLAG, claimOrUsage, rowsJob, searchProgressText, witnessLines } from './search.ts';

/** The result file, plus the claims skipped and why (the schema's readers ignore extra fields). */
type AblationDoc = AblationResultFile & { skipped: Skipped[]; seed: number; secondsPerPair: number; interrupted?: boolean };

export const command: Command = {
  spec: {
    name: 'ablate',
    summary: 'Drop each hypothesis of each claim in turn and search: load-bearing (with a witness) or not shown.',
    usage: 'ablate [--claim ID]... [--seconds S] [--workers K] [--seed N] [--mode M] [--json] [--results DIR] [--verbose]',
    flags: {
      claim: { type: 'string[]', arg: 'ID', help: 'claims to ablate (repeatable; default: all)' },
      ...COMMON_FLAGS,
      verbose: { type: 'boolean', help: 'print each witness (input, both sides, replay command)' },
      smt: SMT_FLAG,
      seconds: { type: 'number', arg: 'S', duration: true, help: 'search budget per (claim, hypothesis) in seconds (default 5)', gt: 0 },
      mode: { type: 'string', arg: 'M', help: "arithmetic where a claim supports it (default: each claim's first mode)", choices: ['exact', 'precise', 'float64'] },
    },
    details: [
      'A claim false as printed (one that a .corrected claim corrects) is skipped: any input breaks it, so',
      'a counterexample says nothing about a hypothesis; its .corrected form is ablated instead. Claims that',
      'name no hypothesis are skipped too. Both are listed under "skipped" in results/ablate.json.',
      'A counterexample that still satisfies the dropped hypothesis is an error row: the claim fails as stated.',
    ].join('\n'),
  },
  async run({ flags }) {
    const cmd = 'ablate';
    const ids: string[] = flags.claim;
    const selected: Claim[] = ids.length ? ids.map((id) => claimOrUsage(cmd, id)) : CATALOGUE;
    const loss = applyLossFlags(cmd, flags, flags.json);
    const claims = selected.filter((c) => !lossSkipReason(c));
    const seconds: number = flags.seconds ?? 5;
    const workers: number = flags.workers ?? defaultWorkers();
    const seed: number = flags.seed ?? freshSeed();
    const { pairs, skipped } = ablationPlan(claims, CATALOGUE);
    for (const c of selected) if (!claims.includes(c)) skipped.push({ claim: c.id, reason: `it ${lossSkipReason(c)} (--loss)` });
    if (ids.length && pairs.length === 0)
      throw new UsageError(`${cmd}: nothing to ablate: ${skipped.map((s) => `${s.claim} ${s.reason}`).join('; ')}`);
    const file = join(resultsDir(flags.results), 'ablate.json');
    const rows: AblationRow[] = [];
    const doc = (interrupted: boolean): AblationDoc => ({
      kind: 'ablate',
      schema: RESULT_SCHEMA_VERSION,
      env: environment(),
      ...(loss ? { loss: loss.info } : {}),
      rows,
      skipped,
      seed,
      secondsPerPair: seconds,
      ...(interrupted ? { interrupted: true } : {}),
    });
    if (!flags.json) {
      console.log(`ablate: ${pairs.length} (claim, hypothesis) pairs, ${seconds} s each, seed ${seed}, ${workers} worker${workers === 1 ? '' : 's'}`);
      for (const s of skipped) console.log(`  skipped ${s.claim}: ${s.reason}`);
    }
    const result = await rowsJob<AblationRow, AblationDoc>({
      file,
      json: flags.json,
      workers,
      doc,
      rows,
      printRow: (row) => {
        const found = row.foundBy === 'smt' || row.witness?.foundBy === 'smt' ? 'SMT' : `found by ${row.foundBy ?? 'sampling'}`;
        const what =
          row.status === 'load-bearing'
            ? `load-bearing${row.witness?.sizes ? ` (witness ${row.witness.sizes}, ${found})` : ''}`
            : row.status === 'not-needed'
              ? 'not needed (SMT: proved for every input without it)'
              : `${row.status}${row.smt ? ` (SMT: ${row.smt.text})` : ''}`;
        console.log(`${row.claim.padEnd(24)} ${row.hypothesis.padEnd(12)} ${what}  [${row.cases} cases${row.ascents ? `, ${row.ascents} ascents` : ''}, ${row.seconds.toFixed(1)} s]`);
        if (row.status === 'cannot-fail' && row.reason) console.log(`  ${row.reason}`);
        if (row.error) console.log(`  ${row.error}`);
        if (row.witness && flags.verbose) for (const l of witnessLines(row.witness, '    ')) console.log(l);
      },
      run: ({ pool, signal, progress, onRow }) =>
        ablate({
          pairs,
          seconds,
          workers,
          seed,
          smtSeconds: flags.smt,
          ...(flags.mode ? { mode: flags.mode } : {}),
          pool,
          signal,
          onProgress: (e, p) => progress.line(searchProgressText(`${e.claim.id} without ${e.hypothesis}`, p)),
          onRow,
        }),
    });
    if (!flags.json) {
      const lb = rows.filter((r) => r.status === 'load-bearing').length;
      console.log(`${lb} load-bearing, ${rows.filter((r) => r.status === 'not-needed').length} not needed, ${rows.filter((r) => r.status === 'cannot-fail').length} cannot fail (reason given), ${rows.filter((r) => r.status === 'not-shown').length} not shown, ${rows.filter((r) => r.status === 'error').length} errors${result.interrupted ? ' (interrupted)' : ''}`);
      console.log(`written: ${file}`);
    }
    return 0;
  },
};
