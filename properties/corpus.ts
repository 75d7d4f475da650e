/**
 * The counterexample corpus: confirmed, shrunk witnesses, one JSON file per claim in
 * properties/corpus/<claim-id>.json (committed to git; exact entries as "p/q" strings, see
 * theory/codec.ts). `npm test` replays every entry: a printed line that was false must stay
 * false exactly as recorded, and its `.corrected` form must hold on the same input.
 *
 * This module is pure reading and checking; the CLI writes files (atomically, cli/io.ts), since
 * properties/ does not import cli/.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Mode } from '../numeric/field.ts';
import { fieldFor } from '../numeric/fields.ts';
import type { Claim } from '../theory/claim.ts';
import { decode, type JSONValue } from '../theory/codec.ts';
import { CATALOGUE } from '../theory/index.ts';
import type { Witness } from '../theory/results.ts';
import { evaluateCase, failingFamilies } from './_internals/evaluate.ts';
import { violated } from './_internals/witness.ts';

const CORPUS_SCHEMA = 1;

export interface CorpusEntry {
  /** ISO date it was recorded. */
  recordedAt: string;
  /** Label families of the comparisons that fail (entry indices folded), sorted. */
  failing: string[];
  witness: Witness;
}

export interface CorpusFile {
  kind: 'corpus';
  schema: number;
  claim: string;
  entries: CorpusEntry[];
}

/** properties/corpus/ next to this file. */
export const CORPUS_DIR = fileURLToPath(new URL('./corpus/', import.meta.url));

export function corpusPath(id: string, dir = CORPUS_DIR): string {
  if (!/^[A-Za-z0-9._-]+$/.test(id)) throw new RangeError(`corpusPath: claim id "${id}" is not a safe file name`);
  return join(dir, `${id}.json`);
}

export function emptyCorpus(id: string): CorpusFile {
  return { kind: 'corpus', schema: CORPUS_SCHEMA, claim: id, entries: [] };
}

/** Thrown on a malformed corpus file; the message names the file and the field. */
export class CorpusError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CorpusError';
  }
}

const isStringArray = (x: unknown): boolean => Array.isArray(x) && x.every((v) => typeof v === 'string');

/** A corpus file is properties/corpus/<id>.json: its `claim` and every witness's `claim` must
 *  be that id (a file renamed or edited by hand would otherwise be replayed against the wrong
 *  claim, or make another claim's failures "known"). */
function validate(file: string, id: string, x: unknown): CorpusFile {
  const bad = (field: string, why: string): never => {
    throw new CorpusError(`${file}: field ${field} ${why}`);
  };
  if (!x || typeof x !== 'object' || Array.isArray(x)) bad('(top level)', 'must be an object');
  const o = x as Record<string, unknown>;
  if (o.kind !== 'corpus') bad('kind', `must be "corpus", got ${JSON.stringify(o.kind)}`);
  if (o.schema !== CORPUS_SCHEMA) bad('schema', `must be ${CORPUS_SCHEMA}, got ${JSON.stringify(o.schema)}`);
  if (typeof o.claim !== 'string') bad('claim', 'must be a string');
  if (o.claim !== id) bad('claim', `must be ${JSON.stringify(id)} (the file name), got ${JSON.stringify(o.claim)}`);
  if (!Array.isArray(o.entries)) bad('entries', 'must be an array');
  (o.entries as unknown[]).forEach((e, i) => {
    const en = e as Record<string, unknown>;
    if (!en || typeof en !== 'object' || Array.isArray(en)) bad(`entries[${i}]`, 'must be an object');
    if (!isStringArray(en.failing)) bad(`entries[${i}].failing`, 'must be an array of labels');
    const w = en.witness as Record<string, unknown> | undefined;
    if (!w || typeof w !== 'object' || Array.isArray(w)) bad(`entries[${i}].witness`, 'must be an object');
    if (w!.claim !== id) bad(`entries[${i}].witness.claim`, `must be ${JSON.stringify(id)} (the file name), got ${JSON.stringify(w!.claim)}`);
    if (!isStringArray(w!.dropped)) bad(`entries[${i}].witness.dropped`, 'must be an array of hypothesis names');
    if (!Array.isArray(w!.comparisons)) bad(`entries[${i}].witness.comparisons`, 'must be an array');
    if (w!.input === undefined || w!.input === null) bad(`entries[${i}].witness.input`, 'is missing');
  });
  return o as unknown as CorpusFile;
}

