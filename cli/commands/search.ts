/**
 * `loracheck search`: a counterexample search for one claim across worker threads, with
 * hypotheses dropped on request (the generators widen for each), sharding of the seed space
 * across machines, shrinking, exact confirmation, the corpus, and a replay command.
 * Also the shared flag checks and printing of `ablate` and `tighten`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from '../main.ts';
import { SEED_MAX, UsageError, type FlagSpec } from '../args.ts';
import { environment, resultsDir, writeJSONAtomic } from '../io.ts';
import type { Mode } from '../../numeric/field.ts';
import { HYPOTHESES, type Claim, type HypothesisName } from '../../theory/claim.ts';
import { CATALOGUE, claimById } from '../../theory/index.ts';
import { RESULT_SCHEMA_VERSION, type SearchResultFile, type Witness } from '../../theory/results.ts';
import { checkClaim, corpusPath, defaultMode, freshSeed, knownFailure, parseShard, readCorpus, userLoss, withEntry, type Shard } from '../../properties/index.ts';
import { LOSS_FLAGS, applyLossFlags, claimForLoss } from '../loss.ts';
import { finishFailure, type Found } from '../../properties/search/handler.ts';
import { WorkerPool, defaultWorkers } from '../../properties/search/pool.ts';
import { shardText } from '../../properties/search/seeds.ts';
import { HANDLER, search, type SearchOutcome, type SearchProgress } from '../../properties/search/search.ts';

// ------------------------------------------------------------------ shared with ablate, tighten

export const COMMON_FLAGS: Record<string, FlagSpec> = {
  seconds: { type: 'number', arg: 'S', duration: true, help: 'time budget in seconds', gt: 0 },
  workers: { type: 'int', arg: 'K', help: 'worker threads (default: all cores)', min: 1 },
  seed: { type: 'int', arg: 'N', help: 'seed, 0..2^32-1 (printed; the same seed replays the run)', min: 0, max: SEED_MAX },
  json: { type: 'boolean', help: 'print one JSON document on stdout (progress stays on stderr)' },
  results: { type: 'string', arg: 'DIR', help: 'results folder (default: results, or $LORACHECK_RESULTS)' },
  ...LOSS_FLAGS,
};

/** Solver time before sampling (search, ablate): a refutation is a confirmed minimal witness. */
export const SMT_FLAG: FlagSpec = { type: 'number', arg: 'S', duration: true, min: 0, default: 5, help: 'seconds for the SMT engine before sampling, where the claim has an encoding (0: sample only)' };

export function claimOrUsage(cmd: string, id: string): Claim {
  const c = claimById(id);
  if (!c) throw new UsageError(`${cmd}: --claim ${id}: unknown claim (see 'loracheck claims')`);
  return c;
}

export function droppedOrUsage(cmd: string, claim: Claim, drops: readonly string[]): HypothesisName[] {
  const out: HypothesisName[] = [];
  for (const h of drops) {
    if (!(h in HYPOTHESES)) throw new UsageError(`${cmd}: --drop ${h}: unknown hypothesis (known: ${Object.keys(HYPOTHESES).join(', ')})`);
    if (!claim.hypotheses.includes(h as HypothesisName))
      throw new UsageError(
        `${cmd}: --drop ${h}: claim ${claim.id} does not use this hypothesis (it uses: ${claim.hypotheses.join(', ') || 'none'})`,
      );
    if (!out.includes(h as HypothesisName)) out.push(h as HypothesisName);
  }
  return out;
}

export function modeOrUsage(cmd: string, claim: Claim, mode: string | undefined): Mode | undefined {
  if (mode === undefined) return undefined;
  if (!claim.modes.includes(mode as Mode))
    throw new UsageError(`${cmd}: --mode ${mode}: claim ${claim.id} runs in ${claim.modes.join(', ')} only`);
  return mode as Mode;
}

/** Runs fn with an AbortSignal that the first Ctrl-C aborts (the run stops and keeps what it
 *  found); a second Ctrl-C exits at once. */
