/**
 * What `loracheck search` does below the CLI: the search (search.ts) or the replay of one
 * fast-check batch on the main thread, a checkpoint of the result file every 10 s, the one
 * builder of the search result file, the corpus (corpus-save.ts), and the merge of the result
 * files of the shards of one search. Writes never lose a witness: a result file or corpus that
 * cannot be written is reported back (the CLI prints the witness in full with its replay line).
 */
import { readFileSync } from 'node:fs';
import { writeJSONAtomic } from '../../runtime/atomic.ts';
import { BadFile } from '../../runtime/bad-file.ts';
import type { Mode } from '../../numeric/field.ts';
import type { Claim, HypothesisName } from '../../theory/claim.ts';
import { RESULT_SCHEMA_VERSION, type Environment, type SearchResultFile, type UserLossInfo, type Witness } from '../../theory/results.ts';
import type { CorpusFile } from '../corpus.ts';
import { saveFailure, type CorpusSave } from '../corpus-save.ts';
import { checkClaim } from '../engine.ts';
import { defaultMode, userLoss } from '../user-loss.ts';
import type { Shard } from '../_internals/seeds.ts';
import { finishFailure, type Found } from './handler.ts';
import { search, type SearchOutcome, type SearchProgress } from './search.ts';
import { shardText } from './seeds.ts';

/** Result file name: search-<claim>[-no-<hyp>...][-shard-<i>of<k>].json */
export function searchFileName(claim: string, dropped: readonly string[], shard?: Shard): string {
  const drops = dropped.map((h) => `-no-${h}`).join('');
  const sh = shard && shard.count > 1 ? `-shard-${shard.index}of${shard.count}` : '';
  return `search-${claim}${drops}${sh}.json`;
}

type Counted = Pick<SearchOutcome, 'claim' | 'dropped' | 'seed' | 'shard' | 'workers' | 'budget' | 'cases' | 'casesPerSecond' | 'timeMs'> &
  Partial<Pick<SearchOutcome, 'found' | 'timeToFirstMs' | 'interrupted' | 'smt'>>;

/** The one builder of a search result file: from the outcome, or from the progress of a
 *  search still running (a checkpoint, marked interrupted until the final file replaces it). */
function searchResultFile(out: Counted, env: Environment, loss?: UserLossInfo): SearchResultFile {
  const doc: SearchResultFile = {
    kind: 'search',
    schema: RESULT_SCHEMA_VERSION,
    env,
    claim: out.claim,
    dropped: out.dropped,
    seed: out.seed,
    ...(out.shard.count > 1 ? { shard: shardText(out.shard) } : {}),
    workers: out.workers,
    budget: out.budget,
    cases: out.cases,
    casesPerSecond: out.casesPerSecond,
    timeMs: out.timeMs,
  };
  if (out.found) doc.counterexample = out.found.witness;
  if (out.timeToFirstMs !== undefined) doc.timeToFirstMs = out.timeToFirstMs;
  if (out.interrupted) doc.interrupted = true;
  if (out.smt) doc.smt = out.smt;
  if (loss) doc.loss = loss;
  return doc;
}

interface SearchRunOptions {
  claim: Claim;
  dropped: HypothesisName[];
  mode?: Mode;
  budget: { runs: number } | { seconds: number };
  workers: number;
  seed: number;
  shard: Shard;
  /** Replay one fast-check batch (seed, path) on the main thread instead of searching. */
  path?: string;
  shrinkSeconds?: number;
  smtSeconds: number;
  signal?: AbortSignal;
  /** The result file (checked writable before the run). */
  file: string;
  env: Environment;
  loss?: UserLossInfo;
  /** The claim's corpus as read before the run; `write` false only looks the failure up. */
  corpus?: { file: CorpusFile; dir: string; write: boolean };
  onProgress?: (p: SearchProgress) => void;
  /** Filled in while the search runs: writes the counts so far at once (a second Ctrl-C, before the process exits). */
  checkpoint?: { now?: () => void };
}

