/**
 * results/prove.json: one entry per (claim, dropped hypotheses). A new run replaces the entries
 * it re-proved and keeps the others, so `prove --claim X` never loses earlier proofs. Reading is
 * lenient (a missing or foreign file is no proofs); `check` and the ablation table read it for
 * the strongest verdict a claim has.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClaimProofResult, ProveResultFile } from '../../theory/results.ts';

export const PROVE_FILE = 'prove.json';

const keyOf = (r: Pick<ClaimProofResult, 'id' | 'dropped'>) => `${r.id}\u0000${[...r.dropped].sort().join(',')}`;

/** The earlier file's entries that `fresh` does not replace, then `fresh`, in catalogue order of `order`. */
export function mergeProofs(previous: readonly ClaimProofResult[], fresh: readonly ClaimProofResult[], order: readonly string[]): ClaimProofResult[] {
  const byKey = new Map(previous.map((r) => [keyOf(r), r]));
  for (const r of fresh) byKey.set(keyOf(r), r);
  const rank = (id: string) => {
    const i = order.indexOf(id);
    return i < 0 ? order.length : i;
  };
  return [...byKey.values()].sort((a, b) => rank(a.id) - rank(b.id) || a.dropped.length - b.dropped.length || keyOf(a).localeCompare(keyOf(b)));
}

/** The proofs in a results folder (none when the file is missing or unreadable). */
export function readProofs(dir: string): ClaimProofResult[] {
  const path = join(dir, PROVE_FILE);
  if (!existsSync(path)) return [];
  try {
    const doc = JSON.parse(readFileSync(path, 'utf8')) as Partial<ProveResultFile>;
    return doc?.kind === 'prove' && Array.isArray(doc.claims) ? doc.claims.filter((c) => typeof c?.id === 'string' && Array.isArray(c.dropped)) : [];
  } catch {
    return [];
  }
}

/** The proof of a claim as stated (no hypothesis dropped), if any. */
export function proofOf(proofs: readonly ClaimProofResult[], id: string): ClaimProofResult | undefined {
  return proofs.find((p) => p.id === id && p.dropped.length === 0);
}
