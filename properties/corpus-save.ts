/**
 * The one corpus writer (`check` and `search` call it): a confirmed counterexample is looked
 * up in properties/corpus/<claim>.json (corpus.ts knownFailure) and added, atomically, unless
 * the same failure is there. A corpus that cannot be written loses nothing: the answer says
 * why, and the caller prints the witness in full with its replay line (it is in the result
 * file too).
 */
import { writeJSONAtomic } from '../runtime/atomic.ts';
import type { Claim } from '../theory/claim.ts';
import type { Witness } from '../theory/results.ts';
import { corpusPath, knownFailure, readCorpus, withEntry, type CorpusFile } from './corpus.ts';

export interface CorpusSave {
  path: string;
  /** A known failure (corpus.ts knownFailure): never one to a claim as stated. */
  known: boolean;
  /** The corpus already held the same failure. */
  stored: boolean;
  /** It was added now. */
  saved: boolean;
  /** Why it could not be written (the witness is then printed and kept in the result file). */
  error?: string;
  /** The corpus file after the save (the next save of the same run starts from it). */
  file: CorpusFile;
}

/**
 * Records a confirmed counterexample. `corpus` is the claim's corpus file as read before the
 * run (a malformed one is bad input before any work: readCorpus throws CorpusError); `write`
 * false only looks it up. Undefined for an unconfirmed witness.
 */
export function saveFailure(
  claim: Claim,
  found: { witness: Witness; failing: readonly string[]; loss?: string },
  opts: { write: boolean; dir?: string; corpus?: CorpusFile; date?: Date },
): CorpusSave | undefined {
  const w = found.witness;
  if (!w.confirmedIn || found.failing.length === 0) return undefined;
  const path = corpusPath(claim.id, opts.dir);
  const file = opts.corpus ?? readCorpus(claim.id, opts.dir);
  const v = knownFailure(claim, { dropped: w.dropped, failing: found.failing, ...(found.loss !== undefined ? { loss: found.loss } : {}) }, file);
  if (v.entry || !opts.write) return { path, known: v.known, stored: v.entry !== undefined, saved: false, file };
  const next = withEntry(file, { recordedAt: (opts.date ?? new Date()).toISOString(), failing: [...found.failing], witness: w });
  try {
    writeJSONAtomic(path, next);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException)?.code;
    return { path, known: false, stored: false, saved: false, error: `cannot write ${path} (${code ?? (e instanceof Error ? e.message : String(e))})`, file };
  }
  return { path, known: false, stored: false, saved: true, file: next };
}