export interface SearchRun {
  out: SearchOutcome;
  doc: SearchResultFile;
  corpus?: CorpusSave;
  /** Why the result file could not be written (the witness is then only on the terminal). */
  writeError?: string;
}

export async function runSearch(o: SearchRunOptions): Promise<SearchRun> {
  let out: SearchOutcome;
  if (o.path !== undefined) out = replay(o.claim, o.mode, o.dropped, o.seed, o.path, 'runs' in o.budget ? o.budget.runs : undefined);
  else {
    let lastCheckpoint = Date.now();
    let latest: SearchProgress | undefined;
    const write = (p: SearchProgress): void => {
      const c = { claim: o.claim.id, dropped: o.dropped, seed: o.seed, shard: o.shard, workers: o.workers, budget: o.budget, cases: p.cases, casesPerSecond: p.casesPerSecond, timeMs: p.elapsedMs, interrupted: true };
      tryWrite(o.file, searchResultFile(c, o.env, o.loss));
    };
    if (o.checkpoint) o.checkpoint.now = () => latest && write(latest);
    out = await search({
      claim: o.claim,
      dropped: o.dropped,
      ...(o.mode ? { mode: o.mode } : {}),
      ...o.budget,
      workers: o.workers,
      seed: o.seed,
      shard: o.shard,
      ...(o.signal ? { signal: o.signal } : {}),
      ...(o.shrinkSeconds !== undefined ? { shrinkSeconds: o.shrinkSeconds / 3, simplifySeconds: (2 * o.shrinkSeconds) / 3 } : {}),
      // the whole search asks the solver; a shard of a split search samples only
      smtSeconds: o.shard.count > 1 ? 0 : o.smtSeconds,
      withinBudget: true,
      onProgress: (p) => {
        o.onProgress?.(p);
        latest = p;
        // a checkpoint every 10 s: a search killed outright still leaves its counts behind
        if (Date.now() - lastCheckpoint < 10_000) return;
        lastCheckpoint = Date.now();
        write(p);
      },
    });
    if (o.checkpoint) delete o.checkpoint.now;
  }
  const doc = searchResultFile(out, o.env, o.loss);
  const writeError = tryWrite(o.file, doc);
  const loss = userLoss()?.expr;
  const corpus =
    out.found && o.corpus
      ? saveFailure(o.claim, { witness: out.found.witness, failing: out.found.failing, ...(loss !== undefined ? { loss } : {}) }, { write: o.corpus.write, dir: o.corpus.dir, corpus: o.corpus.file })
      : undefined;
  return { out, doc, ...(corpus ? { corpus } : {}), ...(writeError ? { writeError } : {}) };
}

function tryWrite(file: string, doc: unknown): string | undefined {
  try {
    writeJSONAtomic(file, doc);
    return undefined;
  } catch (e) {
    return `cannot write ${file} (${(e as NodeJS.ErrnoException)?.code ?? (e instanceof Error ? e.message : String(e))})`;
  }
}

/** Replays a fast-check seed and path on the main thread (what a witness's replay command runs). */
function replay(claim: Claim, mode: Mode | undefined, dropped: HypothesisName[], seed: number, path: string, runs?: number): SearchOutcome {
  const m = mode ?? defaultMode(claim);
  const r = checkClaim(claim, { mode: m, seed, path, dropped, ...(runs ? { runs } : {}), command: 'search' });
  const t0 = performance.now();
  const found: Found | undefined = finishFailure(claim, { claim: claim.id, mode: m, dropped, shrinkSeconds: 20, simplifySeconds: 5 }, r);
  return {
    cases: r.cases,
    nonTrivial: r.nonTrivial,
    undecided: r.undecided,
    falseAlarms: r.falseAlarms,
    claim: claim.id,
    mode: m,
    dropped,
    seed,
    shard: { index: 1, count: 1 },
    workers: 1,
    budget: runs ? { runs } : {},
    timeMs: r.timeMs + (performance.now() - t0),
    casesPerSecond: r.cases / Math.max(1e-3, r.timeMs / 1000),
    ...(found ? { found } : {}),
    interrupted: r.interrupted,
    ...(r.verdict === 'error' && r.error ? { error: r.error } : {}),
    seeds: [[seed]],
  };
}