export async function withInterrupt<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const ac = new AbortController();
  const onInt = () => {
    if (ac.signal.aborted) process.exit(130);
    process.stderr.write('\nloracheck: interrupted; stopping the workers and keeping what was found (Ctrl-C again to quit now)\n');
    ac.abort();
  };
  process.on('SIGINT', onInt);
  try {
    return await fn(ac.signal);
  } finally {
    process.off('SIGINT', onInt);
  }
}

/**
 * The skeleton `ablate` and `tighten` share: a worker pool started on demand and always closed,
 * Ctrl-C handling, the result file rewritten atomically after every row (so an interrupted run
 * keeps every row so far), then written once more and printed as JSON when asked.
 */
export async function rowsJob<R, D>(opts: {
  file: string;
  json: boolean;
  workers: number;
  doc: (interrupted: boolean) => D;
  rows: R[];
  printRow: (row: R) => void;
  run: (ctx: {
    pool: () => WorkerPool;
    signal: AbortSignal;
    progress: ReturnType<typeof progressPrinter>;
    onRow: (row: R) => void;
  }) => Promise<{ interrupted: boolean }>;
}): Promise<{ interrupted: boolean }> {
  const progress = progressPrinter();
  let pool: WorkerPool | undefined;
  const result = await withInterrupt((signal) =>
    opts.run({
      pool: () => (pool = new WorkerPool({ workers: opts.workers, handler: HANDLER })),
      signal,
      progress,
      onRow: (row) => {
        progress.done();
        opts.rows.push(row);
        writeJSONAtomic(opts.file, opts.doc(false));
        if (!opts.json) opts.printRow(row);
      },
    }),
  ).finally(async () => {
    await pool?.close();
  });
  progress.done();
  writeJSONAtomic(opts.file, opts.doc(result.interrupted));
  if (opts.json) console.log(JSON.stringify(opts.doc(result.interrupted), null, 2));
  return result;
}

/** One progress line on stderr: rewritten in place on a terminal, every 10 s otherwise. */
export function progressPrinter(): { line(text: string): void; done(): void } {
  const tty = process.stderr.isTTY === true;
  let last = 0;
  let shown = false;
  return {
    line(text) {
      const now = Date.now();
      if (tty) {
        process.stderr.write(`\r\x1b[2K${text}`);
        shown = true;
      } else if (now - last >= 10_000) {
        last = now;
        process.stderr.write(`${text}\n`);
      }
    },
    done() {
      if (tty && shown) process.stderr.write('\r\x1b[2K');
      shown = false;
    },
  };
}

export function searchProgressText(label: string, p: SearchProgress): string {
  return `${label}: ${p.cases} cases, ${p.casesPerSecond.toFixed(0)} cases/s, ${p.failures} failure${p.failures === 1 ? '' : 's'}${
    p.falseAlarms ? ` (${p.falseAlarms} float64 false alarms)` : ''
  }${p.worstRatio !== undefined ? `, worst ratio ${p.worstRatio.toPrecision(6)}` : ''}${p.shrinking ? ', shrinking' : ''}, ${(p.elapsedMs / 1000).toFixed(1)} s`;
}

function matrixText(x: unknown): string | undefined {
  if (!x || typeof x !== 'object') return undefined;
  const m = x as { rows?: number; cols?: number; data?: unknown[] };
  if (typeof m.rows !== 'number' || typeof m.cols !== 'number' || !Array.isArray(m.data)) return undefined;
  const rows: string[] = [];
  for (let i = 0; i < m.rows; i++) rows.push(`[${m.data.slice(i * m.cols, (i + 1) * m.cols).map(String).join(', ')}]`);
  return `[${rows.join(', ')}]`;
}

