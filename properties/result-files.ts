/**
 * The result files of rows (`check.json`, `ablate.json`, `tighten.json`, `prove.json`): for each
 * kind, the one builder of the document and how rows-job.ts finds its rows and tells them apart
 * (the key a row done now replaces an earlier one by). The documents follow the one schema,
 * theory/results.ts.
 */
import { createRequire } from 'node:module';
import { RESULT_SCHEMA_VERSION, type AblationResultFile, type AblationRow, type ClaimProofResult, type Environment, type ProveResultFile, type TightnessResultFile, type TightnessRow, type UserLossInfo } from '../theory/results.ts';
import { mergeProofs } from './prove/file.ts';
import type { Skipped } from './search/ablate.ts';

/** Where a kind keeps its rows and the identity of a row (undefined: not a row of this kind). */
export interface RowsFileSpec<R> {
  kind: string;
  rowsField: string;
  key: (row: R) => string | undefined;
}

/** What every file of rows starts with. */
interface RowsHead {
  env: Environment;
  loss?: UserLossInfo;
}

const head = (kind: string, h: RowsHead) => ({ kind, schema: RESULT_SCHEMA_VERSION, env: h.env, ...(h.loss ? { loss: h.loss } : {}) });
const flag = (interrupted: boolean) => (interrupted ? { interrupted: true } : {});
const str = (x: unknown): x is string => typeof x === 'string';

export type AblationDoc = AblationResultFile;

export const ABLATE_ROWS: RowsFileSpec<AblationRow> = { kind: 'ablate', rowsField: 'rows', key: (r) => (str(r.claim) && str(r.hypothesis) ? `${r.claim} ${r.hypothesis}` : undefined) };

export function ablationDoc(rows: AblationRow[], interrupted: boolean, h: RowsHead & { skipped: Skipped[]; seed: number; secondsPerPair: number }): AblationDoc {
  return { ...head('ablate', h), kind: 'ablate', rows, skipped: h.skipped, seed: h.seed, secondsPerPair: h.secondsPerPair, ...flag(interrupted) };
}

export type TightnessDoc = TightnessResultFile;

export const TIGHTEN_ROWS: RowsFileSpec<TightnessRow> = { kind: 'tighten', rowsField: 'rows', key: (r) => (str(r.claim) ? r.claim : undefined) };

export function tightnessDoc(rows: TightnessRow[], interrupted: boolean, h: RowsHead & { skipped: { claim: string; reason: string }[]; seed: number; secondsPerClaim: number }): TightnessDoc {
  return { ...head('tighten', h), kind: 'tighten', rows, seed: h.seed, secondsPerClaim: h.secondsPerClaim, skipped: h.skipped, ...flag(interrupted) };
}

export const PROVE_ROWS: RowsFileSpec<ClaimProofResult> = {
  kind: 'prove',
  rowsField: 'claims',
  key: (r) => (str(r.id) && Array.isArray(r.dropped) ? `${r.id} ${[...r.dropped].sort().join(',')}` : undefined),
};

function z3Version(): string | undefined {
  try {
    return (createRequire(import.meta.url)('z3-solver/package.json') as { version: string }).version;
  } catch {
    return undefined;
  }
}

/** prove.json: the entries in catalogue order (`order`: the claim ids). */
export function proveDoc(rows: ClaimProofResult[], interrupted: boolean, h: RowsHead & { budgetMs: number; order: readonly string[] }): ProveResultFile {
  const v = z3Version();
  return { ...head('prove', h), kind: 'prove', solver: { name: 'z3-solver', ...(v ? { version: v } : {}) }, budgetMs: h.budgetMs, claims: mergeProofs([], rows, h.order), ...flag(interrupted) };
}