/** The corpus of a claim (empty when it has no file). */
export function readCorpus(id: string, dir = CORPUS_DIR): CorpusFile {
  const path = corpusPath(id, dir);
  if (!existsSync(path)) return emptyCorpus(id);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new CorpusError(`${path}: not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  return validate(path, id, json);
}

/** Every corpus file in the folder. */
export function listCorpora(dir = CORPUS_DIR): CorpusFile[] {
  // readCorpus checks each file's content against its name
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => readCorpus(f.slice(0, -'.json'.length), dir));
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const s = new Set(a);
  return a.length === b.length && b.every((x) => s.has(x));
}

/**
 * The entry a new counterexample repeats: same hypotheses dropped and the same failing
 * comparisons (label families). Whether a repeat may count as "known" is `knownFailure`'s call.
 */
function findKnown(file: CorpusFile, c: { dropped: readonly string[]; failing: readonly string[]; loss?: string }): CorpusEntry | undefined {
  return file.entries.find((e) => sameSet(e.witness.dropped, c.dropped) && sameSet(e.failing, c.failing) && entryLoss(e) === c.loss);
}

/** The user's loss expression (`--loss`) a witness was found on, if any: a counterexample on
 *  another loss is another finding. */
function entryLoss(e: CorpusEntry): string | undefined {
  const loss = (e.witness.input as { loss?: { family?: unknown; expr?: unknown } } | null)?.loss;
  return loss && loss.family === 'expr' && typeof loss.expr === 'string' ? loss.expr : undefined;
}

/** The `.corrected` claim of a printed line that the catalogue shows false, if any. */
function correctionOf(claimId: string, catalogue: readonly Claim[] = CATALOGUE): Claim | undefined {
  return catalogue.find((c) => c.correctedOf === claimId);
}

interface KnownVerdict {
  /** True when the failure is one the corpus already holds AND one that may be known at all. */
  known: boolean;
  /** The corpus entry it repeats (when it repeats one, known or not). */
  entry?: CorpusEntry;
  /** Why it is (not) known, for the output. */
  why: string;
}

/**
 * Whether a confirmed counterexample is "known" (`check` and `search` then exit 0).
 * A counterexample to a claim the paper states as true, found with all its hypotheses in
 * place, is never known, whatever the corpus holds: it refutes the claim (exit 1, reported as
 * new). Only two kinds of failure can be known: those of a printed line that the catalogue
 * shows false (it has a `.corrected` claim), and those found with hypotheses dropped
 * (ablation), each when the corpus holds the same failure (same hypotheses dropped, same
 * failing comparisons).
 */
export function knownFailure(
  claim: Claim,
  c: { dropped: readonly string[]; failing: readonly string[]; loss?: string },
  corpus: CorpusFile,
  catalogue: readonly Claim[] = CATALOGUE,
): KnownVerdict {
  const printedFalse = correctionOf(claim.id, catalogue) !== undefined;
  const entry = findKnown(corpus, c);
  if (c.dropped.length === 0 && !printedFalse)
    return { known: false, ...(entry ? { entry } : {}), why: `a counterexample to ${claim.id} as stated, with all its hypotheses: new whatever the corpus holds` };
  if (!entry) return { known: false, why: 'not in the corpus' };
  const what = c.dropped.length ? `found with ${c.dropped.join(', ')} dropped` : `a printed line corrected by ${correctionOf(claim.id, catalogue)!.id}`;
  return { known: true, entry, why: `in the corpus (${what})` };
}

/** The file with one more entry (pure: the caller writes it). */
export function withEntry(file: CorpusFile, entry: CorpusEntry): CorpusFile {
  return { ...file, entries: [...file.entries, entry] };
}

interface ReplayOutcome {
  ok: boolean;
  /** Why it is not ok (first difference). */
  reason?: string;
  mode: Mode;
  failing: string[];
}

/** The mode a witness is replayed in: where it was confirmed (exact or precise). */
function replayMode(w: Witness): Mode {
  return w.confirmedIn ?? w.foundIn;
}

/**
 * Re-evaluates a stored witness: it must fail exactly as recorded, i.e. the same comparisons
 * (same count, same labels) decide the same way (true / false / undecided) and the failing
 * label families equal the recorded ones.
 */
export function replayEntry(claim: Claim, entry: CorpusEntry): ReplayOutcome {
  const mode = replayMode(entry.witness);
  const input = decode(entry.witness.input as JSONValue);
  const out = evaluateCase(claim, fieldFor(mode), input);
  const failing = failingFamilies(out);
  const result = (reason?: string): ReplayOutcome => (reason ? { ok: false, reason, mode, failing } : { ok: true, mode, failing });
  if (out.status === 'error') return result(`${claim.id} threw on the stored input: ${out.error}`);
  const rec = entry.witness.comparisons;
  if (rec.length !== out.decisions.length)
    return result(`${claim.id} now has ${out.decisions.length} comparisons on the stored input, ${rec.length} were recorded`);
  for (let i = 0; i < rec.length; i++) {
    if ((rec[i]!.label ?? '') !== (out.labels[i] ?? '')) return result(`comparison ${i}: label "${out.labels[i]}" was "${rec[i]!.label}"`);
    if (rec[i]!.holds !== out.decisions[i]!.holds)
      return result(`comparison ${i} (${rec[i]!.label}): now ${String(out.decisions[i]!.holds)}, recorded ${String(rec[i]!.holds)}`);
  }
  if (!sameSet(failing, entry.failing)) return result(`failing comparisons are now [${failing.join('; ')}], recorded [${entry.failing.join('; ')}]`);
  if (failing.length === 0) return result('the stored witness no longer fails');
  return result();
}

/**
 * The corrected claim on the stored input of its printed claim's counterexample: it must hold
 * (every comparison true). Undefined when the input lies outside the corrected claim's
 * hypotheses (e.g. a witness found with a hypothesis dropped), where nothing is asserted.
 */
export function replayCorrected(corrected: Claim, entry: CorpusEntry): ReplayOutcome | undefined {
  const mode = replayMode(entry.witness);
  const input = decode(entry.witness.input as JSONValue);
  if (!corrected.modes.includes(mode)) return undefined;
  if ((violated(corrected, input) ?? []).some((h) => corrected.hypotheses.includes(h))) return undefined;
  const out = evaluateCase(corrected, fieldFor(mode), input);
  const failing = failingFamilies(out);
  if (out.status === 'pass') return { ok: true, mode, failing };
  return { ok: false, reason: `${corrected.id} is ${out.status} on the witness of ${entry.witness.claim}${out.error ? `: ${out.error}` : ''}`, mode, failing };
}