/** Human lines for a witness: sizes, input fields, each comparison, violated hypotheses, replay. */
export function witnessLines(w: Witness, indent = '  '): string[] {
  const out: string[] = [];
  const inp = w.input as Record<string, unknown> | null;
  if (inp && typeof inp === 'object') {
    for (const [k, v] of Object.entries(inp)) {
      if (k === 'loss' && v && typeof v === 'object') {
        const l = v as Record<string, unknown>;
        out.push(`${indent}loss: ${String(l.family ?? '?')}${typeof l.expr === 'string' ? ` f(w, c) = ${l.expr}` : ''} (L = ${String(l.L ?? '?')}, L* = ${String(l.Lstar ?? '?')}; full data in the JSON)`);
        continue;
      }
      const mt = matrixText(v);
      out.push(`${indent}${k} = ${mt ?? (typeof v === 'string' ? v : JSON.stringify(v))}`);
    }
  }
  for (const c of w.comparisons) {
    const verdict = c.holds === true ? 'holds' : c.holds === false ? 'FALSE' : 'undecided';
    const ratio = c.ratio !== undefined ? `, ratio ${c.ratio.toPrecision(6)}` : '';
    out.push(`${indent}${c.label ?? 'comparison'}: ${c.lhs} ${c.rel} ${c.rhs}  ${verdict}${ratio}`);
  }
  if (w.violates?.length) out.push(`${indent}violates: ${w.violates.join(', ')}`);
  out.push(`${indent}replay: ${w.replay}`);
  return out;
}

// ------------------------------------------------------------------------------- search

export interface CorpusSave {
  path: string;
  /** A known failure (properties/corpus.ts knownFailure): never one to a claim as stated. */
  known: boolean;
  /** The corpus already held the same failure. */
  stored: boolean;
  /** It was added now. */
  saved: boolean;
}