/** Merges the result files of the shards of one search (same claim, dropped hypotheses, seed);
 *  a file that is not one of them is BadFile (naming the file and the field). */
export function mergeSearchFiles(files: readonly string[], env: Environment): SearchResultFile {
  const docs: SearchResultFile[] = files.map((f) => {
    let doc: unknown;
    try {
      doc = JSON.parse(readFileSync(f, 'utf8'));
    } catch (e) {
      throw new BadFile(f, '', `cannot read JSON (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`);
    }
    const d = doc as Partial<SearchResultFile> | null;
    if (d?.kind !== 'search') throw new BadFile(f, 'kind', `must be "search", got ${JSON.stringify(d?.kind)}`);
    for (const k of ['claim', 'seed', 'cases', 'timeMs'] as const) if (d[k] === undefined) throw new BadFile(f, k, 'is missing');
    if (typeof d.claim !== 'string') throw new BadFile(f, 'claim', 'must be a string');
    for (const k of ['seed', 'cases', 'timeMs'] as const) if (typeof d[k] !== 'number' || !Number.isFinite(d[k])) throw new BadFile(f, k, 'must be a finite number');
    if (d.dropped !== undefined && !(Array.isArray(d.dropped) && d.dropped.every((h) => typeof h === 'string'))) throw new BadFile(f, 'dropped', 'must be an array of hypothesis names');
    return d as SearchResultFile;
  });
  const first = docs[0]!;
  docs.forEach((d, i) => {
    const same = d.claim === first.claim && d.seed === first.seed && JSON.stringify([...(d.dropped ?? [])].sort()) === JSON.stringify([...(first.dropped ?? [])].sort());
    if (!same)
      throw new BadFile(files[i]!, 'claim/seed/dropped', `(${d.claim}, ${d.seed}, [${d.dropped}]) differ from ${files[0]} (${first.claim}, ${first.seed}, [${first.dropped}])`);
  });
  const shards = docs.map((d) => d.shard ?? '1/1');
  if (new Set(shards).size !== shards.length) throw new BadFile(files[0]!, 'shard', `the same shard appears twice (${shards.join(', ')})`);
  // the simplest counterexample: fewest entries in its input, then the earliest found
  const size = (w: Witness) => JSON.stringify(w.input).length;
  const withCx = docs.filter((d) => d.counterexample).sort((a, b) => size(a.counterexample!) - size(b.counterexample!) || (a.timeToFirstMs ?? 0) - (b.timeToFirstMs ?? 0));
  const merged: SearchResultFile = {
    kind: 'search',
    schema: RESULT_SCHEMA_VERSION,
    env,
    claim: first.claim,
    dropped: first.dropped ?? [],
    seed: first.seed,
    shard: `merged ${shards.join(', ')}`,
    workers: docs.reduce((a, d) => a + (d.workers ?? 0), 0),
    budget: first.budget,
    cases: docs.reduce((a, d) => a + d.cases, 0),
    // the shards ran side by side: their rates add up
    casesPerSecond: docs.reduce((a, d) => a + (d.casesPerSecond ?? 0), 0),
    timeMs: Math.max(...docs.map((d) => d.timeMs)),
  };
  if (withCx[0]) {
    merged.counterexample = withCx[0].counterexample!;
    if (withCx[0].timeToFirstMs !== undefined) merged.timeToFirstMs = withCx[0].timeToFirstMs;
  }
  if (docs.some((d) => d.interrupted)) merged.interrupted = true;
  return merged;
}
