/**
 * Flags and flag checks shared by the commands of the claims side (`check`, `search`, `ablate`,
 * `tighten`, `prove`): budgets, workers, seeds, the results folder, and the claim, hypothesis
 * and mode named on the command line.
 */
import { SEED_MAX, UsageError, type FlagSpec } from './args.ts';
import { LOSS_FLAGS } from './loss.ts';
import type { Mode } from '../numeric/field.ts';
import { HYPOTHESES, type Claim, type HypothesisName } from '../theory/claim.ts';
import { CATALOGUE, claimById } from '../theory/index.ts';
import { join } from 'node:path';
import { CORPUS_DIR, capWorkers } from '../properties/index.ts';

export const COMMON_FLAGS: Record<string, FlagSpec> = {
  seconds: { type: 'number', arg: 'S', help: 'time budget in seconds', gt: 0, duration: true },
  workers: { type: 'int', arg: 'K', help: 'worker threads (default and at most: the cores of this machine)', min: 1 },
  seed: { type: 'int', arg: 'N', help: 'seed, 0..2^32-1 (printed; the same seed replays the run)', min: 0, max: SEED_MAX },
  json: { type: 'boolean', help: 'print one JSON document on stdout (progress stays on stderr)' },
  results: { type: 'string', arg: 'DIR', help: 'results folder (default: results, or $LORACHECK_RESULTS); checked writable before any work' },
  ...LOSS_FLAGS,
};

/** The counterexample corpus (check, search, ablate). */
export const CORPUS_FLAG: FlagSpec = { type: 'string', arg: 'DIR', help: "counterexample corpus folder (default properties/corpus, the catalogue's, which npm test replays; with --loss, <results>/corpus)" };

/** The corpus a run reads and adds to: --corpus, else the catalogue's (properties/corpus), or,
 *  for a user's loss (--loss), one in the results folder: a finding about the user's loss is
 *  the user's result, and a README example must not change a file of the repository. */
export function corpusDirOf(flag: string | undefined, userLoss: boolean, results: string): string {
  return flag ?? (userLoss ? join(results, 'corpus') : CORPUS_DIR);
}

/** Solver time before sampling (search, ablate): a refutation is a confirmed minimal witness. */
export const SMT_FLAG: FlagSpec = { type: 'number', arg: 'S', duration: true, min: 0, default: 5, help: 'seconds for the SMT engine before sampling, where the claim has an encoding (0: sample only)' };

export function claimOrUsage(cmd: string, id: string): Claim {
  const c = claimById(id);
  if (!c) throw new UsageError(`${cmd}: --claim ${id}: unknown claim (see 'loracheck claims')`);
  return c;
}

/** The claims named by --claim (each once, in order), or every claim when none is named. */
export function claimsOrUsage(cmd: string, ids: readonly string[]): readonly Claim[] {
  return ids.length ? [...new Set(ids)].map((id) => claimOrUsage(cmd, id)) : CATALOGUE;
}

export function hypothesisOrUsage(cmd: string, h: string): HypothesisName {
  if (!(h in HYPOTHESES)) throw new UsageError(`${cmd}: --drop ${h}: unknown hypothesis (known: ${Object.keys(HYPOTHESES).join(', ')})`);
  return h as HypothesisName;
}

export function droppedOrUsage(cmd: string, claim: Claim, drops: readonly string[]): HypothesisName[] {
  const out: HypothesisName[] = [];
  for (const h of drops) {
    hypothesisOrUsage(cmd, h);
    if (!claim.hypotheses.includes(h as HypothesisName))
      throw new UsageError(`${cmd}: --drop ${h}: claim ${claim.id} does not use this hypothesis (it uses: ${claim.hypotheses.join(', ') || 'none'})`);
    if (!out.includes(h as HypothesisName)) out.push(h as HypothesisName);
  }
  return out;
}

export function modeOrUsage(cmd: string, claim: Claim, mode: string | undefined): Mode | undefined {
  if (mode === undefined) return undefined;
  if (!claim.modes.includes(mode as Mode)) throw new UsageError(`${cmd}: --mode ${mode}: claim ${claim.id} runs in ${claim.modes.join(', ')} only`);
  return mode as Mode;
}

/** --workers, capped at the cores (a line on stderr says so): more threads than cores only
 *  cost memory and start-up time out of the budget. */
export function workersFlag(cmd: string, requested: number | undefined): number {
  const w = capWorkers(requested);
  if (w.capped) process.stderr.write(`${cmd}: --workers ${requested} capped at ${w.workers}, the cores of this machine\n`);
  return w.workers;
}

/** The message of the first Ctrl-C of a long command. */
export function stopLine(): void {
  process.stderr.write('\nloracheck: interrupted; stopping and keeping what was found (Ctrl-C again to quit now)\n');
}