/** The corpus file of a claim, read and checked (a file that does not match its name is bad input). */
export function corpusOrUsage(cmd: string, claim: Claim, dir?: string) {
  try {
    return readCorpus(claim.id, dir);
  } catch (e) {
    throw new UsageError(`${cmd}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** Looks a confirmed counterexample up in properties/corpus/<claim>.json and adds it (when
 *  `write`) unless the same failure is there. */
export function saveToCorpus(claim: Claim, found: Found, write: boolean, dir?: string): CorpusSave | undefined {
  const w = found.witness;
  if (!w.confirmedIn || found.failing.length === 0) return undefined;
  const path = corpusPath(claim.id, dir);
  const file = corpusOrUsage('search', claim, dir);
  const loss = userLoss()?.expr;
  const v = knownFailure(claim, { dropped: w.dropped, failing: found.failing, ...(loss !== undefined ? { loss } : {}) }, file);
  if (v.entry || !write) return { path, known: v.known, stored: v.entry !== undefined, saved: false };
  writeJSONAtomic(path, withEntry(file, { recordedAt: new Date().toISOString(), failing: found.failing, witness: w }));
  return { path, known: false, stored: false, saved: true };
}

/** Result file name: search-<claim>[-no-<hyp>...][-shard-<i>of<k>].json */
export function searchFileName(claim: string, dropped: readonly string[], shard?: Shard): string {
  const drops = dropped.map((h) => `-no-${h}`).join('');
  const sh = shard && shard.count > 1 ? `-shard-${shard.index}of${shard.count}` : '';
  return `search-${claim}${drops}${sh}.json`;
}

function resultFile(out: SearchOutcome, shard: Shard): SearchResultFile {
  const doc: SearchResultFile = {
    kind: 'search',
    schema: RESULT_SCHEMA_VERSION,
    env: environment(),
    claim: out.claim,
    dropped: out.dropped,
    seed: out.seed,
    workers: out.workers,
    budget: out.budget,
    cases: out.cases,
    casesPerSecond: out.casesPerSecond,
    timeMs: out.timeMs,
  };
  if (shard.count > 1) doc.shard = shardText(shard);
  if (out.found) doc.counterexample = out.found.witness;
  if (out.timeToFirstMs !== undefined) doc.timeToFirstMs = out.timeToFirstMs;
  if (out.interrupted) doc.interrupted = true;
  if (out.smt) doc.smt = out.smt;
  return doc;
}

/** The result file while a search runs (marked interrupted until the final one replaces it). */
function checkpoint(
  claim: string,
  dropped: string[],
  seed: number,
  shard: Shard,
  workers: number,
  budget: { runs?: number; seconds?: number },
  p: SearchProgress,
): SearchResultFile {
  return {
    kind: 'search',
    schema: RESULT_SCHEMA_VERSION,
    env: environment(),
    claim,
    dropped,
    seed,
    ...(shard.count > 1 ? { shard: shardText(shard) } : {}),
    workers,
    budget,
    cases: p.cases,
    casesPerSecond: p.casesPerSecond,
    timeMs: p.elapsedMs,
    interrupted: true,
  };
}

/** Merges the result files of the shards of one search (same claim, dropped hypotheses, seed). */
export function mergeSearchFiles(files: readonly string[]): SearchResultFile {
  const docs: SearchResultFile[] = files.map((f) => {
    let doc: unknown;
    try {
      doc = JSON.parse(readFileSync(f, 'utf8'));
    } catch (e) {
      throw new UsageError(`search --merge: ${f}: cannot read JSON (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`);
    }
    const d = doc as Partial<SearchResultFile>;
    if (d?.kind !== 'search') throw new UsageError(`search --merge: ${f}: field kind must be "search", got ${JSON.stringify(d?.kind)}`);
    for (const k of ['claim', 'seed', 'cases', 'timeMs'] as const)
      if (d[k] === undefined) throw new UsageError(`search --merge: ${f}: field ${k} is missing`);
    return d as SearchResultFile;
  });
  const first = docs[0]!;
  docs.forEach((d, i) => {
    const same = d.claim === first.claim && d.seed === first.seed && JSON.stringify([...(d.dropped ?? [])].sort()) === JSON.stringify([...(first.dropped ?? [])].sort());
    if (!same)
      throw new UsageError(`search --merge: ${files[i]}: claim/seed/dropped (${d.claim}, ${d.seed}, [${d.dropped}]) differ from ${files[0]} (${first.claim}, ${first.seed}, [${first.dropped}])`);
  });
  const shards = docs.map((d) => d.shard ?? '1/1');
  if (new Set(shards).size !== shards.length) throw new UsageError(`search --merge: the same shard appears twice (${shards.join(', ')})`);
  // the simplest counterexample: fewest entries in its input, then the earliest found
  const size = (w: Witness) => JSON.stringify(w.input).length;
  const withCx = docs.filter((d) => d.counterexample).sort((a, b) => size(a.counterexample!) - size(b.counterexample!) || (a.timeToFirstMs ?? 0) - (b.timeToFirstMs ?? 0));
  const merged: SearchResultFile = {
    kind: 'search',
    schema: RESULT_SCHEMA_VERSION,
    env: environment(),
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

export const command: Command = {
  spec: {
    name: 'search',
    summary: 'Search one claim for a counterexample across worker threads; shrink, confirm exactly, save to the corpus.',
    usage:
      'search --claim ID [--drop HYP]... [--seconds S | --runs N] [--workers K] [--seed N] [--shard i/k] [--mode M] [--json] [--results DIR]\n' +
      '       loracheck search --merge FILE...',
    flags: {
      claim: { type: 'string', arg: 'ID', help: "claim id (see 'loracheck claims')" },
      drop: { type: 'string[]', arg: 'HYP', help: 'drop a hypothesis of the claim (repeatable); the generators widen for it' },
      ...COMMON_FLAGS,
      seconds: { type: 'number', arg: 'S', duration: true, help: 'time budget in seconds (default 10)', gt: 0 },
      seed: { type: 'int', arg: 'N', help: 'seed, 0..2^32-1 (printed; the same seed replays the run); with --path, the fast-check batch seed a replay prints (-2^31..2^31-1)', min: -(2 ** 31), max: SEED_MAX },
      runs: { type: 'int', arg: 'N', help: 'case budget instead of time (per shard, split over the workers)', min: 1 },
      shard: { type: 'string', arg: 'i/k', help: 'search slice i of k of the seed space (k machines split one search)' },
      mode: { type: 'string', arg: 'M', help: "arithmetic (default: the claim's first mode)", choices: ['exact', 'precise', 'float64'] },
      path: { type: 'string', arg: 'P', help: 'replay: with --seed S, rerun the fast-check batch S along path P (as a witness replay prints)' },
      'no-corpus': { type: 'boolean', help: 'do not save the counterexample in the corpus' },
      'shrink-seconds': { type: 'number', arg: 'S', duration: true, gt: 0, help: 'time for shrinking a failure (default: from the budget, at most 15 s)' },
      smt: SMT_FLAG,
      merge: { type: 'boolean', help: 'merge the result files of the shards of one search (FILE...)' },
    },
    positionals: 'FILE...',
    details: [
      'Stops at the first confirmed counterexample or at the end of the budget. Ctrl-C stops early and keeps',
      'everything found so far (the result file says interrupted: true).',
      'Shards: run `--shard i/k` with the same --seed on k machines; each writes',
      'results/search-<claim>[-no-<hyp>]-shard-<i>of<k>.json. `loracheck search --merge FILE...` merges them',
      'into search-<claim>[-no-<hyp>].json (cases add up, the simplest counterexample wins).',
      'Exit: 0 no counterexample, or one found with hypotheses dropped, or a printed line the catalogue',
      'corrects failing as already recorded in the corpus; 1 any counterexample to a claim stated as true',
      '(with all its hypotheses: never "known", whatever the corpus holds) or a new one to a printed line;',
      '2 bad input.',
    ].join('\n'),
  },
  async run({ flags, positionals }) {
    const cmd = 'search';
    const dir = () => resultsDir(flags.results);
    if (flags.merge) {
      if (flags.claim !== undefined) throw new UsageError(`${cmd}: --merge takes result files, not --claim`);
      if (positionals.length === 0) throw new UsageError(`${cmd}: --merge needs the result files of the shards (FILE...)`);
      const merged = mergeSearchFiles(positionals);
      const file = join(dir(), searchFileName(merged.claim, merged.dropped));
      writeJSONAtomic(file, merged);
      if (flags.json) console.log(JSON.stringify(merged, null, 2));
      else {
        console.log(`merged ${positionals.length} shard files of ${merged.claim}: ${merged.cases} cases, ${merged.counterexample ? 'a counterexample' : 'no counterexample'}`);
        if (merged.counterexample) for (const l of witnessLines(merged.counterexample)) console.log(l);
        console.log(`written: ${file}`);
      }
      return 0;
    }
    if (positionals.length) throw new UsageError(`${cmd}: unexpected argument "${positionals[0]}" (files only with --merge)`);
    if (flags.claim === undefined) throw new UsageError(`${cmd}: --claim ID is required (see 'loracheck claims')`);
    const claim = claimOrUsage(cmd, flags.claim);
    const loss = applyLossFlags(cmd, flags, flags.json);
    if (loss) claimForLoss(cmd, claim);
    const dropped = droppedOrUsage(cmd, claim, flags.drop);
    if (!flags['no-corpus']) corpusOrUsage(cmd, claim); // a bad corpus file is bad input before any search
    if (flags.seed !== undefined && flags.seed < 0 && flags.path === undefined)
      throw new UsageError(`${cmd}: --seed ${flags.seed}: a negative seed is a fast-check batch seed, for --path replays only (use 0..${SEED_MAX})`);
    const mode = modeOrUsage(cmd, claim, flags.mode);
    if (flags.seconds !== undefined && flags.runs !== undefined) throw new UsageError(`${cmd}: give --seconds or --runs, not both`);
    let shard: Shard = { index: 1, count: 1 };
    if (flags.shard !== undefined) {
      if (!/^\s*\d+\/\d+\s*$/.test(flags.shard)) throw new UsageError(`${cmd}: --shard must look like i/k (e.g. 1/4), got "${flags.shard}"`);
      const s = parseShard(flags.shard);
      if (!s) throw new UsageError(`${cmd}: --shard ${flags.shard}: need 1 <= i <= k`);
      shard = s;
    }
    if (flags.path !== undefined && flags.seed === undefined) throw new UsageError(`${cmd}: --path needs --seed (the batch seed the replay command prints)`);
    if (flags.path !== undefined && !/^\d+(:\d+)*$/.test(flags.path)) throw new UsageError(`${cmd}: --path must look like 3:2:0 (a fast-check path), got "${flags.path}"`);
    const workers: number = flags.workers ?? defaultWorkers();
    const seed: number = flags.seed ?? freshSeed();
    const label = `${claim.id}${dropped.length ? ` without ${dropped.join(', ')}` : ''}`;
    const progress = progressPrinter();

    const file = join(dir(), searchFileName(claim.id, dropped, shard));
    const budget = flags.runs !== undefined ? { runs: flags.runs as number } : { seconds: (flags.seconds ?? 10) as number };
    let lastCheckpoint = Date.now();
    let out: SearchOutcome;
    if (flags.path !== undefined) out = replay(claim, mode, dropped, seed, flags.path, flags.runs);
    else {
      if (!flags.json)
        console.log(
          `search ${label}: mode ${mode ?? defaultMode(claim)}, seed ${seed}, ${workers} worker${workers === 1 ? '' : 's'}, ` +
            `budget ${budget.runs !== undefined ? `${budget.runs} cases` : `${budget.seconds} s`}${shard.count > 1 ? `, shard ${shardText(shard)}` : ''}`,
        );
      out = await withInterrupt((signal) =>
        search({
          claim,
          dropped,
          ...(mode ? { mode } : {}),
          ...budget,
          workers,
          seed,
          shard,
          signal,
          ...(flags['shrink-seconds'] !== undefined ? { shrinkSeconds: flags['shrink-seconds'] / 3, simplifySeconds: (2 * flags['shrink-seconds']) / 3 } : {}),
          // the whole search asks the solver; a shard of a split search samples only
          smtSeconds: shard.count > 1 ? 0 : flags.smt,
          onProgress: (p) => {
            progress.line(searchProgressText(label, p));
            // a checkpoint every 10 s: a search killed outright still leaves its counts behind
            if (Date.now() - lastCheckpoint >= 10_000) {
              lastCheckpoint = Date.now();
              writeJSONAtomic(file, checkpoint(claim.id, dropped, seed, shard, workers, budget, p));
            }
          },
        }),
      );
    }
    progress.done();

    let corpus: CorpusSave | undefined;
    if (out.found) corpus = saveToCorpus(claim, out.found, !flags['no-corpus']);
    const doc = resultFile(out, shard);
    if (loss) doc.loss = loss.info;
    writeJSONAtomic(file, doc);

    if (flags.json) console.log(JSON.stringify(doc, null, 2));
    else {
      const w = out.found?.witness;
      if (out.smt) console.log(`SMT first: ${out.smt.text}${out.smt.verdict === 'unknown' ? '' : ` (${(out.smt.timeMs / 1000).toFixed(1)} s)`}${out.smt.verdict === 'proved' && out.smt.class === 'all inputs' ? ': no counterexample exists, nothing to sample' : ''}`);
      if (w) {
        const how = `${w.confirmedIn ? `confirmed in ${w.confirmedIn}` : 'not confirmed'}, ${w.shrunk ? 'shrunk' : 'not fully shrunk (stopped)'}`;
        console.log(`counterexample (${how})${w.sizes ? `: ${w.sizes}` : ''}`);
        for (const l of witnessLines(w)) console.log(l);
        if (out.timeToFirstMs !== undefined) console.log(`first confirmed failure after ${(out.timeToFirstMs / 1000).toFixed(2)} s`);
      } else console.log(`no counterexample in ${out.cases} cases${out.interrupted ? ' (interrupted)' : ''}`);
      console.log(
        `cases ${out.cases} (${out.nonTrivial} non-trivial, ${out.undecided} undecided, ${out.falseAlarms} float64 false alarms), ` +
          `${out.casesPerSecond.toFixed(1)} cases/s, ${(out.timeMs / 1000).toFixed(1)} s`,
      );
      if (out.stalledSeeds?.length)
        console.log(`note: ${out.stalledSeeds.length} batch(es) abandoned: one case did not finish (seeds ${out.stalledSeeds.join(', ')})`);
      if (out.error) console.log(`error: ${out.error}`);
      if (corpus?.stored) console.log(`already in the corpus${corpus.known ? '' : ' (a counterexample to the claim as stated is never known)'}: ${corpus.path}`);
      else if (corpus?.saved) console.log(`saved in the corpus: ${corpus.path}`);
      console.log(`written: ${file}`);
    }
    if (out.found && out.found.witness.dropped.length === 0 && !corpus?.known) return 1;
    return 0;
  },
};

export { CATALOGUE };
