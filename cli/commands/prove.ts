/**
 * `loracheck prove`: decides claims with the SMT engine (properties/prove/): proved (for every
 * input, or for a fixed-size class), refuted (an exact counterexample, replayable with
 * `check --input`), or unknown (with the time spent). Writes results/prove.json after every
 * claim, merged with the proofs already there.
 * Exit 0: no claim as stated refuted; 1: a claim as stated refuted; 2: bad input.
 */
import { join } from 'node:path';
import type { Command } from '../command.ts';
import { PROVE_EXAMPLES } from '../help-examples.ts';
import { UsageError } from '../args.ts';
import { environment, resultsDir } from '../io.ts';
import { rowsJob } from '../../properties/index.ts';
import { CATALOGUE } from '../../theory/index.ts';
import type { HypothesisName } from '../../theory/claim.ts';
import type { ClaimProofResult, ProveResultFile } from '../../theory/results.ts';
import { PROVE_FILE, hasEncoding, proveClaims } from '../../properties/index.ts';
import { PROVE_ROWS, proveDoc } from '../../properties/index.ts';
import { claimsOrUsage, droppedOrUsage, hypothesisOrUsage, stopLine } from '../claim-flags.ts';
import { witnessLines } from '../claim-text.ts';
import { stoppedExit } from '../../runtime/interrupt.ts';

function line(r: ClaimProofResult): string {
  const tried = r.attempts.map((a) => `${a.class}: ${a.result}${a.reason ? ` (${a.reason})` : ''}`).join('; ');
  return `${r.id.padEnd(26)} ${r.text.padEnd(36)} ${(r.timeMs / 1000).toFixed(2).padStart(6)} s${tried && r.verdict !== 'proved' ? `   [${tried}]` : ''}`;
}

export const command: Command = {
  spec: {
    name: 'prove',
    summary: 'Decide claims with an SMT solver (Z3): proved, refuted with an exact counterexample, or unknown.',
    usage: 'prove [--claim ID]... [--drop HYP]... [--timeout S] [--json] [--results DIR]',
    examples: PROVE_EXAMPLES,
    flags: {
      claim: { type: 'string[]', arg: 'ID', help: 'claim to prove (repeatable; default: every claim with an encoding)' },
      drop: { type: 'string[]', arg: 'HYP', help: 'drop a hypothesis (repeatable; with no --claim: the claims that name it)' },
      timeout: { type: 'number', arg: 'S', duration: true, gt: 0, default: 10, help: 'solver time per claim in seconds, all encodings and branch paths together' },
      json: { type: 'boolean', help: 'print one JSON document (ProveResultFile) on stdout' },
      results: { type: 'string', arg: 'DIR', help: 'results folder (default ./results or $LORACHECK_RESULTS)' },
    },
    details: [
      'Encodings come from the claims themselves: a scalar form (the proof lines of Lemma 3.4, Theorem 3.5\'s step',
      'bounds) is proved for every input; other claims are decided on fixed-size classes (m = n = r = 1 quadratics,',
      'then 1x2 and 2x1 with H diagonal, Lemma A.1 at fixed weight ratios). A solver model is called a counterexample',
      'only after loracheck\'s exact field confirms it; `check --claim ID --input JSON` replays it.',
      'Results are merged into results/prove.json (one entry per claim and dropped hypotheses).',
      'Ctrl-C keeps the claims done (interrupted: true); exit 1 on a refuted claim as stated, else 130 (143 on SIGTERM).',
    ].join('\n'),
  },
  async run({ flags }) {
    const cmd = 'prove';
    const ids: string[] = flags.claim;
    const drops: string[] = flags.drop;
    for (const h of drops) hypothesisOrUsage(cmd, h);
    const claims = ids.length ? claimsOrUsage(cmd, ids) : CATALOGUE.filter((c) => hasEncoding(c) && drops.every((h) => c.hypotheses.includes(h as HypothesisName)));
    const dropped = new Map(claims.map((c) => [c.id, droppedOrUsage(cmd, c, drops)]));
    if (!claims.length) throw new UsageError(`${cmd}: no claim with an encoding names ${drops.join(', ')}`);
    const dir = resultsDir(flags.results);
    const file = join(dir, PROVE_FILE);
    const budgetMs = flags.timeout * 1000;
    const order = CATALOGUE.map((c) => c.id);
    if (!flags.json) console.log(`prove: ${claims.length} claim${claims.length === 1 ? '' : 's'}, ${flags.timeout} s solver time each${drops.length ? `, without ${drops.join(', ')}` : ''}`);
    // prove.json is a store: a run replaces the entries it re-proved and keeps the others
    const out = await rowsJob<ClaimProofResult, ProveResultFile>({
      file,
      ...PROVE_ROWS,
      keepEarlier: 'always',
      doc: (rows, interrupted) => proveDoc(rows, interrupted, { env: environment(), budgetMs, order }),
      onFirstSignal: stopLine,
      printRow: (r) => {
        if (flags.json) return;
        console.log(line(r));
        if (r.witness) for (const l of witnessLines(r.witness, '    ')) console.log(l);
      },
      run: ({ signal, onRow }) => proveClaims(claims, { budgetMs, signal, dropped: (c) => dropped.get(c.id) ?? [], onClaim: onRow }),
    });
    const fresh = out.rows;
    if (flags.json) console.log(JSON.stringify({ ...out.doc, claims: fresh }, null, 2));
    else {
      const n = (v: string) => fresh.filter((r) => r.verdict === v).length;
      console.log(`\n${fresh.length} claims: ${n('proved')} proved, ${n('refuted')} refuted, ${n('unknown')} unknown, ${n('no encoding')} without an encoding${out.interrupted ? ' (interrupted)' : ''}. Results: ${file}`);
    }
    return fresh.some((r) => r.verdict === 'refuted' && r.dropped.length === 0) ? 1 : out.interrupted ? stoppedExit(out.received) : 0;
  },
};
